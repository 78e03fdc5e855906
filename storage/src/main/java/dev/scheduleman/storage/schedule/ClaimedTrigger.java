package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A trigger an executor has claimed: everything it needs to fire the webhook and to complete the
 * trigger without reading the row again.
 *
 * @param fireAt when to fire (the row's {@code next_fire_at})
 * @param attempt attempts made before this one for the same execution id
 * @param signingSecrets the tenant's current secret, then a rotated one still in its grace period
 * @param databaseNow the database's clock when the claim ran, to correct for clock skew
 * @param defect why the row cannot be fired as stored, if it cannot (it is then buried)
 */
public record ClaimedTrigger(
    UUID scheduleId,
    UUID tenantId,
    UUID executionId,
    Instant fireAt,
    Instant scheduledFor,
    int attempt,
    SpecColumns spec,
    Target target,
    RetryPolicy retry,
    List<String> signingSecrets,
    Instant leaseUntil,
    Instant databaseNow,
    Optional<String> defect) {}
