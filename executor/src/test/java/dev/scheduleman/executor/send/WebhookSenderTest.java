package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.executor.complete.Delivery;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

  private Vertx vertx;
  private HttpServer server;
  private final Set<String> received = ConcurrentHashMap.newKeySet();
  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  private final List<ClaimedTrigger> dropped = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void receiver() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  received.add(r.getHeader(WebhookHeaders.ID));
                  r.body().onComplete(b -> r.response().setStatusCode(204).end());
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
  }

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /**
   * A process that stalls after the gate admitted a trigger (frozen, starved of CPU) wakes with its
   * lease gone, and another executor may have fired the trigger meanwhile: what it writes then is a
   * duplicate. The second, local question at the moment of writing keeps it from going out.
   */
  @Test
  void aTriggerWhoseLeaseRanOutAfterItsAdmissionIsDroppedUnsent() {
    String url = "http://127.0.0.1:" + server.actualPort() + "/hook";
    List<String> secrets = List.of(SigningSecrets.generate());
    ClaimedTrigger expired = WarmUp.trigger(url, secrets);
    ClaimedTrigger held = WarmUp.trigger(url, secrets);
    Set<UUID> stillCovered = Set.of(held.executionId());
    Gate gate =
        Gate.of(
            (trigger, decision) -> decision.accept(true),
            trigger -> stillCovered.contains(trigger.executionId()));

    try (WebhookSender sender = sender(gate)) {
      sender.send(expired);
      sender.send(held);
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() + dropped.size() == 2);
    }

    assertThat(dropped).containsExactly(expired);
    assertThat(delivered).extracting(Delivery::httpStatus).containsExactly(204);
    assertThat(received).containsExactly(held.executionId().toString());
    assertThat(registry.get("scheduleman.leases.lost").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aTriggerTheGateDoesNotAdmitIsDroppedUnsent() {
    String url = "http://127.0.0.1:" + server.actualPort() + "/hook";
    ClaimedTrigger refused = WarmUp.trigger(url, List.of(SigningSecrets.generate()));

    try (WebhookSender sender =
        sender(Gate.of((trigger, decision) -> decision.accept(false), trigger -> true))) {
      sender.send(refused);
      await().atMost(Duration.ofSeconds(10)).until(() -> dropped.size() == 1);
    }

    assertThat(dropped).containsExactly(refused);
    assertThat(delivered).isEmpty();
    assertThat(received).isEmpty();
  }

  /**
   * A receiver that works on 5 requests at a time, 100 ms each (50 a second), and 60 connections to
   * it: kept all busy, a request waits 1.2 s in the receiver's queue, longer than its timeout, and
   * every attempt after the first ~50 would time out although the receiver reads it. The sender
   * halves its connections to the host at the first timeouts, and the rest wait on this side, off
   * the clock, and arrive in time.
   */
  @Test
  void aHostThatTimesOutGetsFewerRequestsAtOnceAndTheRestArriveInTime() throws Exception {
    int workers = 5;
    int triggers = 300;
    HttpServer busy = busyReceiver(workers, 100);
    String url = "http://127.0.0.1:" + busy.actualPort() + "/busy";
    List<String> secrets = List.of(SigningSecrets.generate());

    try (WebhookSender sender = sender(Gate.of((t, d) -> d.accept(true), t -> true), 60)) {
      for (int i = 0; i < triggers; i++) {
        sender.send(WarmUp.trigger(url, secrets, Duration.ofSeconds(1)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() == triggers);
      long failed = delivered.stream().filter(d -> !d.succeeded()).count();
      double cuts = registry.get("scheduleman.delivery.host.limit.cuts").counter().count();
      System.out.printf(
          "busy host (%d at a time, 100 ms each), 60 connections, %d triggers with 1 s timeouts:"
              + " %d failed, %.0f cuts, limit now %d%n",
          workers, triggers, failed, cuts, sender.limitOf(url));
      // Only what was already on the wire when the first timeout came back can fail.
      assertThat(failed).isLessThanOrEqualTo(60);
      assertThat(delivered.stream().filter(Delivery::succeeded).count())
          .isGreaterThanOrEqualTo(triggers - 60);
      assertThat(cuts).isGreaterThanOrEqualTo(1);
      assertThat(sender.limitOf(url)).isLessThan(60);
    }
  }

  /** Answers {@code workers} requests at a time, each after {@code millis}; the rest queue. */
  private HttpServer busyReceiver(int workers, long millis) throws Exception {
    java.util.ArrayDeque<io.vertx.core.http.HttpServerRequest> queue = new java.util.ArrayDeque<>();
    int[] working = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (working[0] < workers && !queue.isEmpty()) {
            var next = queue.poll();
            if (next.response().closed()) {
              continue; // the sender gave up on it: a receiver that notices does no work for it
            }
            working[0]++;
            vertx.setTimer(
                millis,
                t -> {
                  working[0]--;
                  next.response().setStatusCode(204).end().onComplete(done -> {});
                  pump[0].run();
                });
          }
        };
    return vertx
        .createHttpServer()
        .requestHandler(
            r ->
                r.body()
                    .onSuccess(
                        b -> {
                          queue.add(r);
                          pump[0].run();
                        }))
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  private WebhookSender sender(Gate gate) {
    return sender(gate, 4);
  }

  private WebhookSender sender(Gate gate, int connectionsPerHost) {
    return new WebhookSender(
        vertx,
        new TargetAddresses(true),
        connectionsPerHost,
        Clock.systemUTC(),
        gate,
        new ExecutorMetrics(registry, () -> 0),
        delivered::add,
        dropped::add);
  }
}
