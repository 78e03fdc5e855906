package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.Capacity;
import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.executor.complete.Completer;
import dev.scheduleman.executor.dispatch.Dispatcher;
import dev.scheduleman.executor.dispatch.EventLoops;
import dev.scheduleman.executor.lease.ChangeListener;
import dev.scheduleman.executor.lease.Held;
import dev.scheduleman.executor.lease.LeaseKeeper;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.executor.send.Gate;
import dev.scheduleman.executor.send.WebhookSender;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * One executor: a pipeline that flows one way, claim → dispatch → send → complete, each stage
 * handing its output to the next, under one owner id. What spans the stages is here: the held
 * triggers (the claim adds them, the completer's writes take them away, the in-flight cap counts
 * them), their leases (renewed, fenced before a send, and taken back when the API changes them),
 * and the graceful stop. Plain Java, so tests can run several in one process; the Quarkus
 * application runs one.
 */
public final class ExecutorNode {

  private static final Logger LOG = Logger.getLogger(ExecutorNode.class);

  /** How a node is set up. */
  public record Settings(
      ClaimLoop.Settings claim,
      int maxInFlight,
      Duration maxQueueWait,
      int connectionsPerHost,
      Duration completionInterval,
      int completionBatch,
      Duration leaseRenewal,
      Duration fenceAfter,
      boolean allowPrivateTargets) {}

  private final String owner;
  private final Settings settings;
  private final TriggerRepository triggers;
  private final DatabaseClock clock;
  private final Held held = new Held();
  private final WebhookSender sender;
  private final Completer completer;
  private final EventLoops loops;
  private final Dispatcher dispatcher;
  private final LeaseKeeper leases;
  private final ChangeListener changes;
  private final ClaimLoop loop;
  private final ExecutorMetrics metrics;
  private final Thread thread;

  /**
   * @param clock the database's clock, corrected at every claim
   * @param random jitter for the poll gaps and the retries' backoff
   */
  public ExecutorNode(
      Settings settings,
      DataSource ds,
      Vertx vertx,
      MeterRegistry registry,
      BooleanSupplier ready,
      DatabaseClock clock,
      RandomGenerator random) {
    this.owner = settings.claim().owner();
    this.settings = settings;
    this.clock = clock;
    this.triggers = new TriggerRepository(ds);
    this.metrics = new ExecutorMetrics(registry, held::count);
    this.completer =
        new Completer(
            ds,
            triggers,
            new ExecutionRepository(ds),
            new Completer.Settings(
                owner, settings.completionInterval(), settings.completionBatch()),
            clock,
            random,
            metrics,
            held::release);
    this.leases =
        new LeaseKeeper(
            triggers,
            held,
            clock,
            new LeaseKeeper.Settings(
                settings.leaseRenewal(), settings.claim().leaseMargin(), settings.fenceAfter()),
            metrics,
            this::lost);
    this.sender =
        new WebhookSender(
            vertx,
            new TargetAddresses(settings.allowPrivateTargets()),
            settings.connectionsPerHost(),
            clock,
            Gate.of(leases::admit, leases::covers),
            metrics,
            completer::submit,
            dropped -> held.release(List.of(dropped)));
    this.loops = EventLoops.of(vertx, Duration.ofSeconds(30));
    this.dispatcher =
        new Dispatcher(
            vertx, loops, clock, sender::send, displaced -> held.release(List.of(displaced)));
    this.loop =
        new ClaimLoop(
            triggers,
            capacity(),
            settings.claim(),
            ready,
            metrics,
            clock,
            random,
            claimed -> {
              held.add(claimed, clock.instant());
              dispatcher.dispatch(claimed);
            });
    this.changes = new ChangeListener(ds, owner, clock, this::taken, this::armed);
    this.thread = new Thread(loop, "scheduleman-claim-" + owner);
    registerGauges();
  }

  /**
   * Room to claim: what the in-flight cap leaves, and none at all while a due trigger has waited
   * for a connection longer than {@code max-queue-wait} (other executors take the backlog).
   */
  private Capacity capacity() {
    return new Capacity() {
      @Override
      public int room() {
        if (sender.longestQueued().compareTo(settings.maxQueueWait()) > 0) {
          return 0;
        }
        return Math.max(0, settings.maxInFlight() - held.count());
      }

      @Override
      public void awaitRoom(Duration max) throws InterruptedException {
        held.awaitBelow(settings.maxInFlight(), max);
      }
    };
  }

  private void registerGauges() {
    metrics.gauge(
        "scheduleman.completions.pending", "Completions waiting to be written", completer::pending);
    metrics.gauge(
        "scheduleman.completions.stalled.seconds",
        "How long completions have waited without any being written (0 while they keep up)",
        () -> completer.stalledFor().toMillis() / 1000.0);
    metrics.gauge(
        "scheduleman.delivery.queued.now",
        "Due triggers waiting for a connection to their host",
        sender::queued);
  }

  public void start() {
    completer.start();
    leases.start();
    changes.start();
    thread.start();
  }

  /** A change through the API took this lease away: take its trigger back if not yet sent. */
  private void taken(UUID token) {
    lost(Set.of(token));
  }

  /**
   * Triggers this executor no longer holds (the row was edited, paused, deleted or re-claimed):
   * those still waiting, on a timer or for a connection, are taken back and not sent; one already
   * on the wire completes into its guard.
   */
  private void lost(Collection<UUID> tokens) {
    List<ClaimedTrigger> cancelled = new ArrayList<>();
    for (UUID token : tokens) {
      held.get(token)
          .map(Held.Entry::trigger)
          .filter(t -> dispatcher.cancel(t) || sender.cancel(t))
          .ifPresent(cancelled::add);
    }
    if (!cancelled.isEmpty()) {
      metrics.cancelled(cancelled.size());
      held.release(cancelled);
    }
  }

  /**
   * A change armed a trigger due at {@code due}: claim at once if it is due within the look-ahead.
   */
  private void armed(Instant due) {
    if (!due.isAfter(clock.instant().plus(settings.claim().lookahead()))) {
      loop.wakeUp();
    }
  }

  public String owner() {
    return owner;
  }

  public ClaimLoop loop() {
    return loop;
  }

  public Completer completer() {
    return completer;
  }

  public ExecutorMetrics metrics() {
    return metrics;
  }

  public int inFlight() {
    return held.count();
  }

  /** Whether the LISTEN connection for the API's changes is up. */
  public boolean listening() {
    return changes.listening();
  }

  /**
   * Stops claiming, gives back the triggers waiting for their due instant or for a connection
   * (another executor claims them at once), lets requests on the wire finish within {@code grace},
   * writes their outcomes.
   */
  public void stop(Duration grace) {
    loop.stop();
    try {
      thread.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    changes.close();
    List<ClaimedTrigger> unfired = new ArrayList<>(dispatcher.cancelWaiting());
    unfired.addAll(sender.cancelQueued());
    if (!unfired.isEmpty()) {
      try {
        int released = triggers.release(unfired.stream().map(TriggerRepository.Held::of).toList());
        LOG.infof("released %d triggers not yet sent to other executors", released);
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not release %d triggers (their leases expire): %s",
            unfired.size(), e.getMessage());
      }
      held.release(unfired);
    }
    try {
      if (!held.awaitBelow(1, grace)) {
        LOG.warnf(
            "%d triggers still in flight after %s; their leases will expire", held.count(), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    leases.close();
    completer.close();
    sender.close();
    loops.close();
  }
}
