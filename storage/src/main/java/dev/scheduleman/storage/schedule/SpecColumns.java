package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.ScheduleSpec.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A schedule spec as stored: the kind and the columns of that kind. Kept apart from {@link
 * ScheduleSpec} because a stored row must stay readable even when it no longer parses (a time zone
 * removed from the tz database, say): such a row is shown, and buried by the executor, not fatal.
 */
public record SpecColumns(
    Kind kind, String cron, String timezone, Instant fireAt, Long intervalMs, Instant startAt) {

  public SpecColumns {
    Objects.requireNonNull(kind, "kind");
  }

  public static SpecColumns of(ScheduleSpec spec) {
    if (spec instanceof CronSpec cron) {
      return new SpecColumns(Kind.CRON, cron.expression(), cron.zone().getId(), null, null, null);
    }
    if (spec instanceof AtSpec at) {
      return new SpecColumns(Kind.AT, null, null, at.at(), null, null);
    }
    EverySpec every = (EverySpec) spec;
    return new SpecColumns(
        Kind.EVERY, null, null, null, every.interval().toMillis(), every.startAt());
  }

  /**
   * @throws dev.scheduleman.sdk.spec.InvalidSpecException when the stored columns no longer parse
   */
  public ScheduleSpec toSpec() {
    return switch (kind) {
      case CRON -> CronSpec.parse(cron, timezone);
      case AT -> new AtSpec(fireAt);
      case EVERY -> new EverySpec(Duration.ofMillis(intervalMs), startAt);
    };
  }
}
