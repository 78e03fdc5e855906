package dev.scheduleman.sdk.spec;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * A recurring spec with its options: occurrences limited by {@link Bounds} (the base spec's
 * occurrences between {@code startAt} and {@code endAt} that do not fall on an excluded date; once
 * none is left, after {@code endAt}, {@link #nextAfter} is empty, so the schedule completes), and
 * what happens to occurrences missed while no executor could fire them ({@link Misfire}).
 *
 * <p>An excluded date is skipped as a whole, one step per date, so an interval of a second over a
 * year of exclusions costs at most {@value Bounds#MAX_EXCLUDED_DATES} steps, not one per second.
 */
public record BoundedSpec(ScheduleSpec base, Bounds bounds, Misfire misfire)
    implements ScheduleSpec {

  public BoundedSpec {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(misfire, "misfire");
    if (!base.recurring() || base instanceof BoundedSpec) {
      throw new IllegalArgumentException("bounds apply to a cron or interval spec: " + base);
    }
  }

  /** The spec itself when nothing is bounded, else the spec within its bounds. */
  public static ScheduleSpec of(ScheduleSpec base, Bounds bounds) {
    return of(base, bounds, Misfire.DEFAULT);
  }

  /** The spec itself when it has no options, else the spec with them. */
  public static ScheduleSpec of(ScheduleSpec base, Bounds bounds, Misfire misfire) {
    return bounds.isNone() && misfire.isDefault() ? base : new BoundedSpec(base, bounds, misfire);
  }

  /** The spec without its bounds. */
  public static ScheduleSpec unbounded(ScheduleSpec spec) {
    return spec instanceof BoundedSpec bounded ? bounded.base() : spec;
  }

  /** The bounds of a spec; none for an unbounded one. */
  public static Optional<Bounds> boundsOf(ScheduleSpec spec) {
    return spec instanceof BoundedSpec bounded && !bounded.bounds().isNone()
        ? Optional.of(bounded.bounds())
        : Optional.empty();
  }

  /** What a spec does with missed occurrences. */
  public static Misfire misfireOf(ScheduleSpec spec) {
    return spec instanceof BoundedSpec bounded ? bounded.misfire() : Misfire.DEFAULT;
  }

  @Override
  public Optional<Instant> nextAfter(Instant instant) {
    Instant cursor = instant;
    if (bounds.startAt() != null && cursor.isBefore(bounds.startAt())) {
      cursor = bounds.startAt().minusNanos(1); // an occurrence right at startAt counts
    }
    for (int step = 0; step <= Bounds.MAX_EXCLUDED_DATES + 1; step++) {
      Optional<Instant> next = base.nextAfter(cursor);
      if (next.isEmpty() || (bounds.endAt() != null && next.get().isAfter(bounds.endAt()))) {
        return Optional.empty();
      }
      if (!bounds.excludes(next.get())) {
        return next;
      }
      LocalDate excluded = bounds.localDate(next.get());
      cursor = bounds.startOf(excluded.plusDays(1)).minusNanos(1);
    }
    return Optional.empty();
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant instant) {
    Instant cursor = instant;
    if (bounds.endAt() != null && cursor.isAfter(bounds.endAt())) {
      cursor = bounds.endAt();
    }
    for (int step = 0; step <= Bounds.MAX_EXCLUDED_DATES + 1; step++) {
      Optional<Instant> latest = base.latestAtOrBefore(cursor);
      if (latest.isEmpty()
          || (bounds.startAt() != null && latest.get().isBefore(bounds.startAt()))) {
        return Optional.empty();
      }
      if (!bounds.excludes(latest.get())) {
        return latest;
      }
      cursor = bounds.startOf(bounds.localDate(latest.get())).minusNanos(1);
    }
    return Optional.empty();
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public Kind kind() {
    return base.kind();
  }
}
