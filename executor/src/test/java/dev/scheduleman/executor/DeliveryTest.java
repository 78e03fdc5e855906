package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.webhook.WebhookVerifier;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.PendingTrigger;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One executor against real PostgreSQL and a real local HTTP receiver. */
class DeliveryTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
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

  @Test
  void dueOneOffFiresOnceWithSignedHeadersAndCompletes() {
    ScheduleRow row =
        aSchedule(tenant.id())
            .withUrl(receiver.url("/hooks/a"))
            .dueIn(Duration.ofMillis(800))
            .build();
    schedules.insert(row);
    nodes.start("executor-1");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);

    assertThat(receiver.requests()).hasSize(1);
    Receiver.Request request = receiver.requests().get(0);
    assertThat(request.path()).isEqualTo("/hooks/a");
    assertThat(request.header("webhook-id")).isEqualTo(row.pending().executionId().toString());
    assertThat(request.header("Scheduleman-Schedule-Id")).isEqualTo(row.id().toString());
    assertThat(request.header("Scheduleman-Scheduled-For"))
        .isEqualTo(row.pending().scheduledFor().toString());
    assertThat(request.header("Scheduleman-Attempt")).isEqualTo("1");
    assertThat(request.header("User-Agent")).startsWith("Scheduleman/");
    assertThat(request.arrival()).isAfterOrEqualTo(row.pending().nextFireAt().minusMillis(50));
    Map<String, List<String>> headers =
        request.headers().entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    assertThat(new WebhookVerifier(tenant.signingSecret()).verify(headers, request.body()))
        .isEmpty();

    List<ExecutionRow> history = executions.listForSchedule(tenant.id(), row.id(), null, 10);
    assertThat(history)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.SUCCEEDED);
              assertThat(e.httpStatus()).isEqualTo(200);
              assertThat(e.executor()).isEqualTo("executor-1");
              assertThat(e.responseExcerpt()).isEqualTo("ok 200");
            });
  }

  @Test
  void recurringScheduleArmsItsNextOccurrenceUnderANewExecutionId() {
    ScheduleRow row =
        aSchedule(tenant.id()).every(Duration.ofSeconds(1)).withUrl(receiver.url("/tick")).build();
    schedules.insert(row);
    nodes.start("executor-1");

    await().atMost(WAIT).until(() -> receiver.requests().size() >= 3);

    List<String> ids = receiver.requests().stream().map(r -> r.header("webhook-id")).toList();
    assertThat(ids).doesNotHaveDuplicates();
    ScheduleRow now = schedules.findById(tenant.id(), row.id()).orElseThrow();
    assertThat(now.state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(now.lastRun().outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void failingTargetIsRetriedWithBackoffThenDiesAndARearmedTriggerFiresUnderTheSameId() {
    receiver.answerWith(503);
    RetryPolicy retry =
        new RetryPolicy(3, Duration.ofMillis(300), Duration.ofMillis(600), OnExhausted.DEAD);
    ScheduleRow row =
        aSchedule(tenant.id()).withUrl(receiver.url("/flaky")).withRetry(retry).build();
    schedules.insert(row);
    nodes.start("executor-1");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.DEAD);

    List<ExecutionRow> attempts =
        executions.listForSchedule(tenant.id(), row.id(), null, 10).stream()
            .sorted(java.util.Comparator.comparingInt(ExecutionRow::attempt))
            .toList();
    assertThat(attempts).extracting(ExecutionRow::attempt).containsExactly(1, 2, 3);
    assertThat(attempts)
        .allSatisfy(
            a -> {
              assertThat(a.executionId()).isEqualTo(row.pending().executionId());
              assertThat(a.error()).isEqualTo("HTTP 503");
            });
    assertThat(attempts).extracting(ExecutionRow::exhausted).containsExactly(false, false, true);
    for (int i = 1; i < attempts.size(); i++) {
      Duration gap = Duration.between(attempts.get(i - 1).firedAt(), attempts.get(i).firedAt());
      // Backoff after the n-th failure lies in [min, min * 2^(n-1)] capped at max; the upper
      // bound here leaves room for polling and a busy machine.
      assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(gap).isLessThan(Duration.ofMillis(600).plusSeconds(3));
    }
    assertThat(executions.deadLetters(tenant.id(), null, 10)).hasSize(1);

    receiver.answerWith(200);
    // What POST /schedules/{id}/rearm does: the same trigger, due now, fresh attempts.
    db.execute(
        "UPDATE schedule SET state = 'ACTIVE', next_fire_at = now(), attempt = 0"
            + " WHERE id = '"
            + row.id()
            + "'");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);
    assertThat(receiver.count(row.pending().executionId().toString())).isEqualTo(4);
  }

  @Test
  void triggerAbandonedByADeadExecutorIsFiredByAnotherAfterItsLeaseWithTheSameWebhookId() {
    Instant leaseEnd = Instant.now().plusMillis(1500);
    ScheduleRow row =
        aSchedule(tenant.id())
            .withUrl(receiver.url("/recovered"))
            .dueIn(Duration.ofMillis(-500))
            .leasedTo("executor-that-crashed", leaseEnd)
            .build();
    schedules.insert(row);
    nodes.start("executor-2");

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.COMPLETED);

    Receiver.Request request = receiver.requests().get(0);
    assertThat(request.arrival()).isAfter(leaseEnd.minusMillis(100));
    assertThat(request.header("webhook-id")).isEqualTo(row.pending().executionId().toString());
    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 10))
        .extracting(ExecutionRow::executor)
        .containsExactly("executor-2");
  }

  @Test
  void scheduleEditedWhileItsWebhookIsInFlightKeepsTheEdit() {
    receiver.delay(1500);
    ScheduleRow row =
        aSchedule(tenant.id()).every(Duration.ofMinutes(1)).withUrl(receiver.url("/slow")).build();
    schedules.insert(row);
    nodes.start("executor-1");
    await().atMost(WAIT).until(() -> receiver.requests().size() == 1);

    // What the API does when the spec changes: a new trigger under a new execution id, no lease.
    ScheduleRow current = schedules.findById(tenant.id(), row.id()).orElseThrow();
    Instant newFire =
        Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    ScheduleRow edited =
        new ScheduleRow(
            current.id(),
            current.tenantId(),
            current.name(),
            "edited",
            current.labels(),
            SpecColumns.of(new EverySpec(Duration.ofHours(2), newFire)),
            current.target(),
            current.retry(),
            ScheduleState.ACTIVE,
            PendingTrigger.fresh(newFire, newFire, Ids.newId()),
            current.lastRun(),
            current.version() + 1,
            current.createdAt(),
            Instant.now());
    assertThat(schedules.update(edited, current.version())).isTrue();

    await()
        .atMost(WAIT)
        .until(() -> !executions.listForSchedule(tenant.id(), row.id(), null, 10).isEmpty());
    // The attempt is appended in the transaction of the (guarded, here refused) completion.

    ScheduleRow after = schedules.findById(tenant.id(), row.id()).orElseThrow();
    assertThat(after.pending().executionId()).isEqualTo(edited.pending().executionId());
    assertThat(after.pending().nextFireAt()).isEqualTo(newFire);
    assertThat(after.description()).isEqualTo("edited");
  }

  @Test
  void poisonedRowBecomesADeadLetterWithItsReasonInsteadOfBlockingTheQueue() {
    ScheduleRow poisoned =
        aSchedule(tenant.id())
            .withCron("* * * * *", "UTC")
            .dueIn(Duration.ofMillis(-100))
            .withUrl(receiver.url("/never"))
            .build();
    ScheduleRow healthy = aSchedule(tenant.id()).withUrl(receiver.url("/fine")).build();
    schedules.insert(List.of(poisoned, healthy));
    db.execute(
        "UPDATE schedule SET timezone = 'Mars/Olympus_Mons' WHERE id = '" + poisoned.id() + "'");
    nodes.start("executor-1");

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
            .withUrl(receiver.url("/internal"))
            .withRetry(
                new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), OnExhausted.DEAD))
            .build();
    schedules.insert(row);
    nodes.start(Nodes.settings("executor-strict", false), ds);

    await().atMost(WAIT).until(() -> state(row) == ScheduleState.DEAD);

    assertThat(receiver.requests()).isEmpty();
    assertThat(executions.listForSchedule(tenant.id(), row.id(), null, 1).get(0).error())
        .startsWith("target refused");
  }

  @Test
  void connectionRefusedAndTimeoutsAreFailuresWithAReadableReason() {
    receiver.delay(2000);
    RetryPolicy once =
        new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), OnExhausted.DEAD);
    ScheduleRow slow =
        aSchedule(tenant.id())
            .withTarget(
                new dev.scheduleman.sdk.model.Target(
                    receiver.url("/slow"), "POST", Map.of(), "{}", Duration.ofMillis(300)))
            .withRetry(once)
            .build();
    ScheduleRow refused =
        aSchedule(tenant.id())
            .withUrl("http://127.0.0.1:9/nothing-listens")
            .withRetry(once)
            .build();
    schedules.insert(List.of(slow, refused));
    nodes.start("executor-1");

    await()
        .atMost(WAIT)
        .until(() -> state(slow) == ScheduleState.DEAD && state(refused) == ScheduleState.DEAD);

    assertThat(lastError(slow)).isEqualTo("timed out after 300ms");
    assertThat(lastError(refused)).startsWith("connection refused");
  }

  @Test
  void stoppingReleasesTriggersClaimedAheadOfTheirDueTime() {
    ScheduleRow row =
        aSchedule(tenant.id())
            .withUrl(receiver.url("/later"))
            .dueIn(Duration.ofMillis(1800))
            .build();
    schedules.insert(row);
    ExecutorNode node = nodes.start("executor-1");
    await().atMost(WAIT).until(() -> node.inFlight() == 1);

    nodes.stop(node);

    ScheduleRow after = schedules.findById(tenant.id(), row.id()).orElseThrow();
    assertThat(after.pending().leaseOwner()).isNull();
    assertThat(after.state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(receiver.requests()).isEmpty();
  }

  private String lastError(ScheduleRow row) {
    return executions.listForSchedule(tenant.id(), row.id(), null, 1).get(0).error();
  }

  private ScheduleState state(ScheduleRow row) {
    return schedules.findById(tenant.id(), row.id()).orElseThrow().state();
  }
}
