package dev.scheduleman.sdk.model;

import java.time.Duration;
import java.util.Objects;

/** How often a failed trigger is retried and how long it waits in between. */
public record RetryPolicy(
    int maxAttempts, Duration minBackoff, Duration maxBackoff, OnExhausted onExhausted) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(5), OnExhausted.DEAD);

  public RetryPolicy {
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(onExhausted, "onExhausted");
  }
}
