package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.Suite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite as real processes: schedules created through crud-api are claimed and fired by
 * the executors at waitecho, which checks every signature; failures end as dead letters and an
 * update re-arms them.
 */
class EndToEndIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path stateDir;
  private static Suite suite;
  private static String api;
  private static String echo;
  private static String key;

  @BeforeAll
  static void startSuite() {
    suite = Suite.start(TestSuites.config(stateDir, 2));
    api = suite.apiUrl() + "/api/v1";
    echo = suite.waitechoUrl() + "/echo";
    key = suite.adminKey();
    String secret =
        JsonHttp.call("GET", api + "/signing-secret", key, null).json().path("secret").asText();
    assertThat(JsonHttp.call("PUT", echo + "/signing-secret", null, secret).status())
        .isEqualTo(204);
  }

  @AfterAll
  static void stopSuite() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void intervalScheduleIsDeliveredRepeatedlyWithValidSignaturesAndItsHistoryIsVisible() {
    String id =
        create(
            """
            {"name": "e2e-every", "schedule": {"every": "1s"},
             "target": {"url": "%s/every", "body": "{\\"kind\\":\\"e2e\\"}"}}
            """
                .formatted(echo));

    await().atMost(WAIT).until(() -> executions(id).size() >= 3);

    JsonNode history =
        JsonHttp.call("GET", api + "/schedules/" + id + "/executions", key, null).json();
    Set<String> executionIds = new HashSet<>();
    for (JsonNode attempt : history.path("items")) {
      assertThat(attempt.path("outcome").asText()).isEqualTo("SUCCEEDED");
      assertThat(attempt.path("httpStatus").asInt()).isEqualTo(200);
      assertThat(attempt.path("executor").asText()).startsWith("executor-");
      executionIds.add(attempt.path("executionId").asText());
    }
    assertThat(executionIds).hasSize(history.path("items").size());
    JsonNode stats = JsonHttp.call("GET", echo + "/stats", null, null).json();
    assertThat(stats.path("signatures").path("invalid").asLong()).isZero();
    assertThat(stats.path("signatures").path("valid").asLong()).isGreaterThanOrEqualTo(3);
    JsonHttp.call("POST", api + "/schedules/" + id + "/pause", key, null);
  }

  @Test
  void scheduleOfEveryKindFiresAtWaitechoSignedWithTheDocumentedHeaders() {
    JsonHttp.call("DELETE", echo + "/stats", null, null);
    String at = java.time.Instant.now().plusSeconds(2).toString();
    String cron =
        create(
            spec(
                "e2e-cron",
                "{\"cron\": \"*/2 * * * * *\", \"timezone\": \"Europe/Berlin\"}",
                "/kinds/cron"));
    String once = create(spec("e2e-at", "{\"at\": \"" + at + "\"}", "/kinds/at"));
    String delayed = create(spec("e2e-delay", "{\"delay\": \"2s\"}", "/kinds/delay"));
    String interval = create(spec("e2e-interval", "{\"every\": \"2s\"}", "/kinds/every"));

    await()
        .atMost(WAIT)
        .until(() -> state(once).equals("COMPLETED") && state(delayed).equals("COMPLETED"));
    await()
        .atMost(WAIT)
        .until(() -> executions(cron).size() >= 2 && executions(interval).size() >= 2);

    JsonNode recent = JsonHttp.call("GET", echo + "/recent?limit=100", null, null).json();
    Set<String> paths = new HashSet<>();
    for (JsonNode request : recent) {
      String path = request.path("path").asText();
      if (!path.startsWith("/echo/kinds/")) {
        continue;
      }
      paths.add(path);
      JsonNode h = request.path("headers");
      assertThat(h.path("webhook-id").asText()).hasSize(36);
      assertThat(h.path("webhook-timestamp").asText()).matches("\\d{10}");
      assertThat(h.path("webhook-signature").asText()).startsWith("v1,");
      assertThat(h.path("Scheduleman-Schedule-Id").asText()).isIn(cron, once, delayed, interval);
      assertThat(java.time.Instant.parse(h.path("Scheduleman-Scheduled-For").asText())).isNotNull();
      assertThat(h.path("Scheduleman-Attempt").asText()).isEqualTo("1");
      assertThat(h.path("User-Agent").asText()).startsWith("Scheduleman/");
      assertThat(h.path("Content-Type").asText()).isEqualTo("application/json");
      assertThat(request.path("body").asText()).isEqualTo("{\"kind\":\"e2e\"}");
    }
    assertThat(paths)
        .contains("/echo/kinds/cron", "/echo/kinds/at", "/echo/kinds/delay", "/echo/kinds/every");
    JsonNode stats = JsonHttp.call("GET", echo + "/stats", null, null).json();
    assertThat(stats.path("signatures").path("invalid").asLong()).isZero();
    // On time: fired at its moment, not a poll interval or a lease later (a loose bound; the
    // benchmark measures lateness).
    assertThat(stats.path("lateness").path("maxMs").asDouble()).isLessThan(2_000);
    for (String id : List.of(cron, interval)) {
      JsonHttp.call("POST", api + "/schedules/" + id + "/pause", key, null);
    }
  }

  private static String spec(String name, String schedule, String path) {
    return """
        {"name": "%s", "schedule": %s, "target": {"url": "%s%s", "body": "{\\"kind\\":\\"e2e\\"}"}}
        """
        .formatted(name, schedule, echo, path);
  }

  @Test
  void failingTargetIsRetriedEndsAsADeadLetterAndAnUpdateRearmsIt() {
    String id =
        create(
            """
            {"name": "e2e-failing", "schedule": {"delay": "1s"},
             "target": {"url": "%s/fail?status=503"},
             "retry": {"maxAttempts": 3, "minBackoff": "200ms", "maxBackoff": "400ms"}}
            """
                .formatted(echo));

    await().atMost(WAIT).until(() -> state(id).equals("DEAD"));

    JsonNode attempts = executions(id);
    assertThat(attempts).hasSize(3);
    String webhookId = attempts.get(0).path("executionId").asText();
    for (JsonNode attempt : attempts) {
      assertThat(attempt.path("executionId").asText()).isEqualTo(webhookId);
      assertThat(attempt.path("error").asText()).isEqualTo("HTTP 503");
    }
    JsonNode dead = JsonHttp.call("GET", api + "/dead-letters", key, null).json().path("items");
    assertThat(dead.findValuesAsText("scheduleId")).contains(id);

    JsonHttp.Answer patched =
        JsonHttp.call(
            "PATCH",
            api + "/schedules/" + id,
            key,
            "{\"target\": {\"url\": \"" + echo + "/recovered\"}}");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().path("state").asText()).isEqualTo("ACTIVE");

    await().atMost(WAIT).until(() -> state(id).equals("COMPLETED"));
    JsonNode last = executions(id).get(0);
    assertThat(last.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(last.path("executionId").asText()).isEqualTo(webhookId);
  }

  private static String create(String body) {
    JsonHttp.Answer created = JsonHttp.call("POST", api + "/schedules", key, body);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("id").asText();
  }

  private static String state(String id) {
    return JsonHttp.call("GET", api + "/schedules/" + id, key, null).json().path("state").asText();
  }

  private static JsonNode executions(String id) {
    return JsonHttp.call("GET", api + "/schedules/" + id + "/executions", key, null)
        .json()
        .path("items");
  }
}
