package dev.scheduleman.sdk.trigger;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The trigger a schedule is waiting to fire (for an active schedule) or the last one it had (for a
 * dead one, which re-arming fires again under the same id). Only {@link TriggerStateMachine}
 * decides what a new one looks like; storage reads stored ones back with {@link #restore}.
 *
 * <p>The execution id is the {@code webhook-id}: the same across the retries of one occurrence, new
 * for every occurrence and whenever the trigger is replaced, which is what guards an executor's
 * completion against overwriting a user's edit.
 */
public final class PendingTrigger {

  private static final PendingTrigger NONE =
      new PendingTrigger(null, null, null, 0, null, null, null);

  private final Instant nextFireAt;
  private final Instant scheduledFor;
  private final UUID executionId;
  private final int attempt;
  private final String leaseOwner;
  private final Instant leaseUntil;
  private final UUID leaseToken;

  private PendingTrigger(
      Instant nextFireAt,
      Instant scheduledFor,
      UUID executionId,
      int attempt,
      String leaseOwner,
      Instant leaseUntil,
      UUID leaseToken) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    if ((leaseOwner == null) != (leaseUntil == null)
        || (leaseOwner == null) != (leaseToken == null)) {
      throw new IllegalArgumentException("a lease has an owner, an end and a token, or none");
    }
    this.nextFireAt = nextFireAt;
    this.scheduledFor = scheduledFor;
    this.executionId = executionId;
    this.attempt = attempt;
    this.leaseOwner = leaseOwner;
    this.leaseUntil = leaseUntil;
    this.leaseToken = leaseToken;
  }

  /** A trigger as it was stored: for reading rows back, never for deciding a new one. */
  public static PendingTrigger restore(
      Instant nextFireAt,
      Instant scheduledFor,
      UUID executionId,
      int attempt,
      String leaseOwner,
      Instant leaseUntil,
      UUID leaseToken) {
    return new PendingTrigger(
        nextFireAt, scheduledFor, executionId, attempt, leaseOwner, leaseUntil, leaseToken);
  }

  /** No trigger at all (a paused or completed schedule). */
  public static PendingTrigger none() {
    return NONE;
  }

  static PendingTrigger fresh(Instant fireAt, Instant scheduledFor, UUID executionId) {
    Objects.requireNonNull(fireAt, "fireAt");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
    Objects.requireNonNull(executionId, "executionId");
    return new PendingTrigger(fireAt, scheduledFor, executionId, 0, null, null, null);
  }

  /**
   * The same occurrence and id, due at {@code fireAt}, after {@code attempt} attempts, unleased.
   */
  PendingTrigger again(Instant fireAt, int attempt) {
    return new PendingTrigger(fireAt, scheduledFor, executionId, attempt, null, null, null);
  }

  /** The same trigger and lease, standing for another occurrence (a catch-up). */
  PendingTrigger standingFor(Instant occurrence) {
    return new PendingTrigger(
        nextFireAt, occurrence, executionId, attempt, leaseOwner, leaseUntil, leaseToken);
  }

  /** When it fires; null when nothing is pending. */
  public Instant nextFireAt() {
    return nextFireAt;
  }

  /** The nominal occurrence it stands for ({@code Scheduleman-Scheduled-For}). */
  public Instant scheduledFor() {
    return scheduledFor;
  }

  public UUID executionId() {
    return executionId;
  }

  /** Attempts already made for this execution id (0 before the first). */
  public int attempt() {
    return attempt;
  }

  /** The executor that claimed it, while its lease lasts. */
  public String leaseOwner() {
    return leaseOwner;
  }

  public Instant leaseUntil() {
    return leaseUntil;
  }

  /** The claim's own token: what guards an executor's statements on this claim. */
  public UUID leaseToken() {
    return leaseToken;
  }

  /** True when there is nothing to fire. */
  public boolean isNone() {
    return nextFireAt == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingTrigger p
        && attempt == p.attempt
        && Objects.equals(nextFireAt, p.nextFireAt)
        && Objects.equals(scheduledFor, p.scheduledFor)
        && Objects.equals(executionId, p.executionId)
        && Objects.equals(leaseOwner, p.leaseOwner)
        && Objects.equals(leaseUntil, p.leaseUntil)
        && Objects.equals(leaseToken, p.leaseToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        nextFireAt, scheduledFor, executionId, attempt, leaseOwner, leaseUntil, leaseToken);
  }

  @Override
  public String toString() {
    return "PendingTrigger[nextFireAt="
        + nextFireAt
        + ", scheduledFor="
        + scheduledFor
        + ", executionId="
        + executionId
        + ", attempt="
        + attempt
        + ", leaseOwner="
        + leaseOwner
        + ", leaseUntil="
        + leaseUntil
        + ", leaseToken="
        + leaseToken
        + "]";
  }
}
