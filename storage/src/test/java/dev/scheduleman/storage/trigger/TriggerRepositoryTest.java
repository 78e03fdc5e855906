package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The executors' statements after the claim: every one is guarded by the claim's own token, so a
 * statement of one claim never applies to another, not even a later claim by the same executor.
 */
class TriggerRepositoryTest {

  private static final Duration LOOKAHEAD = Duration.ofSeconds(2);
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private final TriggerRepository triggers = new TriggerRepository(ds);
  private TenantRow tenant;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
  }

  private ClaimedTrigger claimOne(String owner) {
    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim(owner, 10, LOOKAHEAD, MARGIN), null);
    assertThat(claimed).hasSize(1);
    return claimed.get(0);
  }

  /** What a failed first attempt of {@code t} at {@code now} leads to: a retry, same id. */
  private static TriggerUpdate retryLater(ClaimedTrigger t, Instant now) {
    return update(t, TriggerEvent.FAILED, now);
  }

  private static TriggerUpdate update(ClaimedTrigger t, TriggerEvent event, Instant now) {
    Transition.Moved moved =
        (Transition.Moved)
            TriggerStateMachine.next(
                t.rules(),
                new TriggerState(ScheduleState.ACTIVE, t.pending()),
                event,
                now,
                new Random(1));
    return new TriggerUpdate(
        t.scheduleId(),
        t.executionId(),
        t.pending().leaseToken(),
        moved.to(),
        new LastRun(now, Outcome.FAILED, 503, "HTTP 503"));
  }

  private Set<UUID> complete(List<TriggerUpdate> updates) {
    return Sql.inTransaction(ds, "test", c -> triggers.complete(c, updates));
  }

  private ScheduleRow stored(UUID id) {
    return schedules.find(tenant.id(), ScheduleKey.byId(id)).orElseThrow();
  }

  private void expireLease(UUID id) {
    db.execute(
        "UPDATE schedule SET lease_until = now() - interval '1 second' WHERE id = '" + id + "'");
  }

  /** What the API does when it replaces a trigger: a new execution id, no lease. */
  private void replaceTrigger(UUID id) {
    db.execute(
        "UPDATE schedule SET execution_id = '"
            + Ids.newId()
            + "', lease_owner = NULL, lease_until = NULL, lease_token = NULL WHERE id = '"
            + id
            + "'");
  }

  @Test
  void everyClaimOfATriggerHasATokenOfItsOwn() {
    schedules.insert(List.of(aSchedule(tenant.id()).build(), aSchedule(tenant.id()).build()));
    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null);
    assertThat(claimed).extracting(t -> t.pending().leaseToken()).doesNotContainNull();
    assertThat(claimed.get(0).pending().leaseToken())
        .isNotEqualTo(claimed.get(1).pending().leaseToken());
    assertThat(stored(claimed.get(0).scheduleId()).pending().leaseToken())
        .isEqualTo(claimed.get(0).pending().leaseToken());
  }

  @Test
  void completionByTheLeaseHolderMovesTheTriggerAndClearsTheLease() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Set<UUID> applied = complete(List.of(retryLater(t, now)));

    assertThat(applied).containsExactly(row.id());
    ScheduleRow after = stored(row.id());
    // The first retry waits exactly the minimum backoff (1 s by default).
    assertThat(after.pending().nextFireAt()).isEqualTo(now.plusSeconds(1));
    assertThat(after.pending().attempt()).isEqualTo(1);
    assertThat(after.pending().executionId()).isEqualTo(t.executionId());
    assertThat(after.pending().leaseOwner()).isNull();
    assertThat(after.pending().leaseToken()).isNull();
    assertThat(after.lastRun().httpStatus()).isEqualTo(503);
    assertThat(after.version()).as("executor bookkeeping is not a new version").isEqualTo(1);
  }

  @Test
  void completionOfAReplacedTriggerIsNotApplied() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    replaceTrigger(row.id());

    assertThat(complete(List.of(retryLater(t, Instant.now())))).isEmpty();
    assertThat(stored(row.id()).pending().attempt()).isZero();
  }

  @Test
  void completionAfterTheLeaseWasTakenOverIsNotApplied() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    expireLease(row.id());
    ClaimedTrigger takenOver = claimOne("executor-b");
    assertThat(takenOver.executionId()).isEqualTo(t.executionId());

    assertThat(complete(List.of(retryLater(t, Instant.now())))).isEmpty();
    assertThat(stored(row.id()).pending().leaseOwner()).isEqualTo("executor-b");
    assertThat(complete(List.of(retryLater(takenOver, Instant.now())))).hasSize(1);
  }

  @Test
  void aLateCompletionOfAnEarlierClaimDoesNotApplyToTheSameExecutorsLaterClaim() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger first = claimOne("executor-a");
    expireLease(row.id());
    ClaimedTrigger second = claimOne("executor-a");
    assertThat(second.executionId()).isEqualTo(first.executionId());

    assertThat(complete(List.of(retryLater(first, Instant.now()))))
        .as("same owner, same execution id, another claim")
        .isEmpty();
    assertThat(stored(row.id()).pending().leaseToken()).isEqualTo(second.pending().leaseToken());
    assertThat(complete(List.of(retryLater(second, Instant.now())))).hasSize(1);
  }

  @Test
  void deadTriggerKeepsItsExecutionIdWithoutAFireTime() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");

    assertThat(complete(List.of(update(t, TriggerEvent.DEFECTIVE, Instant.now())))).hasSize(1);

    ScheduleRow after = stored(row.id());
    assertThat(after.state()).isEqualTo(ScheduleState.DEAD);
    assertThat(after.pending().nextFireAt()).isNull();
    assertThat(after.pending().executionId()).isEqualTo(t.executionId());
    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .isEmpty();
  }

  @Test
  void releaseGivesBackOnlyTheClaimItNames() {
    ScheduleRow mine = aSchedule(tenant.id()).dueIn(Duration.ofMillis(1500)).build();
    schedules.insert(mine);
    ClaimedTrigger t = claimOne("executor-a");

    assertThat(triggers.release(List.of(new TriggerRepository.Held(t.scheduleId(), Ids.newId()))))
        .isZero();
    assertThat(triggers.release(List.of(TriggerRepository.Held.of(t)))).isEqualTo(1);
    assertThat(stored(mine.id()).pending().leaseOwner()).isNull();
    assertThat(claimOne("executor-b").executionId()).isEqualTo(t.executionId());
  }

  @Test
  void renewalExtendsHeldLeasesAndReportsTheOnesThatWereTakenAway() {
    List<ScheduleRow> rows =
        List.of(
            aSchedule(tenant.id()).build(),
            aSchedule(tenant.id()).build(),
            aSchedule(tenant.id()).build());
    schedules.insert(rows);
    List<ClaimedTrigger> held =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null);
    ClaimedTrigger kept = held.get(0);
    replaceTrigger(held.get(1).scheduleId());
    db.execute("DELETE FROM schedule WHERE id = '" + held.get(2).scheduleId() + "'");
    Instant later = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

    TriggerRepository.Renewal renewal =
        triggers.renew(held.stream().map(TriggerRepository.Held::of).toList(), MARGIN, later);

    // timeout (3 s) + margin (10 s) from the renewal's now
    assertThat(renewal.renewed())
        .containsExactly(Map.entry(kept.pending().leaseToken(), later.plusSeconds(13)));
    assertThat(renewal.lost())
        .containsExactlyInAnyOrder(
            held.get(1).pending().leaseToken(), held.get(2).pending().leaseToken());
    assertThat(stored(kept.scheduleId()).pending().leaseUntil()).isEqualTo(later.plusSeconds(13));
  }

  @Test
  void renewalSkipsARowAnotherTransactionHoldsWithoutWaitingOrCallingItLost() throws Exception {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    try (Connection other = ds.getConnection()) {
      other.setAutoCommit(false);
      other
          .createStatement()
          .execute("SELECT 1 FROM schedule WHERE id = '" + row.id() + "' FOR UPDATE");

      TriggerRepository.Renewal renewal =
          triggers.renew(List.of(TriggerRepository.Held.of(t)), MARGIN, null);

      assertThat(renewal.renewed()).isEmpty();
      assertThat(renewal.lost()).isEmpty();
      other.rollback();
    }
  }

  @Test
  void theFenceWaitsForAnEditInProgressAndRefusesTheOldVersionOnceItCommits() throws Exception {
    ScheduleRow row = aSchedule(tenant.id()).dueIn(Duration.ofSeconds(1)).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    try (Connection api = ds.getConnection()) {
      api.setAutoCommit(false);
      api.createStatement()
          .execute("SELECT 1 FROM schedule WHERE id = '" + row.id() + "' FOR UPDATE");
      CompletableFuture<Map<UUID, Instant>> fenced =
          CompletableFuture.supplyAsync(
              () -> triggers.fence(List.of(TriggerRepository.Held.of(t)), MARGIN, null));
      await().atMost(Duration.ofSeconds(10)).until(() -> fenceWaitsOnALock() || fenced.isDone());
      assertThat(fenced).as("waits for the API's transaction").isNotDone();
      api.createStatement()
          .execute(
              "UPDATE schedule SET execution_id = '"
                  + Ids.newId()
                  + "', lease_owner = NULL, lease_until = NULL, lease_token = NULL"
                  + " WHERE id = '"
                  + row.id()
                  + "'");
      api.commit();

      assertThat(fenced.get(10, TimeUnit.SECONDS)).isEmpty();
    }
    ClaimedTrigger again = claimOne("executor-b");
    assertThat(triggers.fence(List.of(TriggerRepository.Held.of(again)), MARGIN, null))
        .containsOnlyKeys(again.pending().leaseToken());
  }

  /** Whether a fence statement is waiting on a row lock right now. */
  private boolean fenceWaitsOnALock() {
    return Sql.queryOne(
                ds,
                """
            SELECT count(*) AS n FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%RETURNING s.lease_token, s.lease_until%'
            """,
                s -> {},
                r -> r.getLong("n"))
            .orElse(0L)
        > 0;
  }

  @Test
  void theConfirmationBeforeASendSeesOnlyTriggersThatStillCarryTheirClaimsToken() {
    schedules.insert(List.of(aSchedule(tenant.id()).build(), aSchedule(tenant.id()).build()));
    List<ClaimedTrigger> held =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null);
    replaceTrigger(held.get(1).scheduleId());

    Map<UUID, Instant> confirmed =
        triggers.confirm(held.stream().map(TriggerRepository.Held::of).toList());

    assertThat(confirmed).containsOnlyKeys(held.get(0).pending().leaseToken());
  }

  @Test
  void aChangeIsHeardWhenItsTransactionCommitsAndNotAtAllWhenItRollsBack() throws Exception {
    TriggerChanges changes = new TriggerChanges(ds);
    UUID token = Ids.newId();
    Instant due = Instant.parse("2026-12-02T10:00:00Z");
    try (Connection listener = ds.getConnection()) {
      TriggerChanges.listen(listener);
      PGConnection pg = listener.unwrap(PGConnection.class);
      try {
        Sql.inTransaction(
            ds,
            "rolled back",
            c -> {
              announceOn(c, new TriggerChanges.Change("executor-b", Ids.newId(), null));
              throw new IllegalStateException("roll back");
            });
      } catch (IllegalStateException expected) {
        // rolled back on purpose: nothing may be heard of it
      }
      changes.announce(new TriggerChanges.Change("executor-a", token, due));

      PGNotification[] heard = pg.getNotifications(5_000);
      assertThat(heard).hasSize(1);
      assertThat(heard[0].getName()).isEqualTo(TriggerChanges.CHANNEL);
      assertThat(TriggerChanges.Change.parse(heard[0].getParameter()))
          .contains(new TriggerChanges.Change("executor-a", token, due));
    }
  }

  private static void announceOn(Connection c, TriggerChanges.Change change)
      throws java.sql.SQLException {
    try (var s = c.prepareStatement(TriggerChanges.ANNOUNCE)) {
      s.setString(1, TriggerChanges.CHANNEL);
      s.setString(2, change.payload());
      s.executeQuery().close();
    }
  }

  @Test
  void dueBacklogCountsDueUnleasedActiveTriggers() {
    schedules.insert(
        List.of(
            aSchedule(tenant.id()).dueIn(Duration.ofSeconds(-1)).build(),
            aSchedule(tenant.id()).dueIn(Duration.ofSeconds(-1)).build(),
            aSchedule(tenant.id()).dueIn(Duration.ofMinutes(5)).build()));
    assertThat(triggers.dueBacklog(null)).isEqualTo(2);
    triggers.claimDue(new TriggerRepository.Claim("executor-a", 1, LOOKAHEAD, MARGIN), null);
    assertThat(triggers.dueBacklog(null)).isEqualTo(1);
  }

  @Test
  void dueBacklogStopsCountingAtTheCapSpreadOverRanks() {
    int due = TriggerRepository.BACKLOG_CAP + 500;
    db.update(
        """
        INSERT INTO schedule (id, bucket, tenant_id, spec_kind, fire_at, target_url, target_method,
                              flow_key, timeout_ms, max_attempts, min_backoff_ms, max_backoff_ms,
                              on_exhausted, priority, state, next_fire_at, scheduled_for,
                              execution_id, created_at, updated_at)
        SELECT g.id, schedule_bucket(g.id), '%s', 'AT', g.at, 'https://example.com', 'POST',
               'host:example.com', 3000, 5, 1000, 300000, 'DEAD', g.i %% 10, 'ACTIVE', g.at, g.at,
               gen_random_uuid(), now(), now()
          FROM (SELECT gen_random_uuid() AS id, i, now() - interval '1 minute' AS at
                  FROM generate_series(1, %d) i) g
        """
            .formatted(tenant.id(), due));
    assertThat(triggers.dueBacklog(null)).isEqualTo(TriggerRepository.BACKLOG_CAP);
    db.update("DELETE FROM schedule WHERE ctid IN (SELECT ctid FROM schedule LIMIT 40000)");
    assertThat(triggers.dueBacklog(null)).isEqualTo(due - 40_000);
  }
}
