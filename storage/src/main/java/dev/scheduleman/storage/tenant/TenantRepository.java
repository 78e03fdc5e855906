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

  private static final String COLUMNS =
      "id, name, signing_secret, previous_signing_secret, previous_secret_expires_at, created_at";

  private final DataSource ds;

  public TenantRepository(DataSource ds) {
    this.ds = ds;
  }

  public void insert(TenantRow tenant) {
    Sql.update(
        ds,
        "INSERT INTO tenant (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
        s -> {
          s.setObject(1, tenant.id());
          s.setString(2, tenant.name());
          s.setString(3, tenant.signingSecret());
          s.setString(4, tenant.previousSigningSecret());
          setInstant(s, 5, tenant.previousSecretExpiresAt());
          setInstant(s, 6, tenant.createdAt());
        });
  }

  /**
   * Inserts the tenant unless one of that name exists; either way returns the stored one. Safe when
   * several API instances start at once.
   */
  public TenantRow insertIfAbsent(TenantRow tenant) {
    Sql.update(
        ds,
        "INSERT INTO tenant ("
            + COLUMNS
            + ") VALUES (?, ?, ?, NULL, NULL, ?) ON CONFLICT (name) DO NOTHING",
        s -> {
          s.setObject(1, tenant.id());
          s.setString(2, tenant.name());
          s.setString(3, tenant.signingSecret());
          setInstant(s, 4, tenant.createdAt());
        });
    return findByName(tenant.name()).orElseThrow();
  }

  public Optional<TenantRow> findById(UUID id) {
    return Sql.queryOne(
        ds,
        "SELECT " + COLUMNS + " FROM tenant WHERE id = ?",
        s -> s.setObject(1, id),
        TenantRepository::map);
  }

  public Optional<TenantRow> findByName(String name) {
    return Sql.queryOne(
        ds,
        "SELECT " + COLUMNS + " FROM tenant WHERE name = ?",
        s -> s.setString(1, name),
        TenantRepository::map);
  }

  public List<TenantRow> list() {
    return Sql.query(
        ds, "SELECT " + COLUMNS + " FROM tenant ORDER BY name", s -> {}, TenantRepository::map);
  }

  /**
   * Makes {@code newSecret} the signing secret; the current one keeps signing beside it until
   * {@code previousExpiresAt}.
   */
  public Optional<TenantRow> rotateSecret(UUID id, String newSecret, Instant previousExpiresAt) {
    return Sql.queryOne(
        ds,
        """
        UPDATE tenant
           SET previous_signing_secret = signing_secret,
               previous_secret_expires_at = ?,
               signing_secret = ?
         WHERE id = ?
        RETURNING %s
        """
            .formatted(COLUMNS),
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
