package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.executor.claim.ClaimLoop;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promises under stress, with real PostgreSQL and a real receiver: slow receivers behind a
 * burst, answers PostgreSQL cannot store as they are, completions it refuses, edits inside the
 * look-ahead, catch-up after downtime. Each asserts counts (delivered, duplicates, failed attempts,
 * early deliveries), never timings, and prints its figures.
 */
class StressTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Vertx vertx;

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private final ExecutionRepository executions = new ExecutionRepository(ds);
  private TenantRow tenant;
  private Receiver receiver;
  private Nodes nodes;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    receiver = new Receiver(vertx);
    nodes = new Nodes(vertx, ds);
  }

  @AfterEach
  void tearDown() throws Exception {
    nodes.close();
    receiver.close();
  }

  /** Test settings: fast polls and short leases. */
  private static ExecutorNode.Settings settings(
      String owner, int connectionsPerHost, Duration lookahead) {
    return new ExecutorNode.Settings(
        new ClaimLoop.Settings(owner, Duration.ofMillis(50), 500, lookahead, Duration.ofSeconds(2)),
        1000,
        Duration.ofSeconds(1),
        connectionsPerHost,
        Duration.ofMillis(20),
        500,
        Duration.ofMillis(500),
        Duration.ofMillis(100),
        true);
  }

  @Test
  void aBurstToASlowButHealthyReceiverAcrossThreeExecutorsHasNoFailedAttemptAndNoDuplicate() {
    // 600 due at once; each executor has 10 connections to the receiver, which answers every
    // request in 500 ms, well within the 5 s timeout: most triggers wait for a connection for
    // seconds, longer than any timeout, and that wait is not an attempt.
    receiver.delay(500);
    int count = 600;
    Instant due = Fixtures.now().plusSeconds(1);
    Target slow = new Target(receiver.url("/slow"), "POST", Map.of(), "{}", Duration.ofSeconds(5));
    List<ScheduleRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(aSchedule(tenant.id()).withTarget(slow).dueAt(due).build());
    }
    schedules.insert(rows);
    for (String owner : List.of("slow-a", "slow-b", "slow-c")) {
      nodes.start(settings(owner, 10, Duration.ofSeconds(2)), ds);
    }

    await().atMost(WAIT).until(() -> count("state = 'COMPLETED'") == count);

    Figures f = figures(rows);
    f.print("slow receiver, 600 at once, 3 executors x 10 connections, 500 ms answers");
    assertThat(f.delivered).isEqualTo(count);
    assertThat(f.duplicates).isZero();
    assertThat(f.failedAttempts).isZero();
    assertThat(f.early).isZero();
  }

  @Test
  void answersWithNulAndBinaryBytesAreRecordedAndDoNotHoldUpOrdinaryTriggers() {
    byte[] binary = {'o', 'k', 0, (byte) 0xff, (byte) 0xfe, 0, 'z', (byte) 0xc3};
    receiver.answerBody(
        r -> r.path().startsWith("/odd") ? binary : "fine".getBytes(StandardCharsets.UTF_8));
    List<ScheduleRow> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(aSchedule(tenant.id()).withUrl(receiver.url(i % 5 == 0 ? "/odd" : "/ok")).build());
    }
    schedules.insert(rows);
    ExecutorNode node = nodes.start("odd");

    await().atMost(WAIT).until(() -> count("state = 'COMPLETED'") == rows.size());
    await().atMost(WAIT).until(() -> node.inFlight() == 0);

    Figures f = figures(rows);
    f.print("answers with NUL and binary bytes, 10 of 50");
    assertThat(f.delivered).isEqualTo(rows.size());
    assertThat(f.duplicates).isZero();
    assertThat(f.failedAttempts).isZero();
    ExecutionRow odd = executions.listForSchedule(tenant.id(), rows.get(0).id(), null, 1).get(0);
    assertThat(odd.responseExcerpt()).startsWith("ok\uFFFD").doesNotContain("\u0000");
  }

  @Test
  void aCompletionPostgresRefusesIsBuriedWithTheReasonAndTheRestOfItsBatchIsStored() {
    // The next occurrence of this schedule lies past the largest time PostgreSQL can store.
    ScheduleRow refused =
        aSchedule(tenant.id())
            .every(Duration.ofDays(365L * 400_000))
            .withUrl(receiver.url("/far"))
            .build();
    List<ScheduleRow> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(aSchedule(tenant.id()).withUrl(receiver.url("/near")).build());
    }
    rows.add(10, refused);
    schedules.insert(rows);
    ExecutorNode node = nodes.start("refused");

    await().atMost(WAIT).until(() -> count("state = 'COMPLETED'") == 20);
    await().atMost(WAIT).until(() -> state(refused) == ScheduleState.DEAD);
    await().atMost(WAIT).until(() -> node.inFlight() == 0);

    ScheduleRow dead = stored(refused);
    assertThat(dead.lastRun().error()).startsWith("could not store what follows");
    assertThat(executions.listForSchedule(tenant.id(), refused.id(), null, 10))
        .singleElement()
        .satisfies(e -> assertThat(e.error()).startsWith("could not store what follows"));
    assertThat(receiver.requests()).hasSize(21);
    System.out.printf(
        "refused completion: 21 delivered, 20 completed, 1 buried (%s)%n", dead.lastRun().error());
  }

  @Test
  void editsPausesAndDeletesInsideTheLookAheadWinWithOrWithoutTheNotification() {
    ExecutorNode node = nodes.start(settings("ahead", 50, Duration.ofSeconds(10)), ds);
    Instant due = Fixtures.now().plusSeconds(4);
    List<ScheduleRow> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(aSchedule(tenant.id()).withUrl(receiver.url("/ahead")).dueAt(due).build());
    }
    schedules.insert(rows);
    await().atMost(WAIT).until(() -> node.inFlight() == rows.size());

    Edits edits = new Edits(ds);
    Instant newDue = due.plusSeconds(1);
    Map<UUID, UUID> rescheduled = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      ScheduleRow row = rows.get(i);
      boolean announce = i % 2 == 0; // half through the notification, half by the fence alone
      switch (i % 6) {
        case 0, 1 -> rescheduled.put(row.id(), edits.reschedule(row.id(), newDue, announce));
        case 2, 3 -> edits.pause(row.id(), announce);
        default -> edits.delete(row.id(), announce);
      }
    }

    await().atMost(WAIT).until(() -> receiver.requests().size() >= rescheduled.size());
    await().atMost(WAIT).until(() -> node.inFlight() == 0);
    letTheLoopTurn(node, 5);

    Map<String, Long> byId =
        receiver.requests().stream()
            .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
    Set<String> newIds =
        rescheduled.values().stream().map(UUID::toString).collect(Collectors.toSet());
    long oldVersionsSent =
        rows.stream().filter(r -> byId.containsKey(r.pending().executionId().toString())).count();
    System.out.printf(
        "edits inside the look-ahead: 60 claimed ahead, 20 rescheduled, 20 paused, 20 deleted;"
            + " old versions sent %d, new versions sent %d (each %s), requests %d%n",
        oldVersionsSent, newIds.size(), byId.values().stream().distinct().toList(), byId.size());
    assertThat(oldVersionsSent).isZero();
    assertThat(byId.keySet()).isEqualTo(newIds);
    assertThat(byId.values()).allMatch(n -> n == 1);
    assertThat(receiver.requests())
        .allSatisfy(r -> assertThat(r.arrival()).isAfterOrEqualTo(newDue));
  }

  @Test
  void afterDowntimeARecurringScheduleFiresOneCatchUpForTheLatestMissedOccurrence() {
    Instant t0 = Fixtures.now();
    MovedClock clock = new MovedClock(t0);
    try (Nodes moved = new Nodes(vertx, ds, clock)) {
      ScheduleRow row =
          aSchedule(tenant.id())
              .dueAt(t0)
              .every(Duration.ofMinutes(1))
              .withUrl(receiver.url("/cadence"))
              .build();
      schedules.insert(row);
      // The executors were down for five and a half minutes: six occurrences missed.
      clock.advance(Duration.ofMinutes(5).plusSeconds(30));
      ExecutorNode node = moved.start(Nodes.settings("after-downtime", true, Duration.ZERO), ds);

      await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
      await()
          .atMost(WAIT)
          .until(() -> t0.plusSeconds(360).equals(stored(row).pending().nextFireAt()));
      letTheLoopTurn(node, 5);

      assertThat(receiver.requests()).hasSize(1);
      assertThat(receiver.requests().get(0).header("Scheduleman-Scheduled-For"))
          .isEqualTo(t0.plusSeconds(300).toString());
      clock.advance(Duration.ofSeconds(30));
      await().atMost(WAIT).until(() -> receiver.requests().size() == 2);
      assertThat(receiver.requests().get(1).header("Scheduleman-Scheduled-For"))
          .isEqualTo(t0.plusSeconds(360).toString());
      System.out.println(
          "catch-up after 5.5 min down: 1 delivery for "
              + t0.plusSeconds(300)
              + ", then the cadence at "
              + t0.plusSeconds(360));
    }
  }

  /** What a scenario delivered, as the receiver and the history saw it. */
  record Figures(
      int delivered, int duplicates, long failedAttempts, long early, Duration worstLateness) {

    void print(String scenario) {
      System.out.printf(
          "%s: delivered %d, duplicates %d, failed attempts %d, early %d, worst lateness %d ms%n",
          scenario, delivered, duplicates, failedAttempts, early, worstLateness.toMillis());
    }
  }

  private Figures figures(List<ScheduleRow> rows) {
    Map<String, AtomicInteger> byId = receiver.byId();
    Map<String, Instant> due =
        rows.stream()
            .collect(
                Collectors.toMap(
                    r -> r.pending().executionId().toString(), r -> r.pending().nextFireAt()));
    int duplicates = byId.values().stream().mapToInt(n -> n.get() - 1).sum();
    long early = 0;
    Duration worst = Duration.ZERO;
    for (Receiver.Request r : receiver.requests()) {
      Instant at = due.get(r.header("webhook-id"));
      if (at == null) {
        continue;
      }
      Duration late = Duration.between(at, r.arrival());
      if (late.isNegative()) {
        early++;
      } else if (late.compareTo(worst) > 0) {
        worst = late;
      }
    }
    return new Figures(
        (int)
            rows.stream()
                .filter(r -> byId.containsKey(r.pending().executionId().toString()))
                .count(),
        duplicates,
        countExecutions("outcome = 'FAILED'"),
        early,
        worst);
  }

  private long countExecutions(String where) {
    return query("SELECT count(*) FROM execution WHERE " + where);
  }

  private long count(String where) {
    return query("SELECT count(*) FROM schedule WHERE " + where);
  }

  private long query(String sql) {
    try (var c = ds.getConnection();
        var s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void letTheLoopTurn(ExecutorNode node, int times) {
    long from = node.loop().turns();
    await().atMost(WAIT).until(() -> node.loop().turns() >= from + times);
  }

  private ScheduleRow stored(ScheduleRow row) {
    return schedules.find(tenant.id(), ScheduleKey.byId(row.id())).orElseThrow();
  }

  private ScheduleState state(ScheduleRow row) {
    return stored(row).state();
  }
}
