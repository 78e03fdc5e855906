package dev.scheduleman.storage.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The per-minute figures: what /stats reads from rolled-up minutes is what it read from the history
 * (counts exactly, percentiles within the buckets' 10%), and rolling up again changes nothing.
 */
class StatsRollupTest {

  private final DataSource ds = TestDatabase.shared().dataSource();
  private final ExecutionRepository executions = new ExecutionRepository(ds);

  @Test
  void rolledUpMinutesGiveTheFiguresTheHistoryGives() {
    TenantRow tenant = Fixtures.aTenant();
    new TenantRepository(ds).insert(tenant);
    ScheduleRow schedule = Fixtures.aSchedule(tenant.id()).build();
    new ScheduleRepository(ds).insert(schedule);
    // 30 minutes of attempts, an hour ago: lateness spread from 0 to 20 s, some failed, retries.
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(90));
    Random random = new Random(7);
    List<ExecutionRow> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      Instant due = start.plusMillis(random.nextInt(30 * 60_000));
      long late = (long) Math.pow(20_000, random.nextDouble());
      int attempt = random.nextInt(10) == 0 ? 2 : 1;
      Outcome outcome = random.nextInt(7) == 0 ? Outcome.FAILED : Outcome.SUCCEEDED;
      boolean failed = outcome == Outcome.FAILED;
      rows.add(
          new ExecutionRow(
              0,
              schedule.id(),
              tenant.id(),
              UUID.randomUUID(),
              due,
              due.plusMillis(late),
              attempt,
              "executor-1",
              outcome,
              failed ? 503 : 200,
              5,
              failed ? "HTTP 503" : null,
              null,
              false,
              null));
    }
    executions.append(rows);
    Instant since = start.minus(Duration.ofMinutes(5));
    // Nothing rolled up after `since` yet (the watermark is shared by every test): read exactly.
    Sql.update(ds, "UPDATE stats_rollup SET rolled_until = ?", s -> Sql.setInstant(s, 1, since));
    ActivityStats exact = executions.activity(tenant.id(), since);

    // Rolled up to now, in steps, as the executors do; a second pass over the same minutes too.
    Instant closed = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
    Instant rolledUntil = null;
    for (int i = 0; i < 1_000; i++) {
      var step = executions.rollUp(closed, Duration.ofMinutes(20), since.minus(Duration.ofDays(1)));
      if (step.isEmpty()) {
        break;
      }
      rolledUntil = step.get().until();
    }
    assertThat(rolledUntil).isEqualTo(closed);
    // Again over the same minutes (as after a crash before the watermark moved): the same rows.
    Sql.update(ds, "UPDATE stats_rollup SET rolled_until = ?", s -> Sql.setInstant(s, 1, since));
    assertThat(executions.rollUp(closed, Duration.ofHours(3), since)).isPresent();
    ActivityStats rolled = executions.activity(tenant.id(), since);

    assertThat(rolled.minutes()).isEqualTo(exact.minutes());
    assertThat(rolled.minutes().stream().mapToLong(ActivityStats.Minute::fired).sum())
        .isEqualTo(3_000);
    assertThat(rolled.firstAttempts()).isEqualTo(exact.firstAttempts());
    assertThat(rolled.latenessMax()).isEqualTo(exact.latenessMax());
    assertThat((double) rolled.latenessP50().toMillis())
        .isCloseTo(
            exact.latenessP50().toMillis(), within(exact.latenessP50().toMillis() * 0.1 + 1));
    assertThat((double) rolled.latenessP99().toMillis())
        .isCloseTo(
            exact.latenessP99().toMillis(), within(exact.latenessP99().toMillis() * 0.1 + 1));
  }

  @Test
  void aTenantWithNothingInARolledUpWindowGetsEmptyFigures() {
    TenantRow tenant = Fixtures.aTenant();
    new TenantRepository(ds).insert(tenant);
    Instant closed = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
    Instant since = closed.minus(Duration.ofHours(1));
    Sql.update(ds, "UPDATE stats_rollup SET rolled_until = ?", s -> Sql.setInstant(s, 1, since));
    assertThat(executions.rollUp(closed, Duration.ofHours(2), since)).isPresent();

    ActivityStats none = executions.activity(tenant.id(), since);

    assertThat(none.minutes()).isEmpty();
    assertThat(none.firstAttempts()).isZero();
    assertThat(none.latenessP50()).isNull();
    assertThat(none.latenessMax()).isNull();
  }
}
