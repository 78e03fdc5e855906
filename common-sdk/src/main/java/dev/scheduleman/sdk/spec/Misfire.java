package dev.scheduleman.sdk.spec;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a recurring schedule does with occurrences it could not fire on time (the executors were
 * down, or far behind).
 *
 * @param policy {@link Policy#LATEST}, {@link Policy#SKIP} or {@link Policy#ALL}
 * @param threshold how late an occurrence may fire and still count as on time; one later than this
 *     is missed ({@link Policy#SKIP} drops it)
 * @param maxCatchUp for {@link Policy#ALL}: the most missed occurrences fired, the latest ones
 */
public record Misfire(Policy policy, Duration threshold, int maxCatchUp) {

  /** What happens to missed occurrences. */
  public enum Policy {
    /**
     * One catch-up fire, standing for the latest occurrence due; the ones before it are dropped.
     */
    LATEST,
    /** None fires: the schedule goes on with its next occurrence on time. */
    SKIP,
    /** Each fires, in order, under its own id: at most {@code maxCatchUp}, the latest ones. */
    ALL;

    /** As the API spells it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws InvalidSpecException naming {@code misfire.policy} for anything else
     */
    public static Policy parse(String text) {
      for (Policy p : values()) {
        if (p.wire().equals(text)) {
          return p;
        }
      }
      throw new InvalidSpecException(
          "misfire.policy", "'" + text + "' is not one of latest, skip, all");
    }
  }

  public static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_CATCH_UP = 100;
  public static final int MAX_CATCH_UP = 1000;
  public static final Duration MAX_THRESHOLD = Duration.ofDays(366);

  /** One catch-up for the latest occurrence due: what a schedule does unless told otherwise. */
  public static final Misfire DEFAULT =
      new Misfire(Policy.LATEST, DEFAULT_THRESHOLD, DEFAULT_MAX_CATCH_UP);

  public Misfire {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new InvalidSpecException("misfire.threshold", "must be positive");
    }
    if (threshold.compareTo(MAX_THRESHOLD) > 0) {
      throw new InvalidSpecException("misfire.threshold", "may be at most 366 days");
    }
    if (maxCatchUp < 1 || maxCatchUp > MAX_CATCH_UP) {
      throw new InvalidSpecException(
          "misfire.maxCatchUp", "must be between 1 and " + MAX_CATCH_UP + ", not " + maxCatchUp);
    }
  }

  public boolean isDefault() {
    return equals(DEFAULT);
  }
}
