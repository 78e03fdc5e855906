package dev.scheduleman.executor.send;

import dev.scheduleman.executor.complete.Delivery;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.webhook.WebhookSigner;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The third stage: sends a due trigger's webhook. In order, for each trigger: a row that cannot be
 * fired as stored is not fired (a defect); the trigger waits, in due order, for one of this
 * executor's connections to its host; the {@link Gate} confirms it may still go out (its lease
 * covers it and nobody changed it meanwhile), else it is dropped unsent; it never goes out before
 * its instant by the database's clock; as the request is written, the gate is asked once more,
 * without the database, whether the lease still covers it (else it is dropped unsent); the target
 * is checked (and, when private targets are refused, resolved here and connected to at the checked
 * address); then the {@link Exchange}. Every trigger handed in leaves exactly once: as a {@link
 * Delivery} to the next stage, or as dropped; nothing is thrown.
 */
public final class WebhookSender implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WebhookSender.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final Exchange exchange;
  private final HostSlots slots;
  private final TargetAddresses targets;
  private final Clock clock;
  private final Gate gate;
  private final ExecutorMetrics metrics;
  private final Consumer<Delivery> delivered;
  private final Consumer<ClaimedTrigger> dropped;
  private final Map<List<String>, WebhookSigner> signers = new ConcurrentHashMap<>();
  private final Endpoint.Cache endpoints = new Endpoint.Cache(10_000);

  /**
   * @param clock the database's clock: the times deliveries are recorded at
   * @param gate asked right before each request whether it may still go out
   * @param delivered where each delivery goes: the next stage
   * @param dropped told of a trigger the gate kept from going out: it is not this executor's any
   *     more, or not as it was
   */
  public WebhookSender(
      Vertx vertx,
      TargetAddresses targets,
      int connectionsPerHost,
      Clock clock,
      Gate gate,
      ExecutorMetrics metrics,
      Consumer<Delivery> delivered,
      Consumer<ClaimedTrigger> dropped) {
    this.vertx = vertx;
    this.targets = targets;
    this.clock = clock;
    this.gate = gate;
    this.metrics = metrics;
    this.delivered = delivered;
    this.dropped = dropped;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setVerifyHost(true)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(connectionsPerHost).setMaxWaitQueueSize(-1));
    this.exchange = new Exchange(vertx, client, clock, gate);
    this.slots = new HostSlots(connectionsPerHost, r -> vertx.runOnContext(v -> r.run()));
  }

  /** Sends the webhook of a due trigger; its delivery goes on when it has ended. */
  public void send(ClaimedTrigger trigger) {
    try {
      if (trigger.defect().isPresent()) {
        emit(Delivery.notFired(trigger, clock.instant(), trigger.defect().get()));
        return;
      }
      if (trigger.skipped().isPresent()) {
        metrics.skipped();
        delivered.accept(Delivery.skipped(trigger, clock.instant(), trigger.skipped().get()));
        return;
      }
      Endpoint endpoint;
      try {
        endpoint = endpoints.of(trigger.target().url());
      } catch (Endpoint.Unusable e) {
        emit(failed(trigger, e.getMessage()));
        return;
      }
      slots.acquire(
          endpoint.slot(), trigger, () -> connected(trigger, endpoint, System.nanoTime()));
    } catch (RuntimeException e) {
      emit(failed(trigger, "could not send: " + e.getMessage()));
    }
  }

  /** The trigger has one of the host's connections (since it asked at {@code askedAtNanos}). */
  private void connected(ClaimedTrigger trigger, Endpoint endpoint, long askedAtNanos) {
    metrics.queued(Duration.ofNanos(System.nanoTime() - askedAtNanos));
    // The gate may answer on its own thread (after a fence): the send goes on on a Vert.x
    // context, never on the gate's thread, which would then send everything it fences itself.
    Context context = vertx.getOrCreateContext();
    gate.admit(
        trigger, admitted -> onContext(context, () -> admitted(trigger, endpoint, admitted)));
  }

  private static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void admitted(ClaimedTrigger trigger, Endpoint endpoint, boolean admitted) {
    if (!admitted) {
      slots.release(endpoint.slot(), HostLimit.Signal.NONE, 0);
      dropped.accept(trigger);
      return;
    }
    notBefore(
        trigger,
        () -> {
          long sentAt = System.nanoTime();
          attempt(trigger, endpoint)
              .onComplete(
                  done -> {
                    HostLimit.Signal signal =
                        done.succeeded() ? done.result().signal() : HostLimit.Signal.NONE;
                    if (slots.release(endpoint.slot(), signal, sentAt)) {
                      metrics.hostLimitCut();
                      LOG.debugf(
                          "%s is overloaded (%s): at most %d requests at once from here",
                          endpoint.slot(),
                          done.result().delivery().error(),
                          slots.limitOf(endpoint.slot()));
                    }
                    if (done.failed() && done.cause() instanceof Exchange.LeaseLost) {
                      metrics.leasesLost(1);
                      dropped.accept(trigger);
                      return;
                    }
                    emit(
                        done.succeeded()
                            ? done.result().delivery()
                            : failed(trigger, "request failed"));
                  });
        });
  }

  /** Runs {@code go} once the database's clock has reached the trigger's instant. */
  private void notBefore(ClaimedTrigger trigger, Runnable go) {
    long early = Duration.between(clock.instant(), trigger.fireAt()).toNanos();
    if (early <= 0) {
      go.run();
    } else {
      vertx.setTimer(Math.max(1, (early + 999_999) / 1_000_000), id -> notBefore(trigger, go));
    }
  }

  private Future<Exchange.Result> attempt(ClaimedTrigger trigger, Endpoint endpoint) {
    Instant firedAt = clock.instant();
    metrics.lateness(Duration.between(trigger.fireAt(), firedAt));
    if (targets.allowPrivate()) {
      // Any address will do: the client resolves the host by itself.
      return exchange.run(trigger, endpoint, null, firedAt, signer(trigger));
    }
    String host = endpoint.host();
    Optional<String> refused = targets.checkHost(host);
    if (refused.isPresent()) {
      return unsent(trigger, "target refused: " + refused.get());
    }
    return resolve(host)
        .transform(
            resolved -> {
              if (resolved.failed()) {
                return unsent(
                    trigger, Exchange.describe(resolved.cause(), trigger.target().timeout()));
              }
              InetAddress address = resolved.result();
              Optional<String> rebound = targets.checkResolved(address);
              if (rebound.isPresent()) {
                return unsent(trigger, "target refused: " + host + " " + rebound.get());
              }
              return exchange.run(trigger, endpoint, address, firedAt, signer(trigger));
            });
  }

  /**
   * Resolves the host when private targets are refused, so the address that is checked is the one
   * connected to (a name that resolves to a public address when written and to a private one when
   * called is caught).
   */
  private Future<InetAddress> resolve(String host) {
    return vertx.executeBlocking(() -> InetAddress.getByName(host), false);
  }

  private Future<Exchange.Result> unsent(ClaimedTrigger trigger, String error) {
    return Future.succeededFuture(Exchange.Result.unsent(failed(trigger, error)));
  }

  private void emit(Delivery delivery) {
    metrics.fired(delivery.succeeded());
    delivered.accept(delivery);
  }

  private Delivery failed(ClaimedTrigger trigger, String error) {
    return Delivery.failed(trigger, clock.instant(), Duration.ZERO, error);
  }

  private WebhookSigner signer(ClaimedTrigger trigger) {
    return signers.computeIfAbsent(trigger.signingSecrets(), WebhookSigner::new);
  }

  /** Takes back a trigger still waiting for a connection; false when it is past that. */
  public boolean cancel(ClaimedTrigger trigger) {
    return slots.cancel(trigger);
  }

  /** Takes back every trigger waiting for a connection (the executor stops). */
  public List<ClaimedTrigger> cancelQueued() {
    return slots.cancelAll();
  }

  /**
   * How many requests this executor keeps open at once to the host and port of {@code url} now: the
   * connections per host, or fewer after the host was overloaded.
   */
  public int limitOf(String url) {
    try {
      return slots.limitOf(endpoints.of(url).slot());
    } catch (Endpoint.Unusable e) {
      return 0;
    }
  }

  /** Triggers due and waiting for one of this executor's connections. */
  public int queued() {
    return slots.queued();
  }

  /** How long the trigger waiting longest for a connection has waited (zero when none waits). */
  public Duration longestQueued() {
    return Duration.ofNanos(slots.oldestWaitNanos(System.nanoTime()));
  }

  @Override
  public void close() {
    client.close();
  }
}
