package dev.scheduleman.launcher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the database did over a stretch of a benchmark, from {@code pg_stat_statements} (loaded by
 * the local PostgreSQL) and PostgreSQL's statistics views: statements by kind, transactions, and
 * how many updates of the hot table were HOT (no index touched). The benchmark's own queries of
 * these views are left out.
 */
final class DatabaseWork {

  /** One kind of statement: its normalized text, how often it ran, rows, time in the server. */
  record Query(String text, long calls, long rows, double totalMillis) {}

  /**
   * @param statements every kind that ran, most frequent first
   * @param transactions committed and rolled back
   * @param scheduleUpdates rows of {@code schedule} updated, and how many of those were HOT
   */
  record Report(
      List<Query> statements, long transactions, long scheduleUpdates, long scheduleHotUpdates) {

    long calls() {
      return statements.stream().mapToLong(Query::calls).sum();
    }
  }

  /** The running totals of the statistics views, read together. */
  private record Counters(long transactions, long scheduleUpdates, long scheduleHotUpdates) {}

  private static final String OWN = "%pg_stat%";

  private final PGSimpleDataSource ds = new PGSimpleDataSource();
  private Counters atStart;

  DatabaseWork(LocalPostgres postgres) {
    ds.setUrl(postgres.jdbcUrl());
    ds.setUser(LocalPostgres.USER);
    ds.setPassword(postgres.password());
  }

  /** Starts counting from now. */
  void start() throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
      atStart = counters(c);
    }
  }

  /** What ran since {@link #start()}. */
  Report report() throws SQLException {
    try (Connection c = ds.getConnection()) {
      // The statistics views lag by up to a stat interval; this is what they hold now.
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_stat_force_next_flush()");
      }
      List<Query> statements = new ArrayList<>();
      try (PreparedStatement q =
          c.prepareStatement(
              """
              SELECT regexp_replace(query, '\\s+', ' ', 'g'), calls, rows, total_exec_time
                FROM pg_stat_statements
               WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND query NOT ILIKE ?
                 AND query NOT ILIKE 'CREATE EXTENSION%'
               ORDER BY calls DESC
              """)) {
        q.setString(1, OWN);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            statements.add(new Query(r.getString(1), r.getLong(2), r.getLong(3), r.getDouble(4)));
          }
        }
      }
      Counters now = counters(c);
      return new Report(
          statements,
          now.transactions() - atStart.transactions(),
          now.scheduleUpdates() - atStart.scheduleUpdates(),
          now.scheduleHotUpdates() - atStart.scheduleHotUpdates());
    }
  }

  private static Counters counters(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                """
                SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database
                         WHERE datname = current_database()),
                       (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables
                         WHERE relname = 'schedule'),
                       (SELECT coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables
                         WHERE relname = 'schedule')
                """)) {
      r.next();
      return new Counters(r.getLong(1), r.getLong(2), r.getLong(3));
    }
  }
}
