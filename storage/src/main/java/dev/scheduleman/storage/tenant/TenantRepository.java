package dev.scheduleman.storage.tenant;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code tenant}. */
public final class TenantRepository {

  private final DataSource ds;

  public TenantRepository(DataSource ds) {
    this.ds = ds;
  }

  /** Parameters: id, name, secret, previous secret, its expiry, created at. */
  static final String INSERT =
      """
      INSERT INTO tenant (id, name, signing_secret, previous_signing_secret,
                          previous_secret_expires_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?)
      """;

  public void insert(TenantRow tenant) {
    Sql.update(
        ds,
        INSERT,
        s -> {
          s.setObject(1, tenant.id());
          s.setString(2, tenant.name());
          s.setString(3, tenant.signingSecret());
          s.setString(4, tenant.previousSigningSecret());
          setInstant(s, 5, tenant.previousSecretExpiresAt());
          setInstant(s, 6, tenant.createdAt());
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
      SELECT id, name, signing_secret, previous_signing_secret, previous_secret_expires_at,
             created_at
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
      SELECT id, name, signing_secret, previous_signing_secret, previous_secret_expires_at,
             created_at
        FROM tenant
       ORDER BY name
      """;

  public List<TenantRow> list() {
    return Sql.query(ds, LIST, s -> {}, TenantRepository::map);
  }

  /** Parameters: the previous secret's expiry, the new secret, the tenant. */
  static final String ROTATE_SECRET =
      """
      UPDATE tenant
         SET previous_signing_secret = signing_secret,
             previous_secret_expires_at = ?,
             signing_secret = ?
       WHERE id = ?
      RETURNING id, name, signing_secret, previous_signing_secret, previous_secret_expires_at,
                created_at
      """;

  /**
   * Makes {@code newSecret} the signing secret; the current one keeps signing beside it until
   * {@code previousExpiresAt}.
   */
  public Optional<TenantRow> rotateSecret(UUID id, String newSecret, Instant previousExpiresAt) {
    return Sql.queryOne(
        ds,
        ROTATE_SECRET,
        s -> {
          setInstant(s, 1, previousExpiresAt);
          s.setString(2, newSecret);
          s.setObject(3, id);
        },
        TenantRepository::map);
  }

  private static TenantRow map(ResultSet r) throws SQLException {
    return new TenantRow(
        getUuid(r, "id"),
        r.getString("name"),
        r.getString("signing_secret"),
        r.getString("previous_signing_secret"),
        getInstant(r, "previous_secret_expires_at"),
        getInstant(r, "created_at"));
  }
}
