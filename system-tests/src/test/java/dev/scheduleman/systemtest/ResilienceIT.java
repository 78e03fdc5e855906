package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises under real failures: three executor processes, crud-api, waitecho and PostgreSQL,
 * with processes killed, stopped and restarted while triggers are due. Every trigger must reach
 * waitecho under its own webhook-id; duplicates may only come from deliveries in flight at a kill.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceIT {

  /** Small leases, so that a killed executor's triggers are taken over within seconds. */
  private static final Map<String, String> EXECUTORS =
      Map.of(
          "SCHEDULEMAN_EXECUTOR_LEASE_MARGIN", "2s",
          "SCHEDULEMAN_EXECUTOR_MAX_IN_FLIGHT", "500",
          "SCHEDULEMAN_EXECUTOR_POLL_INTERVAL", "200ms");

  private static final int MAX_IN_FLIGHT = 500;
  private static final Duration WAIT = Duration.ofSeconds(120);

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

  private static Instant soon(int count) {
    return Instant.now().plusSeconds(3 + count / 3000);
  }

  @Test
  @Order(1)
  void threeExecutorsUnderNormalRunningDeliverEveryTriggerOnce() {
    int count = Scenario.scaled(3_000, 20_000);
    long failedBefore = scenario.failedAttempts();
    scenario.createOneOffs(count, soon(count), Duration.ofSeconds(3), "/normal");

    JsonNode stats = scenario.awaitDelivered(count, WAIT);

    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    scenario.assertDuplicatesOnlyFromFailedAttempts(stats, failedBefore, "normal running");
    scenario.assertSignaturesValid();
  }

  @Test
  @Order(2)
  void executorKilledTwiceMidBurstLosesNothingAndDuplicatesKeepTheirWebhookId() {
    int count = Scenario.scaled(4_000, 20_000);
    ServiceProcess victim = scenario.suite.executors().get(0);
    scenario.createOneOffs(count, soon(count), Duration.ofSeconds(4), "/crash");

    scenario.awaitReceivedAtLeast(count / 5, WAIT);
    victim.kill();
    victim.start();
    victim.awaitReady(Duration.ofSeconds(60));
    scenario.awaitReceivedAtLeast(count / 2, WAIT);
    victim.kill();
    victim.start();
    victim.awaitReady(Duration.ofSeconds(60));

    JsonNode stats = scenario.awaitDelivered(count, WAIT);
    // No trigger was re-fired under a new id: exactly `count` distinct webhook-ids arrived.
    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    // A duplicate can only be a delivery in flight at one of the two kills.
    assertThat(stats.path("duplicates").asLong()).isLessThanOrEqualTo(2L * MAX_IN_FLIGHT);
    // The killed executor's triggers fired once their leases ran out (due + 3 s timeout + 2 s
    // margin, then a poll): seconds, not minutes.
    double worst = stats.path("lateness").path("maxMs").asDouble();
    assertThat(worst).isLessThan(20_000);
    System.out.printf(
        "executor kill -9 twice: %d triggers, %d duplicates, worst lateness %.0f ms%n",
        count, stats.path("duplicates").asLong(), worst);
    await().atMost(WAIT).until(() -> scenario.schedulesIn("ACTIVE") == 0);
    scenario.assertSignaturesValid();
  }

  @Test
  @Order(3)
  void executorStoppedGracefullyMidBurstLosesNothingAndDuplicatesNothing() {
    int count = Scenario.scaled(3_000, 20_000);
    ServiceProcess stopped = scenario.suite.executors().get(1);
    long failedBefore = scenario.failedAttempts();
    scenario.createOneOffs(count, soon(count), Duration.ofSeconds(4), "/sigterm");

    try {
      scenario.awaitReceivedAtLeast(count / 3, WAIT);
      stopped.stop(Duration.ofSeconds(30));
      assertThat(stopped.exitCode()).as("exit after SIGTERM").isPresent();

      JsonNode stats = scenario.awaitDelivered(count, WAIT);
      assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
      // The stop itself duplicates nothing: it hands back what is not yet due and finishes what
      // is on the wire.
      scenario.assertDuplicatesOnlyFromFailedAttempts(stats, failedBefore, "graceful stop");
    } finally {
      stopped.start();
      stopped.awaitReady(Duration.ofSeconds(60));
    }
  }

  @Test
  @Order(4)
  void crudApiRestartDoesNotDisturbDeliveries() {
    int count = Scenario.scaled(2_000, 10_000);
    ServiceProcess api = scenario.suite.api();
    long failedBefore = scenario.failedAttempts();
    scenario.createOneOffs(count, soon(count), Duration.ofSeconds(6), "/api-restart");

    scenario.awaitReceivedAtLeast(count / 4, WAIT);
    api.stop(Duration.ofSeconds(30));
    long duringRestart = scenario.received();
    api.start();
    api.awaitReady(Duration.ofSeconds(60));

    JsonNode stats = scenario.awaitDelivered(count, WAIT);
    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    scenario.assertDuplicatesOnlyFromFailedAttempts(stats, failedBefore, "crud-api restart");
    assertThat(duringRestart).isLessThan(count);
  }

  @Test
  @Order(5)
  void databaseRestartIsSurvivedWithoutRestartingAnyService() {
    int count = Scenario.scaled(2_000, 10_000);
    scenario.createOneOffs(count, soon(count), Duration.ofSeconds(15), "/db-restart");
    scenario.awaitReceivedAtLeast(count / 10, WAIT);

    scenario.suite.postgres().stop();
    await().atMost(Duration.ofSeconds(30)).until(() -> !scenario.suite.api().isReady());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scenario.suite.executors().stream().noneMatch(ServiceProcess::isReady));
    // Keep the database away for a while (a bounded wait, not a sleep).
    await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
    scenario.suite.postgres().start();

    await().atMost(Duration.ofSeconds(60)).until(() -> scenario.suite.api().isReady());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> scenario.suite.executors().stream().allMatch(ServiceProcess::isReady));
    JsonNode stats = scenario.awaitDelivered(count, WAIT);
    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    // Completions in flight when the database went away may be retried once it is back.
    assertThat(stats.path("duplicates").asLong()).isLessThanOrEqualTo(3L * MAX_IN_FLIGHT);
    for (ServiceProcess executor : scenario.suite.executors()) {
      assertThat(executor.isAlive()).as(executor.name() + " never restarted").isTrue();
    }
  }

  /**
   * Users edit, pause and delete schedules while executors fire them every second: a deleted
   * schedule never comes back, a paused one stays paused, and an update is never overwritten by the
   * completion of a trigger that was in flight.
   */
  @Test
  @Order(6)
  void editsPausesAndDeletesUnderLoadAreNeverUndoneByCompletions() {
    int each = Scenario.scaled(20, 100);
    List<String> deleted = new ArrayList<>();
    List<String> paused = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    for (int i = 0; i < 3 * each; i++) {
      String id = createRecurring("edit-" + i);
      (i % 3 == 0 ? deleted : i % 3 == 1 ? paused : updated).add(id);
    }
    await().atMost(WAIT).until(() -> scenario.received() >= 6L * each);

    for (int i = 0; i < each; i++) {
      assertThat(call("DELETE", "/schedules/" + deleted.get(i), null).status()).isEqualTo(204);
      assertThat(call("POST", "/schedules/" + paused.get(i) + "/pause", null).status())
          .isEqualTo(200);
      JsonHttp.Answer patched =
          call(
              "PATCH",
              "/schedules/" + updated.get(i),
              "{\"description\": \"edited under load\", \"target\": {\"url\": \""
                  + scenario.echo
                  + "/edited\"}}");
      assertThat(patched.status()).isEqualTo(200);
    }
    // Let several more rounds fire (and any completion that was in flight land).
    long before = scenario.received();
    await().atMost(WAIT).until(() -> scenario.received() >= before + 4L * each);

    for (String id : deleted) {
      assertThat(call("GET", "/schedules/" + id, null).status()).isEqualTo(404);
    }
    for (String id : paused) {
      JsonNode schedule = call("GET", "/schedules/" + id, null).json();
      assertThat(schedule.path("state").asText()).isEqualTo("PAUSED");
      assertThat(schedule.path("nextFireAt").isMissingNode()).isTrue();
    }
    for (String id : updated) {
      JsonNode schedule = call("GET", "/schedules/" + id, null).json();
      assertThat(schedule.path("description").asText()).isEqualTo("edited under load");
      assertThat(schedule.path("target").path("url").asText()).endsWith("/echo/edited");
      assertThat(schedule.path("version").asLong()).isEqualTo(2);
      assertThat(schedule.path("state").asText()).isEqualTo("ACTIVE");
    }
    JsonNode list = call("GET", "/schedules?name=edit-&limit=500", null).json().path("items");
    assertThat(list.size()).isEqualTo(2 * each);
    for (String id : paused) {
      call("DELETE", "/schedules/" + id, null);
    }
    for (String id : updated) {
      call("DELETE", "/schedules/" + id, null);
    }
  }

  /**
   * Every executor stopped across several occurrences of three every-4-seconds schedules, one per
   * misfire policy (threshold 2 s), then started again: {@code latest} sends at most one of the
   * occurrences missed while they were down, {@code skip} none, {@code all} each missed one from
   * the latest three on, in order, each under its own webhook-id. "Missed" is judged against the
   * moment the executors were started, not against when a webhook arrived: on a loaded machine an
   * on-time run can arrive late, and the test must not mistake that for a policy's choice.
   */
  @Test
  @Order(7)
  void afterEveryExecutorWasStoppedEachMisfirePolicyFiresWhatItSays() {
    List<ServiceProcess> executors = scenario.suite.executors();
    executors.forEach(e -> e.stop(Duration.ofSeconds(30)));
    Instant start = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Map<String, String> policies =
        Map.of(
            "latest", "{\"policy\": \"latest\", \"threshold\": \"2s\"}",
            "skip", "{\"policy\": \"skip\", \"threshold\": \"2s\"}",
            "all", "{\"policy\": \"all\", \"threshold\": \"2s\", \"maxCatchUp\": 3}");
    List<String> ids = new ArrayList<>();
    policies.forEach(
        (policy, misfire) -> {
          JsonHttp.Answer created =
              call(
                  "POST",
                  "/schedules",
                  "{\"name\": \"misfire-"
                      + policy
                      + "\", \"schedule\": {\"every\": \"4s\", \"startAt\": \""
                      + start
                      + "\", \"misfire\": "
                      + misfire
                      + "}, \"target\": {\"url\": \""
                      + scenario.echo
                      + "/misfire/"
                      + policy
                      + "\"}}");
          assertThat(created.status()).as(created.text()).isEqualTo(201);
          ids.add(created.json().path("id").asText());
        });
    // Down across at least four occurrences (a bounded wait for time to pass, not a sleep).
    await()
        .pollDelay(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(30))
        .until(() -> Instant.now().isAfter(start.plusSeconds(14)));
    // No claim can happen before this instant, so an occurrence more than the threshold older
    // than it was missed whatever the machine's load: the policies are judged on those.
    Instant restarted = Instant.now();
    Instant missedBefore = restarted.minus(Duration.ofSeconds(2));
    executors.forEach(ServiceProcess::start);
    executors.forEach(e -> e.awaitReady(Duration.ofSeconds(60)));

    // Three catch-ups for `all`, then each policy's runs on time.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Map<String, List<Run>> runs = runsByPolicy();
              return runs.get("all").size() >= 5
                  && runs.get("latest").size() >= 2
                  && runs.get("skip").size() >= 2;
            });
    for (String id : ids) {
      assertThat(call("POST", "/schedules/" + id + "/pause", null).status()).isEqualTo(200);
    }
    Map<String, List<Run>> runs = runsByPolicy();
    Duration threshold = Duration.ofSeconds(2);
    for (List<Run> r : runs.values()) {
      assertThat(r).extracting(Run::webhookId).doesNotHaveDuplicates();
      assertThat(r).extracting(Run::scheduledFor).isSorted().doesNotHaveDuplicates();
    }
    // The first run of each came after at least four occurrences had passed unsent.
    for (List<Run> r : runs.values()) {
      assertThat(r.get(0).arrival()).isAfter(start.plusSeconds(14));
    }
    // `skip` fires none of the missed occurrences; `latest` at most one, the latest.
    assertThat(runs.get("skip")).noneMatch(r -> r.scheduledFor().isBefore(missedBefore));
    assertThat(runs.get("latest").stream().filter(r -> r.scheduledFor().isBefore(missedBefore)))
        .hasSizeLessThanOrEqualTo(1);
    // Its first run is the latest occurrence due at its first claim, which came after the
    // restart (at least 14 s in): never one of the older missed ones.
    assertThat(runs.get("latest").get(0).scheduledFor()).isAfterOrEqualTo(start.plusSeconds(12));
    // `all` fires the three latest missed occurrences, each late (a claim is decided before
    // the webhook arrives), then every later one: no gap, and not the first occurrence.
    List<Run> all = runs.get("all");
    assertThat(all.stream().filter(r -> r.scheduledFor().isBefore(missedBefore)))
        .hasSizeLessThanOrEqualTo(3);
    assertThat(all.stream().filter(r -> r.lateBy(threshold))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(all.get(0).scheduledFor()).isAfter(start);
    for (int i = 1; i < all.size(); i++) {
      assertThat(Duration.between(all.get(i - 1).scheduledFor(), all.get(i).scheduledFor()))
          .isEqualTo(Duration.ofSeconds(4));
    }
    System.out.printf(
        "misfire after %d s down: latest %s, skip %s, all %s%n",
        Duration.between(start, runs.get("all").get(0).arrival()).toSeconds(),
        describe(runs.get("latest"), missedBefore),
        describe(runs.get("skip"), missedBefore),
        describe(runs.get("all"), missedBefore));
    for (String id : ids) {
      call("DELETE", "/schedules/" + id, null);
    }
  }

  private record Run(String webhookId, Instant scheduledFor, Instant arrival) {
    boolean lateBy(Duration more) {
      return Duration.between(scheduledFor, arrival).compareTo(more) > 0;
    }
  }

  /** What waitecho received at /misfire/{policy}, oldest first, from its last hundred requests. */
  private static Map<String, List<Run>> runsByPolicy() {
    Map<String, List<Run>> runs = new java.util.TreeMap<>();
    for (String policy : List.of("latest", "skip", "all")) {
      runs.put(policy, new ArrayList<>());
    }
    JsonNode recent = JsonHttp.call("GET", scenario.echo + "/recent?limit=100", null, null).json();
    for (JsonNode request : recent) {
      String path = request.path("path").asText();
      if (!path.startsWith("/echo/misfire/")) {
        continue;
      }
      runs.get(path.substring("/echo/misfire/".length()))
          .add(
              new Run(
                  header(request, "webhook-id"),
                  Instant.parse(header(request, "Scheduleman-Scheduled-For")),
                  Instant.parse(request.path("arrival").asText())));
    }
    runs.values().forEach(r -> r.sort(java.util.Comparator.comparing(Run::arrival)));
    return runs;
  }

  private static String header(JsonNode request, String name) {
    var fields = request.path("headers").fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (field.getKey().equalsIgnoreCase(name)) {
        return field.getValue().asText();
      }
    }
    throw new AssertionError("no " + name + " header in " + request);
  }

  private static String describe(List<Run> runs, Instant missedBefore) {
    long missed = runs.stream().filter(r -> r.scheduledFor().isBefore(missedBefore)).count();
    return runs.size() + " runs (" + missed + " of them missed while down)";
  }

  private static String createRecurring(String name) {
    JsonHttp.Answer created =
        call(
            "POST",
            "/schedules",
            "{\"name\": \""
                + name
                + "\", \"schedule\": {\"every\": \"1s\"}, \"target\": {\"url\": \""
                + scenario.echo
                + "/recurring\"}}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("id").asText();
  }

  private static JsonHttp.Answer call(String method, String path, String body) {
    return JsonHttp.call(method, scenario.api + path, scenario.key, body);
  }
}
