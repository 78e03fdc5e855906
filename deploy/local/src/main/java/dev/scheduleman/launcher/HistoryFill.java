package dev.scheduleman.launcher;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A long attempt history stored before a benchmark: rows fired evenly over the last six days (so
 * they fill the daily partitions the retention keeps), of schedules that no longer exist, one in a
 * hundred a dead letter.
 */
final class HistoryFill {

  private HistoryFill() {}

  static void fill(LocalPostgres postgres, long rows) throws SQLException {
    PGSimpleDataSource ds = postgres.dataSource();
    long started = System.nanoTime();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO execution (schedule_id, tenant_id, execution_id, scheduled_for, fired_at,
                                 attempt, executor, outcome, http_status, duration_ms, error,
                                 exhausted)
          SELECT gen_random_uuid(), t.id, gen_random_uuid(), f.at, f.at + interval '3 ms', 1,
                 'executor-fill', CASE WHEN f.g %% 100 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END,
                 CASE WHEN f.g %% 100 = 0 THEN 503 ELSE 200 END, 3,
                 CASE WHEN f.g %% 100 = 0 THEN 'HTTP 503' END, f.g %% 100 = 0
            FROM tenant t,
                 LATERAL (SELECT g, now() - interval '6 days' * g / %d AS at
                            FROM generate_series(1, %d) g) f
           WHERE t.name = 'default'
          """
              .formatted(rows, rows));
      s.execute("ANALYZE execution");
    }
    Console.info(
        "  stored %d attempts over the last six days in %.1f s",
        rows, (System.nanoTime() - started) / 1e9);
  }
}
