package dev.scheduleman.sdk.spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How often a schedule fires, in fires per minute, as the tenant quota {@code maxFiresPerMinute}
 * counts it: the average over the busiest hour of the day that starts at its next occurrence. An
 * {@code every: 1s} schedule is 60, {@code every: 1h} is 1/60, a cron that fires each minute from
 * 9:00 to 9:59 is 1 (its busiest hour), a one-off schedule is 0 (it fires once, and counts against
 * {@code maxSchedules}).
 *
 * <p>The walk over the day stops after one hour's worth of one-per-second occurrences, the most a
 * schedule can fire (nothing fires more often than each second), so a rate costs at most a few
 * thousand steps of the spec.
 */
public final class FireRate {

  /** The horizon the busiest hour is looked for in. */
  static final Duration HORIZON = Duration.ofDays(1);

  /** The most occurrences walked: one hour of one per second. */
  static final int MAX_STEPS = 3_600;

  private FireRate() {}

  /** Fires per minute of {@code spec} as of {@code now}; 0 when it fires no more. */
  public static double perMinute(ScheduleSpec spec, Instant now) {
    if (!spec.recurring()) {
      return 0;
    }
    Optional<Instant> first = spec.nextAfter(now);
    if (first.isEmpty()) {
      return 0;
    }
    Instant end = first.get().plus(HORIZON);
    Instant hourStart = first.get();
    int inHour = 0;
    int busiest = 0;
    Optional<Instant> next = first;
    for (int step = 0; step < MAX_STEPS && next.isPresent() && next.get().isBefore(end); step++) {
      Instant at = next.get();
      while (!at.isBefore(hourStart.plus(Duration.ofHours(1)))) {
        hourStart = hourStart.plus(Duration.ofHours(1));
        inHour = 0;
      }
      inHour++;
      busiest = Math.max(busiest, inHour);
      next = spec.nextAfter(at);
    }
    return busiest / 60.0;
  }
}
