package dev.scheduleman.api.schedules;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.spec.Occurrence;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.storage.schedule.PendingTrigger;
import dev.scheduleman.storage.schedule.ScheduleRow;
import java.time.Instant;
import java.util.Optional;

/**
 * What a user's write does to a schedule's pending trigger. Whenever the trigger is replaced it
 * gets a new execution id and loses its lease: an executor that holds the old one then finds its
 * completion guarded out (it no longer matches {@code execution_id} and {@code lease_owner}), so an
 * edit made while a webhook is in flight is never overwritten by that webhook's outcome.
 */
final class Triggers {

  /** A schedule's state and its trigger after a write. */
  record Plan(ScheduleState state, PendingTrigger pending) {}

  private Triggers() {}

  /** A new schedule: armed with its first occurrence. */
  static Plan first(ScheduleSpec spec, Instant now) {
    return fresh(Occurrence.first(spec, now));
  }

  /**
   * A schedule whose definition was replaced. An unchanged spec keeps the trigger as it is (with
   * its lease, attempts and id: the in-flight delivery completes normally). A changed spec arms the
   * first occurrence of the new one, except in a paused schedule, which stays paused. A dead
   * schedule is re-armed by any update; a completed one-off only by a new spec.
   */
  static Plan afterUpdate(
      ScheduleRow current, ScheduleSpec spec, boolean specChanged, Instant now) {
    return switch (current.state()) {
      case ACTIVE ->
          specChanged ? first(spec, now) : new Plan(ScheduleState.ACTIVE, current.pending());
      case PAUSED -> new Plan(ScheduleState.PAUSED, PendingTrigger.none());
      case COMPLETED ->
          specChanged ? first(spec, now) : new Plan(ScheduleState.COMPLETED, current.pending());
      case DEAD -> specChanged ? first(spec, now) : rearm(current, now);
    };
  }

  /** Pausing drops the trigger: nothing fires until the schedule is resumed. */
  static Plan pause() {
    return new Plan(ScheduleState.PAUSED, PendingTrigger.none());
  }

  /** Resuming arms the next occurrence from now on; what was missed while paused does not fire. */
  static Plan resume(ScheduleSpec spec, Instant now) {
    return first(spec, now);
  }

  /**
   * Fires now, once, without changing the cadence: the trigger stands for "now", and once it is
   * delivered the executor arms the first occurrence after now, which is the one that was due next
   * anyway (for a one-off not yet due, its moment).
   */
  static Plan triggerNow(Instant now) {
    return new Plan(ScheduleState.ACTIVE, PendingTrigger.fresh(now, now, Ids.newId()));
  }

  /**
   * Re-arms a dead schedule: the trigger that ran out of attempts fires again now, under the same
   * execution id (the receiver sees the same webhook-id) and with a fresh set of attempts.
   */
  static Plan rearm(ScheduleRow dead, Instant now) {
    PendingTrigger last = dead.pending();
    if (last.executionId() == null || last.scheduledFor() == null) {
      return new Plan(ScheduleState.ACTIVE, PendingTrigger.fresh(now, now, Ids.newId()));
    }
    return new Plan(
        ScheduleState.ACTIVE,
        new PendingTrigger(now, last.scheduledFor(), last.executionId(), 0, null, null));
  }

  private static Plan fresh(Optional<Occurrence> occurrence) {
    return occurrence
        .map(
            o ->
                new Plan(
                    ScheduleState.ACTIVE,
                    PendingTrigger.fresh(o.fireAt(), o.scheduledFor(), Ids.newId())))
        .orElseGet(() -> new Plan(ScheduleState.COMPLETED, PendingTrigger.none()));
  }
}
