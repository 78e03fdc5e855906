package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A trigger that ran out of retries.
 *
 * @param scheduleState the schedule's state now (DEAD, or ACTIVE if it went on or was re-armed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterDto(
    UUID scheduleId,
    String scheduleName,
    String scheduleState,
    UUID executionId,
    Instant scheduledFor,
    Instant lastAttemptAt,
    int attempts,
    Integer httpStatus,
    String error) {}
