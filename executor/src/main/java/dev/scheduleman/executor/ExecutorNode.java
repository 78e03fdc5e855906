package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.executor.complete.Completer;
import dev.scheduleman.executor.dispatch.Dispatcher;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.executor.send.WebhookSender;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * One executor: a pipeline that flows one way, claim → dispatch → send → complete, each stage
 * handing its output to the next, under one owner id. What sits above the stages is here: the
 * in-flight count (the claim adds to it, the completer's writes take away) and the graceful stop.
 * Plain Java, so tests can run several in one process; the Quarkus application runs one.
 */
public final class ExecutorNode {

  private static final Logger LOG = Logger.getLogger(ExecutorNode.class);

  /** How a node is set up. */
  public record Settings(
      ClaimLoop.Settings claim,
      int maxInFlight,
      int connectionsPerHost,
      Duration completionInterval,
      int completionBatch,
      boolean allowPrivateTargets) {}

  private final String owner;
  private final TriggerRepository triggers;
  private final InFlight inFlight;
  private final WebhookSender sender;
  private final Completer completer;
  private final Dispatcher dispatcher;
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
    this.triggers = new TriggerRepository(ds);
    this.inFlight = new InFlight(settings.maxInFlight());
    this.metrics = new ExecutorMetrics(registry, inFlight::count);
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
            done -> inFlight.release(done.size()));
    this.sender =
        new WebhookSender(
            vertx,
            new TargetAddresses(settings.allowPrivateTargets()),
            settings.connectionsPerHost(),
            clock,
            metrics,
            completer::submit);
    this.dispatcher = new Dispatcher(vertx, clock, metrics, sender::send);
    this.loop =
        new ClaimLoop(
            triggers,
            inFlight,
            settings.claim(),
            ready,
            metrics,
            clock,
            random,
            claimed -> {
              inFlight.add(claimed.size());
              dispatcher.dispatch(claimed);
            });
    this.thread = new Thread(loop, "scheduleman-claim-" + owner);
  }

  public void start() {
    completer.start();
    thread.start();
  }

  public String owner() {
    return owner;
  }

  public ClaimLoop loop() {
    return loop;
  }

  public ExecutorMetrics metrics() {
    return metrics;
  }

  public int inFlight() {
    return inFlight.count();
  }

  /**
   * Stops claiming, gives back the triggers waiting for their due instant (another executor claims
   * them at once), lets requests on the wire finish within {@code grace}, writes their outcomes.
   */
  public void stop(Duration grace) {
    loop.stop();
    try {
      thread.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ClaimedTrigger> unfired = dispatcher.cancelWaiting();
    if (!unfired.isEmpty()) {
      try {
        int released =
            triggers.release(
                owner,
                unfired.stream()
                    .map(t -> new TriggerRepository.Held(t.scheduleId(), t.executionId()))
                    .toList());
        LOG.infof("released %d triggers not yet due to other executors", released);
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not release %d triggers (their leases expire): %s",
            unfired.size(), e.getMessage());
      }
      inFlight.release(unfired.size());
    }
    try {
      if (!inFlight.awaitDrained(grace)) {
        LOG.warnf(
            "%d triggers still in flight after %s; their leases will expire",
            inFlight.count(), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    completer.close();
    sender.close();
  }
}
