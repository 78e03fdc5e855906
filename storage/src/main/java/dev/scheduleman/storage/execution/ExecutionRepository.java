package dev.scheduleman.storage.execution;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getInteger;
import static dev.scheduleman.storage.sql.Sql.getLong;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.StoredText;
import dev.scheduleman.storage.sql.Unnest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
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
      e.executor, e.outcome, e.http_status, e.duration_ms, e.error, e.response_excerpt, e.exhausted,
      e.retry_after, e.flow_key, e.throttled_ms
      """;

  private final DataSource ds;

  public ExecutionRepository(DataSource ds) {
    this.ds = ds;
  }

  /** The longest error text kept. */
  public static final int ERROR_CHARS = 1000;

  /** The longest response excerpt kept (the executor reads the first KiB of an answer). */
  public static final int EXCERPT_CHARS = 1024;

  /**
   * What an attempt stores; texts from outside (errors, the receiver's answer) are cleaned so that
   * PostgreSQL takes them whatever a receiver sent (see {@link StoredText}).
   */
  private static final Unnest<ExecutionRow> APPENDED =
      Unnest.<ExecutionRow>columns()
          .uuid("schedule_id", ExecutionRow::scheduleId)
          .uuid("tenant_id", ExecutionRow::tenantId)
          .uuid("execution_id", ExecutionRow::executionId)
          .timestamptz("scheduled_for", ExecutionRow::scheduledFor)
          .timestamptz("fired_at", ExecutionRow::firedAt)
          .integer("attempt", ExecutionRow::attempt)
          .text("executor", ExecutionRow::executor)
          .text("outcome", e -> e.outcome().name())
          .integer("http_status", ExecutionRow::httpStatus)
          .integer("duration_ms", ExecutionRow::durationMs)
          .text("error", e -> StoredText.clean(e.error(), ERROR_CHARS))
          .text("response_excerpt", e -> StoredText.clean(e.responseExcerpt(), EXCERPT_CHARS))
          .bool("exhausted", ExecutionRow::exhausted)
          .timestamptz("retry_after", ExecutionRow::retryAfter)
          .text("flow_key", ExecutionRow::flowKey)
          .bigint("throttled_ms", ExecutionRow::throttledMs);

  /**
   * Appends attempts in one statement (arrays unnested server-side), so an executor records a whole
   * completion batch in one round trip, inside the transaction that completes the triggers.
   */
  static final String APPEND =
      """
      INSERT INTO execution (schedule_id, tenant_id, execution_id, scheduled_for, fired_at,
                             attempt, executor, outcome, http_status, duration_ms, error,
                             response_excerpt, exhausted, retry_after, flow_key, throttled_ms)
      SELECT schedule_id, tenant_id, execution_id, scheduled_for, fired_at,
             attempt, executor, outcome, http_status, duration_ms, error,
             response_excerpt, exhausted, retry_after, flow_key, throttled_ms
        FROM %s
      """
          .formatted(APPENDED.as("u"));

  public void append(Connection c, List<ExecutionRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (var s = c.prepareStatement(APPEND)) {
      APPENDED.bind(s, 1, rows);
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

  /**
   * A page of a schedule's attempts, newest first, before a position (none: from the newest).
   *
   * <p>Parameters: schedule, tenant, before's fired_at and id (or nulls), limit.
   */
  static final String LIST_FOR_SCHEDULE =
      """
      SELECT %s
        FROM execution e
       WHERE e.schedule_id = ? AND e.tenant_id = ?
         AND (e.fired_at, e.id) < (coalesce(?::timestamptz, 'infinity'),
                                   coalesce(?::bigint, 9223372036854775807))
       ORDER BY e.fired_at DESC, e.id DESC
       LIMIT ?
      """
          .formatted(COLUMNS);

  /** A schedule's attempts, newest first, after {@code after} (null for the first page). */
  public List<ExecutionRow> listForSchedule(
      UUID tenantId, UUID scheduleId, Position after, int limit) {
    return Sql.query(
        ds,
        LIST_FOR_SCHEDULE,
        s -> {
          s.setObject(1, scheduleId);
          s.setObject(2, tenantId);
          bindPosition(s, 3, after);
          s.setInt(5, limit);
        },
        ExecutionRepository::map);
  }

  /**
   * A page of a tenant's dead letters (the last attempts of triggers that ran out of them), newest
   * first, before a position.
   *
   * <p>Parameters: tenant, before's fired_at and id (or nulls), limit.
   */
  static final String DEAD_LETTERS =
      """
      SELECT %s, s.name AS schedule_name, s.state AS schedule_state
        FROM execution e
        JOIN schedule s ON s.id = e.schedule_id
       WHERE e.tenant_id = ? AND e.exhausted
         AND (e.fired_at, e.id) < (coalesce(?::timestamptz, 'infinity'),
                                   coalesce(?::bigint, 9223372036854775807))
       ORDER BY e.fired_at DESC, e.id DESC
       LIMIT ?
      """
          .formatted(COLUMNS);

  /** A tenant's dead letters, newest first, after {@code after} (null for the first page). */
  public List<DeadLetterRow> deadLetters(UUID tenantId, Position after, int limit) {
    return Sql.query(
        ds,
        DEAD_LETTERS,
        s -> {
          s.setObject(1, tenantId);
          bindPosition(s, 2, after);
          s.setInt(4, limit);
        },
        r ->
            new DeadLetterRow(
                map(r),
                r.getString("schedule_name"),
                ScheduleState.valueOf(r.getString("schedule_state"))));
  }

  private static void bindPosition(PreparedStatement s, int index, Position position)
      throws SQLException {
    setInstant(s, index, position == null ? null : position.firedAt());
    if (position == null) {
      s.setNull(index + 1, Types.BIGINT);
    } else {
      s.setLong(index + 1, position.id());
    }
  }

  /** Parameters: tenant, since. */
  static final String ACTIVITY_PER_MINUTE =
      """
      SELECT date_trunc('minute', fired_at) AS minute,
             count(*) AS fired,
             count(*) FILTER (WHERE outcome = 'FAILED') AS failed
        FROM execution
       WHERE tenant_id = ? AND fired_at >= ?
       GROUP BY 1
       ORDER BY 1
      """;

  /**
   * Lateness is measured on first attempts only: a retry is late by design.
   *
   * <p>Parameters: tenant, since.
   */
  static final String FIRST_ATTEMPT_LATENESS =
      """
      SELECT count(*) AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY late_ms) AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY late_ms) AS p99,
             max(late_ms) AS max
        FROM (SELECT greatest(0, extract(epoch FROM fired_at - scheduled_for) * 1000) AS late_ms
                FROM execution
               WHERE tenant_id = ? AND fired_at >= ? AND attempt = 1) AS first_attempts
      """;

  /** A tenant's attempts since {@code since}: per minute, and the lateness of first attempts. */
  public ActivityStats activity(UUID tenantId, Instant since) {
    Sql.Binder tenantSince =
        s -> {
          s.setObject(1, tenantId);
          setInstant(s, 2, since);
        };
    List<ActivityStats.Minute> minutes =
        Sql.query(
            ds,
            ACTIVITY_PER_MINUTE,
            tenantSince,
            r ->
                new ActivityStats.Minute(
                    getInstant(r, "minute"), r.getLong("fired"), r.getLong("failed")));
    return Sql.queryOne(
            ds,
            FIRST_ATTEMPT_LATENESS,
            tenantSince,
            r ->
                new ActivityStats(
                    minutes, r.getLong("n"), millis(r, "p50"), millis(r, "p99"), millis(r, "max")))
        .orElseThrow();
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
        r.getBoolean("exhausted"),
        getInstant(r, "retry_after"),
        r.getString("flow_key"),
        getLong(r, "throttled_ms"));
  }
}
