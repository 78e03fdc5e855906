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
  private final AtomicLong dueBacklog = new AtomicLong();

  public ExecutorMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
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
}
