package dev.scheduleman.storage.execution;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.TestDatabase;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What one {@code /stats} call costs the database: a tenant with a day of attempts ({@code
 * bench.attempts}, default 500,000), its figures over 30 and 1,440 minutes read from the history
 * itself (as before the per-minute figures) and from the rolled-up minutes. Prints the median of 7
 * calls each. Not a test: run it with {@code ./mvnw -pl storage test -Dtest=StatsBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class StatsBench {

  private static final int ATTEMPTS = Integer.getInteger("bench.attempts", 500_000);
  private static final int CALLS = 7;

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ExecutionRepository executions = new ExecutionRepository(ds);

  @Test
  void aDayOfHistory() throws Exception {
    TenantRow tenant = Fixtures.aTenant();
    new TenantRepository(ds).insert(tenant);
    ScheduleRow schedule = Fixtures.aSchedule(tenant.id()).build();
    new ScheduleRepository(ds).insert(schedule);
    Instant now = Instant.now();
    Random random = new Random(1);
    List<ExecutionRow> rows = new ArrayList<>();
    for (int i = 0; i < ATTEMPTS; i++) {
      Instant due = now.minusMillis((long) (random.nextDouble() * Duration.ofDays(1).toMillis()));
      rows.add(
          new ExecutionRow(
              0,
              schedule.id(),
              tenant.id(),
              UUID.randomUUID(),
              due,
              due.plusMillis(random.nextInt(500)),
              1,
              "executor-1",
              Outcome.SUCCEEDED,
              200,
              5,
              null,
              null,
              false,
              null));
      if (rows.size() == 10_000) {
        executions.append(rows);
        rows.clear();
      }
    }
    executions.append(rows);
    db.execute("VACUUM ANALYZE execution");

    for (int minutes : new int[] {30, 1440}) {
      Instant since = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(minutes - 1L));
      // Nothing rolled up in the window: read from the history.
      Sql.update(ds, "UPDATE stats_rollup SET rolled_until = ?", s -> Sql.setInstant(s, 1, since));
      double scan = median(tenant.id(), since);
      Sql.update(
          ds,
          "UPDATE stats_rollup SET rolled_until = ?",
          s -> Sql.setInstant(s, 1, now.minus(Duration.ofDays(2))));
      long t0 = System.nanoTime();
      Instant closed = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
      while (executions
          .rollUp(closed, Duration.ofHours(1), now.minus(Duration.ofDays(2)))
          .isPresent()) {
        // an hour at a time, as the executors do
      }
      double rollUpSeconds = (System.nanoTime() - t0) / 1e9;
      double rolled = median(tenant.id(), since);
      if (Boolean.getBoolean("bench.explain")) {
        explain(tenant.id(), since, closed);
      }
      System.out.printf(
          "stats bench, %d attempts in the last day, %d-minute window: from the history %.1f ms,"
              + " from the per-minute figures %.1f ms (median of %d calls); rolling the day up"
              + " took %.1f s%n",
          ATTEMPTS, minutes, scan, rolled, CALLS, rollUpSeconds);
    }
  }

  private void explain(UUID tenant, Instant since, Instant rolled) {
    for (String sql :
        List.of(
            ExecutionRepository.ROLLED_PER_MINUTE,
            ExecutionRepository.ROLLED_BUCKETS,
            ExecutionRepository.ROLLED_MAX)) {
      Sql.query(
              ds,
              "EXPLAIN (ANALYZE, BUFFERS) " + sql,
              s -> {
                s.setObject(1, tenant);
                Sql.setInstant(s, 2, since);
                Sql.setInstant(s, 3, rolled);
                s.setObject(4, tenant);
                Sql.setInstant(s, 5, rolled);
              },
              r -> r.getString(1))
          .forEach(System.out::println);
    }
  }

  /**
   * The reads on one open connection, as behind the services' pool: the test data source opens a
   * connection per statement, which would be most of what is measured.
   */
  private double median(UUID tenant, Instant since) throws Exception {
    try (Connection c = ds.getConnection()) {
      Connection kept =
          (Connection)
              Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (proxy, method, args) ->
                      method.getName().equals("close") ? null : method.invoke(c, args));
      DataSource one =
          (DataSource)
              Proxy.newProxyInstance(
                  DataSource.class.getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                      return kept;
                    }
                    throw new UnsupportedOperationException(method.getName());
                  });
      return median(new ExecutionRepository(one), tenant, since);
    }
  }

  private static double median(ExecutionRepository executions, UUID tenant, Instant since) {
    double[] ms = new double[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long t0 = System.nanoTime();
      executions.activity(tenant, since);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[CALLS / 2];
  }
}
