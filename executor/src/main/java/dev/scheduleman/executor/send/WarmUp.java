package dev.scheduleman.executor.send;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.metrics.MetricsOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends webhooks at start, before the executor claims anything, to a receiver of its own on
 * loopback, through the same sending code (endpoint parsing, signing, the HTTP client, the
 * exchange), so that the first real wave does not run in the interpreter and load classes as it
 * goes: a cold executor sent its first 500 triggers due at one instant about a second late, a warm
 * one within tens of milliseconds.
 *
 * <p>Nothing of it reaches the database, the executor's metrics or its connection pools: it has a
 * Vert.x, a sender, a meter registry and a receiver of its own, all closed when it ends.
 */
public final class WarmUp {

  private static final Logger LOG = Logger.getLogger(WarmUp.class);
  private static final int WAVE = 500;

  private WarmUp() {}

  /**
   * Sends {@code requests} webhooks in waves of {@value #WAVE}, for at most {@code limit}.
   *
   * @return how many were answered
   */
  public static int run(int requests, Duration limit) {
    if (requests <= 0) {
      return 0;
    }
    // A Vert.x of its own: the same classes get compiled, and nothing of it reaches the
    // application's (its HTTP metrics, its event loops, its shared TCP servers).
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MetricsOptions()));
    try {
      return run(vertx, requests, limit);
    } finally {
      vertx.close();
    }
  }

  private static int run(Vertx vertx, int requests, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    HttpServer server = null;
    AtomicInteger answered = new AtomicInteger();
    try {
      server =
          vertx
              .createHttpServer()
              .requestHandler(r -> r.body().onComplete(b -> r.response().setStatusCode(204).end()))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(limit.toMillis(), TimeUnit.MILLISECONDS);
      String url = "http://127.0.0.1:" + server.actualPort() + "/warm-up";
      List<String> secrets = List.of(SigningSecrets.generate());
      CountDownLatch[] wave = new CountDownLatch[1];
      try (WebhookSender sender =
          new WebhookSender(
              vertx,
              new TargetAddresses(true),
              50,
              Clock.systemUTC(),
              Gate.OPEN,
              new ExecutorMetrics(new SimpleMeterRegistry(), () -> 0),
              delivery -> {
                if (delivery.httpStatus() != null) {
                  answered.incrementAndGet();
                }
                wave[0].countDown();
              },
              dropped -> wave[0].countDown())) {
        for (int sent = 0; sent < requests && System.nanoTime() < deadline; sent += WAVE) {
          int n = Math.min(WAVE, requests - sent);
          wave[0] = new CountDownLatch(n);
          for (int i = 0; i < n; i++) {
            sender.send(trigger(url, secrets));
          }
          if (!wave[0].await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // A warm-up that fails costs a slower first wave, never the start.
      LOG.warnf("the send warm-up stopped early: %s", e.toString());
    } finally {
      if (server != null) {
        server.close();
      }
    }
    return answered.get();
  }

  /** A one-off trigger to {@code url}, as if just claimed, with a lease of 30 s. */
  static ClaimedTrigger trigger(String url, List<String> secrets) {
    return trigger(url, secrets, Duration.ofSeconds(5));
  }

  static ClaimedTrigger trigger(String url, List<String> secrets, Duration timeout) {
    Instant now = Instant.now();
    return new ClaimedTrigger(
        UUID.randomUUID(),
        UUID.randomUUID(),
        PendingTrigger.restore(
            now, now, UUID.randomUUID(), 0, "warm-up", now.plusSeconds(30), UUID.randomUUID()),
        TriggerRules.of(
            new AtSpec(now), new RetryPolicy(1, Duration.ZERO, Duration.ZERO, OnExhausted.DEAD)),
        new Target(
            url, "POST", Map.of("content-type", "application/json"), "{\"warm\":true}", timeout),
        secrets,
        now,
        Optional.empty());
  }
}
