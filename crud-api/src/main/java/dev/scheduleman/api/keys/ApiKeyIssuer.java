package dev.scheduleman.api.keys;

import dev.scheduleman.api.auth.ApiKeys;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.apikey.ApiKeyRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Makes API keys: stores the hash, hands the key out once. */
@ApplicationScoped
public class ApiKeyIssuer {

  /** A stored key, and the key itself, which exists nowhere else. */
  public record Issued(ApiKeyRow row, String key) {}

  private final ApiKeyRepository keys;
  private final Clock clock;

  public ApiKeyIssuer(ApiKeyRepository keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** A key with every scope, that never expires (a tenant's first key). */
  public Issued issue(UUID tenantId, String name) {
    return issue(tenantId, name, EnumSet.allOf(Scope.class), null);
  }

  public Issued issue(UUID tenantId, String name, Set<Scope> scopes, Instant expiresAt) {
    ApiKeys.NewKey key = ApiKeys.generate();
    ApiKeyRow row =
        new ApiKeyRow(
            Ids.newId(),
            tenantId,
            name,
            key.prefix(),
            key.hash(),
            Scope.names(scopes),
            clock.instant(),
            expiresAt,
            null,
            null);
    keys.insert(row);
    return new Issued(row, key.key());
  }
}
