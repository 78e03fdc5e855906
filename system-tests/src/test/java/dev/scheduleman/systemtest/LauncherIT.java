package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduleman.launcher.LauncherException;
import dev.scheduleman.launcher.ServiceProcess;
import dev.scheduleman.launcher.Suite;
import dev.scheduleman.launcher.SuiteConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

  private static void execute(Suite suite, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(suite.postgres().jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(Suite suite, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(suite.postgres().jdbcUrl(), "postgres", "");
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
