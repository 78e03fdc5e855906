package dev.scheduleman.sdk.spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A flexible window: each occurrence of a schedule fires at an instant in {@code [occurrence,
 * occurrence + length)} instead of on the occurrence itself, so that many schedules on the same
 * cadence (every hour on the hour) spread their load over the window. The instant is the same
 * however often it is asked for: it is derived from the schedule's id and the occurrence, so
 * previews, {@code nextFireAt} and the fire itself agree, and different schedules land at different
 * instants.
 *
 * @param length how long after each occurrence it may fire; zero for none
 * @param scheduleId whose occurrences these are (the seed of the spread)
 */
public record Window(Duration length, UUID scheduleId) {

  /** No window: every occurrence fires on its instant. */
  public static final Window NONE = new Window(Duration.ZERO, new UUID(0, 0));

  public static final Duration MIN = Duration.ofSeconds(1);

  public Window {
    Objects.requireNonNull(length, "length");
    Objects.requireNonNull(scheduleId, "scheduleId");
    if (length.isNegative()) {
      throw new IllegalArgumentException("a window cannot be negative: " + length);
    }
  }

  /** The window of {@code length} (null or zero: none) for the schedule {@code scheduleId}. */
  public static Window of(Duration length, UUID scheduleId) {
    return length == null || length.isZero() ? NONE : new Window(length, scheduleId);
  }

  public boolean isNone() {
    return length.isZero();
  }

  /** The instant {@code occurrence} fires at: in {@code [occurrence, occurrence + length)}. */
  public Instant plan(Instant occurrence) {
    if (isNone()) {
      return occurrence;
    }
    long span = length.toMillis();
    long seed =
        scheduleId.getMostSignificantBits() * 31
            + scheduleId.getLeastSignificantBits()
            + occurrence.toEpochMilli() * 0x9E3779B97F4A7C15L;
    return occurrence.plusMillis(Math.floorMod(mix(seed), span));
  }

  /** A 64-bit finalizer (from SplitMix64): nearby inputs give unrelated outputs. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
