package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Bounds;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.Window;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.sdk.webhook.WebhookVerifier;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.tasktype.TaskTypeRepository;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One executor against real PostgreSQL and a real local HTTP receiver, on a moved clock: the test
 * decides when a trigger is due, when a backoff has passed and when a lease has run out, and
 * nothing waits for real time except HTTP itself.
 */
class DeliveryTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static Vertx vertx;

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private final ExecutionRepository executions = new ExecutionRepository(ds);
  private TenantRow tenant;
  private Receiver receiver;
  private Instant t0;
  private MovedClock clock;
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
    t0 = Fixtures.now();
    clock = new MovedClock(t0);
    nodes = new Nodes(vertx, ds, clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    nodes.close();
    receiver.close();
  }

  private ExecutorNode start(String owner) {
    return nodes.start(Nodes.settings(owner, true, Duration.ZERO), ds);
  }

  /** Lets the claim loop look a few more times, so that "nothing fired" means something. */
  private static void letTheLoopTurn(ExecutorNode node, int times) {
    long from = node.loop().turns();
    await().atMost(WAIT).until(() -> node.loop().turns() >= from + times);
  }

  @Test
  void dueOneOffFiresOnceWithSignedHeadersAndCompletes() {
    ScheduleRow row = aSchedule(tenant.id()).withUrl(receiver.url("/hooks/a")).dueAt(t0).build();
    schedules.insert(row);
    start("executor-1");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);

    assertThat(receiver.requests()).hasSize(1);
    Receiver.Request request = receiver.requests().get(0);
    assertThat(request.path()).isEqualTo("/hooks/a");
    assertThat(request.header("webhook-id")).isEqualTo(row.pending().executionId().toString());
    assertThat(request.header("webhook-timestamp")).isEqualTo(Long.toString(t0.getEpochSecond()));
    assertThat(request.header("Scheduleman-Schedule-Id")).isEqualTo(row.id().toString());
    assertThat(request.header("Scheduleman-Scheduled-For")).isEqualTo(t0.toString());
    assertThat(request.header("Scheduleman-Attempt")).isEqualTo("1");
    assertThat(request.header("User-Agent")).startsWith("Scheduleman/");
    assertThat(request.header("Scheduleman-Task-Type")).isNull();
    Map<String, List<String>> headers =
        request.headers().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    assertThat(new WebhookVerifier(tenant.signingSecret()).verify(headers, request.body()))
        .isEmpty();

    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.SUCCEEDED);
              assertThat(e.httpStatus()).isEqualTo(200);
              assertThat(e.executor()).isEqualTo("executor-1");
              assertThat(e.firedAt()).isEqualTo(t0);
              assertThat(e.responseExcerpt()).isEqualTo("ok 200");
            });
  }

  @Test
  void aTypedScheduleNamesItsTaskTypeInEveryWebhook() {
    new TaskTypeRepository(ds).put(tenant.id(), "merge-pools", null, "{\"type\": \"object\"}", t0);
    ScheduleRow row =
        aSchedule(tenant.id())
            .withUrl(receiver.url("/hooks/typed"))
            .withTaskType("merge-pools")
            .dueAt(t0)
            .build();
    schedules.insert(row);
    start("executor-1");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);

    assertThat(receiver.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.header("Scheduleman-Task-Type")).isEqualTo("merge-pools"));
  }

  @Test
  void aTriggerDoesNotFireBeforeItsDueTime() {
    Instant due = t0.plusSeconds(30);
    ScheduleRow row = aSchedule(tenant.id()).withUrl(receiver.url("/later")).dueAt(due).build();
    schedules.insert(row);
    ExecutorNode node = start("executor-1");

    clock.advance(Duration.ofSeconds(29));
    letTheLoopTurn(node, 5);
    assertThat(receiver.requests()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);
    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 1).get(0).firedAt())
        .isEqualTo(due);
  }

  @Test
  void recurringScheduleArmsItsNextOccurrenceUnderANewExecutionId() {
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(t0)
            .every(Duration.ofSeconds(1))
            .withUrl(receiver.url("/tick"))
            .build();
    schedules.insert(row);
    start("executor-1");

    for (int n = 1; n <= 3; n++) {
      int expected = n;
      await().atMost(WAIT).until(() -> receiver.requests().size() == expected);
      await().atMost(WAIT).until(() -> pendingFireAt(row).equals(t0.plusSeconds(expected)));
      clock.advance(Duration.ofSeconds(1));
    }

    List<Receiver.Request> requests = receiver.requests();
    assertThat(requests).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
    assertThat(requests)
        .extracting(r -> r.header("Scheduleman-Scheduled-For"))
        .containsExactly(t0.toString(), t0.plusSeconds(1).toString(), t0.plusSeconds(2).toString());
    ScheduleRow now = stored(row);
    assertThat(now.state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(now.lastRun().outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void boundedIntervalSkipsItsExcludedDayAndCompletesAfterItsEnd() {
    Duration every = Duration.ofHours(6);
    LocalDate excluded = LocalDate.ofInstant(t0, ZoneOffset.UTC).plusDays(1);
    Instant endAt =
        excluded.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(7 * 3600);
    // Worked out here by hand, not by the code under test: every 6 h from t0 up to endAt, except
    // the occurrences whose UTC date is the excluded one.
    List<Instant> expected = new ArrayList<>();
    for (Instant at = t0; !at.isAfter(endAt); at = at.plus(every)) {
      if (!LocalDate.ofInstant(at, ZoneOffset.UTC).equals(excluded)) {
        expected.add(at);
      }
    }
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(t0)
            .withSpec(
                BoundedSpec.of(
                    new EverySpec(every, t0),
                    Bounds.of(null, endAt, List.of(excluded), ZoneOffset.UTC)))
            .withUrl(receiver.url("/bounded"))
            .build();
    schedules.insert(row);
    ExecutorNode node = start("executor-1");

    for (int n = 1; n <= expected.size(); n++) {
      int fired = n;
      await().atMost(WAIT).until(() -> receiver.requests().size() == fired);
      if (n < expected.size()) {
        Instant next = expected.get(n);
        await().atMost(WAIT).until(() -> pendingFireAt(row).equals(next));
        clock.advance(Duration.between(clock.instant(), next));
      }
    }
    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);
    clock.advance(Duration.ofDays(2));
    letTheLoopTurn(node, 5);

    assertThat(receiver.requests())
        .extracting(r -> r.header("Scheduleman-Scheduled-For"))
        .containsExactlyElementsOf(expected.stream().map(Instant::toString).toList());
    assertThat(stored(row).pending().nextFireAt()).isNull();
  }

  /**
   * Executors were down for ten minutes under an every-minute schedule of each misfire policy: what
   * each fires when an executor comes back (20 s after the latest occurrence), then on time again.
   */
  @Test
  void afterDowntimeEachMisfirePolicyFiresWhatItSays() {
    Instant start = t0.minus(Duration.ofMinutes(10));
    Duration minute = Duration.ofMinutes(1);
    ScheduleRow latest = missed(start, Misfire.DEFAULT, "/latest");
    ScheduleRow skip =
        missed(start, new Misfire(Misfire.Policy.SKIP, Duration.ofSeconds(10), 100), "/skip");
    ScheduleRow all =
        missed(start, new Misfire(Misfire.Policy.ALL, Duration.ofSeconds(10), 5), "/all");
    clock.advance(Duration.ofSeconds(20));
    start("executor-1");

    Instant next = t0.plus(minute);
    await()
        .atMost(WAIT)
        .until(
            () ->
                pendingFireAt(latest).equals(next)
                    && pendingFireAt(skip).equals(next)
                    && pendingFireAt(all).equals(next));
    assertThat(scheduledFor("/latest")).containsExactly(t0.toString());
    assertThat(scheduledFor("/skip")).isEmpty();
    // The five latest of the eleven missed, oldest first, each under its own id.
    assertThat(scheduledFor("/all"))
        .containsExactly(
            t0.minus(minute.multipliedBy(4)).toString(),
            t0.minus(minute.multipliedBy(3)).toString(),
            t0.minus(minute.multipliedBy(2)).toString(),
            t0.minus(minute).toString(),
            t0.toString());
    assertThat(receiver.requests()).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
    // A skipped occurrence was not sent: no attempt in its history, no last run.
    assertThat(executions.listForSchedule(tenant.id(), skip.id(), null, 10)).isEmpty();
    assertThat(stored(skip).lastRun()).isNull();

    // Back on time: each fires its next occurrence once.
    clock.advance(Duration.ofMinutes(1).minusSeconds(20));
    await().atMost(WAIT).until(() -> receiver.requests().size() == 1 + 5 + 3);
    for (String path : List.of("/latest", "/skip", "/all")) {
      assertThat(scheduledFor(path)).as(path).endsWith(next.toString());
    }
  }

  private ScheduleRow missed(Instant start, Misfire misfire, String path) {
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(start)
            .withSpec(
                BoundedSpec.of(
                    new EverySpec(Duration.ofMinutes(1), start),
                    Bounds.of(null, null, List.of(), ZoneOffset.UTC),
                    misfire))
            .withUrl(receiver.url(path))
            .build();
    schedules.insert(row);
    return row;
  }

  private List<String> scheduledFor(String path) {
    return receiver.requests().stream()
        .filter(r -> r.path().equals(path))
        .map(r -> r.header("Scheduleman-Scheduled-For"))
        .toList();
  }

  /**
   * An hourly schedule with a 10-minute window: each request carries its nominal occurrence and the
   * instant it was planned for, and the next occurrence is armed at its planned instant.
   */
  @Test
  void aWindowedScheduleIsArmedAtItsPlannedInstantAndSaysSo() {
    Duration hour = Duration.ofHours(1);
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(t0)
            .every(hour)
            .withWindow(Duration.ofMinutes(10))
            .withUrl(receiver.url("/window"))
            .build();
    schedules.insert(row);
    Window window = Window.of(Duration.ofMinutes(10), row.id());
    start("executor-1");

    Instant next = t0.plus(hour);
    await().atMost(WAIT).until(() -> pendingFireAt(row).equals(window.plan(next)));
    Receiver.Request first = receiver.requests().get(0);
    assertThat(first.header("Scheduleman-Scheduled-For")).isEqualTo(t0.toString());
    assertThat(first.header("Scheduleman-Planned-For")).isEqualTo(window.plan(t0).toString());
    assertThat(stored(row).pending().scheduledFor()).isEqualTo(next);
    assertThat(window.plan(next)).isBetween(next, next.plus(Duration.ofMinutes(10)));

    clock.advance(Duration.between(clock.instant(), window.plan(next)));
    await().atMost(WAIT).until(() -> receiver.requests().size() == 2);
    Receiver.Request second = receiver.requests().get(1);
    assertThat(second.header("Scheduleman-Scheduled-For")).isEqualTo(next.toString());
    assertThat(second.header("Scheduleman-Planned-For")).isEqualTo(window.plan(next).toString());
    assertThat(second.header("webhook-timestamp"))
        .isEqualTo(Long.toString(window.plan(next).getEpochSecond()));
  }

  @Test
  void failingTargetIsRetriedWithBackoffThenDiesAndARearmedTriggerFiresUnderTheSameId() {
    receiver.answerWith(503);
    RetryPolicy retry =
        new RetryPolicy(3, Duration.ofMillis(300), Duration.ofMillis(600), OnExhausted.DEAD);
    ScheduleRow row =
        aSchedule(tenant.id()).dueAt(t0).withUrl(receiver.url("/flaky")).withRetry(retry).build();
    schedules.insert(row);
    start("executor-1");

    for (int attempt = 1; attempt <= 2; attempt++) {
      int made = attempt;
      await().atMost(WAIT).until(() -> stored(row).pending().attempt() == made);
      // The backoff after the n-th failure lies in [min, min * 2^(n-1)], capped at max.
      Instant fired = clock.instant();
      Instant next = stored(row).pending().nextFireAt();
      assertThat(Duration.between(fired, next))
          .isBetween(Duration.ofMillis(300), Duration.ofMillis(Math.min(600, 300L << (made - 1))));
      clock.advance(Duration.between(fired, next));
    }
    await().atMost(WAIT).until(() -> state(row) == ScheduleState.DEAD);

    List<ExecutionRow> attempts =
        executions.listForSchedule(tenant.id(), row.id(), null, 10).stream()
            .sorted(Comparator.comparingInt(ExecutionRow::attempt))
            .toList();
    assertThat(attempts).extracting(ExecutionRow::attempt).containsExactly(1, 2, 3);
    assertThat(attempts)
        .allSatisfy(
            a -> {
              assertThat(a.executionId()).isEqualTo(row.pending().executionId());
              assertThat(a.error()).isEqualTo("HTTP 503");
            });
    assertThat(attempts).extracting(ExecutionRow::exhausted).containsExactly(false, false, true);
    assertThat(executions.deadLetters(tenant.id(), null, 10)).hasSize(1);

    receiver.answerWith(200);
    rearm(row);

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);
    assertThat(receiver.count(row.pending().executionId().toString())).isEqualTo(4);
  }

  @Test
  void retryAfterOfA503Or429SetsTheNextAttemptCappedByMaxBackoffAndIsRecorded() {
    RetryPolicy retry =
        new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10), OnExhausted.DEAD);
    // 1: 503 "in 2 s"; 2: 429 at an HTTP date a minute on (capped at 10 s); 3: a 500's
    // Retry-After is not the kind that counts; 4: success.
    Instant asked = t0.plusSeconds(60 + 2).truncatedTo(ChronoUnit.SECONDS); // a date has seconds
    receiver.answerWith(
        r ->
            switch (r.header("scheduleman-attempt")) {
              case "1" -> 503;
              case "2" -> 429;
              case "3" -> 500;
              default -> 200;
            });
    receiver.answerHeaders(
        r ->
            switch (r.header("scheduleman-attempt")) {
              case "1" -> Map.of("Retry-After", "2");
              case "2" ->
                  Map.of(
                      "Retry-After",
                      DateTimeFormatter.RFC_1123_DATE_TIME.format(asked.atZone(ZoneOffset.UTC)));
              case "3" -> Map.of("Retry-After", "30");
              default -> Map.of();
            });
    ScheduleRow row =
        aSchedule(tenant.id()).dueAt(t0).withUrl(receiver.url("/busy")).withRetry(retry).build();
    schedules.insert(row);
    start("executor-1");

    List<Duration> waits = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      int made = attempt;
      await().atMost(WAIT).until(() -> stored(row).pending().attempt() == made);
      Instant fired = clock.instant();
      Duration wait = Duration.between(fired, stored(row).pending().nextFireAt());
      waits.add(wait);
      clock.advance(wait);
    }
    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);

    // To the second the receiver asked; a date beyond maxBackoff waits maxBackoff; a 500's
    // Retry-After changes nothing (the backoff after a third failure is at most 100 ms * 2^2).
    assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(waits.get(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(waits.get(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(400));
    List<ExecutionRow> attempts =
        executions.listForSchedule(tenant.id(), row.id(), null, 10).stream()
            .sorted(Comparator.comparingInt(ExecutionRow::attempt))
            .toList();
    assertThat(attempts).extracting(ExecutionRow::httpStatus).containsExactly(503, 429, 500, 200);
    assertThat(attempts)
        .extracting(ExecutionRow::retryAfter)
        .containsExactly(t0.plusSeconds(2), asked, null, null);
  }

  @Test
  void triggerAbandonedByADeadExecutorIsFiredByAnotherAfterItsLeaseWithTheSameWebhookId() {
    Instant leaseEnd = t0.plusSeconds(10);
    ScheduleRow row =
        aSchedule(tenant.id())
            .withUrl(receiver.url("/recovered"))
            .dueAt(t0.minusMillis(500))
            .leasedTo("executor-that-crashed", leaseEnd)
            .build();
    schedules.insert(row);
    ExecutorNode node = start("executor-2");

    letTheLoopTurn(node, 5);
    assertThat(receiver.requests()).isEmpty();
    clock.advance(Duration.ofSeconds(10).plusMillis(1));

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);
    assertThat(receiver.requests().get(0).header("webhook-id"))
        .isEqualTo(row.pending().executionId().toString());
    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.executor()).isEqualTo("executor-2");
              assertThat(e.firedAt()).isAfter(leaseEnd);
            });
  }

  @Test
  void scheduleEditedWhileItsWebhookIsInFlightKeepsTheEdit() {
    receiver.delay(1500);
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(t0)
            .every(Duration.ofMinutes(1))
            .withUrl(receiver.url("/slow"))
            .build();
    schedules.insert(row);
    start("executor-1");
    await().atMost(WAIT).until(() -> receiver.requests().size() == 1);

    // What the API does when the spec changes: a new trigger under a new execution id, no lease.
    ScheduleRow current = stored(row);
    Instant newStart = t0.plus(Duration.ofHours(2));
    EverySpec newSpec = new EverySpec(Duration.ofHours(2), newStart);
    Transition.Moved moved =
        (Transition.Moved)
            TriggerStateMachine.next(
                TriggerRules.of(newSpec, current.retry()),
                current.trigger(),
                TriggerEvent.UPDATE_NEW_SPEC,
                clock.instant(),
                new Random());
    ScheduleRow edited =
        new ScheduleRow(
            current.id(),
            current.tenantId(),
            current.name(),
            "edited",
            current.labels(),
            SpecColumns.of(newSpec),
            current.target(),
            current.retry(),
            current.priority(),
            moved.to().state(),
            moved.to().pending(),
            current.lastRun(),
            current.version() + 1,
            current.createdAt(),
            clock.instant());
    assertThat(schedules.update(edited, current.version())).isTrue();

    // The attempt is appended in the transaction of the (guarded, here refused) completion.
    await()
        .atMost(WAIT)
        .until(() -> !executions.listForSchedule(tenant.id(), row.id(), null, 10).isEmpty());
    ScheduleRow after = stored(row);
    assertThat(after.pending().executionId()).isEqualTo(edited.pending().executionId());
    assertThat(after.pending().nextFireAt()).isEqualTo(newStart);
    assertThat(after.description()).isEqualTo("edited");
  }

  @Test
  void poisonedRowBecomesADeadLetterWithItsReasonInsteadOfBlockingTheQueue() {
    ScheduleRow poisoned =
        aSchedule(tenant.id())
            .withCron("* * * * *", "UTC")
            .dueAt(t0.minusMillis(100))
            .withUrl(receiver.url("/never"))
            .build();
    ScheduleRow healthy = aSchedule(tenant.id()).dueAt(t0).withUrl(receiver.url("/fine")).build();
    schedules.insert(List.of(poisoned, healthy));
    db.execute(
        "UPDATE schedule SET timezone = 'Mars/Olympus_Mons' WHERE id = '" + poisoned.id() + "'");
    start("executor-1");

    await()
        .atMost(WAIT)
        .until(
            () ->
                state(poisoned) == ScheduleState.DEAD && state(healthy) == ScheduleState.COMPLETED);

    assertThat(receiver.requests()).extracting(Receiver.Request::path).containsExactly("/fine");
    assertThat(executions.deadLetters(tenant.id(), null, 10))
        .singleElement()
        .satisfies(d -> assertThat(d.lastAttempt().error()).contains("no longer parses"));
  }

  @Test
  void privateTargetIsRefusedAtFireTimeWhenNotAllowed() {
    ScheduleRow row =
        aSchedule(tenant.id())
            .dueAt(t0)
            .withUrl(receiver.url("/internal"))
            .withRetry(
                new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), OnExhausted.DEAD))
            .build();
    schedules.insert(row);
    nodes.start(Nodes.settings("executor-strict", false, Duration.ZERO), ds);

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.DEAD);

    assertThat(receiver.requests()).isEmpty();
    assertThat(lastError(row)).startsWith("target refused");
  }

  @Test
  void connectionRefusedAndTimeoutsAreFailuresWithAReadableReason() {
    receiver.delay(2000);
    RetryPolicy once =
        new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), OnExhausted.DEAD);
    ScheduleRow slow =
        aSchedule(tenant.id())
            .dueAt(t0)
            .withTarget(
                new Target(receiver.url("/slow"), "POST", Map.of(), "{}", Duration.ofMillis(300)))
            .withRetry(once)
            .build();
    ScheduleRow refused =
        aSchedule(tenant.id())
            .dueAt(t0)
            .withUrl("http://127.0.0.1:9/nothing-listens")
            .withRetry(once)
            .build();
    schedules.insert(List.of(slow, refused));
    start("executor-1");

    await()
        .atMost(WAIT)
        .until(() -> state(slow) == ScheduleState.DEAD && state(refused) == ScheduleState.DEAD);

    assertThat(lastError(slow)).isEqualTo("timed out after 300ms");
    assertThat(lastError(refused)).startsWith("connection refused");
  }

  @Test
  void stoppingReleasesTriggersClaimedAheadOfTheirDueTime() {
    ScheduleRow row =
        aSchedule(tenant.id()).withUrl(receiver.url("/later")).dueAt(t0.plusSeconds(30)).build();
    schedules.insert(row);
    // Claimed 30 s ahead on the moved clock: its timer would go off in 30 s of real time.
    ExecutorNode node = nodes.start(Nodes.settings("executor-1", true, Duration.ofMinutes(1)), ds);
    await().atMost(WAIT).until(() -> node.inFlight() == 1);

    nodes.stop(node);

    ScheduleRow after = stored(row);
    assertThat(after.pending().leaseOwner()).isNull();
    assertThat(after.state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(receiver.requests()).isEmpty();
  }

  /** What {@code POST /schedules/{id}/rearm} does, through the same state machine. */
  private void rearm(ScheduleRow row) {
    ScheduleRow dead = stored(row);
    Transition.Moved moved =
        (Transition.Moved)
            TriggerStateMachine.next(
                TriggerRules.of(dead.spec().toSpec(), dead.retry()),
                dead.trigger(),
                TriggerEvent.REARM,
                clock.instant(),
                new Random());
    assertThat(schedules.update(dead.moved(moved.to(), clock.instant()), dead.version())).isTrue();
  }

  private String lastError(ScheduleRow row) {
    return executions.listForSchedule(tenant.id(), row.id(), null, 1).get(0).error();
  }

  private ScheduleRow stored(ScheduleRow row) {
    return schedules.find(tenant.id(), ScheduleKey.byId(row.id())).orElseThrow();
  }

  private ScheduleState state(ScheduleRow row) {
    return stored(row).state();
  }

  private Instant pendingFireAt(ScheduleRow row) {
    Instant at = stored(row).pending().nextFireAt();
    return at == null ? Instant.EPOCH : at;
  }
}
