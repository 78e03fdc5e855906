package dev.scheduleman.storage.schedule;

import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.sql.Json;
import dev.scheduleman.storage.sql.Sql;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code schedule}: the API's reads and writes and the executors' claim. */
public final class ScheduleRepository {

  private final DataSource ds;

  public ScheduleRepository(DataSource ds) {
    this.ds = ds;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading and writing definitions

  private static final String INSERT =
      """
      INSERT INTO schedule (
          id, tenant_id, name, description, labels,
          spec_kind, cron, timezone, fire_at, interval_ms, start_at,
          target_url, target_method, target_headers, target_body, timeout_ms,
          max_attempts, min_backoff_ms, max_backoff_ms, on_exhausted, state,
          next_fire_at, scheduled_for, execution_id, attempt, lease_owner, lease_until,
          version, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?,
              ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  /** Inserts new schedules, all in one round trip. */
  public void insert(List<ScheduleRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    Sql.run(
        ds,
        "insert schedules",
        c -> {
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (ScheduleRow row : rows) {
              bindInsert(s, row);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
  }

  public void insert(ScheduleRow row) {
    insert(List.of(row));
  }

  private static void bindInsert(PreparedStatement s, ScheduleRow row) throws SQLException {
    int i = 0;
    s.setObject(++i, row.id());
    s.setObject(++i, row.tenantId());
    i = ScheduleColumns.bindDefinitionAndTrigger(s, i, row);
    s.setLong(++i, row.version());
    setInstant(s, ++i, row.createdAt());
    setInstant(s, ++i, row.updatedAt());
  }

  public Optional<ScheduleRow> findById(UUID tenantId, UUID id) {
    return Sql.queryOne(
        ds,
        "SELECT " + ScheduleColumns.COLUMNS + " FROM schedule WHERE id = ? AND tenant_id = ?",
        s -> {
          s.setObject(1, id);
          s.setObject(2, tenantId);
        },
        ScheduleColumns::mapRow);
  }

  public Optional<ScheduleRow> findByName(UUID tenantId, String name) {
    return Sql.queryOne(
        ds,
        "SELECT " + ScheduleColumns.COLUMNS + " FROM schedule WHERE tenant_id = ? AND name = ?",
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, name);
        },
        ScheduleColumns::mapRow);
  }

  /** Which of these names the tenant's schedules already use. */
  public Set<String> existingNames(UUID tenantId, Collection<String> names) {
    if (names.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(
        Sql.run(
            ds,
            "existing names",
            c ->
                Sql.query(
                    c,
                    "SELECT name FROM schedule WHERE tenant_id = ? AND name = ANY (?)",
                    s -> {
                      s.setObject(1, tenantId);
                      s.setArray(2, c.createArrayOf("text", names.toArray()));
                    },
                    r -> r.getString("name"))));
  }

  /**
   * Reads a schedule and locks its row until the surrounding transaction ends, so that a
   * read-modify-write by the API cannot interleave with another one or with an executor's
   * completion of the same row.
   */
  public Optional<ScheduleRow> lock(UUID tenantId, UUID id) {
    return Sql.queryOne(
        ds,
        "SELECT "
            + ScheduleColumns.COLUMNS
            + " FROM schedule WHERE id = ? AND tenant_id = ? FOR UPDATE",
        s -> {
          s.setObject(1, id);
          s.setObject(2, tenantId);
        },
        ScheduleColumns::mapRow);
  }

  /** {@link #lock} by name. */
  public Optional<ScheduleRow> lockByName(UUID tenantId, String name) {
    return Sql.queryOne(
        ds,
        "SELECT "
            + ScheduleColumns.COLUMNS
            + " FROM schedule WHERE tenant_id = ? AND name = ? FOR UPDATE",
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, name);
        },
        ScheduleColumns::mapRow);
  }

  private static final String UPDATE =
      """
      UPDATE schedule
         SET name = ?, description = ?, labels = ?::jsonb,
             spec_kind = ?, cron = ?, timezone = ?, fire_at = ?, interval_ms = ?, start_at = ?,
             target_url = ?, target_method = ?, target_headers = ?::jsonb, target_body = ?,
             timeout_ms = ?,
             max_attempts = ?, min_backoff_ms = ?, max_backoff_ms = ?, on_exhausted = ?,
             state = ?,
             next_fire_at = ?, scheduled_for = ?, execution_id = ?, attempt = ?,
             lease_owner = ?, lease_until = ?,
             version = ?, updated_at = ?
       WHERE id = ? AND tenant_id = ? AND version = ?
      """;

  /**
   * Writes a schedule's definition, state and pending trigger, if the stored version is still
   * {@code expectedVersion}.
   *
   * @return false when the row is gone or another write got there first
   */
  public boolean update(ScheduleRow row, long expectedVersion) {
    int updated =
        Sql.update(
            ds,
            UPDATE,
            s -> {
              int i = ScheduleColumns.bindDefinitionAndTrigger(s, 0, row);
              s.setLong(++i, row.version());
              setInstant(s, ++i, row.updatedAt());
              s.setObject(++i, row.id());
              s.setObject(++i, row.tenantId());
              s.setLong(++i, expectedVersion);
            });
    return updated == 1;
  }

  /**
   * Deletes a schedule and its history. A trigger of it that is in flight completes into nothing:
   * the executor's guarded completion finds no row.
   *
   * @return false when the tenant has no such schedule
   */
  public boolean delete(UUID tenantId, UUID id) {
    int deleted =
        Sql.update(
            ds,
            "DELETE FROM schedule WHERE id = ? AND tenant_id = ?",
            s -> {
              s.setObject(1, id);
              s.setObject(2, tenantId);
            });
    if (deleted == 1) {
      Sql.update(
          ds,
          "DELETE FROM execution WHERE schedule_id = ? AND tenant_id = ?",
          s -> {
            s.setObject(1, id);
            s.setObject(2, tenantId);
          });
    }
    return deleted == 1;
  }

  /**
   * A page of a tenant's schedules in id order (creation order: ids are UUIDv7), after the id
   * {@code after} (exclusive; null for the first page). Keyset pagination: a page never repeats or
   * skips a row because rows were inserted or deleted meanwhile.
   */
  public List<ScheduleRow> list(UUID tenantId, ScheduleFilter filter, UUID after, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(ScheduleColumns.COLUMNS)
            .append(" FROM schedule WHERE tenant_id = ?");
    List<Sql.Binder> binders = new ArrayList<>();
    if (after != null) {
      sql.append(" AND id > ?");
    }
    if (filter.state() != null) {
      sql.append(" AND state = ?");
    }
    if (!filter.labels().isEmpty()) {
      sql.append(" AND labels @> ?::jsonb");
    }
    if (filter.namePrefix() != null) {
      sql.append(" AND name LIKE ? ESCAPE '\\'");
    }
    sql.append(" ORDER BY id LIMIT ?");
    return Sql.query(
        ds,
        sql.toString(),
        s -> {
          int i = 0;
          s.setObject(++i, tenantId);
          if (after != null) {
            s.setObject(++i, after);
          }
          if (filter.state() != null) {
            s.setString(++i, filter.state().name());
          }
          if (!filter.labels().isEmpty()) {
            s.setString(++i, Json.text(filter.labels()));
          }
          if (filter.namePrefix() != null) {
            s.setString(++i, likePrefix(filter.namePrefix()));
          }
          s.setInt(++i, limit);
        },
        ScheduleColumns::mapRow);
  }

  private static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  /**
   * How many of a tenant's schedules are in each state, and how many active ones are due now (by
   * the database's clock) and not yet claimed: the backlog executors are behind on.
   */
  public StateCounts countByState(UUID tenantId) {
    Map<ScheduleState, Long> counts = new EnumMap<>(ScheduleState.class);
    for (ScheduleState state : ScheduleState.values()) {
      counts.put(state, 0L);
    }
    long[] due = {0};
    Sql.query(
        ds,
        """
        SELECT state, count(*) AS n,
               count(*) FILTER (WHERE state = 'ACTIVE' AND next_fire_at <= now()
                                  AND (lease_until IS NULL OR lease_until < now())) AS due
          FROM schedule
         WHERE tenant_id = ?
         GROUP BY state
        """,
        s -> s.setObject(1, tenantId),
        r -> {
          counts.put(ScheduleState.valueOf(r.getString("state")), r.getLong("n"));
          due[0] += r.getLong("due");
          return null;
        });
    return new StateCounts(counts, due[0]);
  }
}
