package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.ScheduleState;
import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of a fired trigger as it is written back: the schedule's new state and pending
 * trigger, and its last run.
 *
 * @param firedExecutionId the execution id the trigger was fired under: the guard
 * @param next the new pending trigger (for a dead schedule, the one that ran out of attempts, with
 *     no fire time, so that re-arming fires it again under the same id)
 */
public record TriggerUpdate(
    UUID scheduleId,
    UUID firedExecutionId,
    ScheduleState state,
    PendingTrigger next,
    LastRun lastRun) {

  public TriggerUpdate {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(firedExecutionId, "firedExecutionId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(lastRun, "lastRun");
  }
}
