package dev.scheduleman.api.auth;

import java.util.UUID;

/**
 * Who is calling: the tenant every read and write is confined to, and whether the caller may manage
 * tenants (only the bootstrap admin key may).
 *
 * @param keyId the API key used, or null for the bootstrap key
 */
public record Caller(UUID tenantId, UUID keyId, boolean admin) {}
