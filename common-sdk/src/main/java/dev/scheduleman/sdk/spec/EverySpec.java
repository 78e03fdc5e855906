package dev.scheduleman.sdk.spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Fires at {@code startAt}, then every {@code interval}. Occurrences are anchored on {@code
 * startAt}, so a late or retried fire never shifts the cadence.
 */
public record EverySpec(Duration interval, Instant startAt) implements ScheduleSpec {

  public EverySpec {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(startAt, "startAt");
    if (interval.toMillis() <= 0) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
  }

  @Override
  public Optional<Instant> nextAfter(Instant instant) {
    if (instant.isBefore(startAt)) {
      return Optional.of(startAt);
    }
    long step = interval.toMillis();
    long elapsed = instant.toEpochMilli() - startAt.toEpochMilli();
    return Optional.of(startAt.plusMillis((Math.floorDiv(elapsed, step) + 1) * step));
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant instant) {
    if (instant.isBefore(startAt)) {
      return Optional.empty();
    }
    long step = interval.toMillis();
    long elapsed = instant.toEpochMilli() - startAt.toEpochMilli();
    return Optional.of(startAt.plusMillis(Math.floorDiv(elapsed, step) * step));
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public Kind kind() {
    return Kind.EVERY;
  }
}
