package dev.scheduleman.executor.complete;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerUpdate;
import java.time.Duration;
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
    return of(delivery, delivery.event(), delivery.error(), executor, now, random);
  }

  /**
   * The completion of a delivery whose own could not be stored or decided ({@code reason} says
   * why): the trigger is buried as a dead letter with the reason, as a defect would be, and the
   * attempt is recorded as it happened but for the receiver's answer.
   */
  static Completion buried(Delivery delivery, String reason, String executor, Instant now) {
    String error =
        delivery.error() == null ? reason : reason + " (attempt: " + delivery.error() + ")";
    Delivery plain =
        new Delivery(
            delivery.trigger(),
            delivery.event(),
            delivery.firedAt(),
            delivery.duration(),
            delivery.httpStatus(),
            delivery.error(),
            null,
            null);
    return of(plain, TriggerEvent.DEFECTIVE, error, executor, now, null);
  }

  private static Completion of(
      Delivery delivery,
      TriggerEvent event,
      String error,
      String executor,
      Instant now,
      RandomGenerator random) {
    ClaimedTrigger trigger = delivery.trigger();
    Transition t =
        TriggerStateMachine.next(
            trigger.rules(),
            new TriggerState(ScheduleState.ACTIVE, trigger.pending()),
            event,
            now,
            random,
            delivery.retryAfter());
    if (!(t instanceof Transition.Moved moved)) {
      throw new IllegalStateException("a claimed trigger cannot be completed: " + t);
    }
    if (delivery.skipped()) {
      // Nothing was sent: no attempt in the history, and the schedule's last run stays as it was.
      return new Completion(delivery, update(trigger, moved, null), null);
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
            error,
            delivery.responseExcerpt(),
            // A dead letter is a failed attempt; a buried success stays a success.
            moved.exhausted() && !delivery.succeeded(),
            delivery.retryAfter(),
            trigger.paced().map(ClaimedTrigger.Paced::flowKey).orElse(null),
            trigger
                .paced()
                .map(ClaimedTrigger.Paced::throttled)
                .map(Duration::toMillis)
                .orElse(null));
    LastRun last =
        new LastRun(delivery.firedAt(), delivery.outcome(), delivery.httpStatus(), error);
    return new Completion(delivery, update(trigger, moved, last), attempt);
  }

  /** The row's new state, guarded by the execution id and claim token it was fired under. */
  private static TriggerUpdate update(
      ClaimedTrigger trigger, Transition.Moved moved, LastRun last) {
    return new TriggerUpdate(
        trigger.scheduleId(),
        trigger.executionId(),
        trigger.pending().leaseToken(),
        moved.to(),
        last);
  }
}
