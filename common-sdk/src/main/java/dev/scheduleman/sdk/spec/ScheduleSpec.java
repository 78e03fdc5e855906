package dev.scheduleman.sdk.spec;

import java.time.Instant;
import java.util.Optional;

/**
 * When a schedule fires: a cron expression in a time zone, one moment, or a fixed interval (the
 * recurring two optionally within {@link Bounds}, see {@link BoundedSpec}). A {@code delay} is not
 * a kind of its own: it becomes an {@link AtSpec} when the schedule is created.
 */
public sealed interface ScheduleSpec permits CronSpec, AtSpec, EverySpec, BoundedSpec {

  /** The nominal occurrence strictly after {@code instant}, or empty when there is none. */
  Optional<Instant> nextAfter(Instant instant);

  /**
   * The latest nominal occurrence at or before {@code instant}, or empty when there is none. Used
   * to coalesce missed occurrences into a single catch-up fire.
   */
  Optional<Instant> latestAtOrBefore(Instant instant);

  /** True for cron and interval schedules, false for one-off ones. */
  boolean recurring();

  Kind kind();

  /** The kinds of schedule, as stored in the database. */
  enum Kind {
    CRON,
    AT,
    EVERY
  }
}
