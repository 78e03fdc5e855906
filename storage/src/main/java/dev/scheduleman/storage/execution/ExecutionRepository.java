package dev.scheduleman.storage.execution;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getInteger;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.sql.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code execution}: the attempt history, dead letters and activity stats. */
public final class ExecutionRepository {

  /** A position in a newest-first list: the last row of the previous page. */
  public record Position(Instant firedAt, long id) {}

  private static final String COLUMNS =
      """
      e.id, e.schedule_id, e.tenant_id, e.execution_id, e.scheduled_for, e.fired_at, e.attempt,
      e.executor, e.outcome, e.http_status, e.duration_ms, e.error, e.response_excerpt, e.exhausted
      """;

  private final DataSource ds;

  public ExecutionRepository(DataSource ds) {
    this.ds = ds;
  }

  /**
   * Appends attempts in one statement (arrays unnested server-side), so an executor records a whole
   * completion batch in one round trip, inside the transaction that completes the triggers.
   */
  static final String APPEND =
      """
      INSERT INTO execution (schedule_id, tenant_id, execution_id, scheduled_for, fired_at,
                             attempt, executor, outcome, http_status, duration_ms, error,
                             response_excerpt, exhausted)
      SELECT sid, tid, eid, to_timestamp(scheduled_ms / 1000.0), to_timestamp(fired_ms / 1000.0),
             att, ex, oc, hs, dm, er, re, xh
        FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[],
                    ?::int[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[],
                    ?::text[], ?::boolean[])
             AS u(sid, tid, eid, scheduled_ms, fired_ms, att, ex, oc, hs, dm, er, re, xh)
      """;

  public void append(Connection c, List<ExecutionRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    int n = rows.size();
    Object[][] columns = new Object[13][n];
    for (int k = 0; k < n; k++) {
      ExecutionRow r = rows.get(k);
      columns[0][k] = r.scheduleId();
      columns[1][k] = r.tenantId();
      columns[2][k] = r.executionId();
      columns[3][k] = Sql.epochMillis(r.scheduledFor());
      columns[4][k] = Sql.epochMillis(r.firedAt());
      columns[5][k] = r.attempt();
      columns[6][k] = r.executor();
      columns[7][k] = r.outcome().name();
      columns[8][k] = r.httpStatus();
      columns[9][k] = r.durationMs();
      columns[10][k] = r.error();
      columns[11][k] = r.responseExcerpt();
      columns[12][k] = r.exhausted();
    }
    String[] types = {
      "uuid", "uuid", "uuid", "int8", "int8", "int4", "text", "text", "int4", "int4", "text",
      "text", "bool"
    };
    try (var s = c.prepareStatement(APPEND)) {
      for (int col = 0; col < columns.length; col++) {
        s.setArray(col + 1, c.createArrayOf(types[col], columns[col]));
      }
      s.executeUpdate();
    }
  }

  /** Appends attempts in a transaction of their own. */
  public void append(List<ExecutionRow> rows) {
    Sql.run(
        ds,
        "append executions",
        c -> {
          append(c, rows);
          return null;
        });
  }

  /** A schedule's attempts, newest first, after {@code after} (null for the first page). */
  public List<ExecutionRow> listForSchedule(
      UUID tenantId, UUID scheduleId, Position after, int limit) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM execution e WHERE e.schedule_id = ? AND e.tenant_id = ?"
            + (after == null ? "" : " AND (e.fired_at, e.id) < (?, ?)")
            + " ORDER BY e.fired_at DESC, e.id DESC LIMIT ?";
    return Sql.query(
        ds,
        sql,
        s -> {
          int i = 0;
          s.setObject(++i, scheduleId);
          s.setObject(++i, tenantId);
          if (after != null) {
            setInstant(s, ++i, after.firedAt());
            s.setLong(++i, after.id());
          }
          s.setInt(++i, limit);
        },
        ExecutionRepository::map);
  }

  /** A tenant's dead letters, newest first, after {@code after} (null for the first page). */
  public List<DeadLetterRow> deadLetters(UUID tenantId, Position after, int limit) {
    String sql =
        "SELECT "
            + COLUMNS
            + ", s.name AS schedule_name, s.state AS schedule_state"
            + " FROM execution e JOIN schedule s ON s.id = e.schedule_id"
            + " WHERE e.tenant_id = ? AND e.exhausted"
            + (after == null ? "" : " AND (e.fired_at, e.id) < (?, ?)")
            + " ORDER BY e.fired_at DESC, e.id DESC LIMIT ?";
    return Sql.query(
        ds,
        sql,
        s -> {
          int i = 0;
          s.setObject(++i, tenantId);
          if (after != null) {
            setInstant(s, ++i, after.firedAt());
            s.setLong(++i, after.id());
          }
          s.setInt(++i, limit);
        },
        r ->
            new DeadLetterRow(
                map(r),
                r.getString("schedule_name"),
                ScheduleState.valueOf(r.getString("schedule_state"))));
  }

  /** A tenant's attempts since {@code since}: per minute, and the lateness of first attempts. */
  public ActivityStats activity(UUID tenantId, Instant since) {
    List<ActivityStats.Minute> minutes =
        Sql.query(
            ds,
            """
            SELECT date_trunc('minute', fired_at) AS minute,
                   count(*) AS fired,
                   count(*) FILTER (WHERE outcome = 'FAILED') AS failed
              FROM execution
             WHERE tenant_id = ? AND fired_at >= ?
             GROUP BY 1
             ORDER BY 1
            """,
            s -> {
              s.setObject(1, tenantId);
              setInstant(s, 2, since);
            },
            r ->
                new ActivityStats.Minute(
                    getInstant(r, "minute"), r.getLong("fired"), r.getLong("failed")));
    // Lateness is measured on first attempts only: a retry is late by design.
    return Sql.queryOne(
            ds,
            """
            SELECT count(*) AS n,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY late_ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY late_ms) AS p99,
                   max(late_ms) AS max
              FROM (SELECT greatest(0, extract(epoch FROM fired_at - scheduled_for) * 1000)
                               AS late_ms
                      FROM execution
                     WHERE tenant_id = ? AND fired_at >= ? AND attempt = 1) AS first_attempts
            """,
            s -> {
              s.setObject(1, tenantId);
              setInstant(s, 2, since);
            },
            r ->
                new ActivityStats(
                    minutes, r.getLong("n"), millis(r, "p50"), millis(r, "p99"), millis(r, "max")))
        .orElseThrow();
  }

  /** Deletes up to {@code batch} attempts fired before {@code before}; returns how many. */
  public int deleteOlderThan(Instant before, int batch) {
    return Sql.update(
        ds,
        """
        DELETE FROM execution
         WHERE id IN (SELECT id FROM execution WHERE fired_at < ? LIMIT ?)
        """,
        s -> {
          setInstant(s, 1, before);
          s.setInt(2, batch);
        });
  }

  private static Duration millis(ResultSet r, String column) throws SQLException {
    double value = r.getDouble(column);
    return r.wasNull() ? null : Duration.ofMillis(Math.round(value));
  }

  static ExecutionRow map(ResultSet r) throws SQLException {
    return new ExecutionRow(
        r.getLong("id"),
        getUuid(r, "schedule_id"),
        getUuid(r, "tenant_id"),
        getUuid(r, "execution_id"),
        getInstant(r, "scheduled_for"),
        getInstant(r, "fired_at"),
        r.getInt("attempt"),
        r.getString("executor"),
        Outcome.valueOf(r.getString("outcome")),
        getInteger(r, "http_status"),
        r.getInt("duration_ms"),
        r.getString("error"),
        r.getString("response_excerpt"),
        r.getBoolean("exhausted"));
  }
}
