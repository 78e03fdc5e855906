package dev.scheduleman.executor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The executor's meters, as Prometheus shows them: {@code
 * scheduleman_triggers_fired_total{outcome}}, {@code scheduleman_trigger_lateness_seconds}
 * (histogram), {@code scheduleman_claim_batch_size}, {@code scheduleman_due_backlog}, {@code
 * scheduleman_inflight}, and error counters for the loops.
 */
public final class ExecutorMetrics {

  private final Counter succeeded;
  private final Counter failed;
  private final Timer lateness;
  private final DistributionSummary batchSize;
  private final Counter claimErrors;
  private final Counter completionErrors;
  private final Counter superseded;
  private final Timer queued;
  private final Counter fenced;
  private final Counter renewed;
  private final Counter leasesLost;
  private final Counter leaseErrors;
  private final Counter cancelled;
  private final Counter completionsBuried;
  private final Counter hostLimitCuts;
  private final Counter skipped;
  private final AtomicLong dueBacklog = new AtomicLong();
  private final MeterRegistry registry;

  public ExecutorMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
    this.registry = registry;
    succeeded = fired(registry, "succeeded");
    failed = fired(registry, "failed");
    lateness =
        Timer.builder("scheduleman.trigger.lateness")
            .description("How long after its due instant a trigger was fired")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    batchSize =
        DistributionSummary.builder("scheduleman.claim.batch.size")
            .description("Triggers claimed per claim statement")
            .register(registry);
    claimErrors =
        Counter.builder("scheduleman.claim.errors")
            .description("Claims that failed (database unreachable, statement refused)")
            .register(registry);
    completionErrors =
        Counter.builder("scheduleman.completion.errors")
            .description("Completion batches that could not be written and were retried")
            .register(registry);
    superseded =
        Counter.builder("scheduleman.completions.superseded")
            .description(
                "Completions not applied because the trigger was edited, deleted or re-claimed")
            .register(registry);
    queued =
        Timer.builder("scheduleman.delivery.queued")
            .description(
                "How long a due trigger waited for one of this executor's connections to its"
                    + " target's host (not part of the target's timeout; part of its lateness)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    skipped =
        Counter.builder("scheduleman.occurrences.skipped")
            .description(
                "Occurrences not fired because they were missed by more than the schedule's"
                    + " misfire threshold and its policy is skip")
            .register(registry);
    hostLimitCuts =
        Counter.builder("scheduleman.delivery.host.limit.cuts")
            .description(
                "Times a target host timed out, dropped connections or answered 429/503 and this"
                    + " executor halved the requests it keeps open to it at once")
            .register(registry);
    fenced =
        Counter.builder("scheduleman.leases.fenced")
            .description("Triggers whose lease was confirmed right before their send")
            .register(registry);
    renewed =
        Counter.builder("scheduleman.leases.renewed")
            .description("Leases of held triggers renewed")
            .register(registry);
    leasesLost =
        Counter.builder("scheduleman.leases.lost")
            .description(
                "Held triggers found edited, paused, deleted or re-claimed by a renewal, a fence"
                    + " or a notification, or whose lease had run out when the request was about"
                    + " to be written (not sent if not yet on the wire)")
            .register(registry);
    leaseErrors =
        Counter.builder("scheduleman.lease.errors")
            .description("Renewals or fences that could not be run (the database was away)")
            .register(registry);
    cancelled =
        Counter.builder("scheduleman.triggers.cancelled")
            .description("Held triggers taken back before they went out (edited meanwhile)")
            .register(registry);
    completionsBuried =
        Counter.builder("scheduleman.completions.buried")
            .description(
                "Completions PostgreSQL refused (or that could not be decided): the trigger is"
                    + " stored as a dead letter with the reason instead")
            .register(registry);
    registry.gauge("scheduleman.due.backlog", dueBacklog);
    registry.gauge("scheduleman.inflight", inFlight, s -> s.get().doubleValue());
  }

  private static Counter fired(MeterRegistry registry, String outcome) {
    return Counter.builder("scheduleman.triggers.fired")
        .description("Webhook attempts, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  public void fired(boolean success) {
    (success ? succeeded : failed).increment();
  }

  public void lateness(Duration late) {
    lateness.record(late.isNegative() ? Duration.ZERO : late);
  }

  public void claimed(int count) {
    batchSize.record(count);
  }

  /**
   * A trigger a flow claim let go: counted per flow key, and once more as throttled when it had to
   * wait for the key's limit (the keys are the tenants' own; two tenants' same key count together).
   */
  public void paced(String flowKey, boolean throttled) {
    Counter.builder("scheduleman.flow.deliveries")
        .description("Deliveries paced by a flow limit, by flow key")
        .tag("flow_key", flowKey)
        .register(registry)
        .increment();
    if (throttled) {
      Counter.builder("scheduleman.flow.throttled")
          .description("Paced deliveries that waited for their flow limit, by flow key")
          .tag("flow_key", flowKey)
          .register(registry)
          .increment();
    }
  }

  public void claimFailed() {
    claimErrors.increment();
  }

  public void completionFailed() {
    completionErrors.increment();
  }

  public void superseded(int count) {
    superseded.increment(count);
  }

  public void dueBacklog(long value) {
    dueBacklog.set(value);
  }

  public void queued(Duration waited) {
    queued.record(waited.isNegative() ? Duration.ZERO : waited);
  }

  public void skipped() {
    skipped.increment();
  }

  public void hostLimitCut() {
    hostLimitCuts.increment();
  }

  public void fenced(int count) {
    fenced.increment(count);
  }

  public void renewed(int count) {
    renewed.increment(count);
  }

  public void leasesLost(int count) {
    leasesLost.increment(count);
  }

  public void leaseFailed() {
    leaseErrors.increment();
  }

  public void cancelled(int count) {
    cancelled.increment(count);
  }

  public void buried() {
    completionsBuried.increment();
  }

  /** Gauges of a part that reports its own state (the completer's pending work, say). */
  public void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value, v -> v.get().doubleValue())
        .description(description)
        .register(registry);
  }
}
