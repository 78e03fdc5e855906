package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.ScheduleColumns;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.StoredText;
import dev.scheduleman.storage.sql.Unnest;
import dev.scheduleman.storage.tenant.RetiredSecrets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The executors' statements on {@code schedule}: the row seen as a queue entry. Claim due triggers,
 * complete them (next occurrence, retry, completion or dead letter) and release the ones not fired.
 * Every write is guarded by the execution id and lease owner the executor holds, so a trigger that
 * was edited, paused, deleted or re-claimed meanwhile is left as it is.
 *
 * <p>Statements that depend on the time take it as an optional parameter, {@code now}: null means
 * the database's own {@code now()} (what production uses, so that executors with skewed clocks
 * agree), a value lets a test move time instead of waiting for it.
 */
public final class TriggerRepository {

  private final DataSource ds;

  public TriggerRepository(DataSource ds) {
    this.ds = ds;
  }

  /** The last {@code claim_rank}: priority 0's retries (see the V6 migration). */
  static final int LAST_RANK = 19;

  /**
   * What a claim returns of the rows it leased ({@code s}) and their tenants ({@code t}): what an
   * executor needs to fire and complete them without reading them again.
   */
  static final String CLAIMED_COLUMNS =
      """
      s.id, s.tenant_id, s.execution_id, s.next_fire_at, s.scheduled_for, s.attempt,
      s.spec_kind, s.cron, s.timezone, s.fire_at, s.interval_ms, s.start_at,
      s.end_at, s.exclude_dates::text AS exclude_dates,
      s.misfire_policy, s.misfire_threshold_ms, s.misfire_max_catch_up, s.window_ms,
      s.target_url, s.target_method, s.target_headers::text AS target_headers,
      s.target_body, s.timeout_ms, s.target_flow_key, s.target_task_type,
      s.max_attempts, s.min_backoff_ms, s.max_backoff_ms, s.on_exhausted,
      s.lease_owner, s.lease_until, s.lease_token, t.signing_secret,
      t.retired_signing_secrets::text AS retired_signing_secrets,
      clock_timestamp() AS database_now
      """;

  /**
   * The lease a claim writes on the rows it picked (the {@code %s} after {@code s.id}), and what it
   * returns. A lease lasts until the trigger's due time (it may be claimed ahead, within the
   * look-ahead) plus its timeout plus a margin. Parameters: owner, now, lease margin (ms), then the
   * pick's.
   */
  private static final String LEASE_PICKED =
      """
      UPDATE schedule s
         SET lease_owner = ?,
             lease_token = gen_random_uuid(),
             lease_until = greatest(coalesce(?::timestamptz, now()), s.next_fire_at)
                           + s.timeout_ms * interval '1 millisecond'
                           + ? * interval '1 millisecond'
        FROM tenant t
       WHERE s.id %s
         AND t.id = s.tenant_id
      RETURNING %s
      """;

  /**
   * An unpaced active row due within the look-ahead that no executor holds, the rows both unpaced
   * claims pick from. Parameters: now, look-ahead (ms), now.
   */
  private static final String DUE_UNPACED =
      """
      state = 'ACTIVE' AND NOT flow_limited
      AND next_fire_at <= coalesce(?::timestamptz, now()) + ? * interval '1 millisecond'
      AND (lease_until IS NULL OR lease_until < coalesce(?::timestamptz, now()))""";

  /**
   * The claim of unpaced triggers (those whose flow key has no limit), in one statement. The inner
   * SELECT picks due, unleased active rows in claim order (highest priority first, first attempts
   * before retries, then earliest due) and locks them, skipping rows another executor is claiming
   * at this very moment; the UPDATE leases them. Claim order is {@code claim_rank} (0 to 19) then
   * {@code next_fire_at}, the partial index {@code schedule_claim}: the SELECT reads that index one
   * rank after the other, in rank order, each an index range in due order, and stops as soon as the
   * batch is full, so ranks after it are never read nor locked. (An outer ORDER BY would make every
   * rank read and lock a whole batch first; the rank series is read in its own order, a function
   * scan, which is how the executor's statement runs.) A lease lasts until the trigger's due time
   * (it may be claimed ahead, within the look-ahead) plus its timeout plus a margin, so a trigger
   * whose executor died is claimable again seconds after it should have completed.
   *
   * <p>Every claimed row gets a token of its own ({@code gen_random_uuid()}): the executor's later
   * statements on it are guarded by that token, so none of them can apply to a later claim.
   *
   * <p>Parameters: owner, now, lease margin (ms), now, look-ahead (ms), now, batch size (twice).
   */
  static final String CLAIM =
      LEASE_PICKED.formatted(
          """
          IN (SELECT due.id
                FROM generate_series(0, %d) AS r(rank)
                     CROSS JOIN LATERAL (
                       SELECT id
                         FROM schedule
                        WHERE claim_rank = r.rank AND %s
                        ORDER BY next_fire_at
                        LIMIT ?
                          FOR UPDATE SKIP LOCKED) due
               LIMIT ?)
          """
              .formatted(LAST_RANK, DUE_UNPACED),
          CLAIMED_COLUMNS);

  /**
   * The fair claim: the unpaced claim taken tenant by tenant, for when more is due than the
   * executors can send. {@link #CLAIM} reads one global order, so a tenant with a flood due holds
   * up every tenant whose work falls due after the flood's; this one gives each tenant a share of
   * the batch (the batch over the number of tenants, at least one), read from the claim's index in
   * tenant order ({@code schedule_tenant_claim}), rank by rank and in due order within the tenant,
   * as the plain claim would. It costs a few index probes per tenant, so executors run it only
   * while they are behind, once a poll interval. (The ids are gathered into an array, so that the
   * planner, which cannot know the share, still updates them by primary key.)
   *
   * <p>Parameters: owner, now, lease margin (ms), batch size, now, look-ahead (ms), now, batch
   * size.
   */
  static final String FAIR_CLAIM =
      LEASE_PICKED.formatted(
          """
          = ANY (ARRAY(SELECT due.id
                         FROM (SELECT greatest(1, ?::integer / greatest(1, count(*)))::integer
                                      AS share
                                 FROM tenant) f
                              CROSS JOIN tenant tn
                              CROSS JOIN LATERAL (
                                SELECT ranked.id
                                  FROM generate_series(0, %d) AS r(rank)
                                       CROSS JOIN LATERAL (
                                         SELECT id
                                           FROM schedule
                                          WHERE tenant_id = tn.id AND claim_rank = r.rank AND %s
                                          ORDER BY next_fire_at
                                          LIMIT f.share
                                            FOR UPDATE SKIP LOCKED) ranked
                                 LIMIT f.share) due
                        LIMIT ?))
          """
              .formatted(LAST_RANK, DUE_UNPACED),
          CLAIMED_COLUMNS);

  /**
   * Claims up to {@code batchSize} triggers due within the look-ahead, a share of it from each
   * tenant with due work (see {@link #FAIR_CLAIM}).
   *
   * @param now the time to claim at; null for the database's clock
   */
  public List<ClaimedTrigger> claimFair(Claim claim, Instant now) {
    return Sql.query(
        ds,
        FAIR_CLAIM,
        s -> {
          s.setString(1, claim.owner());
          setInstant(s, 2, now);
          s.setLong(3, claim.leaseMargin().toMillis());
          s.setInt(4, claim.batchSize());
          setInstant(s, 5, now);
          s.setLong(6, claim.lookahead().toMillis());
          setInstant(s, 7, now);
          s.setInt(8, claim.batchSize());
        },
        TriggerRepository::mapClaimed);
  }

  /** What a claim asks for. */
  public record Claim(String owner, int batchSize, Duration lookahead, Duration leaseMargin) {}

  /**
   * Claims up to {@code batchSize} triggers due within the look-ahead, leased to the owner.
   *
   * @param now the time to claim at; null for the database's clock
   */
  public List<ClaimedTrigger> claimDue(Claim claim, Instant now) {
    return Sql.run(ds, "claim", c -> claimDue(c, claim, now));
  }

  /** {@link #claimDue(Claim, Instant)} on a connection the caller holds. */
  public List<ClaimedTrigger> claimDue(Connection c, Claim claim, Instant now) throws SQLException {
    return Sql.query(c, CLAIM, s -> bindClaim(s, claim, now), TriggerRepository::mapClaimed);
  }

  /**
   * A due-work probe of one flow key: does it have a due, unleased row? One ordered probe of the
   * key's index per rank (the limit keeps the planner from turning it into a join over the table).
   */
  private static final String KEY_HAS_DUE_WORK =
      """
      EXISTS (SELECT 1
                FROM generate_series(0, %d) AS r(rank)
                     CROSS JOIN LATERAL (
                       SELECT 1 FROM schedule d
                        WHERE d.state = 'ACTIVE' AND d.flow_limited
                          AND d.tenant_id = f.tenant_id AND d.flow_key = f.flow_key
                          AND d.claim_rank = r.rank AND d.next_fire_at <= %s
                          AND (d.lease_until IS NULL OR d.lease_until < %s)
                        ORDER BY d.next_fire_at
                        LIMIT 1) due)
      """;

  /**
   * The first statement of a paced claim: locks the flow keys with due work that no other executor
   * is claiming right now (skipping those), until the claim's transaction ends. Parameters: now.
   */
  static final String LOCK_FLOW_KEYS =
      """
      SELECT f.tenant_id, f.flow_key
        FROM flow_limit f CROSS JOIN (SELECT coalesce(?::timestamptz, now()) AS t) c
       WHERE %s
         FOR UPDATE OF f SKIP LOCKED
      """
          .formatted(KEY_HAS_DUE_WORK.formatted(LAST_RANK, "c.t", "c.t"));

  /**
   * The second statement of a paced claim, on the keys the first one locked, so that no other
   * executor leases their triggers meanwhile; being a statement of its own, it sees every claim and
   * completion committed before the lock was granted. For each key ({@code keyed}) it refills the
   * token bucket for the time since the key's last claim (up to the burst), counts the key's
   * deliveries in flight (the schedules its claims leased whose lease still runs: a lease that ran
   * out or a completed trigger frees its slot) and takes what both allow ({@code room}). Then it
   * reads the key's own index ({@code schedule_flow}) rank by rank, in claim order, for that many
   * due rows, leases them for their timeout plus the margin, and writes the bucket back, less what
   * it took. Rows over a limit stay as they are, due and unleased: they wait, in due order, and
   * cost no attempt. {@link #CLAIM} never reads them.
   *
   * <p>Triggers are claimed only once due (no look-ahead), so a token is spent when the delivery
   * can go. A key whose due work outlasted what its limit let this claim take is marked exhausted
   * at this instant; a row due before the key was last exhausted has waited for the limit, and
   * comes back with how long ({@code throttled_ms}).
   *
   * <p>Parameters: now, owner, lease margin (ms), batch size, the locked keys' tenants and keys.
   */
  static final String FLOW_CLAIM =
      """
      WITH clock AS (SELECT coalesce(?::timestamptz, now()) AS t, ?::text AS owner,
                            ?::bigint AS margin_ms, ?::integer AS batch),
           keyed AS (
             SELECT f.tenant_id, f.flow_key, f.max_concurrency, f.exhausted_at, c.t, c.batch,
                    CASE WHEN f.rate_per_second IS NOT NULL
                         THEN least(f.burst::float8,
                                    f.tokens + f.rate_per_second
                                               * greatest(0, extract(epoch FROM c.t - f.refilled_at)))
                    END AS tokens,
                    CASE WHEN f.max_concurrency IS NOT NULL
                         THEN ARRAY(SELECT l.id FROM schedule l
                                     WHERE l.id = ANY (f.leased) AND l.lease_until > c.t)
                    END AS live
               FROM flow_limit f CROSS JOIN clock c
              WHERE (f.tenant_id, f.flow_key) IN (SELECT * FROM unnest(?::uuid[], ?::text[]))),
           room AS (
             SELECT k.*,
                    greatest(0, least(coalesce(floor(k.tokens)::integer, k.batch),
                                      coalesce(k.max_concurrency - cardinality(k.live), k.batch),
                                      k.batch)) AS take
               FROM keyed k),
           waiting AS (
             SELECT r.tenant_id, r.flow_key,
                    (SELECT count(*)
                       FROM (SELECT 1
                               FROM generate_series(0, %1$d) AS g(rank)
                                    CROSS JOIN LATERAL (
                                      SELECT 1 FROM schedule d
                                       WHERE d.state = 'ACTIVE' AND d.flow_limited
                                         AND d.tenant_id = r.tenant_id AND d.flow_key = r.flow_key
                                         AND d.claim_rank = g.rank AND d.next_fire_at <= r.t
                                         AND (d.lease_until IS NULL OR d.lease_until < r.t)
                                       ORDER BY d.next_fire_at
                                       LIMIT r.take + 1) x
                              LIMIT r.take + 1) y) > r.take AND r.take < r.batch AS exhausted
               FROM room r),
           picked AS (
             SELECT due.id
               FROM room r
                    CROSS JOIN LATERAL (
                      SELECT ranked.id
                        FROM generate_series(0, %1$d) AS g(rank)
                             CROSS JOIN LATERAL (
                               SELECT d.id FROM schedule d
                                WHERE d.state = 'ACTIVE' AND d.flow_limited
                                  AND d.tenant_id = r.tenant_id AND d.flow_key = r.flow_key
                                  AND d.claim_rank = g.rank AND d.next_fire_at <= r.t
                                  AND (d.lease_until IS NULL OR d.lease_until < r.t)
                                ORDER BY d.next_fire_at
                                LIMIT r.take
                                  FOR UPDATE OF d SKIP LOCKED) ranked
                       LIMIT r.take) due
              WHERE r.take > 0
              LIMIT (SELECT batch FROM clock)),
           leased AS (
             UPDATE schedule s
                SET lease_owner = c.owner,
                    lease_token = gen_random_uuid(),
                    lease_until = c.t + s.timeout_ms * interval '1 millisecond'
                                      + c.margin_ms * interval '1 millisecond'
               FROM picked p, clock c, room r, tenant t
              WHERE s.id = p.id
                AND r.tenant_id = s.tenant_id AND r.flow_key = s.flow_key
                AND t.id = s.tenant_id
             RETURNING %2$s,
                       s.flow_key,
                       CASE WHEN s.next_fire_at <= r.exhausted_at
                            THEN (extract(epoch FROM r.t - s.next_fire_at) * 1000)::bigint
                       END AS throttled_ms),
           taken AS (
             UPDATE flow_limit f
                SET tokens = CASE WHEN r.tokens IS NULL THEN f.tokens
                                  ELSE greatest(0, r.tokens - n.count) END,
                    refilled_at = CASE WHEN r.tokens IS NULL THEN f.refilled_at ELSE r.t END,
                    leased = CASE WHEN r.live IS NULL THEN '{}' ELSE r.live || n.ids END,
                    exhausted_at = CASE WHEN w.exhausted THEN r.t ELSE f.exhausted_at END
               FROM room r
                    JOIN waiting w ON w.tenant_id = r.tenant_id AND w.flow_key = r.flow_key
                    CROSS JOIN LATERAL (
                      SELECT count(*) AS count, coalesce(array_agg(l.id), '{}') AS ids
                        FROM leased l
                       WHERE l.tenant_id = r.tenant_id AND l.flow_key = r.flow_key) n
              WHERE f.tenant_id = r.tenant_id AND f.flow_key = r.flow_key)
      SELECT * FROM leased
      """
          .formatted(LAST_RANK, CLAIMED_COLUMNS);

  /**
   * Claims up to {@code batchSize} due paced triggers, as their flow limits allow, in a transaction
   * of two statements: {@link #LOCK_FLOW_KEYS}, then {@link #FLOW_CLAIM} on the keys it locked (one
   * statement could not count the leases another executor committed while it waited for nothing: it
   * reads the database as of its start).
   *
   * @param now the time to claim at; null for the database's clock
   */
  public List<ClaimedTrigger> claimPaced(Claim claim, Instant now) {
    return Sql.inTransaction(
        ds,
        "paced claim",
        c -> {
          List<UUID> tenants = new ArrayList<>();
          List<String> keys = new ArrayList<>();
          Sql.query(
              c,
              LOCK_FLOW_KEYS,
              s -> setInstant(s, 1, now),
              r -> {
                tenants.add(getUuid(r, "tenant_id"));
                keys.add(r.getString("flow_key"));
                return null;
              });
          if (keys.isEmpty()) {
            return List.of();
          }
          return Sql.query(
              c,
              FLOW_CLAIM,
              s -> {
                setInstant(s, 1, now);
                s.setString(2, claim.owner());
                s.setLong(3, claim.leaseMargin().toMillis());
                s.setInt(4, claim.batchSize());
                s.setArray(5, c.createArrayOf("uuid", tenants.toArray()));
                s.setArray(6, c.createArrayOf("text", keys.toArray()));
              },
              r -> {
                Long throttled = Sql.getLong(r, "throttled_ms");
                return mapClaimed(r)
                    .paced(
                        new ClaimedTrigger.Paced(
                            r.getString("flow_key"),
                            throttled == null ? null : Duration.ofMillis(throttled)));
              });
        });
  }

  static void bindClaim(PreparedStatement s, Claim claim, Instant now) throws SQLException {
    s.setString(1, claim.owner());
    setInstant(s, 2, now);
    s.setLong(3, claim.leaseMargin().toMillis());
    setInstant(s, 4, now);
    s.setLong(5, claim.lookahead().toMillis());
    setInstant(s, 6, now);
    s.setInt(7, claim.batchSize());
    s.setInt(8, claim.batchSize());
  }

  /**
   * Maps a claimed row, parsing its spec once. A row that cannot be fired as stored (a spec that no
   * longer parses, headers that are not a map of strings) is claimed all the same, with the reason
   * as its defect: the executor buries it instead of failing on it again and again.
   */
  private static ClaimedTrigger mapClaimed(ResultSet r) throws SQLException {
    List<String> secrets = new ArrayList<>(2);
    secrets.add(r.getString("signing_secret"));
    // Rotated-out secrets sign until their own expiry, by the database's clock.
    String retired = r.getString("retired_signing_secrets");
    if (retired != null && !retired.equals("[]")) {
      Instant now = getInstant(r, "database_now");
      for (var secret : RetiredSecrets.parse(retired)) {
        if (secret.expiresAt().isAfter(now)) {
          secrets.add(secret.secret());
        }
      }
    }
    RetryPolicy retry = ScheduleColumns.mapRetry(r);
    SpecColumns spec = ScheduleColumns.mapSpec(r);
    TriggerRules rules;
    Optional<String> defect = Optional.empty();
    try {
      rules =
          TriggerRules.of(spec.toSpec(), retry).within(Window.of(spec.window(), getUuid(r, "id")));
    } catch (InvalidSpecException e) {
      String why = "stored schedule no longer parses: " + e.getMessage();
      rules = TriggerRules.defective(why, retry);
      defect = Optional.of(why);
    }
    Target target;
    try {
      target = ScheduleColumns.mapTarget(r);
    } catch (IllegalStateException e) {
      target =
          new Target(
              r.getString("target_url"),
              r.getString("target_method"),
              null,
              null,
              Duration.ofMillis(r.getInt("timeout_ms")));
      defect = defect.or(() -> Optional.of("stored target headers are not a map of strings"));
    }
    return new ClaimedTrigger(
        getUuid(r, "id"),
        getUuid(r, "tenant_id"),
        ScheduleColumns.mapPending(r),
        rules,
        target,
        List.copyOf(secrets),
        getInstant(r, "database_now"),
        defect);
  }

  /**
   * The claim's plan as PostgreSQL runs it ({@code EXPLAIN (ANALYZE, BUFFERS)}), for operators who
   * want to see that it reads only the partial index. The claim really runs, inside a transaction
   * that is rolled back, so nothing is leased.
   */
  public String explainClaim(Claim claim) {
    return Sql.run(
        ds,
        "explain the claim",
        c -> {
          boolean autoCommit = c.getAutoCommit();
          c.setAutoCommit(false);
          try {
            return String.join(
                "\n",
                Sql.query(
                    c,
                    "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + CLAIM,
                    s -> bindClaim(s, claim, null),
                    r -> r.getString(1)));
          } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
          }
        });
  }

  private static final Unnest<TriggerUpdate> COMPLETED =
      Unnest.<TriggerUpdate>columns()
          .uuid("id", TriggerUpdate::scheduleId)
          .uuid("fired_execution_id", TriggerUpdate::firedExecutionId)
          .uuid("lease_token", TriggerUpdate::leaseToken)
          .text("state", u -> u.next().state().name())
          .timestamptz("next_fire_at", u -> u.next().pending().nextFireAt())
          .timestamptz("scheduled_for", u -> u.next().pending().scheduledFor())
          .uuid("execution_id", u -> u.next().pending().executionId())
          .integer("attempt", u -> u.next().pending().attempt())
          .timestamptz("fired_at", u -> u.lastRun() == null ? null : u.lastRun().firedAt())
          .text("outcome", u -> u.lastRun() == null ? null : u.lastRun().outcome().name())
          .integer("http_status", u -> u.lastRun() == null ? null : u.lastRun().httpStatus())
          .text(
              "error",
              u ->
                  u.lastRun() == null
                      ? null
                      : StoredText.clean(u.lastRun().error(), ExecutionRepository.ERROR_CHARS));

  /**
   * Parameters: the completed triggers. One without a last run (a skipped occurrence, which did not
   * fire) keeps the schedule's last run as it was.
   */
  static final String COMPLETE =
      """
      UPDATE schedule s
         SET state = u.state,
             next_fire_at = u.next_fire_at,
             scheduled_for = u.scheduled_for,
             execution_id = u.execution_id,
             attempt = u.attempt,
             lease_owner = NULL,
             lease_until = NULL,
             lease_token = NULL,
             last_fired_at = CASE WHEN u.outcome IS NULL THEN s.last_fired_at ELSE u.fired_at END,
             last_outcome = coalesce(u.outcome, s.last_outcome),
             last_http_status = CASE WHEN u.outcome IS NULL THEN s.last_http_status
                                     ELSE u.http_status END,
             last_error = CASE WHEN u.outcome IS NULL THEN s.last_error ELSE u.error END
        FROM %s
       WHERE s.id = u.id
         AND s.execution_id = u.fired_execution_id
         AND s.lease_token = u.lease_token
      RETURNING s.id
      """
          .formatted(COMPLETED.as("u"));

  /**
   * Writes the outcome of fired triggers in one statement, each guarded by the execution id it was
   * fired under and the token of the claim it was fired from.
   *
   * @return the ids of the schedules that were updated; a missing id lost its guard (the trigger
   *     was replaced, deleted or re-claimed meanwhile), which is a normal outcome, not an error
   */
  public Set<UUID> complete(Connection c, List<TriggerUpdate> updates) throws SQLException {
    if (updates.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        Sql.query(c, COMPLETE, s -> COMPLETED.bind(s, 1, updates), r -> getUuid(r, "id")));
  }

  /** A trigger an executor holds: which row, under the token of which claim. */
  public record Held(UUID scheduleId, UUID leaseToken) {

    public static Held of(ClaimedTrigger trigger) {
      return new Held(trigger.scheduleId(), trigger.pending().leaseToken());
    }
  }

  private static final Unnest<Held> HELD =
      Unnest.<Held>columns().uuid("id", Held::scheduleId).uuid("lease_token", Held::leaseToken);

  /** Parameters: the released triggers. */
  static final String RELEASE =
      """
      UPDATE schedule s SET lease_owner = NULL, lease_until = NULL, lease_token = NULL
        FROM %s
       WHERE s.id = u.id AND s.lease_token = u.lease_token
      """
          .formatted(HELD.as("u"));

  /**
   * Gives claimed triggers back without firing them (an executor shutting down, or one whose lease
   * no longer covers a send), so that another executor claims them at once instead of after the
   * lease expires.
   *
   * @return how many were released
   */
  public int release(List<Held> triggers) {
    if (triggers.isEmpty()) {
      return 0;
    }
    return Sql.update(ds, RELEASE, s -> HELD.bind(s, 1, triggers));
  }

  /**
   * Renews the leases of held triggers, in one statement, to at least their timeout plus the margin
   * from now. Rows another transaction has locked at this moment (this executor's own completion of
   * them, or the API editing them) are skipped rather than waited for, so this statement can
   * neither block behind nor deadlock with them; such a row counts as still held if its committed
   * version still carries the token, and is renewed the next time.
   *
   * <p>Parameters: the held triggers, now, lease margin (ms), now.
   */
  static final String RENEW =
      """
      WITH held AS (SELECT * FROM %s),
           mine AS (SELECT s.id
                      FROM schedule s JOIN held h ON s.id = h.id AND s.lease_token = h.lease_token
                       FOR UPDATE OF s SKIP LOCKED),
           renewed AS (UPDATE schedule s
                          SET lease_until = greatest(s.lease_until,
                                                     coalesce(?::timestamptz, now())
                                                     + s.timeout_ms * interval '1 millisecond'
                                                     + ? * interval '1 millisecond')
                         FROM mine
                        WHERE s.id = mine.id
                    RETURNING s.id, s.lease_until)
      SELECT h.id, h.lease_token, r.lease_until,
             r.id IS NOT NULL
             OR EXISTS (SELECT 1 FROM schedule s
                         WHERE s.id = h.id AND s.lease_token = h.lease_token
                           AND s.lease_until > coalesce(?::timestamptz, now())) AS held
        FROM held h LEFT JOIN renewed r ON r.id = h.id
      """
          .formatted(HELD.as("u"));

  /**
   * What a renewal found: the triggers whose lease now lasts until the given time, and the ones
   * this executor no longer holds (edited, paused, deleted, or re-claimed after the lease ran out).
   * A trigger in neither was busy (locked) and keeps its lease as it was.
   */
  public record Renewal(Map<UUID, Instant> renewed, Set<UUID> lost) {}

  /**
   * Renews the leases of {@code held} (see {@link #RENEW}).
   *
   * @param now the time to renew at; null for the database's clock
   */
  public Renewal renew(List<Held> held, Duration leaseMargin, Instant now) {
    Map<UUID, Instant> renewed = new HashMap<>();
    Set<UUID> lost = new HashSet<>();
    if (held.isEmpty()) {
      return new Renewal(renewed, lost);
    }
    Sql.query(
        ds,
        RENEW,
        s -> {
          int i = HELD.bind(s, 1, held);
          setInstant(s, i, now);
          s.setLong(i + 1, leaseMargin.toMillis());
          setInstant(s, i + 2, now);
        },
        r -> {
          UUID token = getUuid(r, "lease_token");
          Instant until = getInstant(r, "lease_until");
          if (until != null) {
            renewed.put(token, until);
          } else if (!r.getBoolean("held")) {
            lost.add(token);
          }
          return null;
        });
    return new Renewal(renewed, lost);
  }

  /**
   * The check before a send: which of these triggers are still this executor's, as last committed.
   * A read, so it costs no write: an edit committed before it is seen (and wins); one still in
   * progress commits after it and finds the trigger on its way out.
   *
   * <p>Parameters: the triggers.
   */
  static final String CONFIRM =
      """
      SELECT s.lease_token, s.lease_until
        FROM schedule s JOIN %s ON s.id = u.id AND s.lease_token = u.lease_token
      """
          .formatted(HELD.as("u"));

  /**
   * Confirms {@code triggers} (see {@link #CONFIRM}).
   *
   * @return the tokens still held, with their leases' ends
   */
  public Map<UUID, Instant> confirm(List<Held> triggers) {
    Map<UUID, Instant> held = new HashMap<>();
    if (triggers.isEmpty()) {
      return held;
    }
    Sql.query(
        ds,
        CONFIRM,
        s -> HELD.bind(s, 1, triggers),
        r -> held.put(getUuid(r, "lease_token"), getInstant(r, "lease_until")));
    return held;
  }

  /**
   * The fence before a send of a trigger whose lease no longer covers its timeout: renews the
   * lease, waiting for any transaction that holds the row. A row the API changed, paused or deleted
   * meanwhile no longer carries the token and is not returned, so its old version is not sent: an
   * edit that commits before this statement always wins. (One that commits after it finds the
   * trigger on its way out, which then completes into the guard.)
   *
   * <p>Parameters: the triggers, now, lease margin (ms).
   */
  static final String FENCE =
      """
      UPDATE schedule s
         SET lease_until = greatest(s.lease_until,
                                    coalesce(?::timestamptz, now())
                                    + s.timeout_ms * interval '1 millisecond'
                                    + ? * interval '1 millisecond')
        FROM %s
       WHERE s.id = u.id AND s.lease_token = u.lease_token
      RETURNING s.lease_token, s.lease_until
      """
          .formatted(HELD.as("u"));

  /**
   * Fences {@code triggers} (see {@link #FENCE}).
   *
   * @return the tokens still held, with their leases' new ends
   */
  public Map<UUID, Instant> fence(List<Held> triggers, Duration leaseMargin, Instant now) {
    Map<UUID, Instant> held = new HashMap<>();
    if (triggers.isEmpty()) {
      return held;
    }
    Sql.query(
        ds,
        FENCE,
        s -> {
          setInstant(s, 1, now);
          s.setLong(2, leaseMargin.toMillis());
          HELD.bind(s, 3, triggers);
        },
        r -> held.put(getUuid(r, "lease_token"), getInstant(r, "lease_until")));
    return held;
  }

  /**
   * The most the due backlog counts: enough to scale on (20 executors at 2,000 each), and a bound
   * on what each count costs when far more is due (a few microseconds a row: 300,000 due took 1.3 s
   * a count uncapped, and every executor counts every 5 s).
   */
  public static final int BACKLOG_CAP = 50_000;

  /** Parameters: now (twice), the cap. */
  static final String DUE_BACKLOG =
      """
      SELECT count(*) AS n
        FROM (SELECT 1
                FROM generate_series(0, %d) AS r(rank)
                     CROSS JOIN LATERAL (
                       SELECT 1 FROM schedule
                        WHERE state = 'ACTIVE' AND NOT flow_limited AND claim_rank = r.rank
                          AND next_fire_at <= coalesce(?::timestamptz, now())
                          AND (lease_until IS NULL
                               OR lease_until < coalesce(?::timestamptz, now()))) due
               LIMIT ?) capped
      """
          .formatted(LAST_RANK);

  /**
   * Active triggers due now that no executor holds, up to {@link #BACKLOG_CAP}: how far behind the
   * executors are, over all tenants (the signal to scale them on). Reads the partial index only,
   * rank by rank, and stops at the cap. Paced triggers are left out: more executors would not send
   * them sooner.
   *
   * @param now the time to count at; null for the database's clock
   */
  public long dueBacklog(Instant now) {
    return Sql.queryOne(
            ds,
            DUE_BACKLOG,
            s -> {
              setInstant(s, 1, now);
              setInstant(s, 2, now);
              s.setInt(3, BACKLOG_CAP);
            },
            r -> r.getLong("n"))
        .orElse(0L);
  }
}
