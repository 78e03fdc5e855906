package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * When a schedule fires: exactly one of {@code cron} (with an optional {@code timezone}), {@code
 * at}, {@code delay} (becomes {@code at} when created) or {@code every} (with an optional {@code
 * startAt}, where its cadence starts). Times are ISO-8601 instants; durations are ISO-8601 or
 * compact ({@code 30s}, {@code 1h30m}).
 *
 * <p>Cron and every schedules may be bounded: no occurrence before {@code startAt} or after {@code
 * endAt} (after it the schedule completes), and none on the local dates of {@code excludeDates}
 * ({@code 2026-12-25}, in {@code timezone}, UTC when absent; at most 366 dates). Their {@code
 * misfire} says what happens to occurrences missed while no executor could fire them. Any schedule
 * may have a flexible {@code window} (up to a day, and no longer than its cadence): each occurrence
 * then fires at an instant in {@code [occurrence, occurrence + window)}, the same for a given
 * schedule and occurrence.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpecDto(
    String cron,
    String timezone,
    String at,
    String delay,
    String every,
    String startAt,
    String endAt,
    List<String> excludeDates,
    MisfireDto misfire,
    String window) {

  public static SpecDto cron(String cron, String timezone) {
    return new SpecDto(cron, timezone, null, null, null, null, null, null, null, null);
  }

  public static SpecDto at(String at) {
    return new SpecDto(null, null, at, null, null, null, null, null, null, null);
  }

  public static SpecDto delay(String delay) {
    return new SpecDto(null, null, null, delay, null, null, null, null, null, null);
  }

  public static SpecDto every(String every, String startAt) {
    return new SpecDto(null, null, null, null, every, startAt, null, null, null, null);
  }

  /** This spec with a time zone (for a cron expression, or an interval's excluded dates). */
  public SpecDto withTimezone(String timezone) {
    return new SpecDto(
        cron, timezone, at, delay, every, startAt, endAt, excludeDates, misfire, window);
  }

  /** This spec within bounds: each may be null for none. */
  public SpecDto within(String startAt, String endAt, List<String> excludeDates) {
    return new SpecDto(
        cron, timezone, at, delay, every, startAt, endAt, excludeDates, misfire, window);
  }

  /** This spec with a flexible window (null for none). */
  public SpecDto withWindow(String window) {
    return new SpecDto(
        cron, timezone, at, delay, every, startAt, endAt, excludeDates, misfire, window);
  }

  /** This spec with a misfire policy (null for the default). */
  public SpecDto withMisfire(MisfireDto misfire) {
    return new SpecDto(
        cron, timezone, at, delay, every, startAt, endAt, excludeDates, misfire, window);
  }
}
