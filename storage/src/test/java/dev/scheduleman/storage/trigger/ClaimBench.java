package dev.scheduleman.storage.trigger;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;

import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The claim statement alone, measured: a backlog of due one-off triggers (among future ones) is
 * claimed by two claimers in batches and each batch is marked done at once, on one connection per
 * claimer (so the statement is server-prepared, as in the executor). Prints rows per second and the
 * time per claim call. Not a test: run it on a quiet machine with {@code ./mvnw -pl storage test
 * -Dtest=ClaimBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ClaimBench {

  private static final int DUE = Integer.getInteger("bench.due", 100_000);
  private static final int FUTURE = Integer.getInteger("bench.future", 100_000);
  private static final int CLAIMERS = 2;
  private static final int BATCH = 1000;
  private static final int ROUNDS = 3;

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();

  @Test
  void claimABacklog() throws Exception {
    for (int round = 1; round <= ROUNDS; round++) {
      db.truncateAll();
      TenantRow tenant = aTenant();
      new TenantRepository(ds).insert(tenant);
      ScheduleRepository schedules = new ScheduleRepository(ds);
      Instant now = Instant.now();
      List<ScheduleRow> rows = new ArrayList<>();
      for (int i = 0; i < DUE + FUTURE; i++) {
        rows.add(
            aSchedule(tenant.id())
                .dueAt(i < DUE ? now.minusMillis(i % 1000) : now.plus(Duration.ofDays(1 + i % 30)))
                .build());
        if (rows.size() == 10_000) {
          schedules.insert(rows);
          rows.clear();
        }
      }
      schedules.insert(rows);
      db.execute("VACUUM ANALYZE schedule");

      AtomicLong claimNanos = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      AtomicLong claimed = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int k = 0; k < CLAIMERS; k++) {
        String owner = "claimer-" + k;
        done.add(pool.submit(() -> claimUntilEmpty(owner, claimNanos, calls, claimed)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      long wall = System.nanoTime() - start;
      pool.shutdown();
      System.out.printf(
          "claim bench round %d: %d rows in %.2f s = %.0f rows/s; %d claim calls, %.1f ms each,"
              + " %.1f µs per row claimed%n",
          round,
          claimed.get(),
          wall / 1e9,
          claimed.get() / (wall / 1e9),
          calls.get(),
          claimNanos.get() / 1e6 / calls.get(),
          claimNanos.get() / 1e3 / claimed.get());
    }
  }

  private Void claimUntilEmpty(
      String owner, AtomicLong claimNanos, AtomicLong calls, AtomicLong claimed) throws Exception {
    TriggerRepository triggers = new TriggerRepository(ds);
    TriggerRepository.Claim claim =
        new TriggerRepository.Claim(owner, BATCH, Duration.ofSeconds(2), Duration.ofSeconds(10));
    try (Connection c = ds.getConnection();
        PreparedStatement finish =
            c.prepareStatement(
                "UPDATE schedule SET state = 'COMPLETED', next_fire_at = NULL, lease_owner = NULL,"
                    + " lease_until = NULL, lease_token = NULL WHERE id = ANY (?)")) {
      while (true) {
        long t0 = System.nanoTime();
        List<ClaimedTrigger> batch = triggers.claimDue(c, claim, null);
        claimNanos.addAndGet(System.nanoTime() - t0);
        calls.incrementAndGet();
        if (batch.isEmpty()) {
          return null;
        }
        claimed.addAndGet(batch.size());
        finish.setArray(
            1,
            c.createArrayOf(
                "uuid", batch.stream().map(ClaimedTrigger::scheduleId).toArray(UUID[]::new)));
        finish.executeUpdate();
      }
    }
  }
}
