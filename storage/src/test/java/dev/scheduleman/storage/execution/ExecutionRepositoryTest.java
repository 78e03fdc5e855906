package dev.scheduleman.storage.execution;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static dev.scheduleman.storage.testing.Fixtures.anAttempt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutionRepositoryTest {

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ExecutionRepository executions = new ExecutionRepository(ds);
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private TenantRow tenant;
  private ScheduleRow schedule;

  @BeforeEach
  void cleanDatabase() {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    schedule = aSchedule(tenant.id()).named("s").build();
    schedules.insert(schedule);
  }

  @Test
  void anAnswerWithNulAndBinaryBytesIsStoredCleanedInsteadOfFailingTheBatch() {
    ExecutionRow ordinary = anAttempt(schedule, 1, false);
    ExecutionRow odd =
        new ExecutionRow(
            0,
            ordinary.scheduleId(),
            ordinary.tenantId(),
            ordinary.executionId(),
            ordinary.scheduledFor(),
            ordinary.firedAt().plusSeconds(1),
            2,
            ordinary.executor(),
            ordinary.outcome(),
            200,
            3,
            null,
            "\u0000\u0001binary\u0000" + "x".repeat(5000),
            false,
            null);

    executions.append(List.of(ordinary, odd));

    List<ExecutionRow> stored = executions.listForSchedule(tenant.id(), schedule.id(), null, 10);
    assertThat(stored).hasSize(2);
    String excerpt = stored.get(0).responseExcerpt();
    assertThat(excerpt).startsWith("\uFFFD\uFFFDbinary\uFFFDxxx").doesNotContain("\u0000");
    assertThat(excerpt.length()).isEqualTo(ExecutionRepository.EXCERPT_CHARS);
  }

  @Test
  void appendsABatchInOneStatementAndListsItNewestFirstInPages() {
    List<ExecutionRow> attempts = new ArrayList<>();
    IntStream.rangeClosed(1, 5).forEach(i -> attempts.add(anAttempt(schedule, i, i == 5)));
    executions.append(attempts);

    List<ExecutionRow> first = executions.listForSchedule(tenant.id(), schedule.id(), null, 3);
    ExecutionRow last = first.get(2);
    List<ExecutionRow> second =
        executions.listForSchedule(
            tenant.id(),
            schedule.id(),
            new ExecutionRepository.Position(last.firedAt(), last.id()),
            3);

    assertThat(first).extracting(ExecutionRow::attempt).containsExactly(5, 4, 3);
    assertThat(second).extracting(ExecutionRow::attempt).containsExactly(2, 1);
    ExecutionRow stored = first.get(0);
    assertThat(stored.exhausted()).isTrue();
    assertThat(stored.httpStatus()).isEqualTo(503);
    assertThat(stored.firedAt())
        .isEqualTo(attempts.get(4).firedAt().truncatedTo(ChronoUnit.MILLIS));
    assertThat(stored.executionId()).isEqualTo(schedule.pending().executionId());
  }

  @Test
  void deadLettersAreTheExhaustedAttemptsOfTheTenantWithTheirSchedule() {
    executions.append(List.of(anAttempt(schedule, 1, false), anAttempt(schedule, 2, true)));
    TenantRow other = aTenant();
    new TenantRepository(ds).insert(other);
    ScheduleRow foreign = aSchedule(other.id()).build();
    schedules.insert(foreign);
    executions.append(List.of(anAttempt(foreign, 1, true)));

    List<DeadLetterRow> dead = executions.deadLetters(tenant.id(), null, 10);

    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).scheduleName()).isEqualTo("s");
    assertThat(dead.get(0).state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(dead.get(0).lastAttempt().attempt()).isEqualTo(2);
  }

  @Test
  void activityCountsAttemptsPerMinuteAndLatenessOfFirstAttempts() {
    executions.append(List.of(anAttempt(schedule, 1, false), anAttempt(schedule, 2, false)));

    ActivityStats stats =
        executions.activity(tenant.id(), schedule.pending().scheduledFor().minusSeconds(60));

    assertThat(stats.minutes().stream().mapToLong(ActivityStats.Minute::fired).sum()).isEqualTo(2);
    assertThat(stats.minutes().stream().mapToLong(ActivityStats.Minute::failed).sum()).isEqualTo(1);
    assertThat(stats.firstAttempts()).isEqualTo(1);
    assertThat(stats.latenessP50()).isEqualTo(Duration.ofMillis(25));
    assertThat(stats.latenessMax()).isEqualTo(Duration.ofMillis(25));
  }
}
