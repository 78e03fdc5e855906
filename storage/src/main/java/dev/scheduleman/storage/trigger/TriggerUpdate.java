package dev.scheduleman.storage.trigger;

import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.TriggerState;
import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of a fired trigger as it is written back: where the schedule stands now, and its last
 * run.
 *
 * @param firedExecutionId the execution id the trigger was fired under: the guard, with
 * @param leaseToken the token of the claim it was fired from
 * @param next the schedule's new state and pending trigger (for a dead schedule, the one that ran
 *     out of attempts, with no fire time, so that re-arming fires it again under the same id)
 * @param lastRun the attempt that ended, as the schedule shows it; null when nothing was fired (a
 *     skipped occurrence), which keeps the schedule's last run
 */
public record TriggerUpdate(
    UUID scheduleId, UUID firedExecutionId, UUID leaseToken, TriggerState next, LastRun lastRun) {

  public TriggerUpdate {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(firedExecutionId, "firedExecutionId");
    Objects.requireNonNull(leaseToken, "leaseToken");
    Objects.requireNonNull(next, "next");
  }
}
