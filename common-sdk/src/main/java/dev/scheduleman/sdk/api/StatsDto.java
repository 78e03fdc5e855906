package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tenant's figures.
 *
 * @param schedules how many schedules are in each state
 * @param dueBacklog triggers due now that no executor holds: the autoscaling signal
 * @param perMinute attempts per minute over the last minutes, oldest first
 * @param lateness how late first attempts fired over the last minutes
 */
public record StatsDto(
    Map<String, Long> schedules, long dueBacklog, List<Minute> perMinute, Lateness lateness) {

  /** Attempts that started in one minute. */
  public record Minute(Instant minute, long fired, long failed) {}

  /** Lateness percentiles in milliseconds; null when nothing fired in the window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Lateness(
      int windowMinutes, long samples, Double p50Ms, Double p99Ms, Double maxMs) {}
}
