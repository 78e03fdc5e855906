package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * When a schedule fires: exactly one of {@code cron} (with an optional {@code timezone}), {@code
 * at}, {@code delay} (becomes {@code at} when created) or {@code every} (with an optional {@code
 * startAt}). Times are ISO-8601 instants; durations are ISO-8601 or compact ({@code 30s}, {@code
 * 1h30m}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpecDto(
    String cron, String timezone, String at, String delay, String every, String startAt) {

  public static SpecDto cron(String cron, String timezone) {
    return new SpecDto(cron, timezone, null, null, null, null);
  }

  public static SpecDto at(String at) {
    return new SpecDto(null, null, at, null, null, null);
  }

  public static SpecDto delay(String delay) {
    return new SpecDto(null, null, null, delay, null, null);
  }

  public static SpecDto every(String every, String startAt) {
    return new SpecDto(null, null, null, null, every, startAt);
  }
}
