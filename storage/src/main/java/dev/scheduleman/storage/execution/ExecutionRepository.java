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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * A tenant's attempts since {@code since}: per minute, and the lateness of first attempts. The
   * minutes rolled up ({@link #rollUp}) are read from their per-minute figures, the ones since from
   * the history; percentiles over rolled-up minutes come from their lateness buckets (within 10%),
   * those over the last few minutes alone are exact.
   */
  public ActivityStats activity(UUID tenantId, Instant since) {
    Instant rolled =
        Sql.queryOne(ds, ROLLED_UNTIL, s -> {}, r -> getInstant(r, "rolled_until"))
            .orElse(Instant.MIN);
    if (!since.isBefore(rolled)) {
      return exactActivity(tenantId, since);
    }
    Sql.Binder window =
        s -> {
          s.setObject(1, tenantId);
          setInstant(s, 2, since);
          setInstant(s, 3, rolled);
          s.setObject(4, tenantId);
          setInstant(s, 5, rolled);
        };
    List<ActivityStats.Minute> minutes =
        Sql.query(ds, ROLLED_PER_MINUTE, window, ExecutionRepository::mapMinute);
    LatenessBuckets buckets = new LatenessBuckets();
    Map<Integer, Long> counts = new HashMap<>();
    Sql.query(
        ds,
        ROLLED_BUCKETS,
        window,
        r -> counts.merge(r.getInt("bucket"), r.getLong("n"), Long::sum));
    buckets.add(counts);
    // No first attempt in the window: max is null (an aggregate row always comes back).
    Duration max =
        Sql.query(ds, ROLLED_MAX, window, r -> Optional.ofNullable(millis(r, "max")))
            .get(0)
            .orElse(null);
    return new ActivityStats(
        minutes, buckets.total(), buckets.quantile(0.5, max), buckets.quantile(0.99, max), max);
  }

  static final String ROLLED_UNTIL = "SELECT rolled_until FROM stats_rollup WHERE id = 1";

  /** Parameters: tenant, since, rolled until; tenant, rolled until. */
  static final String ROLLED_PER_MINUTE =
      """
      SELECT minute, fired, failed
        FROM execution_minute
       WHERE tenant_id = ? AND minute >= ? AND minute < ?
      UNION ALL
      SELECT date_trunc('minute', fired_at), count(*), count(*) FILTER (WHERE outcome = 'FAILED')
        FROM execution
       WHERE tenant_id = ? AND fired_at >= ?
       GROUP BY 1
       ORDER BY 1
      """;

  /** First attempts of a tenant since a moment, with their lateness. */
  private static final String FIRST_ATTEMPTS_SINCE =
      """
      SELECT greatest(0, extract(epoch FROM fired_at - scheduled_for) * 1000) AS late_ms
        FROM execution
       WHERE tenant_id = ? AND fired_at >= ? AND attempt = 1
      """;

  /** Parameters: as {@link #ROLLED_PER_MINUTE}. */
  static final String ROLLED_BUCKETS =
      """
      SELECT b.key::int AS bucket, sum(b.value::bigint) AS n
        FROM execution_minute m, jsonb_each_text(m.late_buckets) AS b
       WHERE m.tenant_id = ? AND m.minute >= ? AND m.minute < ?
       GROUP BY 1
      UNION ALL
      SELECT %s, count(*)
        FROM (%s) AS recent
       GROUP BY 1
      """
          .formatted(LatenessBuckets.SQL, FIRST_ATTEMPTS_SINCE);

  /** Parameters: as {@link #ROLLED_PER_MINUTE}. */
  static final String ROLLED_MAX =
      """
      SELECT max(late) AS max
        FROM (SELECT late_max_ms AS late
                FROM execution_minute
               WHERE tenant_id = ? AND minute >= ? AND minute < ?
              UNION ALL
              SELECT late_ms FROM (%s) AS recent) AS both_parts
      """
          .formatted(FIRST_ATTEMPTS_SINCE);

  /** Exact figures from the history itself (a window of minutes not rolled up yet). */
  private ActivityStats exactActivity(UUID tenantId, Instant since) {
    Sql.Binder tenantSince =
        s -> {
          s.setObject(1, tenantId);
          setInstant(s, 2, since);
        };
    List<ActivityStats.Minute> minutes =
        Sql.query(ds, ACTIVITY_PER_MINUTE, tenantSince, ExecutionRepository::mapMinute);
    return Sql.queryOne(
            ds,
            FIRST_ATTEMPT_LATENESS,
            tenantSince,
            r ->
                new ActivityStats(
                    minutes, r.getLong("n"), millis(r, "p50"), millis(r, "p99"), millis(r, "max")))
        .orElseThrow();
  }

  /** What a roll-up did: the minutes from {@code from} to {@code until}, into {@code rows} rows. */
  public record RollUp(Instant from, Instant until, int rows) {}

  /** Parameters: from, until. */
  static final String ROLL_UP =
      """
      WITH attempts AS (
          SELECT e.tenant_id, date_trunc('minute', e.fired_at) AS minute, e.outcome, e.attempt,
                 greatest(0, extract(epoch FROM e.fired_at - e.scheduled_for) * 1000) AS late_ms
            FROM tenant t
            JOIN LATERAL (SELECT x.tenant_id, x.fired_at, x.scheduled_for, x.outcome, x.attempt
                            FROM execution x
                           WHERE x.tenant_id = t.id AND x.fired_at >= ? AND x.fired_at < ?) e
              ON true
      ),
      buckets AS (
          SELECT tenant_id, minute, %s AS bucket, count(*) AS n
            FROM attempts
           WHERE attempt = 1
           GROUP BY 1, 2, 3
      ),
      totals AS (
          SELECT tenant_id, minute, count(*) AS fired,
                 count(*) FILTER (WHERE outcome = 'FAILED') AS failed,
                 count(*) FILTER (WHERE attempt = 1) AS first_attempts,
                 max(late_ms) FILTER (WHERE attempt = 1) AS late_max_ms
            FROM attempts
           GROUP BY 1, 2
      )
      INSERT INTO execution_minute AS m (tenant_id, minute, fired, failed, first_attempts,
                                         late_max_ms, late_buckets)
      SELECT t.tenant_id, t.minute, t.fired, t.failed, t.first_attempts, t.late_max_ms,
             coalesce((SELECT jsonb_object_agg(b.bucket, b.n)
                         FROM buckets b
                        WHERE b.tenant_id = t.tenant_id AND b.minute = t.minute), '{}'::jsonb)
        FROM totals t
      ON CONFLICT (tenant_id, minute) DO UPDATE
         SET fired = excluded.fired, failed = excluded.failed,
             first_attempts = excluded.first_attempts, late_max_ms = excluded.late_max_ms,
             late_buckets = excluded.late_buckets
      """
          .formatted(LatenessBuckets.SQL);

  /**
   * Rolls the minutes before {@code closedUntil} that are not rolled up yet into their per-minute
   * figures, at most {@code maxStep} of them, and none older than {@code oldest}. One executor at a
   * time: another one that holds the watermark makes this a no-op (empty).
   */
  public Optional<RollUp> rollUp(Instant closedUntil, Duration maxStep, Instant oldest) {
    return Sql.inTransaction(
        ds,
        "rolling up the per-minute figures",
        c -> {
          Instant from;
          try (var s =
                  c.prepareStatement(
                      "SELECT rolled_until FROM stats_rollup WHERE id = 1 FOR UPDATE SKIP LOCKED");
              var r = s.executeQuery()) {
            if (!r.next()) {
              return Optional.empty();
            }
            from = getInstant(r, "rolled_until");
          }
          if (from.isBefore(oldest)) {
            from = oldest;
          }
          Instant until = from.plus(maxStep);
          if (until.isAfter(closedUntil)) {
            until = closedUntil;
          }
          if (!until.isAfter(from)) {
            return Optional.empty();
          }
          int rows;
          try (var s = c.prepareStatement(ROLL_UP)) {
            setInstant(s, 1, from);
            setInstant(s, 2, until);
            rows = s.executeUpdate();
          }
          try (var s =
              c.prepareStatement("UPDATE stats_rollup SET rolled_until = ? WHERE id = 1")) {
            setInstant(s, 1, until);
            s.executeUpdate();
          }
          return Optional.of(new RollUp(from, until, rows));
        });
  }

  /** Deletes per-minute figures older than {@code before}; returns how many. */
  public int pruneMinutesBefore(Instant before) {
    return Sql.update(
        ds, "DELETE FROM execution_minute WHERE minute < ?", s -> setInstant(s, 1, before));
  }

  private static Duration millis(ResultSet r, String column) throws SQLException {
    double value = r.getDouble(column);
    return r.wasNull() ? null : Duration.ofMillis(Math.round(value));
  }

  private static ActivityStats.Minute mapMinute(ResultSet r) throws SQLException {
    return new ActivityStats.Minute(
        getInstant(r, "minute"), r.getLong("fired"), r.getLong("failed"));
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
