package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.executor.claim.InFlight;
import dev.scheduleman.executor.completion.Completer;
import dev.scheduleman.executor.delivery.Dispatcher;
import dev.scheduleman.executor.delivery.WebhookSender;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.ClaimedTrigger;
import dev.scheduleman.storage.schedule.TriggerRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * One executor: a claim loop, a dispatcher that fires on time, a completer that writes outcomes in
 * batches, under one owner id and one in-flight cap. Plain Java, so tests can run several in one
 * process; the Quarkus application runs one.
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

  public ExecutorNode(
      Settings settings,
      DataSource ds,
      Vertx vertx,
      MeterRegistry registry,
      BooleanSupplier ready,
      Clock clock) {
    this.owner = settings.claim().owner();
    this.triggers = new TriggerRepository(ds);
    this.inFlight = new InFlight(settings.maxInFlight());
    this.metrics = new ExecutorMetrics(registry, inFlight::count);
    this.sender =
        new WebhookSender(
            vertx,
            new TargetAddresses(settings.allowPrivateTargets()),
            settings.connectionsPerHost(),
            clock);
    this.completer =
        new Completer(
            ds,
            triggers,
            new ExecutionRepository(ds),
            owner,
            settings.completionInterval(),
            settings.completionBatch(),
            inFlight,
            metrics);
    this.dispatcher = new Dispatcher(vertx, sender, completer, owner, clock, metrics);
    this.loop =
        new ClaimLoop(
            triggers, dispatcher, inFlight, settings.claim(), ready, metrics, clock, new Random());
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
                unfired.stream().map(ClaimedTrigger::scheduleId).toList(),
                unfired.stream().map(ClaimedTrigger::executionId).toList());
        LOG.infof("released %d triggers not yet due to other executors", released);
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not release %d triggers (their leases expire): %s",
            unfired.size(), e.getMessage());
      }
      inFlight.release(unfired.size());
    }
    try {
      if (!inFlight.await(grace.toMillis(), true)) {
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
