package dev.scheduleman.storage.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key as stored: never the key, only its prefix (to find it) and its SHA-256 (to check it).
 *
 * @param scopes what it may do, by name
 * @param expiresAt when it stops working, or null for never
 */
public record ApiKeyRow(
    UUID id,
    UUID tenantId,
    String name,
    String prefix,
    byte[] keyHash,
    List<String> scopes,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  public ApiKeyRow {
    scopes = List.copyOf(scopes);
  }

  /** Whether it has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
