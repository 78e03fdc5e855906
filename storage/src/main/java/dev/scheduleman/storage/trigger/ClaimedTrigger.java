package dev.scheduleman.storage.trigger;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A trigger an executor has claimed: everything it needs to fire the webhook and to complete the
 * trigger without reading the row again. The spec was parsed once, when the row was read.
 *
 * @param pending the trigger as claimed (its fire time, occurrence, id, attempts and lease)
 * @param rules the schedule's spec and retry policy; a spec that no longer parses is a defect
 * @param signingSecrets the tenant's current secret, then a rotated one still in its grace period
 * @param databaseNow the database's clock when the claim ran
 * @param defect why the row cannot be fired as stored, if it cannot (it is then buried)
 * @param skipped why the claimed occurrence is not fired, if it is not: it was missed, and the
 *     schedule's misfire policy skips missed occurrences (it then completes as skipped)
 * @param paced the flow key whose limit let it go, if one paces it
 */
public record ClaimedTrigger(
    UUID scheduleId,
    UUID tenantId,
    PendingTrigger pending,
    TriggerRules rules,
    Target target,
    List<String> signingSecrets,
    Instant databaseNow,
    Optional<String> defect,
    Optional<String> skipped,
    Optional<Paced> paced) {

  /**
   * How a paced trigger went: under which flow key, and how long it waited for the key's limit
   * (null when it did not wait: the key had room when it fell due).
   */
  public record Paced(String flowKey, Duration throttled) {}

  /** A claimed trigger that fires (unless it is a defect). */
  public ClaimedTrigger(
      UUID scheduleId,
      UUID tenantId,
      PendingTrigger pending,
      TriggerRules rules,
      Target target,
      List<String> signingSecrets,
      Instant databaseNow,
      Optional<String> defect) {
    this(
        scheduleId,
        tenantId,
        pending,
        rules,
        target,
        signingSecrets,
        databaseNow,
        defect,
        Optional.empty(),
        Optional.empty());
  }

  public UUID executionId() {
    return pending.executionId();
  }

  /** When to fire (the row's {@code next_fire_at}). */
  public Instant fireAt() {
    return pending.nextFireAt();
  }

  public Instant scheduledFor() {
    return pending.scheduledFor();
  }

  /** Attempts made before this one for the same execution id. */
  public int attempt() {
    return pending.attempt();
  }

  public Instant leaseUntil() {
    return pending.leaseUntil();
  }

  public RetryPolicy retry() {
    return rules.retry();
  }

  /** The same claim, with the trigger as the state machine says it fires (a catch-up). */
  public ClaimedTrigger firing(PendingTrigger asFired) {
    return new ClaimedTrigger(
        scheduleId,
        tenantId,
        asFired,
        rules,
        target,
        signingSecrets,
        databaseNow,
        defect,
        skipped,
        paced);
  }

  /** The same claim, not to be fired: the occurrence was missed and is skipped. */
  public ClaimedTrigger skipping(String why) {
    return new ClaimedTrigger(
        scheduleId,
        tenantId,
        pending,
        rules,
        target,
        signingSecrets,
        databaseNow,
        defect,
        Optional.of(why),
        paced);
  }

  /** The same claim, made by a flow claim under the given key. */
  public ClaimedTrigger paced(Paced how) {
    return new ClaimedTrigger(
        scheduleId,
        tenantId,
        pending,
        rules,
        target,
        signingSecrets,
        databaseNow,
        defect,
        skipped,
        Optional.of(how));
  }
}
