package dev.scheduleman.executor.completion;

import dev.scheduleman.executor.delivery.DeliveryResult;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.retry.Backoff;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.Occurrence;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.ClaimedTrigger;
import dev.scheduleman.storage.schedule.LastRun;
import dev.scheduleman.storage.schedule.PendingTrigger;
import dev.scheduleman.storage.schedule.TriggerUpdate;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What follows a delivery, as a pure function of the trigger, the result, the time and a random
 * source (for the backoff's jitter). Success: a recurring schedule arms its next occurrence under a
 * new execution id (missed ones coalesce into one catch-up), a one-off completes. Failure: a retry
 * after an exponential, fully jittered backoff under the same execution id, until the attempts are
 * used up; then a dead letter, and the schedule dies or (with {@code onExhausted=continue}, when it
 * recurs) goes on with its next occurrence.
 */
public final class Outcomes {

  private Outcomes() {}

  /**
   * @param now the database's time when the result came in
   */
  public static Completion decide(
      ClaimedTrigger trigger,
      DeliveryResult result,
      String executor,
      Instant now,
      RandomGenerator random) {
    int attempt = trigger.attempt() + 1;
    LastRun last =
        new LastRun(result.firedAt(), result.outcome(), result.httpStatus(), result.error());
    Optional<String> defect = defect(trigger);
    ScheduleSpec spec = defect.isEmpty() ? trigger.spec().toSpec() : null;
    Decision decision;
    if (defect.isPresent()) {
      decision = dead(trigger, attempt);
    } else if (result.succeeded()) {
      decision = next(spec, trigger, now);
    } else if (attempt < trigger.retry().maxAttempts()) {
      decision = retry(trigger, attempt, now, random);
    } else if (trigger.retry().onExhausted() == OnExhausted.CONTINUE && spec.recurring()) {
      decision = next(spec, trigger, now).exhausting();
    } else {
      decision = dead(trigger, attempt);
    }
    boolean exhausted = defect.isPresent() || decision.exhausted;
    String error = defect.map(d -> "not fired: " + d).orElse(result.error());
    ExecutionRow row =
        new ExecutionRow(
            0,
            trigger.scheduleId(),
            trigger.tenantId(),
            trigger.executionId(),
            trigger.scheduledFor(),
            result.firedAt(),
            attempt,
            executor,
            defect.isPresent() ? Outcome.FAILED : result.outcome(),
            result.httpStatus(),
            (int) Math.min(Integer.MAX_VALUE, Math.max(0, result.duration().toMillis())),
            error,
            result.responseExcerpt(),
            exhausted);
    LastRun lastRun =
        defect.isPresent() ? new LastRun(result.firedAt(), Outcome.FAILED, null, error) : last;
    return new Completion(
        new TriggerUpdate(
            trigger.scheduleId(), trigger.executionId(), decision.state, decision.next, lastRun),
        row);
  }

  /**
   * Why a claimed trigger cannot be fired as stored (a spec that no longer parses, say, after a
   * time zone left the tz database, or a target that cannot be read), if it cannot. Such a trigger
   * is not fired: it becomes a dead letter with the reason, instead of failing again and again.
   */
  public static Optional<String> defect(ClaimedTrigger trigger) {
    if (trigger.defect().isPresent()) {
      return trigger.defect();
    }
    try {
      trigger.spec().toSpec();
      return Optional.empty();
    } catch (InvalidSpecException e) {
      return Optional.of("stored schedule no longer parses: " + e.getMessage());
    }
  }

  private record Decision(ScheduleState state, PendingTrigger next, boolean exhausted) {
    Decision exhausting() {
      return new Decision(state, next, true);
    }
  }

  private static Decision next(ScheduleSpec spec, ClaimedTrigger trigger, Instant now) {
    return Occurrence.after(spec, trigger.scheduledFor(), now)
        .map(
            o ->
                new Decision(
                    ScheduleState.ACTIVE,
                    PendingTrigger.fresh(o.fireAt(), o.scheduledFor(), Ids.newId()),
                    false))
        .orElseGet(() -> new Decision(ScheduleState.COMPLETED, PendingTrigger.none(), false));
  }

  private static Decision retry(
      ClaimedTrigger trigger, int attempt, Instant now, RandomGenerator random) {
    RetryPolicy retry = trigger.retry();
    Instant at = now.plus(Backoff.delay(attempt, retry.minBackoff(), retry.maxBackoff(), random));
    return new Decision(
        ScheduleState.ACTIVE,
        new PendingTrigger(at, trigger.scheduledFor(), trigger.executionId(), attempt, null, null),
        false);
  }

  /** Dead: the trigger is kept (without a fire time) so that re-arming fires it under its id. */
  private static Decision dead(ClaimedTrigger trigger, int attempt) {
    return new Decision(
        ScheduleState.DEAD,
        new PendingTrigger(
            null, trigger.scheduledFor(), trigger.executionId(), attempt, null, null),
        true);
  }
}
