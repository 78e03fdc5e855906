package dev.scheduleman.sdk.api;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A tenant: its schedules, keys and signing secret are its own; the admin sets its quotas. */
public record TenantDto(UUID id, String name, Instant createdAt, Quotas quotas) {

  /** The body of {@code POST /tenants}. */
  public record Create(String name) {}

  /** The answer to {@code POST /tenants}: the tenant and its first API key, shown only here. */
  public record Created(TenantDto tenant, String apiKey) {}

  /**
   * The body of {@code PATCH /tenants/{id}}: the quotas to change, by name; a quota given as null
   * is removed, one not given is kept.
   */
  public record Patch(Map<String, Integer> quotas) {}
}
