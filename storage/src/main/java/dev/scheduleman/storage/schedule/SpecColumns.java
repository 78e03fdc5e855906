package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Bounds;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.ScheduleSpec.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * A schedule spec as stored: the kind and the columns of that kind. Kept apart from {@link
 * ScheduleSpec} because a stored row must stay readable even when it no longer parses (a time zone
 * removed from the tz database, say): such a row is shown, and buried by the executor, not fatal.
 *
 * <p>{@code startAt} is an interval's first occurrence, or the instant a cron schedule starts at;
 * {@code endAt} and {@code excludeDates} bound either. {@code timezone} is the cron expression's
 * zone, or the zone an interval schedule's excluded dates are in. The misfire columns are all null
 * for the default policy ({@link Misfire#DEFAULT}); {@code windowMs} is null for no flexible
 * window.
 */
public record SpecColumns(
    Kind kind,
    String cron,
    String timezone,
    Instant fireAt,
    Long intervalMs,
    Instant startAt,
    Instant endAt,
    List<LocalDate> excludeDates,
    String misfirePolicy,
    Long misfireThresholdMs,
    Integer misfireMaxCatchUp,
    Long windowMs) {

  public SpecColumns {
    Objects.requireNonNull(kind, "kind");
    excludeDates = excludeDates == null ? List.of() : List.copyOf(excludeDates);
  }

  public static SpecColumns of(ScheduleSpec spec) {
    return of(spec, Duration.ZERO);
  }

  /** The columns of {@code spec} with a flexible {@code window} (zero for none). */
  public static SpecColumns of(ScheduleSpec spec, Duration window) {
    Long windowMs = window == null || window.isZero() ? null : window.toMillis();
    Bounds bounds = BoundedSpec.boundsOf(spec).orElse(null);
    Instant endAt = bounds == null ? null : bounds.endAt();
    List<LocalDate> excluded = bounds == null ? List.of() : List.copyOf(bounds.excludeDates());
    ScheduleSpec base = BoundedSpec.unbounded(spec);
    Misfire misfire = BoundedSpec.misfireOf(spec);
    String policy = misfire.isDefault() ? null : misfire.policy().wire();
    Long thresholdMs = misfire.isDefault() ? null : misfire.threshold().toMillis();
    Integer maxCatchUp = misfire.isDefault() ? null : misfire.maxCatchUp();
    if (base instanceof CronSpec cron) {
      Instant startAt = bounds == null ? null : bounds.startAt();
      return new SpecColumns(
          Kind.CRON,
          cron.expression(),
          cron.zone().getId(),
          null,
          null,
          startAt,
          endAt,
          excluded,
          policy,
          thresholdMs,
          maxCatchUp,
          windowMs);
    }
    if (base instanceof AtSpec at) {
      return new SpecColumns(
          Kind.AT, null, null, at.at(), null, null, null, List.of(), null, null, null, windowMs);
    }
    EverySpec every = (EverySpec) base;
    String zone = excluded.isEmpty() ? null : bounds.zone().getId();
    return new SpecColumns(
        Kind.EVERY,
        null,
        zone,
        null,
        every.interval().toMillis(),
        every.startAt(),
        endAt,
        excluded,
        policy,
        thresholdMs,
        maxCatchUp,
        windowMs);
  }

  /** The flexible window; zero for none. */
  public Duration window() {
    return windowMs == null ? Duration.ZERO : Duration.ofMillis(windowMs);
  }

  /**
   * @throws InvalidSpecException when the stored columns no longer parse
   */
  public ScheduleSpec toSpec() {
    return switch (kind) {
      case CRON -> {
        CronSpec cron = CronSpec.parse(cron(), timezone);
        yield BoundedSpec.of(cron, Bounds.of(startAt, endAt, excludeDates, cron.zone()), misfire());
      }
      case AT -> new AtSpec(fireAt);
      case EVERY ->
          BoundedSpec.of(
              new EverySpec(Duration.ofMillis(intervalMs), startAt),
              Bounds.of(null, endAt, excludeDates, excludedDatesZone()),
              misfire());
    };
  }

  /** The stored misfire policy; the default when none is stored. */
  private Misfire misfire() {
    return misfirePolicy == null
        ? Misfire.DEFAULT
        : new Misfire(
            Misfire.Policy.parse(misfirePolicy),
            Duration.ofMillis(misfireThresholdMs),
            misfireMaxCatchUp);
  }

  private ZoneId excludedDatesZone() {
    return CronSpec.parseZone(timezone);
  }
}
