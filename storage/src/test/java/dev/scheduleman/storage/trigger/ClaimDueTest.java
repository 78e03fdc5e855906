package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClaimDueTest {

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

  private List<ScheduleRow> insertDue(int count) {
    List<ScheduleRow> rows =
        IntStream.range(0, count)
            .mapToObj(
                i -> aSchedule(tenant.id()).dueAt(Instant.now().minusMillis(count - i)).build())
            .toList();
    schedules.insert(rows);
    return rows;
  }

  private static Set<UUID> ids(List<ClaimedTrigger> claimed) {
    Set<UUID> ids = new HashSet<>();
    claimed.forEach(t -> ids.add(t.scheduleId()));
    return ids;
  }

  @Test
  void claimLeasesDueTriggersToTheClaimerWithEverythingNeededToFireThem() {
    ScheduleRow row = insertDue(1).get(0);

    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null);

    assertThat(claimed)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.scheduleId()).isEqualTo(row.id());
              assertThat(t.executionId()).isEqualTo(row.pending().executionId());
              assertThat(t.target()).isEqualTo(row.target());
              assertThat(t.retry()).isEqualTo(row.retry());
              assertThat(t.rules().spec()).contains(row.spec().toSpec());
              assertThat(t.signingSecrets()).containsExactly(tenant.signingSecret());
              assertThat(t.defect()).isEmpty();
              // greatest(now, due) + timeout (3 s) + margin (10 s), on the database's clock
              assertThat(Duration.between(t.databaseNow(), t.leaseUntil()))
                  .isBetween(Duration.ofSeconds(12), Duration.ofSeconds(13));
            });
    ScheduleRow stored = schedules.find(tenant.id(), ScheduleKey.byId(row.id())).orElseThrow();
    assertThat(stored.pending().leaseOwner()).isEqualTo("executor-a");
  }

  @Test
  void claimTakesTheEarliestDueFirstAndAtMostOneBatch() {
    List<ScheduleRow> rows = insertDue(5);

    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 3, LOOKAHEAD, MARGIN), null);

    assertThat(claimed)
        .extracting(ClaimedTrigger::scheduleId)
        .containsExactlyInAnyOrder(rows.get(0).id(), rows.get(1).id(), rows.get(2).id());
  }

  @Test
  void underABacklogHigherPriorityGoesFirstThenFirstAttemptsBeforeRetriesThenEarlierDue() {
    Instant now = Instant.now();
    ScheduleRow urgent1 = due(9, 0, now.minusSeconds(1));
    ScheduleRow urgent2 = due(9, 0, now.minusSeconds(2));
    ScheduleRow urgentRetry = due(9, 1, now.minusSeconds(30));
    ScheduleRow normal1 = due(5, 0, now.minusSeconds(5));
    ScheduleRow normal2 = due(5, 0, now.minusSeconds(4));
    ScheduleRow normal3 = due(5, 0, now.minusSeconds(3));
    ScheduleRow normalRetry1 = due(5, 2, now.minusSeconds(20));
    ScheduleRow normalRetry2 = due(5, 1, now.minusSeconds(10));
    ScheduleRow low = due(0, 0, now.minusSeconds(60));
    schedules.insert(
        List.of(
            low,
            normalRetry1,
            normal3,
            urgentRetry,
            normal1,
            urgent1,
            normalRetry2,
            normal2,
            urgent2));

    var claim = new TriggerRepository.Claim("executor-a", 4, LOOKAHEAD, MARGIN);
    assertThat(ids(triggers.claimDue(claim, null)))
        .containsExactlyInAnyOrder(urgent1.id(), urgent2.id(), urgentRetry.id(), normal1.id());
    assertThat(ids(triggers.claimDue(claim, null)))
        .containsExactlyInAnyOrder(
            normal2.id(), normal3.id(), normalRetry1.id(), normalRetry2.id());
    assertThat(ids(triggers.claimDue(claim, null))).containsExactly(low.id());
  }

  private ScheduleRow due(int priority, int attempts, Instant at) {
    return aSchedule(tenant.id()).withPriority(priority).afterAttempts(attempts).dueAt(at).build();
  }

  @Test
  void triggersDueWithinTheLookAheadAreClaimedAndLeasedPastTheirDueTime() {
    ScheduleRow soon = aSchedule(tenant.id()).dueIn(Duration.ofMillis(1500)).build();
    ScheduleRow later = aSchedule(tenant.id()).dueIn(Duration.ofSeconds(30)).build();
    schedules.insert(List.of(soon, later));

    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null);

    assertThat(claimed)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.scheduleId()).isEqualTo(soon.id());
              assertThat(t.leaseUntil()).isEqualTo(t.fireAt().plusSeconds(13));
            });
  }

  @Test
  void pausedCompletedAndDeadSchedulesAreNeverClaimed() {
    for (ScheduleState state :
        List.of(ScheduleState.PAUSED, ScheduleState.COMPLETED, ScheduleState.DEAD)) {
      schedules.insert(aSchedule(tenant.id()).inState(state).build());
    }
    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .isEmpty();
  }

  @Test
  void liveLeaseIsNotClaimableByAnotherExecutor() {
    insertDue(1);
    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .hasSize(1);

    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-b", 10, LOOKAHEAD, MARGIN), null))
        .isEmpty();
    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .isEmpty();
  }

  @Test
  void expiredLeaseIsClaimableAgainWithTheSameExecutionId() {
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(Instant.now().minusSeconds(60))
            .leasedTo("executor-dead", Instant.now().minusMillis(1))
            .build();
    schedules.insert(row);

    List<ClaimedTrigger> claimed =
        triggers.claimDue(new TriggerRepository.Claim("executor-b", 10, LOOKAHEAD, MARGIN), null);

    assertThat(claimed)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.scheduleId()).isEqualTo(row.id());
              assertThat(t.executionId()).isEqualTo(row.pending().executionId());
            });
    assertThat(
            schedules
                .find(tenant.id(), ScheduleKey.byId(row.id()))
                .orElseThrow()
                .pending()
                .leaseOwner())
        .isEqualTo("executor-b");
  }

  @Test
  void claimSkipsRowsLockedByAnotherExecutor() throws Exception {
    insertDue(10);
    try (Connection a = ds.getConnection()) {
      a.setAutoCommit(false);
      Set<UUID> claimedByA = claimInOpenTransaction(a, "executor-a", 4);

      // A's transaction still holds its row locks: B skips them instead of waiting.
      Set<UUID> claimedByB =
          ids(
              triggers.claimDue(
                  new TriggerRepository.Claim("executor-b", 10, LOOKAHEAD, MARGIN), null));

      assertThat(claimedByA).hasSize(4);
      assertThat(claimedByB).hasSize(6).doesNotContainAnyElementsOf(claimedByA);
      a.commit();
    }
    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-c", 10, LOOKAHEAD, MARGIN), null))
        .isEmpty();
  }

  private Set<UUID> claimInOpenTransaction(Connection c, String owner, int batch) throws Exception {
    return ids(
        triggers.claimDue(c, new TriggerRepository.Claim(owner, batch, LOOKAHEAD, MARGIN), null));
  }

  @Test
  void executorsClaimingAtTheSameMomentGetDisjointTriggersAndTogetherAll() throws Exception {
    int total = 2_000;
    int executors = 4;
    Set<UUID> expected = new HashSet<>();
    insertDue(total).forEach(r -> expected.add(r.id()));

    CyclicBarrier start = new CyclicBarrier(executors);
    ExecutorService pool = Executors.newFixedThreadPool(executors);
    try {
      List<Future<List<UUID>>> results = new ArrayList<>();
      for (int e = 0; e < executors; e++) {
        String owner = "executor-" + e;
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  List<UUID> mine = new ArrayList<>();
                  List<ClaimedTrigger> batch;
                  do {
                    batch =
                        triggers.claimDue(
                            new TriggerRepository.Claim(owner, 100, LOOKAHEAD, MARGIN), null);
                    batch.forEach(t -> mine.add(t.scheduleId()));
                  } while (!batch.isEmpty());
                  return mine;
                }));
      }
      List<UUID> all = new ArrayList<>();
      for (Future<List<UUID>> result : results) {
        List<UUID> mine = result.get(60, TimeUnit.SECONDS);
        assertThat(mine).as("every executor gets a share").isNotEmpty();
        all.addAll(mine);
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(total);
      assertThat(new HashSet<>(all)).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyRotatedSecretIsReturnedBesideTheCurrentOneUntilItsOwnExpiry() {
    TenantRepository tenants = new TenantRepository(ds);
    String second = SigningSecrets.generate();
    String third = SigningSecrets.generate();
    Instant now = Instant.now();
    // Two rotations within one grace period: both secrets rotated out still sign.
    tenants.rotateSecret(tenant.id(), second, now.plus(Duration.ofHours(24)), now, 10);
    tenants.rotateSecret(tenant.id(), third, now.plus(Duration.ofHours(24)), now, 10);
    insertDue(1);

    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.signingSecrets())
                    .containsExactly(third, second, tenant.signingSecret()));
  }

  @Test
  void aRotatedSecretPastItsExpiryIsNoLongerReturned() throws Exception {
    String next = SigningSecrets.generate();
    Instant now = Instant.now();
    new TenantRepository(ds)
        .rotateSecret(tenant.id(), next, now.plus(Duration.ofHours(1)), now, 10);
    try (var c = ds.getConnection();
        var s =
            c.prepareStatement(
                "UPDATE tenant SET retired_signing_secrets = jsonb_set(retired_signing_secrets,"
                    + " '{0,expiresAt}', to_jsonb(?::text)) WHERE id = ?")) {
      s.setString(1, now.minusSeconds(1).toString());
      s.setObject(2, tenant.id());
      assertThat(s.executeUpdate()).isOne();
    }
    insertDue(1);

    assertThat(
            triggers.claimDue(
                new TriggerRepository.Claim("executor-a", 10, LOOKAHEAD, MARGIN), null))
        .singleElement()
        .satisfies(t -> assertThat(t.signingSecrets()).containsExactly(next));
  }

  @Test
  void claimQueryReadsOnlyThePartialIndexOfActiveRowsRankByRank() throws Exception {
    List<ScheduleRow> future = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      future.add(aSchedule(tenant.id()).dueIn(Duration.ofDays(1 + i % 300)).build());
    }
    schedules.insert(future);
    db.execute("ANALYZE schedule");

    JsonNode plan = explainClaim();

    List<String> indexes = new ArrayList<>();
    collect(plan, "Index Name", indexes);
    assertThat(indexes).containsOnly("schedule_claim", "tenant_pkey", "schedule_pkey");
    List<String> scans = new ArrayList<>();
    collect(plan, "Node Type", scans);
    // No sort: each rank's range is read in due order, and the ranks in their own order.
    assertThat(scans).doesNotContain("Seq Scan", "Sort", "Incremental Sort");
    System.out.println("claim plan: " + plan.toPrettyString());
  }

  private JsonNode explainClaim() throws Exception {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement("EXPLAIN (FORMAT JSON) " + TriggerRepository.CLAIM)) {
        TriggerRepository.bindClaim(
            s, new TriggerRepository.Claim("executor-a", 500, LOOKAHEAD, MARGIN), null);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return new ObjectMapper().readTree(r.getString(1));
        }
      } finally {
        c.rollback();
      }
    }
  }

  private static void collect(JsonNode node, String field, List<String> out) {
    if (node.isObject()) {
      if (node.has(field)) {
        out.add(node.get(field).asText());
      }
      node.elements().forEachRemaining(child -> collect(child, field, out));
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, field, out));
    }
  }
}
