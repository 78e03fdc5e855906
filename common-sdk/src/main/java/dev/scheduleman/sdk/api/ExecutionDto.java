package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt to deliver a trigger.
 *
 * @param executionId the trigger's webhook-id, the same for all its attempts
 * @param exhausted true for the last attempt of a trigger that ran out of retries
 * @param responseExcerpt the first KiB of the response body
 * @param retryAfter the earliest next attempt the receiver asked for with a 429 or 503 answer's
 *     {@code Retry-After} (absent otherwise); the retry honours it, capped by the schedule's {@code
 *     retry.maxBackoff}
 * @param flowKey the flow key whose limit paced the trigger (absent when none did)
 * @param throttledMs how long the trigger waited for that limit before it went (absent when it did
 *     not wait)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionDto(
    UUID executionId,
    Instant scheduledFor,
    Instant firedAt,
    int attempt,
    String executor,
    String outcome,
    Integer httpStatus,
    long durationMs,
    String error,
    String responseExcerpt,
    boolean exhausted,
    Instant retryAfter,
    String flowKey,
    Long throttledMs) {}
