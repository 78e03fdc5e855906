package dev.scheduleman.storage.tasktype;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The statements on {@code task_type}. A schedule write that names types reads their schemas with
 * {@link #shareSchemas}, in share mode, so a change of a schema waits for the writes checked
 * against the old one to commit, and the writes after it see the new one. Deleting takes the row
 * for update first, which waits for any write naming the type in progress (the foreign key holds
 * the row in key-share mode), so the count of schedules that refuses the delete is exact.
 */
public final class TaskTypeRepository {

  private final DataSource ds;

  public TaskTypeRepository(DataSource ds) {
    this.ds = ds;
  }

  private static final String COLUMNS =
      """
      t.tenant_id, t.name, t.description, t.body_schema::text AS body_schema,
      t.created_at, t.updated_at,
      (SELECT count(*) FROM schedule s
        WHERE s.tenant_id = t.tenant_id AND s.target_task_type = t.name) AS schedules
      """;

  /**
   * Serialises the tenant's declarations (so that the count per tenant holds), without blocking its
   * schedule writes, which hold the tenant row in key-share mode.
   *
   * @return how many task types the tenant has declared, or empty when there is no such tenant
   */
  public Optional<Long> lockTenant(UUID tenantId) {
    if (Sql.queryOne(
            ds,
            "SELECT id FROM tenant WHERE id = ? FOR NO KEY UPDATE",
            s -> s.setObject(1, tenantId),
            r -> getUuid(r, "id"))
        .isEmpty()) {
      return Optional.empty();
    }
    return Sql.queryOne(
        ds,
        "SELECT count(*) AS types FROM task_type WHERE tenant_id = ?",
        s -> s.setObject(1, tenantId),
        r -> r.getLong("types"));
  }

  /** Parameters: tenant, name, description, schema (JSON text), now (twice). */
  static final String UPSERT =
      """
      INSERT INTO task_type AS t (tenant_id, name, description, body_schema, created_at, updated_at)
      VALUES (?, ?, ?, ?::jsonb, ?, ?)
      ON CONFLICT (tenant_id, name) DO UPDATE
         SET description = excluded.description,
             body_schema = excluded.body_schema,
             updated_at = excluded.updated_at
      RETURNING (xmax = 0) AS created
      """;

  /**
   * Declares (or changes) a task type, after {@link #lockTenant} in the same transaction.
   *
   * @return true when the type is new
   */
  public boolean put(UUID tenantId, String name, String description, String schema, Instant now) {
    return Sql.queryOne(
            ds,
            UPSERT,
            s -> {
              s.setObject(1, tenantId);
              s.setString(2, name);
              s.setString(3, description);
              s.setString(4, schema);
              setInstant(s, 5, now);
              setInstant(s, 6, now);
            },
            r -> r.getBoolean("created"))
        .orElseThrow();
  }

  public Optional<TaskTypeRow> find(UUID tenantId, String name) {
    return Sql.queryOne(
        ds,
        "SELECT " + COLUMNS + " FROM task_type t WHERE t.tenant_id = ? AND t.name = ?",
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, name);
        },
        TaskTypeRepository::map);
  }

  /** The tenant's task types, by name. */
  public List<TaskTypeRow> list(UUID tenantId) {
    return Sql.query(
        ds,
        "SELECT " + COLUMNS + " FROM task_type t WHERE t.tenant_id = ? ORDER BY t.name",
        s -> s.setObject(1, tenantId),
        TaskTypeRepository::map);
  }

  /** Parameters: tenant, names. */
  static final String SHARE_SCHEMAS =
      """
      SELECT name, body_schema::text AS body_schema FROM task_type
       WHERE tenant_id = ? AND name = ANY(?)
         FOR SHARE
      """;

  /**
   * The schemas of the named types that exist, held in share mode until the transaction ends (see
   * the class comment); names that are not declared are missing from the map.
   */
  public Map<String, String> shareSchemas(UUID tenantId, Collection<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    return Sql.run(
        ds,
        "read task type schemas",
        c -> {
          Map<String, String> schemas = new LinkedHashMap<>();
          Sql.query(
              c,
              SHARE_SCHEMAS,
              s -> {
                s.setObject(1, tenantId);
                s.setArray(2, c.createArrayOf("text", names.toArray()));
              },
              r -> schemas.put(r.getString("name"), r.getString("body_schema")));
          return schemas;
        });
  }

  /**
   * What a delete did: nothing when the type was not {@code found}; nothing either when {@code
   * schedules} (that many of the tenant's) name it; else the type is gone.
   */
  public record Deleted(boolean found, long schedules) {}

  /**
   * Deletes a task type that no schedule names, inside a transaction: the row is locked first, so
   * the count sees every write that named it (see the class comment).
   */
  public Deleted delete(UUID tenantId, String name) {
    Optional<String> locked =
        Sql.queryOne(
            ds,
            "SELECT name FROM task_type WHERE tenant_id = ? AND name = ? FOR UPDATE",
            s -> {
              s.setObject(1, tenantId);
              s.setString(2, name);
            },
            r -> r.getString("name"));
    if (locked.isEmpty()) {
      return new Deleted(false, 0);
    }
    long schedules =
        Sql.queryOne(
                ds,
                "SELECT count(*) AS n FROM schedule WHERE tenant_id = ? AND target_task_type = ?",
                s -> {
                  s.setObject(1, tenantId);
                  s.setString(2, name);
                },
                r -> r.getLong("n"))
            .orElseThrow();
    if (schedules > 0) {
      return new Deleted(true, schedules);
    }
    Sql.update(
        ds,
        "DELETE FROM task_type WHERE tenant_id = ? AND name = ?",
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, name);
        });
    return new Deleted(true, 0);
  }

  private static TaskTypeRow map(ResultSet r) throws SQLException {
    return new TaskTypeRow(
        getUuid(r, "tenant_id"),
        r.getString("name"),
        r.getString("description"),
        r.getString("body_schema"),
        r.getLong("schedules"),
        getInstant(r, "created_at"),
        getInstant(r, "updated_at"));
  }
}
