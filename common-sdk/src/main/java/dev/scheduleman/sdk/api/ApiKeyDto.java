package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * An API key. Lists show only its prefix; {@code key} is present once, in the answer to the request
 * that created it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyDto(
    UUID id,
    String name,
    String prefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt,
    String key) {

  /** The body of {@code POST /api-keys}. */
  public record Create(String name) {}
}
