package dev.scheduleman.storage.schedule;

import java.time.Instant;
import java.util.UUID;

/**
 * The trigger a schedule is waiting to fire (for an active schedule) or the last one it had (for a
 * dead one, which re-arming fires again under the same id).
 *
 * @param attempt attempts already made for this execution id (0 before the first)
 * @param leaseOwner the executor that claimed it, while its lease lasts
 */
public record PendingTrigger(
    Instant nextFireAt,
    Instant scheduledFor,
    UUID executionId,
    int attempt,
    String leaseOwner,
    Instant leaseUntil) {

  /** A fresh trigger: a new execution id, no attempts, not leased. */
  public static PendingTrigger fresh(Instant fireAt, Instant scheduledFor, UUID executionId) {
    return new PendingTrigger(fireAt, scheduledFor, executionId, 0, null, null);
  }

  /** No trigger at all (a paused or completed schedule). */
  public static PendingTrigger none() {
    return new PendingTrigger(null, null, null, 0, null, null);
  }
}
