package dev.scheduleman.launcher;

import dev.scheduleman.storage.trigger.TriggerRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The idle cost of a claim: with many schedules stored and none due, the claim reads only the due
 * end of the partial index, so its time does not grow with what is stored.
 */
final class IdleClaim {

  private static final int PROBES = 200;

  private IdleClaim() {}

  static void measure(LocalPostgres postgres, int stored) throws SQLException {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(postgres.jdbcUrl());
    ds.setUser(LocalPostgres.USER);
    long started = System.nanoTime();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO schedule (id, bucket, tenant_id, labels, spec_kind, fire_at, target_url,
                                target_method, target_headers, timeout_ms, max_attempts,
                                min_backoff_ms, max_backoff_ms, on_exhausted, state,
                                next_fire_at, scheduled_for, execution_id, attempt, version,
                                created_at, updated_at)
          SELECT f.id, schedule_bucket(f.id), t.id, '{}', 'AT', f.at, 'http://127.0.0.1:9/idle',
                 'POST', '{}', 3000, 5, 1000, 300000, 'DEAD', 'ACTIVE', f.at, f.at,
                 gen_random_uuid(), 0, 1, now(), now()
            FROM tenant t,
                 LATERAL (SELECT gen_random_uuid() AS id,
                                 now() + interval '30 days' + g * interval '1 second' AS at
                            FROM generate_series(1, %d) g) f
           WHERE t.name = 'default'
          """
              .formatted(stored));
      s.execute("ANALYZE schedule");
    }
    Console.info(
        "  stored %d schedules due in a month in %.1f s",
        stored, (System.nanoTime() - started) / 1e9);

    TriggerRepository triggers = new TriggerRepository(ds);
    TriggerRepository.Claim claim =
        new TriggerRepository.Claim(
            "bench-idle-probe", 500, Duration.ofSeconds(2), Duration.ofSeconds(10));
    long[] micros = new long[PROBES];
    try (Connection c = ds.getConnection()) {
      for (int i = 0; i < PROBES; i++) {
        long t0 = System.nanoTime();
        triggers.claimDue(c, claim, null);
        micros[i] = (System.nanoTime() - t0) / 1000;
      }
    }
    Arrays.sort(micros);
    Console.info(
        "  idle claim over %d claims, nothing due: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
            + " (round trip on one connection)",
        PROBES,
        micros[PROBES / 2] / 1000.0,
        micros[PROBES * 99 / 100] / 1000.0,
        micros[PROBES - 1] / 1000.0);
    Console.info("  its plan:");
    for (String line : triggers.explainClaim(claim).split("\n")) {
      Console.info("    %s", line);
    }
  }
}
