package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Completion and release: every write is guarded by execution id and lease owner. */
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
        moved.to(),
        new LastRun(now, Outcome.FAILED, 503, "HTTP 503"));
  }

  private Set<UUID> complete(String owner, List<TriggerUpdate> updates) {
    return Sql.inTransaction(ds, "test", c -> triggers.complete(c, owner, updates));
  }

  private ScheduleRow stored(UUID id) {
    return schedules.find(tenant.id(), ScheduleKey.byId(id)).orElseThrow();
  }

  @Test
  void completionByTheLeaseHolderMovesTheTriggerAndClearsTheLease() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Set<UUID> applied = complete("executor-a", List.of(retryLater(t, now)));

    assertThat(applied).containsExactly(row.id());
    ScheduleRow after = stored(row.id());
    // The first retry waits exactly the minimum backoff (1 s by default).
    assertThat(after.pending().nextFireAt()).isEqualTo(now.plusSeconds(1));
    assertThat(after.pending().attempt()).isEqualTo(1);
    assertThat(after.pending().executionId()).isEqualTo(t.executionId());
    assertThat(after.pending().leaseOwner()).isNull();
    assertThat(after.lastRun().httpStatus()).isEqualTo(503);
    assertThat(after.version()).as("executor bookkeeping is not a new version").isEqualTo(1);
  }

  @Test
  void completionOfAReplacedTriggerIsNotApplied() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    // The API replaced the trigger meanwhile (a new execution id, no lease).
    db.execute(
        "UPDATE schedule SET execution_id = '"
            + Ids.newId()
            + "', lease_owner = NULL, lease_until = NULL WHERE id = '"
            + row.id()
            + "'");

    assertThat(complete("executor-a", List.of(retryLater(t, Instant.now())))).isEmpty();
    assertThat(stored(row.id()).pending().attempt()).isZero();
  }

  @Test
  void completionAfterTheLeaseWasTakenOverIsNotApplied() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    // executor-a stalls past its lease; the clock moves; executor-b takes the trigger over.
    db.execute(
        "UPDATE schedule SET lease_until = now() - interval '1 second' WHERE id = '"
            + row.id()
            + "'");
    ClaimedTrigger takenOver = claimOne("executor-b");
    assertThat(takenOver.executionId()).isEqualTo(t.executionId());

    assertThat(complete("executor-a", List.of(retryLater(t, Instant.now())))).isEmpty();
    assertThat(stored(row.id()).pending().leaseOwner()).isEqualTo("executor-b");
    assertThat(complete("executor-b", List.of(retryLater(takenOver, Instant.now())))).hasSize(1);
  }

  @Test
  void deadTriggerKeepsItsExecutionIdWithoutAFireTime() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ClaimedTrigger t = claimOne("executor-a");
    TriggerUpdate bury = update(t, TriggerEvent.DEFECTIVE, Instant.now());

    assertThat(complete("executor-a", List.of(bury))).hasSize(1);

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
  void releaseGivesBackOnlyTheCallersOwnLeases() {
    ScheduleRow mine = aSchedule(tenant.id()).dueIn(Duration.ofMillis(1500)).build();
    schedules.insert(mine);
    ClaimedTrigger t = claimOne("executor-a");

    assertThat(
            triggers.release(
                "executor-b", List.of(new TriggerRepository.Held(t.scheduleId(), t.executionId()))))
        .isZero();
    assertThat(
            triggers.release(
                "executor-a", List.of(new TriggerRepository.Held(t.scheduleId(), t.executionId()))))
        .isEqualTo(1);
    assertThat(stored(mine.id()).pending().leaseOwner()).isNull();
    assertThat(claimOne("executor-b").executionId()).isEqualTo(t.executionId());
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
}
