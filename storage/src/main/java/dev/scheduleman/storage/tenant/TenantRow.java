package dev.scheduleman.storage.tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant and its webhook signing secrets.
 *
 * @param previousSigningSecret the secret before the last rotation, still signing until {@code
 *     previousSecretExpiresAt}; null when there is none
 */
public record TenantRow(
    UUID id,
    String name,
    String signingSecret,
    String previousSigningSecret,
    Instant previousSecretExpiresAt,
    Instant createdAt) {}
