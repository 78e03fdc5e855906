package dev.scheduleman.storage.schedule;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Bounds;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScheduleRepositoryTest {

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private TenantRow tenant;
  private TenantRow other;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    tenant = aTenant();
    other = aTenant();
    new TenantRepository(ds).insert(tenant);
    new TenantRepository(ds).insert(other);
  }

  @Test
  void updateWritesOnlyOverTheExpectedVersion() {
    ScheduleRow row = aSchedule(tenant.id()).named("a").build();
    schedules.insert(row);
    ScheduleRow renamed = withNameAndVersion(row, "b", 2);

    assertThat(schedules.update(renamed, 1)).isTrue();
    assertThat(schedules.update(withNameAndVersion(row, "c", 2), 1)).isFalse();

    ScheduleRow stored = schedules.find(tenant.id(), ScheduleKey.byId(row.id())).orElseThrow();
    assertThat(stored.name()).isEqualTo("b");
    assertThat(stored.version()).isEqualTo(2);
  }

  @Test
  void boundsAndExcludedDatesAreStoredAndReadBack() {
    ScheduleSpec cron =
        BoundedSpec.of(
            CronSpec.parse("0 9 * * 1-5", "Europe/Berlin"),
            Bounds.of(
                Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2030-12-31T00:00:00Z"),
                List.of(LocalDate.parse("2030-12-25"), LocalDate.parse("2030-05-01")),
                ZoneId.of("Europe/Berlin")));
    ScheduleSpec every =
        BoundedSpec.of(
            new EverySpec(Duration.ofHours(1), Instant.parse("2030-01-01T00:00:00Z")),
            Bounds.of(null, null, List.of(LocalDate.parse("2030-01-02")), ZoneId.of("Asia/Tokyo")));
    ScheduleSpec skipping =
        BoundedSpec.of(
            new EverySpec(Duration.ofMinutes(5), Instant.parse("2030-01-01T00:00:00Z")),
            Bounds.of(null, null, List.of(), ZoneId.of("UTC")),
            new Misfire(Misfire.Policy.ALL, Duration.ofSeconds(90), 12));
    for (ScheduleSpec spec : List.of(cron, every, skipping)) {
      ScheduleRow row = aSchedule(tenant.id()).withSpec(spec).build();
      schedules.insert(row);

      ScheduleRow stored = schedules.find(tenant.id(), ScheduleKey.byId(row.id())).orElseThrow();
      assertThat(stored.spec()).isEqualTo(row.spec());
      assertThat(stored.spec().toSpec()).isEqualTo(spec);
    }
  }

  @Test
  void anotherTenantCannotReadUpdateOrDeleteASchedule() {
    ScheduleRow row = aSchedule(tenant.id()).named("mine").build();
    schedules.insert(row);

    assertThat(schedules.find(other.id(), ScheduleKey.byId(row.id()))).isEmpty();
    assertThat(schedules.find(other.id(), ScheduleKey.byName("mine"))).isEmpty();
    assertThat(schedules.list(other.id(), ScheduleFilter.ALL, null, 10)).isEmpty();
    assertThat(schedules.delete(other.id(), row.id())).isFalse();
    ScheduleRow foreign =
        new ScheduleRow(
            row.id(),
            other.id(),
            "x",
            null,
            Map.of(),
            row.spec(),
            row.target(),
            row.retry(),
            row.priority(),
            row.state(),
            row.pending(),
            null,
            2,
            row.createdAt(),
            row.updatedAt());
    assertThat(schedules.update(foreign, 1)).isFalse();
    assertThat(schedules.find(tenant.id(), ScheduleKey.byId(row.id()))).isPresent();
  }

  @Test
  void listPagesInIdOrderAndFiltersByStateLabelAndNamePrefix() {
    schedules.insert(
        List.of(
            aSchedule(tenant.id()).named("report-daily").withLabels(Map.of("team", "a")).build(),
            aSchedule(tenant.id()).named("report_x").withLabels(Map.of("team", "b")).build(),
            aSchedule(tenant.id()).named("reportXdaily").inState(ScheduleState.PAUSED).build(),
            aSchedule(tenant.id()).named("cleanup").withLabels(Map.of("team", "a")).build()));

    List<ScheduleRow> first = schedules.list(tenant.id(), ScheduleFilter.ALL, null, 3);
    List<ScheduleRow> second =
        schedules.list(tenant.id(), ScheduleFilter.ALL, first.get(2).id(), 3);
    assertThat(first)
        .extracting(ScheduleRow::name)
        .containsExactly("report-daily", "report_x", "reportXdaily");
    assertThat(second).extracting(ScheduleRow::name).containsExactly("cleanup");

    assertThat(names(new ScheduleFilter(null, Map.of("team", "a"), null)))
        .containsExactly("report-daily", "cleanup");
    assertThat(names(new ScheduleFilter(ScheduleState.PAUSED, Map.of(), null)))
        .containsExactly("reportXdaily");
    // '_' and '%' in a prefix are literal characters, not LIKE wildcards.
    assertThat(names(new ScheduleFilter(null, Map.of(), "report_"))).containsExactly("report_x");
    assertThat(names(new ScheduleFilter(null, Map.of(), "report"))).hasSize(3);
  }

  @Test
  void deleteRemovesTheScheduleAndLeavesItsHistoryToTheRetention() {
    ScheduleRow row = aSchedule(tenant.id()).build();
    schedules.insert(row);
    ExecutionRepository executions = new ExecutionRepository(ds);
    executions.append(List.of(Fixtures.anAttempt(row, 1, false)));

    assertThat(schedules.delete(tenant.id(), row.id())).isTrue();

    assertThat(schedules.find(tenant.id(), ScheduleKey.byId(row.id()))).isEmpty();
    assertThat(schedules.delete(tenant.id(), row.id())).isFalse();
    // Not deleted row by row: it goes with its day's partition.
    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 10)).hasSize(1);
  }

  @Test
  void countsSchedulesPerStateAndTheDueBacklog() {
    schedules.insert(
        List.of(
            aSchedule(tenant.id()).dueIn(Duration.ofSeconds(-5)).build(),
            aSchedule(tenant.id())
                .dueIn(Duration.ofSeconds(-5))
                .leasedTo("executor-1", Fixtures.now().plusSeconds(30))
                .build(),
            aSchedule(tenant.id()).dueIn(Duration.ofHours(1)).build(),
            aSchedule(tenant.id()).inState(ScheduleState.DEAD).build(),
            aSchedule(other.id()).dueIn(Duration.ofSeconds(-5)).build()));

    StateCounts counts = schedules.countByState(tenant.id());

    assertThat(counts.byState())
        .containsEntry(ScheduleState.ACTIVE, 3L)
        .containsEntry(ScheduleState.DEAD, 1L)
        .containsEntry(ScheduleState.PAUSED, 0L);
    assertThat(counts.dueBacklog()).isEqualTo(1);
  }

  private List<String> names(ScheduleFilter filter) {
    return schedules.list(tenant.id(), filter, null, 100).stream().map(ScheduleRow::name).toList();
  }

  private static ScheduleRow withNameAndVersion(ScheduleRow row, String name, long version) {
    return new ScheduleRow(
        row.id(),
        row.tenantId(),
        name,
        row.description(),
        row.labels(),
        row.spec(),
        row.target(),
        row.retry(),
        row.priority(),
        row.state(),
        row.pending(),
        row.lastRun(),
        version,
        row.createdAt(),
        row.updatedAt());
  }
}
