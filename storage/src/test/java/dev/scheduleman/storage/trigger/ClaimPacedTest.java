package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.FlowLimit;
import dev.scheduleman.storage.flow.FlowLimitRepository;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flow claim: token buckets and concurrency caps per flow key, shared by every claimer. */
class ClaimPacedTest {

  private static final Duration LOOKAHEAD = Duration.ofSeconds(2);
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private final TriggerRepository triggers = new TriggerRepository(ds);
  private final FlowLimitRepository limits = new FlowLimitRepository(ds);
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private TenantRow tenant;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
  }

  private List<ScheduleRow> insertDue(int count, String flowKey, Instant due) {
    List<ScheduleRow> rows =
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    aSchedule(tenant.id())
                        .withFlowKey(flowKey)
                        .dueAt(due.minusMillis(count - i))
                        .build())
            .toList();
    schedules.insert(rows);
    return rows;
  }

  private void limit(String key, FlowLimit limit) {
    limits.lockTenant(tenant.id());
    limits.put(tenant.id(), key, limit, t0);
  }

  private List<ClaimedTrigger> claimPaced(String owner, int batch, Instant at) {
    return triggers.claimPaced(new TriggerRepository.Claim(owner, batch, LOOKAHEAD, MARGIN), at);
  }

  private List<ClaimedTrigger> claimUnpaced(Instant at) {
    return triggers.claimDue(new TriggerRepository.Claim("plain", 1000, LOOKAHEAD, MARGIN), at);
  }

  @Test
  void aTokenBucketLetsTheBurstGoAtOnceThenTheRateAndTheRestWaitInDueOrder() {
    List<ScheduleRow> rows = insertDue(100, "billing", t0);
    limit("billing", new FlowLimit(20.0, 20, null));

    List<ClaimedTrigger> first = claimPaced("a", 100, t0);
    assertThat(first).hasSize(20);
    assertThat(ids(first)).isEqualTo(ids(rows.subList(0, 20)));
    assertThat(first)
        .allSatisfy(t -> assertThat(t.paced().orElseThrow().flowKey()).isEqualTo("billing"));
    assertThat(first).allSatisfy(t -> assertThat(t.paced().orElseThrow().throttled()).isNull());
    assertThat(claimPaced("a", 100, t0)).as("the bucket is empty").isEmpty();

    List<ClaimedTrigger> half = claimPaced("a", 100, t0.plusMillis(500));
    assertThat(half).as("half a second refills ten").hasSize(10);
    assertThat(ids(half)).isEqualTo(ids(rows.subList(20, 30)));
    assertThat(half)
        .as("these waited for the limit, and say so")
        .allSatisfy(
            t ->
                assertThat(t.paced().orElseThrow().throttled())
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500)));

    assertThat(claimPaced("a", 100, t0.plusSeconds(60)))
        .as("a quiet minute fills the bucket only up to the burst")
        .hasSize(20);
    assertThat(claimUnpaced(t0.plusSeconds(60))).as("the unpaced claim never takes them").isEmpty();
  }

  @Test
  void aConcurrencyCapCountsLiveLeasesSoACompletedOrExpiredOneFreesItsSlot() {
    insertDue(20, "slow", t0);
    limit("slow", new FlowLimit(null, null, 5));

    List<ClaimedTrigger> first = claimPaced("a", 100, t0);
    assertThat(first).hasSize(5);
    assertThat(claimPaced("b", 100, t0.plusSeconds(1))).as("five are in flight").isEmpty();

    triggers.release(first.subList(0, 2).stream().map(TriggerRepository.Held::of).toList());
    assertThat(claimPaced("b", 100, t0.plusSeconds(1))).as("two slots freed").hasSize(2);

    Instant afterLeases = first.get(2).leaseUntil().plusSeconds(1);
    assertThat(claimPaced("c", 100, afterLeases))
        .as("the three whose leases ran out free theirs (the two re-leased ones ran out too)")
        .hasSize(5);
  }

  @Test
  void claimersRacingForOneKeyTakeNoMoreThanTheLimitTogether() throws Exception {
    insertDue(200, "shared", t0);
    limit("shared", new FlowLimit(30.0, 30, null));
    int claimers = 4;
    CyclicBarrier start = new CyclicBarrier(claimers);
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    try {
      List<Future<List<ClaimedTrigger>>> results = new ArrayList<>();
      for (int i = 0; i < claimers; i++) {
        String owner = "racer-" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<ClaimedTrigger> all = new ArrayList<>();
                  for (int turn = 0; turn < 5; turn++) {
                    all.addAll(claimPaced(owner, 50, t0));
                  }
                  return all;
                }));
      }
      Set<UUID> claimed = new HashSet<>();
      int total = 0;
      for (Future<List<ClaimedTrigger>> f : results) {
        List<ClaimedTrigger> got = f.get();
        total += got.size();
        claimed.addAll(ids(got));
      }
      assertThat(total).as("no trigger claimed twice").isEqualTo(claimed.size());
      assertThat(total).as("one bucket of 30, shared").isEqualTo(30);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theHostKeyPacesSchedulesThatNameNoKeyAndRemovingTheLimitUnpacesThem() {
    insertDue(10, null, t0);
    limit("host:127.0.0.1", new FlowLimit(null, null, 3));
    insertDue(10, null, t0);

    assertThat(claimUnpaced(t0)).as("all twenty are paced, old and new").isEmpty();
    assertThat(claimPaced("a", 100, t0)).hasSize(3);
    assertThat(limits.find(tenant.id(), "host:127.0.0.1").orElseThrow().schedules()).isEqualTo(20);

    limits.lockTenant(tenant.id());
    assertThat(limits.delete(tenant.id(), "host:127.0.0.1")).isTrue();
    assertThat(claimUnpaced(t0)).as("the rest go back to the plain claim").hasSize(17);
  }

  @Test
  void aKeyOfAnotherTenantOrAnotherNameIsNotPaced() {
    insertDue(5, "other", t0);
    limit("billing", new FlowLimit(1.0, 1, null));
    TenantRow second = aTenant();
    new TenantRepository(ds).insert(second);
    schedules.insert(aSchedule(second.id()).withFlowKey("billing").dueAt(t0).build());

    assertThat(claimUnpaced(t0)).hasSize(6);
  }

  @Test
  void eachClaimReadsOnlyItsOwnIndexSoAThrottledBacklogNeverStandsInFrontOfUnpacedWork() {
    insertDue(3000, null, t0);
    insertDue(3000, "billing", t0);
    limit("billing", new FlowLimit(5.0, 5, null));
    db.update("ANALYZE schedule");
    TriggerRepository.Claim claim = new TriggerRepository.Claim("a", 100, LOOKAHEAD, MARGIN);

    String unpaced =
        db.explain(TriggerRepository.CLAIM, s -> TriggerRepository.bindClaim(s, claim, t0));
    String paced =
        db.explain(
            TriggerRepository.FLOW_CLAIM,
            s -> {
              Sql.setInstant(s, 1, t0);
              s.setString(2, "a");
              s.setLong(3, MARGIN.toMillis());
              s.setInt(4, 100);
              s.setArray(5, s.getConnection().createArrayOf("uuid", new Object[] {tenant.id()}));
              s.setArray(6, s.getConnection().createArrayOf("text", new Object[] {"billing"}));
            });
    String lock = db.explain(TriggerRepository.LOCK_FLOW_KEYS, s -> Sql.setInstant(s, 1, t0));
    System.out.println("EXPLAIN of the paced claim:\n" + lock + "\n" + paced);

    assertThat(unpaced).contains("schedule_claim").doesNotContain("schedule_flow");
    assertThat(paced).contains("schedule_flow").doesNotContain("Seq Scan on schedule");
    assertThat(lock).contains("schedule_flow").doesNotContain("Seq Scan on schedule");
  }

  private static Set<UUID> ids(List<?> items) {
    Set<UUID> ids = new HashSet<>();
    for (Object item : items) {
      ids.add(item instanceof ClaimedTrigger t ? t.scheduleId() : ((ScheduleRow) item).id());
    }
    return ids;
  }
}
