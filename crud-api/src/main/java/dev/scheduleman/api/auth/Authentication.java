package dev.scheduleman.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.apikey.ApiKeyRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns a Bearer token into a {@link Caller}. Keys are looked up by prefix and checked against the
 * stored hash; a looked-up key is cached for a few seconds, so a busy client costs no query per
 * request and a revoked key stops working within that time on every instance.
 */
@ApplicationScoped
public class Authentication {

  private static final Logger LOG = Logger.getLogger(Authentication.class);
  static final Duration CACHE_TTL = Duration.ofSeconds(5);
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final ApiConfig config;
  private final ApiKeyRepository keys;
  private final TenantRepository tenants;
  private final Clock clock;
  private final Cache<String, Optional<ApiKeyRow>> byPrefix =
      Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
  private final Cache<UUID, Instant> touched =
      Caffeine.newBuilder().expireAfterWrite(TOUCH_EVERY).maximumSize(10_000).build();
  private volatile UUID defaultTenantId;

  public Authentication(
      ApiConfig config, ApiKeyRepository keys, TenantRepository tenants, Clock clock) {
    this.config = config;
    this.keys = keys;
    this.tenants = tenants;
    this.clock = clock;
  }

  /** Makes sure the bootstrap key's tenant exists; several instances may do this at once. */
  void onStart(@Observes StartupEvent event) {
    TenantRow tenant =
        tenants.insertIfAbsent(
            new TenantRow(
                Ids.newId(), config.defaultTenant(), SigningSecrets.generate(), clock.instant()));
    defaultTenantId = tenant.id();
    if (config.bootstrapKey().isEmpty()) {
      LOG.info("no bootstrap key configured (SCHEDULEMAN_BOOTSTRAP_KEY): only tenant keys work");
    }
  }

  /**
   * @param authorization the Authorization header, or null
   * @throws ProblemException 401 for a missing, malformed, unknown or revoked key
   */
  public Caller authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ProblemException.unauthorized(
          "this API needs an API key: send 'Authorization: Bearer <key>'");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ProblemException.unauthorized("use the Bearer scheme: 'Authorization: Bearer <key>'");
    }
    String key = authorization.substring(7).trim();
    Optional<String> bootstrap = config.bootstrapKey().filter(k -> !k.isBlank());
    if (bootstrap.isPresent()
        && MessageDigest.isEqual(
            key.getBytes(StandardCharsets.UTF_8),
            bootstrap.get().getBytes(StandardCharsets.UTF_8))) {
      return Caller.admin(defaultTenantId);
    }
    Optional<ApiKeyRow> row =
        ApiKeys.prefixOf(key).flatMap(prefix -> byPrefix.get(prefix, keys::findByPrefix));
    if (row.isEmpty() || !ApiKeys.matches(key, row.get().keyHash())) {
      throw ProblemException.unauthorized("the API key is not valid");
    }
    if (row.get().revokedAt() != null) {
      throw ProblemException.unauthorized("the API key has been revoked");
    }
    if (row.get().expiredAt(clock.instant())) {
      throw ProblemException.unauthorized("the API key expired at " + row.get().expiresAt());
    }
    noteUse(row.get());
    return new Caller(
        row.get().tenantId(),
        row.get().id(),
        row.get().name(),
        Scope.known(row.get().scopes()),
        false);
  }

  /** Forgets a cached key at once on this instance (others notice within the cache's lifetime). */
  public void forget(String prefix) {
    byPrefix.invalidate(prefix);
  }

  private void noteUse(ApiKeyRow key) {
    if (touched.getIfPresent(key.id()) != null) {
      return;
    }
    Instant now = clock.instant();
    touched.put(key.id(), now);
    try {
      keys.touch(key.id(), now);
    } catch (RuntimeException e) {
      LOG.debugf("could not record the use of key %s: %s", key.prefix(), e.getMessage());
    }
  }
}
