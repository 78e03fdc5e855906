package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key. Lists show only its prefix; {@code key} is present once, in the answer to the request
 * that created it.
 *
 * @param scopes what it may do ({@link Scope} names)
 * @param expiresAt when it stops working, or null for never
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyDto(
    UUID id,
    String name,
    String prefix,
    List<String> scopes,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt,
    String key) {

  /**
   * The body of {@code POST /api-keys}.
   *
   * @param scopes the new key's scopes, each one the calling key has; absent: all of the caller's
   * @param expiresAt when it stops working (in the future), or absent for never
   */
  public record Create(String name, List<String> scopes, Instant expiresAt) {
    public Create(String name) {
      this(name, null, null);
    }
  }
}
