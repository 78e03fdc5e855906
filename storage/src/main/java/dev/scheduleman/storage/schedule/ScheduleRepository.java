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
import dev.scheduleman.storage.sql.Json;
import dev.scheduleman.storage.sql.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  static final String COLUMNS =
      """
      id, tenant_id, name, description, labels::text AS labels,
      spec_kind, cron, timezone, fire_at, interval_ms, start_at,
      target_url, target_method, target_headers::text AS target_headers, target_body, timeout_ms,
      max_attempts, min_backoff_ms, max_backoff_ms, on_exhausted, state,
      next_fire_at, scheduled_for, execution_id, attempt, lease_owner, lease_until,
      last_fired_at, last_outcome, last_http_status, last_error,
      version, created_at, updated_at
      """;

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
    s.setString(++i, row.name());
    s.setString(++i, row.description());
    s.setString(++i, Json.text(row.labels()));
    i = bindSpec(s, i, row.spec());
    i = bindTarget(s, i, row.target());
    i = bindRetry(s, i, row.retry());
    s.setString(++i, row.state().name());
    PendingTrigger p = row.pending();
    setInstant(s, ++i, p.nextFireAt());
    setInstant(s, ++i, p.scheduledFor());
    s.setObject(++i, p.executionId());
    s.setInt(++i, p.attempt());
    s.setString(++i, p.leaseOwner());
    setInstant(s, ++i, p.leaseUntil());
    s.setLong(++i, row.version());
    setInstant(s, ++i, row.createdAt());
    setInstant(s, ++i, row.updatedAt());
  }

  static int bindSpec(PreparedStatement s, int i, SpecColumns spec) throws SQLException {
    s.setString(++i, spec.kind().name());
    s.setString(++i, spec.cron());
    s.setString(++i, spec.timezone());
    setInstant(s, ++i, spec.fireAt());
    Sql.setNullableLong(s, ++i, spec.intervalMs());
    setInstant(s, ++i, spec.startAt());
    return i;
  }

  static int bindTarget(PreparedStatement s, int i, Target target) throws SQLException {
    s.setString(++i, target.url());
    s.setString(++i, target.method());
    s.setString(++i, Json.text(target.headers()));
    s.setString(++i, target.body());
    s.setInt(++i, Math.toIntExact(target.timeout().toMillis()));
    return i;
  }

  static int bindRetry(PreparedStatement s, int i, RetryPolicy retry) throws SQLException {
    s.setInt(++i, retry.maxAttempts());
    s.setLong(++i, retry.minBackoff().toMillis());
    s.setLong(++i, retry.maxBackoff().toMillis());
    s.setString(++i, retry.onExhausted().name());
    return i;
  }

  public Optional<ScheduleRow> findById(UUID tenantId, UUID id) {
    return Sql.queryOne(
        ds,
        "SELECT " + COLUMNS + " FROM schedule WHERE id = ? AND tenant_id = ?",
        s -> {
          s.setObject(1, id);
          s.setObject(2, tenantId);
        },
        ScheduleRepository::mapRow);
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
        ScheduleState.valueOf(r.getString("state")),
        new PendingTrigger(
            getInstant(r, "next_fire_at"),
            getInstant(r, "scheduled_for"),
            getUuid(r, "execution_id"),
            r.getInt("attempt"),
            r.getString("lease_owner"),
            getInstant(r, "lease_until")),
        lastRun,
        r.getLong("version"),
        getInstant(r, "created_at"),
        getInstant(r, "updated_at"));
  }

  static SpecColumns mapSpec(ResultSet r) throws SQLException {
    return new SpecColumns(
        Kind.valueOf(r.getString("spec_kind")),
        r.getString("cron"),
        r.getString("timezone"),
        getInstant(r, "fire_at"),
        getLong(r, "interval_ms"),
        getInstant(r, "start_at"));
  }

  static Target mapTarget(ResultSet r) throws SQLException {
    return new Target(
        r.getString("target_url"),
        r.getString("target_method"),
        Json.stringMap(r.getString("target_headers")),
        r.getString("target_body"),
        Duration.ofMillis(r.getInt("timeout_ms")));
  }

  static RetryPolicy mapRetry(ResultSet r) throws SQLException {
    return new RetryPolicy(
        r.getInt("max_attempts"),
        Duration.ofMillis(r.getLong("min_backoff_ms")),
        Duration.ofMillis(r.getLong("max_backoff_ms")),
        OnExhausted.valueOf(r.getString("on_exhausted")));
  }

  // ---------------------------------------------------------------------------------------------
  // The executors' claim

  /**
   * The claim, in one statement. The inner SELECT picks the earliest due, unleased active rows
   * through the partial index {@code schedule_due} and locks them, skipping rows another executor
   * is claiming at this very moment; the UPDATE leases them. Due-ness and leases use the database's
   * clock, so executors with skewed clocks still agree. A lease lasts until the trigger's due time
   * (it may be claimed ahead, within the look-ahead) plus its timeout plus a margin, so a trigger
   * whose executor died is claimable again seconds after it should have completed.
   */
  static final String CLAIM =
      """
      UPDATE schedule s
         SET lease_owner = ?,
             lease_until = greatest(now(), s.next_fire_at)
                           + s.timeout_ms * interval '1 millisecond'
                           + ? * interval '1 millisecond'
        FROM tenant t
       WHERE s.id IN (SELECT id
                        FROM schedule
                       WHERE state = 'ACTIVE'
                         AND next_fire_at <= now() + ? * interval '1 millisecond'
                         AND (lease_until IS NULL OR lease_until < now())
                       ORDER BY next_fire_at
                       LIMIT ?
                         FOR UPDATE SKIP LOCKED)
         AND t.id = s.tenant_id
      RETURNING s.id, s.tenant_id, s.execution_id, s.next_fire_at, s.scheduled_for, s.attempt,
                s.spec_kind, s.cron, s.timezone, s.fire_at, s.interval_ms, s.start_at,
                s.target_url, s.target_method, s.target_headers::text AS target_headers,
                s.target_body, s.timeout_ms,
                s.max_attempts, s.min_backoff_ms, s.max_backoff_ms, s.on_exhausted,
                s.lease_until, t.signing_secret,
                CASE WHEN t.previous_secret_expires_at > now()
                     THEN t.previous_signing_secret END AS previous_signing_secret,
                clock_timestamp() AS database_now
      """;

  /**
   * Claims up to {@code batchSize} triggers due within {@code lookahead}, leased to {@code owner}.
   *
   * @param leaseMargin how long past the trigger's due time plus timeout the lease lasts
   */
  public List<ClaimedTrigger> claimDue(
      String owner, int batchSize, Duration lookahead, Duration leaseMargin) {
    return Sql.query(
        ds,
        CLAIM,
        s -> {
          s.setString(1, owner);
          s.setLong(2, leaseMargin.toMillis());
          s.setLong(3, lookahead.toMillis());
          s.setInt(4, batchSize);
        },
        ScheduleRepository::mapClaimed);
  }

  private static ClaimedTrigger mapClaimed(ResultSet r) throws SQLException {
    List<String> secrets = new ArrayList<>(2);
    secrets.add(r.getString("signing_secret"));
    String previous = r.getString("previous_signing_secret");
    if (previous != null) {
      secrets.add(previous);
    }
    Target target;
    Optional<String> defect = Optional.empty();
    try {
      target = mapTarget(r);
    } catch (IllegalStateException e) {
      // Stored headers that are not a map of strings: fire nothing, bury the trigger.
      target =
          new Target(
              r.getString("target_url"),
              r.getString("target_method"),
              null,
              null,
              Duration.ofMillis(r.getInt("timeout_ms")));
      defect = Optional.of("stored target headers are not a map of strings");
    }
    return new ClaimedTrigger(
        getUuid(r, "id"),
        getUuid(r, "tenant_id"),
        getUuid(r, "execution_id"),
        getInstant(r, "next_fire_at"),
        getInstant(r, "scheduled_for"),
        r.getInt("attempt"),
        mapSpec(r),
        target,
        mapRetry(r),
        List.copyOf(secrets),
        getInstant(r, "lease_until"),
        getInstant(r, "database_now"),
        defect);
  }
}
