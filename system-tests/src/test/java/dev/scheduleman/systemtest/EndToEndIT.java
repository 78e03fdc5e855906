package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.launcher.Suite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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
        Http.call("GET", api + "/signing-secret", key, null).json().path("secret").asText();
    assertThat(Http.call("PUT", echo + "/signing-secret", null, secret).status()).isEqualTo(204);
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

    JsonNode history = Http.call("GET", api + "/schedules/" + id + "/executions", key, null).json();
    Set<String> executionIds = new HashSet<>();
    for (JsonNode attempt : history.path("items")) {
      assertThat(attempt.path("outcome").asText()).isEqualTo("SUCCEEDED");
      assertThat(attempt.path("httpStatus").asInt()).isEqualTo(200);
      assertThat(attempt.path("executor").asText()).startsWith("executor-");
      executionIds.add(attempt.path("executionId").asText());
    }
    assertThat(executionIds).hasSize(history.path("items").size());
    JsonNode stats = Http.call("GET", echo + "/stats", null, null).json();
    assertThat(stats.path("signatures").path("invalid").asLong()).isZero();
    assertThat(stats.path("signatures").path("valid").asLong()).isGreaterThanOrEqualTo(3);
    Http.call("POST", api + "/schedules/" + id + "/pause", key, null);
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
    JsonNode dead = Http.call("GET", api + "/dead-letters", key, null).json().path("items");
    assertThat(dead.findValuesAsText("scheduleId")).contains(id);

    Http.Answer patched =
        Http.call(
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
    Http.Answer created = Http.call("POST", api + "/schedules", key, body);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("id").asText();
  }

  private static String state(String id) {
    return Http.call("GET", api + "/schedules/" + id, key, null).json().path("state").asText();
  }

  private static JsonNode executions(String id) {
    return Http.call("GET", api + "/schedules/" + id + "/executions", key, null)
        .json()
        .path("items");
  }
}
