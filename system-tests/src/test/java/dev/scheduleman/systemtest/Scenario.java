package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.Suite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * A running suite driven only over HTTP, as a user would: schedules through crud-api, results from
 * waitecho's stats and the API. Sizes scale with {@code -Dsystem.scale=full}.
 */
final class Scenario implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 1000;

  final Suite suite;
  final String api;
  final String echo;
  final String key;

  private Scenario(Suite suite) {
    this.suite = suite;
    this.api = suite.apiUrl() + "/api/v1";
    this.echo = suite.waitechoUrl() + "/echo";
    this.key = suite.adminKey();
    String secret =
        JsonHttp.call("GET", api + "/signing-secret", key, null).json().path("secret").asText();
    assertThat(JsonHttp.call("PUT", echo + "/signing-secret", null, secret).status())
        .isEqualTo(204);
  }

  static Scenario start(Path stateDir, int executors, Map<String, String> executorEnv) {
    return new Scenario(Suite.start(TestSuites.config(stateDir, executors, executorEnv)));
  }

  /** {@code ci} (the default, sized for the build) or {@code full}. */
  static int scaled(int ci, int full) {
    return "full".equals(System.getProperty("system.scale")) ? full : ci;
  }

  void resetEcho() {
    assertThat(JsonHttp.call("DELETE", echo + "/stats", null, null).status()).isEqualTo(204);
  }

  /**
   * Creates {@code count} one-off schedules through the batch endpoint, due from {@code first}
   * spread evenly over {@code spread}, posting to waitecho at {@code path}.
   */
  void createOneOffs(int count, Instant first, Duration spread, String path) {
    for (int offset = 0; offset < count; offset += BATCH) {
      ObjectNode request = JSON.createObjectNode();
      ArrayNode items = request.putArray("items");
      for (int i = offset; i < Math.min(count, offset + BATCH); i++) {
        Instant at = first.plusNanos(spread.toNanos() / count * i).truncatedTo(ChronoUnit.MILLIS);
        ObjectNode item = items.addObject();
        item.putObject("schedule").put("at", at.toString());
        item.putObject("target").put("url", echo + path);
        item.putObject("retry")
            .put("maxAttempts", 10)
            .put("minBackoff", "200ms")
            .put("maxBackoff", "2s");
      }
      JsonHttp.Answer answer =
          JsonHttp.call("POST", api + "/schedules/batch", key, request.toString());
      assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    }
  }

  JsonNode echoStats() {
    return JsonHttp.call("GET", echo + "/stats", null, null).json();
  }

  long received() {
    return echoStats().path("uniqueIds").asLong();
  }

  /** Waits until waitecho has seen {@code count} distinct webhook ids. */
  JsonNode awaitDelivered(long count, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> received() >= count);
    return echoStats();
  }

  /** Waits until {@code count} deliveries have arrived at waitecho. */
  void awaitReceivedAtLeast(long count, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> received() >= count);
  }

  long schedulesIn(String state) {
    return JsonHttp.call("GET", api + "/stats", key, null)
        .json()
        .path("schedules")
        .path(state)
        .asLong();
  }

  /** Failed attempts recorded in the last hour (timeouts, refused connections, error statuses). */
  long failedAttempts() {
    long failed = 0;
    JsonNode stats = JsonHttp.call("GET", api + "/stats?minutes=60", key, null).json();
    for (JsonNode minute : stats.path("perMinute")) {
      failed += minute.path("failed").asLong();
    }
    return failed;
  }

  /**
   * Promise 3: a duplicate comes only from a crash or from a request that failed (timed out) while
   * the receiver had it. Where nothing crashed, every duplicate must be the retry of a recorded
   * failed attempt.
   */
  void assertDuplicatesOnlyFromFailedAttempts(JsonNode stats, long failedBefore, String scenario) {
    long duplicates = stats.path("duplicates").asLong();
    long failed = failedAttempts() - failedBefore;
    System.out.printf(
        "%s: %d duplicates, %d failed attempts %s%n", scenario, duplicates, failed, failures());
    assertThat(duplicates)
        .as("%s: duplicates not explained by failed (timed-out) attempts", scenario)
        .isLessThanOrEqualTo(failed);
  }

  /**
   * The attempts recorded for executions attempted more than once in the last minutes, by executor,
   * outcome and reason: who sent what twice.
   */
  String repeatedAttempts() {
    return history(
        "SELECT executor, outcome || coalesce(' ' || error, ''), count(*) FROM execution"
            + " WHERE fired_at > now() - interval '2 minutes' AND execution_id IN ("
            + " SELECT execution_id FROM execution WHERE fired_at > now() - interval '2 minutes'"
            + " GROUP BY 1 HAVING count(*) > 1) GROUP BY 1, 2 ORDER BY 1, 2");
  }

  /** The failed attempts of the last minutes, by executor and reason, to explain duplicates. */
  private String failures() {
    return history(
        "SELECT executor, error, count(*) FROM execution WHERE outcome = 'FAILED'"
            + " AND fired_at > now() - interval '2 minutes' GROUP BY 1, 2");
  }

  private String history(String countsBy) {
    try (var c =
            java.sql.DriverManager.getConnection(
                suite.postgres().jdbcUrl(),
                dev.scheduleman.launcher.LocalPostgres.USER,
                suite.postgres().password());
        var s = c.createStatement();
        var r = s.executeQuery(countsBy)) {
      StringBuilder out = new StringBuilder();
      while (r.next()) {
        out.append("[")
            .append(r.getString(1))
            .append(": ")
            .append(r.getString(2))
            .append(" ×")
            .append(r.getLong(3))
            .append("]");
      }
      return out.toString();
    } catch (java.sql.SQLException e) {
      return "(history unavailable: " + e.getMessage() + ")";
    }
  }

  /** Every signature waitecho checked was valid. */
  void assertSignaturesValid() {
    assertThat(echoStats().path("signatures").path("invalid").asLong()).isZero();
  }

  @Override
  public void close() {
    suite.close();
  }
}
