package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.LocalPostgres;
import dev.scheduleman.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises on a bad day, with real processes: an executor starved of CPU, an executor frozen
 * (SIGSTOP) past its leases mid-burst, and users editing triggers that executors already claimed
 * ahead. Nothing crashes, so every duplicate must be explained by a failed attempt; none is allowed
 * from a stall alone except a request the frozen executor had on the wire.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StressIT {

  private static final Map<String, String> EXECUTORS =
      Map.of(
          "SCHEDULEMAN_EXECUTOR_LEASE_MARGIN", "2s",
          "SCHEDULEMAN_EXECUTOR_POLL_INTERVAL", "200ms");

  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path stateDir;
  private static Scenario scenario;

  @BeforeAll
  static void start() {
    scenario = Scenario.start(stateDir, 3, EXECUTORS);
  }

  @AfterAll
  static void stop() {
    if (scenario != null) {
      scenario.close();
    }
  }

  @BeforeEach
  void resetWaitecho() {
    for (ServiceProcess executor : scenario.suite.executors()) {
      assertThat(executor.isReady()).as(executor.name() + " ready before the scenario").isTrue();
    }
    scenario.resetEcho();
  }

  @Test
  @Order(1)
  void anExecutorStarvedOfCpuDuplicatesNothingAndLosesNothing() throws Exception {
    int count = Scenario.scaled(2_000, 10_000);
    ServiceProcess starved = scenario.suite.executors().get(0);
    long pid = starved.pid().orElseThrow();
    List<Process> hogs = new ArrayList<>();
    long failedBefore = scenario.failedAttempts();
    try {
      // Every thread of the executor on CPU 0, beside a busy loop there (bounded: 3 minutes);
      // the rest of the suite has the other core to itself.
      run("taskset", "-a", "-cp", "0", Long.toString(pid));
      for (int i = 0; i < 1; i++) {
        hogs.add(
            new ProcessBuilder(
                    "taskset", "-c", "0", "timeout", "180", "sh", "-c", "while :; do :; done")
                .start());
      }
      scenario.createOneOffs(
          count, Instant.now().plusSeconds(3), Duration.ofSeconds(8), "/starved");

      JsonNode stats = scenario.awaitDelivered(count, WAIT);

      assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
      scenario.assertDuplicatesOnlyFromFailedAttempts(stats, failedBefore, "CPU-starved executor");
      System.out.printf(
          "CPU-starved executor: %d delivered, %d duplicates, %d failed attempts,"
              + " worst lateness %.0f ms, p99 %.0f ms%n",
          stats.path("uniqueIds").asLong(),
          stats.path("duplicates").asLong(),
          scenario.failedAttempts() - failedBefore,
          stats.path("lateness").path("maxMs").asDouble(),
          stats.path("lateness").path("p99Ms").asDouble());
    } finally {
      hogs.forEach(Process::destroyForcibly);
      run(
          "taskset",
          "-a",
          "-cp",
          "0-" + (Runtime.getRuntime().availableProcessors() - 1),
          Long.toString(pid));
    }
  }

  @Test
  @Order(2)
  void anExecutorFrozenPastItsLeasesSendsNothingStaleWhenItThaws() throws Exception {
    int count = Scenario.scaled(3_000, 20_000);
    ServiceProcess frozen = scenario.suite.executors().get(1);
    long pid = frozen.pid().orElseThrow();
    long failedBefore = scenario.failedAttempts();
    scenario.createOneOffs(count, Instant.now().plusSeconds(3), Duration.ofSeconds(6), "/frozen");

    scenario.awaitReceivedAtLeast(count / 5, WAIT);
    run("kill", "-STOP", Long.toString(pid));
    try {
      // Frozen for 8 s: every lease it holds (timeout 3 s + margin 2 s) runs out and the other
      // executors take its triggers over (a bounded wait, not a sleep).
      await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    } finally {
      run("kill", "-CONT", Long.toString(pid));
    }

    JsonNode stats = scenario.awaitDelivered(count, WAIT);
    await().atMost(WAIT).until(() -> scenario.schedulesIn("ACTIVE") == 0);
    long duplicates = stats.path("duplicates").asLong();
    System.out.printf(
        "executor frozen 8 s mid-burst: %d delivered, %d duplicates, %d failed attempts,"
            + " worst lateness %.0f ms%n",
        stats.path("uniqueIds").asLong(),
        duplicates,
        scenario.failedAttempts() - failedBefore,
        stats.path("lateness").path("maxMs").asDouble());
    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    // Only what it had on the wire when it froze can arrive twice (the receiver answered, the
    // executor could not hear it, another executor fired it again): at most its connections.
    assertThat(duplicates).isLessThanOrEqualTo(200);
  }

  @Test
  @Order(3)
  void editsPausesAndDeletesOfTriggersClaimedAheadWinThroughTheApi() throws Exception {
    int each = 20;
    Instant due = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3 * each; i++) {
      ids.add(createOneOff("ahead-" + i, due, "/old"));
    }
    // Wait until the executors hold them all, claimed ahead of their instant.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> leased("ahead-%") == 3L * each || Instant.now().isAfter(due));
    assertThat(Instant.now()).as("claimed ahead, before the instant").isBefore(due);

    Instant newDue = due.plusSeconds(2);
    for (int i = 0; i < each; i++) {
      ObjectNode patch = JSON.createObjectNode();
      patch.putObject("schedule").put("at", newDue.toString());
      patch.putObject("target").put("url", scenario.echo + "/new");
      assertThat(call("PATCH", "/schedules/" + ids.get(i), patch.toString()).status())
          .isEqualTo(200);
      assertThat(call("POST", "/schedules/" + ids.get(each + i) + "/pause", null).status())
          .isEqualTo(200);
      assertThat(call("DELETE", "/schedules/" + ids.get(2 * each + i), null).status())
          .isEqualTo(204);
    }
    assertThat(Instant.now()).as("every change made before the old instant").isBefore(due);

    await().atMost(WAIT).until(() -> scenario.schedulesIn("ACTIVE") == 0);
    scenario.awaitReceivedAtLeast(each, WAIT);
    JsonNode recent = JsonHttp.call("GET", scenario.echo + "/recent?limit=100", null, null).json();
    Map<String, Integer> byPath = new HashMap<>();
    List<Instant> arrivals = new ArrayList<>();
    for (JsonNode r : recent) {
      byPath.merge(r.path("path").asText(), 1, Integer::sum);
      arrivals.add(Instant.parse(r.path("arrival").asText()));
    }
    JsonNode stats = scenario.echoStats();
    System.out.printf(
        "edits through the API inside the look-ahead: %s; duplicates %d%n",
        byPath, stats.path("duplicates").asLong());
    assertThat(byPath).containsOnlyKeys("/echo/new");
    assertThat(byPath.get("/echo/new")).isEqualTo(each);
    assertThat(stats.path("duplicates").asLong()).isZero();
    assertThat(arrivals).allSatisfy(a -> assertThat(a).isAfterOrEqualTo(newDue));
  }

  private static String createOneOff(String name, Instant at, String path) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", name);
    body.putObject("schedule").put("at", at.toString());
    body.putObject("target").put("url", scenario.echo + path);
    JsonHttp.Answer created = call("POST", "/schedules", body.toString());
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("id").asText();
  }

  private static long leased(String namePattern) throws SQLException {
    try (var c =
            DriverManager.getConnection(
                scenario.suite.postgres().jdbcUrl(), LocalPostgres.USER, "");
        var s =
            c.prepareStatement(
                "SELECT count(*) FROM schedule WHERE name LIKE ? AND lease_owner IS NOT NULL")) {
      s.setString(1, namePattern);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static JsonHttp.Answer call(String method, String path, String body) {
    return JsonHttp.call(method, scenario.api + path, scenario.key, body);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
