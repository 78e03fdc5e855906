package dev.scheduleman.quarkus;

import dev.scheduleman.quarkus.outbox.OutboxEntry;
import java.time.Instant;
import java.util.UUID;

/**
 * Where a call stands: waiting, sent (with the schedule's id), or refused by the API for good, with
 * the problem it gave.
 */
public record OutboxStatus(
    UUID outboxId,
    OutboxEntry.State state,
    int attempts,
    UUID scheduleId,
    Integer httpStatus,
    String error,
    Instant createdAt,
    Instant sentAt) {

  static OutboxStatus of(OutboxEntry e) {
    return new OutboxStatus(
        e.id, e.state, e.attempts, e.scheduleId, e.httpStatus, e.lastError, e.createdAt, e.sentAt);
  }
}
