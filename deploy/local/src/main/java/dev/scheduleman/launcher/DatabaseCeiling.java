package dev.scheduleman.launcher;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import dev.scheduleman.storage.trigger.TriggerUpdate;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database's own ceiling: due one-offs claimed and completed with the executors' statements
 * (the claim, then completion and history in one transaction per completion batch), by as many
 * workers as there would be executors, with no HTTP in between. What PostgreSQL can take per
 * second, and what it costs it per delivery, on this machine.
 *
 * <p>The one-offs are due a day from now and claimed with a look-ahead of two days, so that the
 * suite's executors (which look two seconds ahead) never see them.
 */
final class DatabaseCeiling {

  private static final int CLAIM_BATCH = 1000;
  private static final int COMPLETION_BATCH = 500;
  private static final Duration LOOKAHEAD = Duration.ofDays(2);

  private DatabaseCeiling() {}

  static void measure(Suite suite, int triggers, int workers) throws Exception {
    PGSimpleDataSource ds = suite.postgres().dataSource();
    suite.postgres().storeOneOffs(triggers, "now() + interval '1 day'", "http://127.0.0.1:9/none");
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
    TriggerRepository repository = new TriggerRepository(ds);
    ExecutionRepository executions = new ExecutionRepository(ds);
    AtomicLong done = new AtomicLong();
    long pid = suite.postgres().pid().orElseThrow();
    String walBefore = walPosition(ds);
    Duration cpuBefore = CpuTime.ofTree(pid);
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String owner = "ceiling-" + (w + 1);
        running.add(
            pool.submit(
                () -> {
                  work(ds, repository, executions, owner, done);
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Duration cpu = CpuTime.ofTree(pid).minus(cpuBefore);
    long wal = walSince(ds, walBefore);
    long n = Math.max(1, done.get());
    Console.info(
        "  database alone (claim + complete + history, no HTTP, %d workers): %d triggers in %.2f s"
            + " = %.0f deliveries/s; PostgreSQL CPU %.2f s = %.1f µs/delivery; WAL %d bytes"
            + "/delivery",
        workers,
        done.get(),
        seconds,
        done.get() / seconds,
        cpu.toNanos() / 1e9,
        cpu.toNanos() / 1e3 / n,
        wal / n);
  }

  private static String walPosition(PGSimpleDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        var r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      r.next();
      return r.getString(1);
    }
  }

  private static long walSince(PGSimpleDataSource ds, String before) throws SQLException {
    try (Connection c = ds.getConnection();
        var s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)")) {
      s.setString(1, before);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void work(
      PGSimpleDataSource ds,
      TriggerRepository repository,
      ExecutionRepository executions,
      String owner,
      AtomicLong done)
      throws SQLException {
    TriggerRepository.Claim claim =
        new TriggerRepository.Claim(owner, CLAIM_BATCH, LOOKAHEAD, Duration.ofSeconds(30));
    try (Connection c = ds.getConnection()) {
      while (true) {
        List<ClaimedTrigger> claimed = repository.claimDue(c, claim, null);
        if (claimed.isEmpty()) {
          return;
        }
        for (int from = 0; from < claimed.size(); from += COMPLETION_BATCH) {
          List<ClaimedTrigger> part =
              claimed.subList(from, Math.min(claimed.size(), from + COMPLETION_BATCH));
          complete(c, repository, executions, owner, part);
        }
        done.addAndGet(claimed.size());
      }
    }
  }

  private static void complete(
      Connection c,
      TriggerRepository repository,
      ExecutionRepository executions,
      String owner,
      List<ClaimedTrigger> part)
      throws SQLException {
    Instant firedAt = Instant.now();
    List<TriggerUpdate> updates = new ArrayList<>(part.size());
    List<ExecutionRow> attempts = new ArrayList<>(part.size());
    for (ClaimedTrigger t : part) {
      updates.add(
          new TriggerUpdate(
              t.scheduleId(),
              t.executionId(),
              t.pending().leaseToken(),
              new TriggerState(ScheduleState.COMPLETED, PendingTrigger.none()),
              new LastRun(firedAt, Outcome.SUCCEEDED, 200, null)));
      attempts.add(
          new ExecutionRow(
              0,
              t.scheduleId(),
              t.tenantId(),
              t.executionId(),
              t.scheduledFor(),
              firedAt,
              1,
              owner,
              Outcome.SUCCEEDED,
              200,
              1,
              null,
              "ok",
              false,
              null));
    }
    c.setAutoCommit(false);
    try {
      repository.complete(c, updates);
      executions.append(c, attempts);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
