package dev.scheduleman.storage.apikey;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as stored: never the key, only its prefix (to find it) and its SHA-256 (to check it).
 */
public record ApiKeyRow(
    UUID id,
    UUID tenantId,
    String name,
    String prefix,
    byte[] keyHash,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {}
