package dev.scheduleman.sdk.spec;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Fires once, at {@code at}. */
public record AtSpec(Instant at) implements ScheduleSpec {

  public AtSpec {
    Objects.requireNonNull(at, "at");
  }

  @Override
  public Optional<Instant> nextAfter(Instant instant) {
    return at.isAfter(instant) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant instant) {
    return at.isAfter(instant) ? Optional.empty() : Optional.of(at);
  }

  @Override
  public boolean recurring() {
    return false;
  }

  @Override
  public Kind kind() {
    return Kind.AT;
  }
}
