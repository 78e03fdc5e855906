package dev.scheduleman.launcher;

import dev.scheduleman.storage.trigger.TriggerRepository;
import java.sql.Connection;
import java.sql.SQLException;
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
    PGSimpleDataSource ds = postgres.dataSource();
    long started = System.nanoTime();
    postgres.storeOneOffs(
        stored, "now() + interval '30 days' + g * interval '1 second'", "http://127.0.0.1:9/idle");
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
