package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.launcher.Distribution;
import dev.scheduleman.launcher.JsonHttp;
import dev.scheduleman.launcher.ServiceProcess;
import dev.scheduleman.launcher.Suite;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Quarkus client's promises, with real processes: the example application (one or two
 * instances, its own database) schedules through its outbox into crud-api (with its database on the
 * same PostgreSQL server), an executor delivers back to it. Commits arrive exactly once and
 * quickly, rollbacks never; a relay killed between sending and marking creates nothing twice; two
 * instances share the work; an API outage only delays; a refused schedule fails visibly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String EVENTS_DB = "event_pools";

  @TempDir static Path stateDir;
  private static Suite suite;
  private static String api;
  private static String key;
  private static String secret;
  private static PGSimpleDataSource eventsDb;

  /** Events the application committed so far: each must have exactly two schedules. */
  private static final AtomicLong events = new AtomicLong();

  private final List<ServiceProcess> apps = new ArrayList<>();

  @BeforeAll
  static void start() throws SQLException {
    suite = Suite.start(TestSuites.config(stateDir, 1));
    api = suite.apiUrl() + "/api/v1";
    JsonHttp.Answer tenant =
        JsonHttp.call("POST", api + "/tenants", suite.adminKey(), "{\"name\": \"event-pools\"}");
    assertThat(tenant.status()).isEqualTo(201);
    key = tenant.json().path("apiKey").asText();
    secret =
        JsonHttp.call("GET", api + "/signing-secret", key, null).json().path("secret").asText();
    try (Connection c = suite.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + EVENTS_DB);
    }
    eventsDb = new PGSimpleDataSource();
    eventsDb.setURL(suite.postgres().jdbcUrl().replaceFirst("/[^/]+$", "/" + EVENTS_DB));
    eventsDb.setUser("postgres");
    eventsDb.setPassword(suite.postgres().password());
  }

  @AfterAll
  static void stop() {
    if (suite != null) {
      suite.close();
    }
  }

  @AfterEach
  void stopApps() {
    apps.forEach(app -> app.stop(Duration.ofSeconds(10)));
  }

  /** Starts an instance of the example application; {@code env} adds to or overrides its config. */
  private ServiceProcess app(String name, Map<String, String> env) {
    int port = FreePorts.one();
    Map<String, String> environment = new HashMap<>();
    environment.put("EVENTS_PORT", Integer.toString(port));
    environment.put("EVENTS_DB_URL", eventsDb.getURL());
    environment.put("EVENTS_DB_USER", "postgres");
    environment.put("EVENTS_DB_PASSWORD", suite.postgres().password());
    environment.put("EVENTS_HOOKS_URL", "http://127.0.0.1:" + port);
    environment.put("EVENTS_SIGNING_SECRET", secret);
    environment.put("SCHEDULEMAN_URL", suite.apiUrl());
    environment.put("SCHEDULEMAN_API_KEY", key);
    environment.put("SCHEDULEMAN_RELAY_POLL_INTERVAL", "500ms");
    environment.put("SCHEDULEMAN_RELAY_MAX_BACKOFF", "2s");
    environment.put("SCHEDULEMAN_RELAY_UNHEALTHY_AFTER", "3s");
    environment.putAll(env);
    ServiceProcess app =
        new ServiceProcess(
            name,
            Distribution.locate().serviceJar("examples/event-pools"),
            port,
            environment,
            List.of("-Xmx256m"),
            stateDir.resolve("logs").resolve(name + ".log"),
            stateDir.resolve("run").resolve(name + ".pid"));
    apps.add(app);
    app.start();
    app.awaitReady(Duration.ofSeconds(60));
    return app;
  }

  private static final Map<String, String> NO_RELAY = Map.of("SCHEDULEMAN_RELAY_ENABLED", "false");

  /** Registers an event; returns its id. */
  private static String post(ServiceProcess app, String title, Instant startsAt, String cron) {
    String body =
        JSON.createObjectNode()
            .put("title", title)
            .put("startsAt", startsAt.toString())
            .put("newsletterCron", cron)
            .toString();
    JsonHttp.Answer answer = JsonHttp.call("POST", app.url() + "/events", null, body);
    assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    events.incrementAndGet();
    return answer.json().path("id").asText();
  }

  private static String post(ServiceProcess app) {
    return post(app, "event " + UUID.randomUUID(), Instant.now().plus(Duration.ofDays(30)), null);
  }

  /** How many schedules of the application's each event has, read from crud-api. */
  private static Map<String, Integer> schedulesByEvent() {
    Map<String, Integer> counts = new HashMap<>();
    String cursor = null;
    do {
      String url =
          api
              + "/schedules?label=app:event-pools&limit=500"
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = JsonHttp.call("GET", url, key, null).json();
      for (JsonNode schedule : page.path("items")) {
        counts.merge(schedule.path("labels").path("event").asText(), 1, Integer::sum);
      }
      cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
    } while (cursor != null);
    return counts;
  }

  /** Every committed event has exactly its two schedules, none more, none missing. */
  private static void assertExactlyTwoEach(long expectedEvents, long failedRows) {
    assertThat(outbox("FAILED")).as("outbox rows the API refused").isEqualTo(failedRows);
    Map<String, Integer> counts = schedulesByEvent();
    assertThat(counts).hasSize((int) expectedEvents);
    assertThat(counts.values().stream().mapToLong(Integer::longValue).sum())
        .isEqualTo(2 * expectedEvents - failedRows);
    assertThat(counts.values()).allMatch(n -> n <= 2);
  }

  private static long outbox(String state) {
    return query("SELECT count(*) FROM scheduleman_outbox WHERE state = '" + state + "'");
  }

  private static long query(String sql) {
    try (Connection c = eventsDb.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long activeSchedules() {
    return JsonHttp.call("GET", api + "/stats?minutes=1", key, null)
        .json()
        .path("schedules")
        .path("ACTIVE")
        .asLong();
  }

  private static double metric(ServiceProcess app, String name) {
    String text = JsonHttp.call("GET", app.url() + "/q/metrics", null, null).text();
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : 0;
  }

  @Test
  @Order(1)
  void aCommitIsVisibleInSchedulemanAtOnceExactlyOnceAndItsWebhookComesBack() {
    ServiceProcess app = app("event-pools-1", Map.of());
    await()
        .atMost(WAIT)
        .until(
            () -> JsonHttp.call("GET", api + "/task-types/merge-pools", key, null).status() == 200);

    int count = 100;
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = post(app);
      long committed = System.nanoTime();
      String merge = api + "/schedules/by-name/event-" + id + "-merge-pools";
      await()
          .pollInterval(Duration.ofMillis(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> JsonHttp.call("GET", merge, key, null).status() == 200);
      latencies.add((System.nanoTime() - committed) / 1_000);
    }
    latencies.sort(null);
    System.out.printf(
        "outbox commit -> visible in Scheduleman over %d commits: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        count,
        latencies.get(count / 2) / 1e3,
        latencies.get((int) Math.ceil(count * 0.99) - 1) / 1e3,
        latencies.get(count - 1) / 1e3);
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);
    assertExactlyTwoEach(events.get(), 0);
    assertThat(outbox("FAILED")).isZero();

    // An event a day and three seconds away: its merge fires in three seconds, back into the app.
    String soon =
        post(
            app,
            "soon " + UUID.randomUUID(),
            Instant.now().plus(Duration.ofDays(1)).plusSeconds(3),
            "*/30 * * * *");
    await()
        .atMost(WAIT)
        .until(
            () ->
                !JsonHttp.call("GET", app.url() + "/events/" + soon, null, null)
                    .json()
                    .path("poolsMergedAt")
                    .isNull());
  }

  @Test
  @Order(2)
  void aRequestThatFailsAfterSchedulingSchedulesNothing() {
    ServiceProcess app = app("event-pools-1", Map.of());
    String title = "taken " + UUID.randomUUID();
    post(app, title, Instant.now().plus(Duration.ofDays(9)), null);
    for (int i = 0; i < 20; i++) {
      String body =
          JSON.createObjectNode()
              .put("title", title)
              .put("startsAt", Instant.now().plus(Duration.ofDays(9)).toString())
              .toString();
      assertThat(JsonHttp.call("POST", app.url() + "/events", null, body).status()).isEqualTo(409);
    }
    String last = post(app);
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);
    assertThat(schedulesByEvent()).containsEntry(last, 2);
    assertExactlyTwoEach(events.get(), 0);
    assertThat(query("SELECT count(*) FROM scheduleman_outbox")).isEqualTo(2 * events.get());
  }

  @Test
  @Order(3)
  void aScheduleTheApiRefusesFailsVisiblyAndHoldsNothingUp() {
    ServiceProcess app = app("event-pools-1", Map.of());
    String bad =
        post(
            app,
            "bad cron " + UUID.randomUUID(),
            Instant.now().plus(Duration.ofDays(20)),
            "every full moon");
    String next = post(app);
    await()
        .atMost(WAIT)
        .until(
            () ->
                JsonHttp.call("GET", app.url() + "/events/" + bad, null, null)
                    .json()
                    .path("scheduling")
                    .path("newsletter")
                    .path("state")
                    .asText()
                    .equals("FAILED"));
    JsonNode scheduling =
        JsonHttp.call("GET", app.url() + "/events/" + bad, null, null).json().path("scheduling");
    assertThat(scheduling.path("newsletter").path("httpStatus").asInt()).isEqualTo(422);
    assertThat(scheduling.path("newsletter").path("error").asText()).contains("schedule.cron");
    assertThat(scheduling.path("newsletter").path("attempts").asInt()).isEqualTo(1);
    assertThat(scheduling.path("merge").path("state").asText()).isEqualTo("SENT");
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);
    assertThat(schedulesByEvent()).containsEntry(next, 2).containsEntry(bad, 1);
    assertExactlyTwoEach(events.get(), 1);
  }

  @Test
  @Order(4)
  void whileCrudApiIsDownForTenSecondsCallsWaitThenAllArrive() {
    ServiceProcess app = app("event-pools-1", Map.of());
    suite.api().stop(Duration.ofSeconds(10));
    Instant down = Instant.now();
    try {
      for (int i = 0; i < 50; i++) {
        post(app);
      }
      String health = app.url() + "/q/health/well";
      await().atMost(WAIT).until(() -> JsonHttp.call("GET", health, null, null).status() == 503);
      await().atMost(WAIT).until(() -> Instant.now().isAfter(down.plusSeconds(10)));
      assertThat(outbox("PENDING")).isEqualTo(100);
      assertThat(metric(app, "scheduleman_outbox_errors_total")).isPositive();
    } finally {
      suite.api().start();
      suite.api().awaitReady(Duration.ofSeconds(60));
    }
    Instant up = Instant.now();
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);
    System.out.printf(
        "outbox after a 10 s API outage: 100 waiting rows sent %.1f s after the API was back%n",
        Duration.between(up, Instant.now()).toMillis() / 1e3);
    assertExactlyTwoEach(events.get(), 1);
    await()
        .atMost(WAIT)
        .until(
            () -> JsonHttp.call("GET", app.url() + "/q/health/well", null, null).status() == 200);
  }

  @Test
  @Order(5)
  void aRelayKilledBetweenSendingAndMarkingCreatesNothingTwice() {
    ServiceProcess writer = app("event-pools-writer", NO_RELAY);
    int count = 300;
    for (int i = 0; i < count; i++) {
      post(writer);
    }
    writer.stop(Duration.ofSeconds(10));
    assertThat(outbox("PENDING")).isEqualTo(2L * count);
    long before = activeSchedules();

    // One transaction for the whole backlog: everything it sends is unmarked until it commits.
    ServiceProcess relay = app("event-pools-relay", Map.of("SCHEDULEMAN_RELAY_BATCH_SIZE", "1000"));
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(WAIT)
        .until(() -> activeSchedules() >= before + 100);
    relay.kill();
    long sentUnmarked = activeSchedules() - before;
    assertThat(outbox("PENDING"))
        .as("the kill came before the relay marked its batch")
        .isEqualTo(2L * count);
    System.out.printf(
        "relay killed with %d schedules created and none of its rows marked%n", sentUnmarked);

    ServiceProcess again = app("event-pools-restarted", Map.of());
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);
    assertExactlyTwoEach(events.get(), 1);
    long replayed = query("SELECT count(*) FROM scheduleman_outbox WHERE replayed");
    assertThat(replayed).isPositive();
    assertThat(metric(again, "scheduleman_outbox_replayed_total")).isEqualTo((double) replayed);
    System.out.printf(
        "after the restart: %d creates answered as replays (not created again), 0 duplicates%n",
        replayed);
  }

  @Test
  @Order(6)
  void twoInstancesRelay2000RowsWithoutSendingOneTwice() throws Exception {
    ServiceProcess writer = app("event-pools-writer", NO_RELAY);
    int count = 1_000;
    ExecutorService posters = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> posted = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        posted.add(posters.submit(() -> post(writer)));
      }
      for (Future<String> f : posted) {
        f.get();
      }
    } finally {
      posters.shutdown();
    }
    writer.stop(Duration.ofSeconds(10));
    assertThat(outbox("PENDING")).isEqualTo(2L * count);
    long replayedBefore = query("SELECT count(*) FROM scheduleman_outbox WHERE replayed");

    List<ServiceProcess> relays = new ArrayList<>();
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      List<Future<ServiceProcess>> started = new ArrayList<>();
      for (String name : List.of("event-pools-a", "event-pools-b")) {
        started.add(starters.submit(() -> app(name, Map.of())));
      }
      for (Future<ServiceProcess> f : started) {
        relays.add(f.get());
      }
    } finally {
      starters.shutdown();
    }
    await().atMost(WAIT).until(() -> outbox("PENDING") == 0);

    assertExactlyTwoEach(events.get(), 1);
    assertThat(query("SELECT count(*) FROM scheduleman_outbox WHERE replayed"))
        .isEqualTo(replayedBefore);
    AtomicLong total = new AtomicLong();
    for (ServiceProcess relay : relays) {
      double sent = metric(relay, "scheduleman_outbox_sent_total");
      System.out.printf("%s sent %.0f rows%n", relay.name(), sent);
      assertThat(sent).as(relay.name() + " took part").isPositive();
      total.addAndGet((long) sent);
    }
    assertThat(total.get()).isEqualTo(2L * count);
  }
}
