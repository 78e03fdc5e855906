package dev.scheduleman.executor.complete;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerUpdate;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * What a delivery leaves behind, as a pure function: the trigger moves as the state machine says
 * (next occurrence, retry, completion, dead letter), and the attempt goes into the history.
 */
final class Completions {

  private Completions() {}

  /**
   * @param now the database's time when the result came in
   */
  static Completion of(Delivery delivery, String executor, Instant now, RandomGenerator random) {
    ClaimedTrigger trigger = delivery.trigger();
    Transition t =
        TriggerStateMachine.next(
            trigger.rules(),
            new TriggerState(ScheduleState.ACTIVE, trigger.pending()),
            delivery.event(),
            now,
            random);
    if (!(t instanceof Transition.Moved moved)) {
      throw new IllegalStateException("a claimed trigger cannot be completed: " + t);
    }
    ExecutionRow attempt =
        new ExecutionRow(
            0,
            trigger.scheduleId(),
            trigger.tenantId(),
            trigger.executionId(),
            trigger.scheduledFor(),
            delivery.firedAt(),
            trigger.attempt() + 1,
            executor,
            delivery.outcome(),
            delivery.httpStatus(),
            (int) Math.min(Integer.MAX_VALUE, Math.max(0, delivery.duration().toMillis())),
            delivery.error(),
            delivery.responseExcerpt(),
            moved.exhausted());
    LastRun last =
        new LastRun(
            delivery.firedAt(), delivery.outcome(), delivery.httpStatus(), delivery.error());
    return new Completion(
        trigger,
        new TriggerUpdate(trigger.scheduleId(), trigger.executionId(), moved.to(), last),
        attempt);
  }
}
