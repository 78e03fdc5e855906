package dev.scheduleman.storage.execution;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * First attempts counted by how late they fired, in exponential buckets: bucket {@code b} holds
 * lateness in [1.2^b − 1, 1.2^(b+1) − 1) ms, the last one ({@value #LAST}, about 35 minutes on)
 * everything later. Percentiles read from them are within 10% of the exact ones. The SQL that fills
 * them ({@link #SQL}) and the reading here are the one definition.
 */
public final class LatenessBuckets {

  static final double BASE = 1.2;
  static final int LAST = 79;

  /** The bucket of {@code late_ms}, in SQL. */
  static final String SQL = "least(" + LAST + ", floor(ln(1 + late_ms) / ln(" + BASE + ")))::int";

  private final TreeMap<Integer, Long> counts = new TreeMap<>();
  private long total;

  /** Adds counts by bucket. */
  public void add(Map<Integer, Long> more) {
    more.forEach(
        (bucket, n) -> {
          counts.merge(bucket, n, Long::sum);
          total += n;
        });
  }

  public long total() {
    return total;
  }

  /**
   * The {@code q} quantile (0 to 1): the middle of the bucket the rank falls in, never above {@code
   * max}; null when empty.
   */
  public Duration quantile(double q, Duration max) {
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (Map.Entry<Integer, Long> bucket : counts.entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank) {
        long ms = Math.round(Math.pow(BASE, bucket.getKey() + 0.5) - 1);
        Duration value = Duration.ofMillis(Math.max(0, ms));
        return max != null && value.compareTo(max) > 0 ? max : value;
      }
    }
    return max;
  }
}
