package dev.scheduleman.storage.apikey;

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

/** Every statement on {@code api_key}. */
public final class ApiKeyRepository {

  private final DataSource ds;

  public ApiKeyRepository(DataSource ds) {
    this.ds = ds;
  }

  /** Parameters: id, tenant, name, prefix, hash, created at, scopes, expires at. */
  static final String INSERT =
      """
      INSERT INTO api_key (id, tenant_id, name, prefix, key_hash, created_at, scopes, expires_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """;

  public void insert(ApiKeyRow key) {
    Sql.update(
        ds,
        INSERT,
        s -> {
          s.setObject(1, key.id());
          s.setObject(2, key.tenantId());
          s.setString(3, key.name());
          s.setString(4, key.prefix());
          s.setBytes(5, key.keyHash());
          setInstant(s, 6, key.createdAt());
          s.setArray(7, s.getConnection().createArrayOf("text", key.scopes().toArray()));
          setInstant(s, 8, key.expiresAt());
        });
  }

  /** Parameters: prefix. */
  static final String FIND_BY_PREFIX =
      """
      SELECT id, tenant_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at,
             revoked_at
        FROM api_key
       WHERE prefix = ?
      """;

  /** The key with this prefix, revoked or not. */
  public Optional<ApiKeyRow> findByPrefix(String prefix) {
    return Sql.queryOne(ds, FIND_BY_PREFIX, s -> s.setString(1, prefix), ApiKeyRepository::map);
  }

  /** Parameters: key, tenant. */
  static final String FIND =
      """
      SELECT id, tenant_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at,
             revoked_at
        FROM api_key
       WHERE id = ? AND tenant_id = ?
      """;

  /** A tenant's key by id, revoked or not. */
  public Optional<ApiKeyRow> find(UUID tenantId, UUID id) {
    return Sql.queryOne(
        ds,
        FIND,
        s -> {
          s.setObject(1, id);
          s.setObject(2, tenantId);
        },
        ApiKeyRepository::map);
  }

  /** Parameters: tenant. */
  static final String LIST_FOR_TENANT =
      """
      SELECT id, tenant_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at,
             revoked_at
        FROM api_key
       WHERE tenant_id = ?
       ORDER BY created_at, id
      """;

  /** A tenant's keys, oldest first. */
  public List<ApiKeyRow> listForTenant(UUID tenantId) {
    return Sql.query(ds, LIST_FOR_TENANT, s -> s.setObject(1, tenantId), ApiKeyRepository::map);
  }

  /** Parameters: now, key, tenant. */
  static final String REVOKE =
      """
      UPDATE api_key SET revoked_at = coalesce(revoked_at, ?)
       WHERE id = ? AND tenant_id = ?
      RETURNING id, tenant_id, name, prefix, key_hash, scopes, created_at, expires_at, last_used_at,
                revoked_at
      """;

  /** Revokes a tenant's key; returns it, or empty when the tenant has no such key. */
  public Optional<ApiKeyRow> revoke(UUID tenantId, UUID id, Instant now) {
    return Sql.queryOne(
        ds,
        REVOKE,
        s -> {
          setInstant(s, 1, now);
          s.setObject(2, id);
          s.setObject(3, tenantId);
        },
        ApiKeyRepository::map);
  }

  /** Parameters: now, key. */
  static final String TOUCH =
      """
      UPDATE api_key SET last_used_at = ? WHERE id = ?
      """;

  /** Notes that a key was used (callers do this at most about once a minute per key). */
  public void touch(UUID id, Instant now) {
    Sql.update(
        ds,
        TOUCH,
        s -> {
          setInstant(s, 1, now);
          s.setObject(2, id);
        });
  }

  private static ApiKeyRow map(ResultSet r) throws SQLException {
    return new ApiKeyRow(
        getUuid(r, "id"),
        getUuid(r, "tenant_id"),
        r.getString("name"),
        r.getString("prefix"),
        r.getBytes("key_hash"),
        List.of((String[]) r.getArray("scopes").getArray()),
        getInstant(r, "created_at"),
        getInstant(r, "expires_at"),
        getInstant(r, "last_used_at"),
        getInstant(r, "revoked_at"));
  }
}
