package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A schedule as the API shows it, and as clients write it. On writes only {@code name}, {@code
 * description}, {@code labels}, {@code schedule}, {@code target}, {@code retry} and {@code
 * priority} (0 to 9, 5 when absent) count; the other fields are read-only and ignored, so a
 * schedule that was read can be written back. {@code summary} says in words when it fires ("at
 * 03:00 (Europe/Berlin)").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleDto(
    UUID id,
    String name,
    String description,
    Map<String, String> labels,
    SpecDto schedule,
    String summary,
    TargetDto target,
    RetryDto retry,
    Integer priority,
    String state,
    Instant nextFireAt,
    LastRunDto lastRun,
    Instant createdAt,
    Instant updatedAt,
    Long version) {

  /** A request to write a schedule: only the writable fields. */
  public static ScheduleDto request(
      String name,
      String description,
      Map<String, String> labels,
      SpecDto schedule,
      TargetDto target,
      RetryDto retry) {
    return request(name, description, labels, schedule, target, retry, null);
  }

  /** A request to write a schedule, with its priority (null for the default). */
  public static ScheduleDto request(
      String name,
      String description,
      Map<String, String> labels,
      SpecDto schedule,
      TargetDto target,
      RetryDto retry,
      Integer priority) {
    return new ScheduleDto(
        null,
        name,
        description,
        labels,
        schedule,
        null,
        target,
        retry,
        priority,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
