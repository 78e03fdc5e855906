package dev.scheduleman.sdk.api;

import java.time.Instant;
import java.util.UUID;

/** A tenant: its schedules, keys and signing secret are its own. */
public record TenantDto(UUID id, String name, Instant createdAt) {

  /** The body of {@code POST /tenants}. */
  public record Create(String name) {}

  /** The answer to {@code POST /tenants}: the tenant and its first API key, shown only here. */
  public record Created(TenantDto tenant, String apiKey) {}
}
