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
   * at {@code now}. Occurrences missed meanwhile coalesce: one catch-up fire at once, standing for
   * the latest missed occurrence, then the normal cadence.
   */
  public static Optional<Occurrence> after(ScheduleSpec spec, Instant scheduledFor, Instant now) {
    Optional<Instant> next = spec.nextAfter(scheduledFor);
    if (next.isEmpty()) {
      return Optional.empty();
    }
    if (next.get().isAfter(now)) {
      return Optional.of(new Occurrence(next.get(), next.get()));
    }
    Instant latestMissed = spec.latestAtOrBefore(now).orElse(next.get());
    return Optional.of(new Occurrence(now, latestMissed));
  }

  /**
   * The trigger that follows the occurrence {@code scheduledFor} when missed occurrences are each
   * fired: the very next one, at once if it is due already.
   */
  public static Optional<Occurrence> each(ScheduleSpec spec, Instant scheduledFor, Instant now) {
    return spec.nextAfter(scheduledFor).map(next -> new Occurrence(later(next, now), next));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
