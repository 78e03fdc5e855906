package dev.scheduleman.storage.schedule;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getInteger;
import static dev.scheduleman.storage.sql.Sql.getLong;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.ScheduleSpec.Kind;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.storage.sql.Json;
import dev.scheduleman.storage.sql.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * How a schedule's columns are bound into statements and read back from results; the queue side
 * ({@code storage.trigger}) reads a claimed row's spec, target and retry columns with these too.
 */
public final class ScheduleColumns {

  private ScheduleColumns() {}

  static final String COLUMNS =
      """
      id, tenant_id, name, description, labels::text AS labels,
      spec_kind, cron, timezone, fire_at, interval_ms, start_at, end_at,
      exclude_dates::text AS exclude_dates,
      misfire_policy, misfire_threshold_ms, misfire_max_catch_up, window_ms,
      target_url, target_method, target_headers::text AS target_headers, target_body, timeout_ms,
      target_task_type, target_flow_key,
      max_attempts, min_backoff_ms, max_backoff_ms, on_exhausted, priority, state,
      next_fire_at, scheduled_for, execution_id, attempt, lease_owner, lease_until, lease_token,
      last_fired_at, last_outcome, last_http_status, last_error,
      version, created_at, updated_at
      """;

  /**
   * Whether a written schedule's flow key has a limit (parameters: tenant, flow key): the value of
   * {@code flow_limited}. Read by the statement that writes the row, after the writer took the
   * tenant's row in share mode ({@link ScheduleRepository}), so it sees every limit declared.
   */
  static final String FLOW_LIMITED =
      "EXISTS (SELECT 1 FROM flow_limit f WHERE f.tenant_id = ? AND f.flow_key = ?)";

  /**
   * Binds, in this order, name, description, labels, the spec and target columns, the tenant and
   * flow key that {@link #FLOW_LIMITED} looks up, the retry columns, priority, state and the
   * pending trigger's seven columns: the part of a row that inserts and updates both write.
   */
  static int bindDefinitionAndTrigger(PreparedStatement s, int i, ScheduleRow row)
      throws SQLException {
    s.setString(++i, row.name());
    s.setString(++i, row.description());
    s.setString(++i, Json.text(row.labels()));
    i = bindSpec(s, i, row.spec());
    i = bindTarget(s, i, row.target());
    s.setObject(++i, row.tenantId()); // whether its flow key has a limit
    s.setString(++i, row.target().appliedFlowKey());
    i = bindRetry(s, i, row.retry());
    s.setInt(++i, row.priority());
    s.setString(++i, row.state().name());
    PendingTrigger p = row.pending();
    setInstant(s, ++i, p.nextFireAt());
    setInstant(s, ++i, p.scheduledFor());
    s.setObject(++i, p.executionId());
    s.setInt(++i, p.attempt());
    s.setString(++i, p.leaseOwner());
    setInstant(s, ++i, p.leaseUntil());
    s.setObject(++i, p.leaseToken());
    return i;
  }

  static int bindSpec(PreparedStatement s, int i, SpecColumns spec) throws SQLException {
    s.setString(++i, spec.kind().name());
    s.setString(++i, spec.cron());
    s.setString(++i, spec.timezone());
    setInstant(s, ++i, spec.fireAt());
    Sql.setNullableLong(s, ++i, spec.intervalMs());
    setInstant(s, ++i, spec.startAt());
    setInstant(s, ++i, spec.endAt());
    s.setString(++i, Sql.dateArray(spec.excludeDates()));
    s.setString(++i, spec.misfirePolicy());
    Sql.setNullableLong(s, ++i, spec.misfireThresholdMs());
    Sql.setNullableLong(
        s, ++i, spec.misfireMaxCatchUp() == null ? null : (long) spec.misfireMaxCatchUp());
    Sql.setNullableLong(s, ++i, spec.windowMs());
    return i;
  }

  static int bindTarget(PreparedStatement s, int i, Target target) throws SQLException {
    s.setString(++i, target.url());
    s.setString(++i, target.method());
    s.setString(++i, Json.text(target.headers()));
    s.setString(++i, target.body());
    s.setInt(++i, Math.toIntExact(target.timeout().toMillis()));
    s.setString(++i, target.taskType());
    s.setString(++i, target.flowKey());
    s.setString(++i, target.appliedFlowKey());
    return i;
  }

  static int bindRetry(PreparedStatement s, int i, RetryPolicy retry) throws SQLException {
    s.setInt(++i, retry.maxAttempts());
    s.setLong(++i, retry.minBackoff().toMillis());
    s.setLong(++i, retry.maxBackoff().toMillis());
    s.setString(++i, retry.onExhausted().name());
    return i;
  }

  static ScheduleRow mapRow(ResultSet r) throws SQLException {
    String outcome = r.getString("last_outcome");
    LastRun lastRun =
        outcome == null
            ? null
            : new LastRun(
                getInstant(r, "last_fired_at"),
                Outcome.valueOf(outcome),
                getInteger(r, "last_http_status"),
                r.getString("last_error"));
    return new ScheduleRow(
        getUuid(r, "id"),
        getUuid(r, "tenant_id"),
        r.getString("name"),
        r.getString("description"),
        Json.stringMap(r.getString("labels")),
        mapSpec(r),
        mapTarget(r),
        mapRetry(r),
        r.getInt("priority"),
        ScheduleState.valueOf(r.getString("state")),
        mapPending(r),
        lastRun,
        r.getLong("version"),
        getInstant(r, "created_at"),
        getInstant(r, "updated_at"));
  }

  /** The pending trigger's columns, as stored. */
  public static PendingTrigger mapPending(ResultSet r) throws SQLException {
    return PendingTrigger.restore(
        getInstant(r, "next_fire_at"),
        getInstant(r, "scheduled_for"),
        getUuid(r, "execution_id"),
        r.getInt("attempt"),
        r.getString("lease_owner"),
        getInstant(r, "lease_until"),
        getUuid(r, "lease_token"));
  }

  public static SpecColumns mapSpec(ResultSet r) throws SQLException {
    return new SpecColumns(
        Kind.valueOf(r.getString("spec_kind")),
        r.getString("cron"),
        r.getString("timezone"),
        getInstant(r, "fire_at"),
        getLong(r, "interval_ms"),
        getInstant(r, "start_at"),
        getInstant(r, "end_at"),
        Sql.getDateArray(r, "exclude_dates"),
        r.getString("misfire_policy"),
        getLong(r, "misfire_threshold_ms"),
        getInteger(r, "misfire_max_catch_up"),
        getLong(r, "window_ms"));
  }

  public static Target mapTarget(ResultSet r) throws SQLException {
    return new Target(
        r.getString("target_url"),
        r.getString("target_method"),
        Json.stringMap(r.getString("target_headers")),
        r.getString("target_body"),
        Duration.ofMillis(r.getInt("timeout_ms")),
        r.getString("target_flow_key"),
        r.getString("target_task_type"));
  }

  public static RetryPolicy mapRetry(ResultSet r) throws SQLException {
    return new RetryPolicy(
        r.getInt("max_attempts"),
        Duration.ofMillis(r.getLong("min_backoff_ms")),
        Duration.ofMillis(r.getLong("max_backoff_ms")),
        OnExhausted.valueOf(r.getString("on_exhausted")));
  }
}
