package dev.scheduleman.sdk.model;

/**
 * A tenant's limit on the deliveries of one flow key, across all executors together: a token bucket
 * ({@code ratePerSecond} tokens a second, holding up to {@code burst}), a cap on deliveries in
 * flight at once, or both. Deliveries over the limit wait, in due order; they are not attempts.
 *
 * @param ratePerSecond null for no rate limit
 * @param burst how many may go at once after a quiet spell; null exactly when the rate is
 * @param maxConcurrency null for no cap
 */
public record FlowLimit(Double ratePerSecond, Integer burst, Integer maxConcurrency) {

  public FlowLimit {
    if (ratePerSecond == null && maxConcurrency == null) {
      throw new IllegalArgumentException("a flow limit limits the rate, the concurrency or both");
    }
    if ((ratePerSecond == null) != (burst == null)) {
      throw new IllegalArgumentException("a burst goes with a rate");
    }
  }
}
