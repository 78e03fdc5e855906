package dev.scheduleman.storage.execution;

import dev.scheduleman.sdk.model.Outcome;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt to deliver a trigger, as recorded in {@code execution}.
 *
 * @param id the row's sequence number, or 0 before it is stored
 * @param executionId the trigger's id (the {@code webhook-id}), shared by all its attempts
 * @param scheduledFor the nominal fire time of the occurrence
 * @param attempt 1 for the first attempt of a trigger
 * @param executor the executor that made the attempt
 * @param exhausted true for the last attempt of a trigger that ran out of retries (a dead letter)
 * @param retryAfter the earliest next attempt the receiver asked for ({@code Retry-After} with a
 *     429 or 503), or null
 * @param flowKey the flow key that paced the trigger, or null when none did
 * @param throttledMs how long the trigger waited for its flow limit, or null when it did not
 */
public record ExecutionRow(
    long id,
    UUID scheduleId,
    UUID tenantId,
    UUID executionId,
    Instant scheduledFor,
    Instant firedAt,
    int attempt,
    String executor,
    Outcome outcome,
    Integer httpStatus,
    int durationMs,
    String error,
    String responseExcerpt,
    boolean exhausted,
    Instant retryAfter,
    String flowKey,
    Long throttledMs) {

  /** An attempt of a trigger no flow limit paced. */
  public ExecutionRow(
      long id,
      UUID scheduleId,
      UUID tenantId,
      UUID executionId,
      Instant scheduledFor,
      Instant firedAt,
      int attempt,
      String executor,
      Outcome outcome,
      Integer httpStatus,
      int durationMs,
      String error,
      String responseExcerpt,
      boolean exhausted,
      Instant retryAfter) {
    this(
        id,
        scheduleId,
        tenantId,
        executionId,
        scheduledFor,
        firedAt,
        attempt,
        executor,
        outcome,
        httpStatus,
        durationMs,
        error,
        responseExcerpt,
        exhausted,
        retryAfter,
        null,
        null);
  }
}
