package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fair claim: a share of the batch from each tenant, read from the tenant-ordered index. */
class FairClaimTest {

  private static final Duration LOOKAHEAD = Duration.ofSeconds(2);
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private final TriggerRepository triggers = new TriggerRepository(ds);
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private TenantRow flooding;
  private TenantRow small;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    flooding = aTenant();
    small = aTenant();
    new TenantRepository(ds).insert(flooding);
    new TenantRepository(ds).insert(small);
  }

  private void due(TenantRow tenant, int count, Instant at) {
    List<ScheduleRow> rows =
        IntStream.range(0, count)
            .mapToObj(i -> aSchedule(tenant.id()).dueAt(at.plusMillis(i)).build())
            .toList();
    schedules.insert(rows);
  }

  private static Map<UUID, Long> byTenant(List<ClaimedTrigger> claimed) {
    return claimed.stream()
        .collect(Collectors.groupingBy(ClaimedTrigger::tenantId, Collectors.counting()));
  }

  @Test
  void eachTenantGetsAShareSoWorkDueAfterAFloodIsNotBehindIt() {
    due(flooding, 2000, t0.minusSeconds(10));
    due(small, 3, t0.minusSeconds(1));
    TriggerRepository.Claim claim = new TriggerRepository.Claim("a", 100, LOOKAHEAD, MARGIN);

    assertThat(byTenant(triggers.claimDue(claim, t0)))
        .as("the plain claim: the flood first")
        .containsOnlyKeys(flooding.id());

    List<ClaimedTrigger> fair = triggers.claimFair(claim, t0);
    assertThat(byTenant(fair))
        .as("a share of 50 each: all three of the small tenant's, 50 of the flood")
        .containsEntry(small.id(), 3L)
        .containsEntry(flooding.id(), 50L);
    assertThat(fair.stream().filter(t -> t.tenantId().equals(flooding.id())))
        .as("in due order within the tenant: the next 50 after the plain claim's 100")
        .allSatisfy(
            t ->
                assertThat(t.fireAt())
                    .isBetween(
                        t0.minusSeconds(10).plusMillis(100), t0.minusSeconds(10).plusMillis(149)));
  }

  @Test
  void theFairClaimReadsTheTenantOrderedIndex() {
    due(flooding, 3000, t0.minusSeconds(10));
    due(small, 3, t0.minusSeconds(1));
    db.update("ANALYZE schedule");
    TriggerRepository.Claim claim = new TriggerRepository.Claim("a", 100, LOOKAHEAD, MARGIN);
    String plan =
        db.explain(
            TriggerRepository.FAIR_CLAIM,
            s -> {
              s.setString(1, "a");
              Sql.setInstant(s, 2, t0);
              s.setLong(3, MARGIN.toMillis());
              s.setInt(4, 100);
              Sql.setInstant(s, 5, t0);
              s.setLong(6, LOOKAHEAD.toMillis());
              Sql.setInstant(s, 7, t0);
              s.setInt(8, 100);
            });
    System.out.println("EXPLAIN of the fair claim:\n" + plan);
    assertThat(plan).contains("schedule_tenant_claim").doesNotContain("Seq Scan on schedule");
  }
}
