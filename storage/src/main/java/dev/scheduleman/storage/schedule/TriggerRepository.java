package dev.scheduleman.storage.schedule;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;

import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.storage.sql.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The executors' statements on {@code schedule}: the row seen as a queue entry. Claim due triggers,
 * complete them (next occurrence, retry, completion or dead letter) and release the ones not fired.
 * Every write is guarded by the execution id and lease owner the executor holds, so a trigger that
 * was edited, paused, deleted or re-claimed meanwhile is left as it is.
 */
public final class TriggerRepository {

  private final DataSource ds;

  public TriggerRepository(DataSource ds) {
    this.ds = ds;
  }

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
    return Sql.run(ds, "claim", c -> claimDue(c, owner, batchSize, lookahead, leaseMargin));
  }

  /** {@link #claimDue(String, int, Duration, Duration)} on a connection the caller holds. */
  public List<ClaimedTrigger> claimDue(
      Connection c, String owner, int batchSize, Duration lookahead, Duration leaseMargin)
      throws SQLException {
    return Sql.query(
        c,
        CLAIM,
        s -> {
          s.setString(1, owner);
          s.setLong(2, leaseMargin.toMillis());
          s.setLong(3, lookahead.toMillis());
          s.setInt(4, batchSize);
        },
        TriggerRepository::mapClaimed);
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
      target = ScheduleColumns.mapTarget(r);
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
        ScheduleColumns.mapSpec(r),
        target,
        ScheduleColumns.mapRetry(r),
        List.copyOf(secrets),
        getInstant(r, "lease_until"),
        getInstant(r, "database_now"),
        defect);
  }

  /**
   * The claim's plan as PostgreSQL runs it ({@code EXPLAIN (ANALYZE, BUFFERS)}), for operators who
   * want to see that it reads only the partial index. The claim really runs, inside a transaction
   * that is rolled back, so nothing is leased.
   */
  public String explainClaim(
      String owner, int batchSize, Duration lookahead, Duration leaseMargin) {
    return Sql.run(
        ds,
        "explain the claim",
        c -> {
          boolean autoCommit = c.getAutoCommit();
          c.setAutoCommit(false);
          try (PreparedStatement s =
              c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + CLAIM)) {
            s.setString(1, owner);
            s.setLong(2, leaseMargin.toMillis());
            s.setLong(3, lookahead.toMillis());
            s.setInt(4, batchSize);
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                plan.append(r.getString(1)).append('\n');
              }
            }
            return plan.toString();
          } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
          }
        });
  }

  /**
   * Writes the outcome of fired triggers in one statement, each guarded by the execution id it was
   * fired under and the lease this executor holds.
   *
   * @return the ids of the schedules that were updated; a missing id lost its guard (the trigger
   *     was replaced, deleted or re-claimed meanwhile), which is a normal outcome, not an error
   */
  public Set<UUID> complete(Connection c, String owner, List<TriggerUpdate> updates)
      throws SQLException {
    if (updates.isEmpty()) {
      return Set.of();
    }
    int n = updates.size();
    Object[][] columns = new Object[11][n];
    for (int k = 0; k < n; k++) {
      TriggerUpdate u = updates.get(k);
      columns[0][k] = u.scheduleId();
      columns[1][k] = u.firedExecutionId();
      columns[2][k] = u.state().name();
      columns[3][k] = Sql.epochMillis(u.next().nextFireAt());
      columns[4][k] = Sql.epochMillis(u.next().scheduledFor());
      columns[5][k] = u.next().executionId();
      columns[6][k] = u.next().attempt();
      columns[7][k] = Sql.epochMillis(u.lastRun().firedAt());
      columns[8][k] = u.lastRun().outcome().name();
      columns[9][k] = u.lastRun().httpStatus();
      columns[10][k] = u.lastRun().error();
    }
    String[] types = {
      "uuid", "uuid", "text", "int8", "int8", "uuid", "int4", "int8", "text", "int4", "text"
    };
    try (PreparedStatement s = c.prepareStatement(COMPLETE)) {
      for (int col = 0; col < columns.length; col++) {
        s.setArray(col + 1, c.createArrayOf(types[col], columns[col]));
      }
      s.setString(columns.length + 1, owner);
      Set<UUID> updated = new HashSet<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          updated.add(getUuid(r, "id"));
        }
      }
      return updated;
    }
  }

  static final String COMPLETE =
      """
      UPDATE schedule s
         SET state = u.state,
             next_fire_at = to_timestamp(u.next_ms / 1000.0),
             scheduled_for = to_timestamp(u.scheduled_ms / 1000.0),
             execution_id = u.next_execution_id,
             attempt = u.attempt,
             lease_owner = NULL,
             lease_until = NULL,
             last_fired_at = to_timestamp(u.fired_ms / 1000.0),
             last_outcome = u.outcome,
             last_http_status = u.http_status,
             last_error = u.error
        FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::uuid[],
                    ?::int[], ?::bigint[], ?::text[], ?::int[], ?::text[])
             AS u(id, fired_execution_id, state, next_ms, scheduled_ms, next_execution_id,
                  attempt, fired_ms, outcome, http_status, error)
       WHERE s.id = u.id
         AND s.execution_id = u.fired_execution_id
         AND s.lease_owner = ?
      RETURNING s.id
      """;

  /**
   * Gives claimed triggers back without firing them (an executor shutting down), so that another
   * executor claims them at once instead of after the lease expires.
   *
   * @return how many were released
   */
  public int release(String owner, List<UUID> scheduleIds, List<UUID> executionIds) {
    if (scheduleIds.isEmpty()) {
      return 0;
    }
    return Sql.run(
        ds,
        "release triggers",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  """
                  UPDATE schedule s SET lease_owner = NULL, lease_until = NULL
                    FROM unnest(?::uuid[], ?::uuid[]) AS u(id, execution_id)
                   WHERE s.id = u.id AND s.execution_id = u.execution_id AND s.lease_owner = ?
                  """)) {
            Array ids = c.createArrayOf("uuid", scheduleIds.toArray());
            Array executions = c.createArrayOf("uuid", executionIds.toArray());
            s.setArray(1, ids);
            s.setArray(2, executions);
            s.setString(3, owner);
            return s.executeUpdate();
          }
        });
  }

  /**
   * Active triggers due now by the database's clock that no executor holds: how far behind the
   * executors are, over all tenants (the signal to scale them on). Reads the partial index only.
   */
  public long dueBacklog() {
    return Sql.queryOne(
            ds,
            """
            SELECT count(*) AS n FROM schedule
             WHERE state = 'ACTIVE' AND next_fire_at <= now()
               AND (lease_until IS NULL OR lease_until < now())
            """,
            s -> {},
            r -> r.getLong("n"))
        .orElse(0L);
  }
}
