package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.LocalPostgres;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users editing, pausing and deleting triggers that executors have already claimed ahead, through
 * the API, with real processes: the change wins. The executors claim 10 s ahead here (not 2 s), so
 * that the changes can all be made, even on a loaded machine, while the old triggers wait on their
 * executors' timers: the scenario must happen before the old instant, and on a busy machine 60 API
 * calls do not fit in 2 s.
 */
class ClaimedAheadIT {

  private static final Map<String, String> EXECUTORS =
      Map.of(
          "SCHEDULEMAN_EXECUTOR_LOOKAHEAD", "10s",
          "SCHEDULEMAN_EXECUTOR_LEASE_MARGIN", "2s",
          "SCHEDULEMAN_EXECUTOR_POLL_INTERVAL", "200ms");

  /** How far ahead of now the old triggers are due: inside the look-ahead at once. */
  private static final Duration LEAD = Duration.ofSeconds(8);

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

  @Test
  void editsPausesAndDeletesOfTriggersClaimedAheadWinThroughTheApi() throws Exception {
    int each = 20;
    Instant due = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.MILLIS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3 * each; i++) {
      ids.add(createOneOff("ahead-" + i, due, "/old"));
    }
    // Wait until the executors hold them all, claimed ahead of their instant.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> leased("ahead-%") == 3L * each || Instant.now().isAfter(due));
    assertThat(Instant.now()).as("claimed ahead, before the instant").isBefore(due);
    assertThat(leased("ahead-%")).as("every trigger held by an executor").isEqualTo(3L * each);

    Instant newDue = due.plusSeconds(2);
    for (int i = 0; i < each; i++) {
      ObjectNode patch = JSON.createObjectNode();
      patch.putObject("schedule").put("at", newDue.toString());
      patch.putObject("target").put("url", scenario.echo + "/new");
      answers(call("PATCH", "/schedules/" + ids.get(i), patch.toString()), 200);
      answers(call("POST", "/schedules/" + ids.get(each + i) + "/pause", null), 200);
      answers(call("DELETE", "/schedules/" + ids.get(2 * each + i), null), 204);
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
                scenario.suite.postgres().jdbcUrl(),
                LocalPostgres.USER,
                scenario.suite.postgres().password());
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

  private static void answers(JsonHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(status);
  }

  private static JsonHttp.Answer call(String method, String path, String body) {
    return JsonHttp.call(method, scenario.api + path, scenario.key, body);
  }
}
