package dev.scheduleman.api.keys;

import dev.scheduleman.api.auth.ApiKeys;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.apikey.ApiKeyRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
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

  public Issued issue(UUID tenantId, String name) {
    ApiKeys.NewKey key = ApiKeys.generate();
    ApiKeyRow row =
        new ApiKeyRow(
            Ids.newId(), tenantId, name, key.prefix(), key.hash(), clock.instant(), null, null);
    keys.insert(row);
    return new Issued(row, key.key());
  }
}
