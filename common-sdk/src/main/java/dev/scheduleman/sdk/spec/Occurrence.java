package dev.scheduleman.sdk.spec;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A pending trigger's timing: when it fires, and which nominal occurrence it stands for. The two
 * differ for a catch-up fire after downtime and for a one-off whose moment has just passed.
 */
public record Occurrence(Instant fireAt, Instant scheduledFor) {

  public Occurrence {
    Objects.requireNonNull(fireAt, "fireAt");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
  }

  /**
   * The first trigger of a schedule that is created, resumed or rescheduled at {@code now}. A
   * one-off whose moment has passed fires at once; a recurring schedule starts with its next
   * occurrence (what was missed while it did not exist or was paused does not fire).
   */
  public static Optional<Occurrence> first(ScheduleSpec spec, Instant now) {
    if (spec instanceof AtSpec at) {
      return Optional.of(new Occurrence(later(at.at(), now), at.at()));
    }
    return spec.nextAfter(now).map(next -> new Occurrence(next, next));
  }

  /**
   * The trigger that follows the occurrence {@code scheduledFor} once it is delivered (or given up)
   * at {@code now}: the very next occurrence, at once if it is due already. Whether a due one was
   * missed, and what fires instead, is decided when it is claimed (the schedule's {@link Misfire}).
   */
  public static Optional<Occurrence> following(
      ScheduleSpec spec, Instant scheduledFor, Instant now) {
    return spec.nextAfter(scheduledFor).map(next -> new Occurrence(later(next, now), next));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
