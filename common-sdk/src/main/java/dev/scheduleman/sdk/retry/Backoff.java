package dev.scheduleman.sdk.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: after the n-th failed attempt the delay is drawn uniformly
 * from {@code [min, min(max, min * 2^(n-1))]}. Jitter spreads the retries of many triggers that
 * failed together (a receiver's outage) so they do not come back in one wave.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * @param failedAttempts attempts made so far, all failed (1 after the first failure)
   * @param random the source of jitter, a parameter so that tests can fix it
   */
  public static Duration delay(
      int failedAttempts, Duration min, Duration max, RandomGenerator random) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1: " + failedAttempts);
    }
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 <= min <= max, got " + min + " and " + max);
    }
    long minMillis = min.toMillis();
    long ceiling = max.toMillis();
    int doublings = failedAttempts - 1;
    // min * 2^doublings, stopping at max instead of overflowing
    if (doublings < 62 && minMillis <= (ceiling >> doublings)) {
      ceiling = minMillis << doublings;
    }
    long spread = ceiling - minMillis;
    long jitter = spread == 0 ? 0 : random.nextLong(spread + 1);
    return Duration.ofMillis(minMillis + jitter);
  }
}
