package dev.scheduleman.storage.execution;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static dev.scheduleman.storage.testing.Fixtures.anAttempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The history's daily partitions, on days long past so that the partitions the migration made
 * around today (which other tests write to) are never touched.
 */
class HistoryPartitionsTest {

  private static final LocalDate DAY_1 = LocalDate.parse("2020-01-01");
  private static final LocalDate DAY_2 = DAY_1.plusDays(1);
  private static final LocalDate DAY_3 = DAY_1.plusDays(2);

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final HistoryPartitions partitions = new HistoryPartitions(ds);
  private final ExecutionRepository executions = new ExecutionRepository(ds);
  private ScheduleRow schedule;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    dropTestDays();
    var tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    schedule = aSchedule(tenant.id()).named("s").build();
    new ScheduleRepository(ds).insert(schedule);
  }

  @AfterEach
  void dropTestDays() {
    partitions.dropBefore(HistoryPartitions.start(DAY_3.plusDays(1)));
  }

  @Test
  void createsTheMissingDaysOnceAndAttemptsLandInTheirDay() {
    assertThat(partitions.create(DAY_1, DAY_2)).containsExactly(DAY_1, DAY_2);
    assertThat(partitions.create(DAY_1, DAY_3)).containsExactly(DAY_3);
    assertThat(partitions.days()).contains(DAY_1, DAY_2, DAY_3);

    executions.append(
        List.of(
            firedAt("2020-01-01T00:00:00Z"),
            firedAt("2020-01-01T23:59:59.999Z"),
            firedAt("2020-01-02T00:00:00Z"),
            firedAt("2019-12-31T23:59:59.999Z")));

    assertThat(rowsPerPartition())
        .containsEntry("execution_p20200101", 2L)
        .containsEntry("execution_p20200102", 1L)
        .containsEntry("execution_default", 1L);
  }

  @Test
  void aDayCreatedLateTakesItsAttemptsOutOfTheDefaultPartition() {
    executions.append(List.of(firedAt("2020-01-01T10:00:00Z"), firedAt("2020-01-02T10:00:00Z")));
    assertThat(rowsPerPartition()).containsExactly(Map.entry("execution_default", 2L));

    partitions.create(DAY_1, DAY_1);

    assertThat(rowsPerPartition())
        .containsExactly(Map.entry("execution_default", 1L), Map.entry("execution_p20200101", 1L));
    assertThat(executions.listForSchedule(schedule.tenantId(), schedule.id(), null, 10)).hasSize(2);
  }

  @Test
  void dropsTheDaysWhollyBeforeTheCutOffAndKeepsTheDayThatHoldsIt() {
    partitions.create(DAY_1, DAY_3);
    executions.append(List.of(firedAt("2020-01-01T10:00:00Z"), firedAt("2020-01-02T10:00:00Z")));

    assertThat(partitions.dropBefore(Instant.parse("2020-01-02T12:00:00Z"))).containsExactly(DAY_1);

    assertThat(partitions.days()).doesNotContain(DAY_1).contains(DAY_2, DAY_3);
    assertThat(rowsPerPartition()).containsExactly(Map.entry("execution_p20200102", 1L));
  }

  @Test
  void prunesOnlyOldAttemptsOfTheDefaultPartition() {
    executions.append(List.of(firedAt("2020-01-01T10:00:00Z"), firedAt("2020-01-02T10:00:00Z")));

    assertThat(partitions.pruneDefault(Instant.parse("2020-01-02T00:00:00Z"), 100)).isEqualTo(1);

    assertThat(executions.listForSchedule(schedule.tenantId(), schedule.id(), null, 10))
        .extracting(ExecutionRow::firedAt)
        .containsExactly(Instant.parse("2020-01-02T10:00:00Z"));
  }

  @Test
  void whileAnotherProcessKeepsThePartitionsThisOneLeavesThemAlone() throws SQLException {
    try (Connection other = ds.getConnection()) {
      other.setAutoCommit(false);
      Sql.query(other, "SELECT pg_advisory_xact_lock(?)", s -> s.setLong(1, lockKey()), r -> 1);

      assertThat(partitions.create(DAY_1, DAY_1)).isEmpty();

      other.rollback();
    }
    assertThat(partitions.create(DAY_1, DAY_1)).containsExactly(DAY_1);
  }

  @Test
  void aDropThatCannotGetItsLockGivesUpInsteadOfQueueingTheInserts() throws SQLException {
    partitions.create(DAY_1, DAY_1);
    try (Connection reader = ds.getConnection()) {
      reader.setAutoCommit(false);
      Sql.query(reader, "SELECT count(*) FROM execution_p20200101", s -> {}, r -> 1);

      assertThatThrownBy(() -> partitions.dropBefore(HistoryPartitions.start(DAY_2)))
          .isInstanceOf(StorageException.class)
          .hasRootCauseMessage("ERROR: canceling statement due to lock timeout");

      reader.rollback();
    }
    assertThat(partitions.days()).contains(DAY_1);
    assertThat(partitions.dropBefore(HistoryPartitions.start(DAY_2))).containsExactly(DAY_1);
  }

  private ExecutionRow firedAt(String instant) {
    ExecutionRow a = anAttempt(schedule, 1, false);
    Instant at = Instant.parse(instant);
    return new ExecutionRow(
        0,
        a.scheduleId(),
        a.tenantId(),
        a.executionId(),
        at,
        at,
        1,
        a.executor(),
        a.outcome(),
        a.httpStatus(),
        a.durationMs(),
        a.error(),
        a.responseExcerpt(),
        false,
        null);
  }

  private Map<String, Long> rowsPerPartition() {
    Map<String, Long> counts = new TreeMap<>();
    Sql.query(
            ds,
            "SELECT tableoid::regclass::text, count(*) FROM execution GROUP BY 1",
            s -> {},
            r -> Map.entry(r.getString(1), r.getLong(2)))
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  private static long lockKey() {
    return HistoryPartitions.LOCK_KEY;
  }
}
