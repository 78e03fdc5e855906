package dev.scheduleman.storage.tenant;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getInteger;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code tenant}. */
public final class TenantRepository {

  private final DataSource ds;

  public TenantRepository(DataSource ds) {
    this.ds = ds;
  }

  /** Parameters: id, name, secret, retired secrets, created at. */
  static final String INSERT =
      """
      INSERT INTO tenant (id, name, signing_secret, retired_signing_secrets, created_at)
      VALUES (?, ?, ?, ?, ?)
      """;

  public void insert(TenantRow tenant) {
    Sql.update(
        ds,
        INSERT,
        s -> {
          s.setObject(1, tenant.id());
          s.setString(2, tenant.name());
          s.setString(3, tenant.signingSecret());
          s.setObject(4, RetiredSecrets.jsonb(tenant.retiredSecrets()));
          setInstant(s, 5, tenant.createdAt());
        });
  }

  /** Parameters: id, name, secret, created at. */
  static final String INSERT_IF_ABSENT =
      """
      INSERT INTO tenant (id, name, signing_secret, created_at)
      VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO NOTHING
      """;

  /**
   * Inserts the tenant unless one of that name exists; either way returns the stored one. Safe when
   * several API instances start at once.
   */
  public TenantRow insertIfAbsent(TenantRow tenant) {
    Sql.update(
        ds,
        INSERT_IF_ABSENT,
        s -> {
          s.setObject(1, tenant.id());
          s.setString(2, tenant.name());
          s.setString(3, tenant.signingSecret());
          setInstant(s, 4, tenant.createdAt());
        });
    return findByName(tenant.name()).orElseThrow();
  }

  /** By id or by name (the other parameter is null). Parameters: id, name. */
  static final String FIND =
      """
      SELECT id, name, signing_secret, retired_signing_secrets::text, created_at
        FROM tenant
       WHERE id = ? OR name = ?
      """;

  public Optional<TenantRow> findById(UUID id) {
    return find(id, null);
  }

  public Optional<TenantRow> findByName(String name) {
    return find(null, name);
  }

  private Optional<TenantRow> find(UUID id, String name) {
    return Sql.queryOne(
        ds,
        FIND,
        s -> {
          s.setObject(1, id);
          s.setString(2, name);
        },
        TenantRepository::map);
  }

  static final String LIST =
      """
      SELECT id, name, signing_secret, retired_signing_secrets::text, created_at
        FROM tenant
       ORDER BY name
      """;

  public List<TenantRow> list() {
    return Sql.query(ds, LIST, s -> {}, TenantRepository::map);
  }

  static final String QUOTAS =
      """
      SELECT max_schedules, max_fires_per_minute, api_requests_per_second
        FROM tenant
       WHERE id = ?
      """;

  /** The tenant's quotas; none for an unknown tenant. */
  public TenantQuotas quotas(UUID id) {
    return Sql.queryOne(ds, QUOTAS, s -> s.setObject(1, id), TenantRepository::mapQuotas)
        .orElse(TenantQuotas.NONE);
  }

  /**
   * The tenant's quotas, its row locked against other quota checks until the surrounding
   * transaction ends: concurrent writes of one tenant's schedules are counted one after the other.
   * The lock does not conflict with the key-share lock a schedule insert takes on its tenant.
   */
  public TenantQuotas lockQuotas(UUID id) {
    return Sql.queryOne(
            ds, QUOTAS + " FOR NO KEY UPDATE", s -> s.setObject(1, id), TenantRepository::mapQuotas)
        .orElse(TenantQuotas.NONE);
  }

  static final String ALL_QUOTAS =
      """
      SELECT id, max_schedules, max_fires_per_minute, api_requests_per_second FROM tenant
      """;

  /** Every tenant's quotas. */
  public Map<UUID, TenantQuotas> allQuotas() {
    Map<UUID, TenantQuotas> all = new HashMap<>();
    Sql.query(ds, ALL_QUOTAS, s -> {}, r -> all.put(getUuid(r, "id"), mapQuotas(r)));
    return all;
  }

  static final String SET_QUOTAS =
      """
      UPDATE tenant
         SET max_schedules = ?, max_fires_per_minute = ?, api_requests_per_second = ?
       WHERE id = ?
      """;

  /** Replaces the tenant's quotas; false for an unknown tenant. */
  public boolean setQuotas(UUID id, TenantQuotas quotas) {
    return Sql.update(
            ds,
            SET_QUOTAS,
            s -> {
              Sql.setNullableInt(s, 1, quotas.maxSchedules());
              Sql.setNullableInt(s, 2, quotas.maxFiresPerMinute());
              Sql.setNullableInt(s, 3, quotas.apiRequestsPerSecond());
              s.setObject(4, id);
            })
        == 1;
  }

  private static TenantQuotas mapQuotas(ResultSet r) throws SQLException {
    return new TenantQuotas(
        getInteger(r, "max_schedules"),
        getInteger(r, "max_fires_per_minute"),
        getInteger(r, "api_requests_per_second"));
  }

  /** What a rotation did. */
  public sealed interface Rotation {
    /** Rotated: the tenant as it is now. */
    record Done(TenantRow tenant) implements Rotation {}

    /** Refused: {@code limit} retired secrets still sign; the first stops at {@code nextExpiry}. */
    record TooMany(int limit, Instant nextExpiry) implements Rotation {}

    /** No such tenant. */
    record NoTenant() implements Rotation {}
  }

  /**
   * Makes {@code newSecret} the signing secret. The current one keeps signing beside it until
   * {@code retiredExpiresAt} (not at all when that is not after {@code now}), as every secret
   * retired earlier does until its own expiry; expired ones are pruned. Refused when {@code
   * maxRetired} would still be signing. The tenant row is locked for the read and the write, so
   * concurrent rotations each keep what the other retired.
   */
  public Rotation rotateSecret(
      UUID id, String newSecret, Instant retiredExpiresAt, Instant now, int maxRetired) {
    return Sql.inTransaction(
        ds,
        "rotating a signing secret",
        c -> {
          List<TenantRow> locked =
              Sql.query(
                  c,
                  FIND + " FOR UPDATE",
                  s -> {
                    s.setObject(1, id);
                    s.setString(2, null);
                  },
                  TenantRepository::map);
          if (locked.isEmpty()) {
            return new Rotation.NoTenant();
          }
          TenantRow tenant = locked.get(0);
          List<TenantRow.RetiredSecret> stillSigning = tenant.activeRetired(now);
          List<TenantRow.RetiredSecret> kept = new ArrayList<>(stillSigning);
          if (retiredExpiresAt.isAfter(now)) {
            kept.add(0, new TenantRow.RetiredSecret(tenant.signingSecret(), retiredExpiresAt));
          }
          if (kept.size() > maxRetired) {
            Instant next =
                stillSigning.stream()
                    .map(TenantRow.RetiredSecret::expiresAt)
                    .min(Instant::compareTo)
                    .orElse(now);
            return new Rotation.TooMany(maxRetired, next);
          }
          try (var update =
              c.prepareStatement(
                  "UPDATE tenant SET signing_secret = ?, retired_signing_secrets = ? WHERE id = ?")) {
            update.setString(1, newSecret);
            update.setObject(2, RetiredSecrets.jsonb(kept));
            update.setObject(3, id);
            update.executeUpdate();
          }
          return new Rotation.Done(
              new TenantRow(tenant.id(), tenant.name(), newSecret, kept, tenant.createdAt()));
        });
  }

  private static TenantRow map(ResultSet r) throws SQLException {
    return new TenantRow(
        getUuid(r, "id"),
        r.getString("name"),
        r.getString("signing_secret"),
        RetiredSecrets.parse(r.getString("retired_signing_secrets")),
        getInstant(r, "created_at"));
  }
}
