package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.cronSchedule;
import static dev.scheduleman.api.Api.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import dev.scheduleman.storage.trigger.TriggerChanges;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** State changes of a schedule and what they do to its pending trigger. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class LifecycleTest {

  private final TestDatabase db = TestDatabase.shared();
  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  @Test
  void pauseDropsTheTriggerAndResumeArmsTheNextOccurrence() {
    String id = create(key, cronSchedule("p"));
    as(key)
        .post("/api/v1/schedules/" + id + "/pause")
        .then()
        .statusCode(200)
        .body("state", equalTo("PAUSED"))
        .body("nextFireAt", nullValue());
    as(key)
        .post("/api/v1/schedules/" + id + "/pause")
        .then()
        .statusCode(200)
        .body("state", equalTo("PAUSED"));
    as(key)
        .post("/api/v1/schedules/" + id + "/trigger")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    as(key)
        .post("/api/v1/schedules/" + id + "/resume")
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVE"))
        .body("nextFireAt", not(nullValue()));
    as(key).post("/api/v1/schedules/" + id + "/rearm").then().statusCode(409);
  }

  @Test
  void triggerFiresNowWithANewExecutionIdAndKeepsTheCadence() {
    String id = create(key, cronSchedule("t"));
    Trigger before = trigger(id);

    String nextFireAt =
        as(key)
            .post("/api/v1/schedules/" + id + "/trigger")
            .then()
            .statusCode(202)
            .extract()
            .path("nextFireAt");

    Trigger after = trigger(id);
    assertThat(Instant.parse(nextFireAt)).isBefore(before.nextFireAt);
    assertThat(after.executionId).isNotEqualTo(before.executionId);
    assertThat(after.scheduledFor).isEqualTo(after.nextFireAt);
  }

  @Test
  void deadScheduleIsRearmedWithTheSameExecutionIdAndByAnUpdate() {
    String id = create(key, cronSchedule("d"));
    Trigger armed = trigger(id);
    kill(id);

    as(key).get("/api/v1/schedules/" + id).then().body("state", equalTo("DEAD"));
    as(key).post("/api/v1/schedules/" + id + "/trigger").then().statusCode(409);
    as(key)
        .post("/api/v1/schedules/" + id + "/rearm")
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVE"));
    Trigger rearmed = trigger(id);
    assertThat(rearmed.executionId).isEqualTo(armed.executionId);
    assertThat(rearmed.attempt).isZero();
    assertThat(rearmed.nextFireAt).isBefore(armed.nextFireAt);

    kill(id);
    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"fixed\"}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVE"));
  }

  @Test
  void updateWhileLeasedReplacesTheTriggerOnlyWhenTheSpecChangesAndTellsTheLeaseHolder()
      throws Exception {
    String id = create(key, cronSchedule("leased"));
    String token = UUID.randomUUID().toString();
    db.execute(
        "UPDATE schedule SET lease_owner = 'executor-1', lease_until = now() + interval '1 minute',"
            + " lease_token = '"
            + token
            + "' WHERE id = '"
            + id
            + "'");
    Trigger leased = trigger(id);
    try (Connection listener = db.dataSource().getConnection()) {
      TriggerChanges.listen(listener);
      PGConnection pg = listener.unwrap(PGConnection.class);

      as(key)
          .contentType("application/merge-patch+json")
          .body("{\"description\": \"text only\"}")
          .patch("/api/v1/schedules/" + id)
          .then()
          .statusCode(200);
      Trigger kept = trigger(id);
      assertThat(kept.executionId).isEqualTo(leased.executionId);
      assertThat(kept.leaseOwner).isEqualTo("executor-1");
      // A refused write announces nothing either.
      as(key)
          .contentType("application/merge-patch+json")
          .body("{\"schedule\": {\"cron\": \"61 * * * *\"}}")
          .patch("/api/v1/schedules/" + id)
          .then()
          .statusCode(422);
      assertThat(pg.getNotifications(300))
          .as("the trigger and its lease were kept")
          .isNullOrEmpty();

      as(key)
          .contentType("application/merge-patch+json")
          .body("{\"schedule\": {\"cron\": \"0 4 * * *\"}}")
          .patch("/api/v1/schedules/" + id)
          .then()
          .statusCode(200);
      Trigger replaced = trigger(id);
      // The executor's completion is guarded by execution id and its claim's token: it now
      // matches nothing, and the lease holder hears at once that its trigger is gone.
      assertThat(replaced.executionId).isNotEqualTo(leased.executionId);
      assertThat(replaced.leaseOwner).isNull();
      PGNotification[] heard = pg.getNotifications(5_000);
      assertThat(heard).hasSize(1);
      TriggerChanges.Change change =
          TriggerChanges.Change.parse(heard[0].getParameter()).orElseThrow();
      assertThat(change.leaseOwner()).isEqualTo("executor-1");
      assertThat(change.leaseToken()).hasToString(token);
    }
    int completed =
        db.update(
            "UPDATE schedule SET state = 'COMPLETED', next_fire_at = NULL WHERE id = '"
                + id
                + "' AND execution_id = '"
                + leased.executionId
                + "' AND lease_token = '"
                + token
                + "'");
    assertThat(completed).isZero();
  }

  @Test
  void twoConcurrentConditionalWritesOfOneVersionLetOneWinAndTheOtherGet412() throws Exception {
    String id = create(key, cronSchedule("race"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Integer>> writers = new ArrayList<>();
      for (String description : List.of("first", "second")) {
        writers.add(
            () ->
                as(key)
                    .header("If-Match", "\"1\"")
                    .contentType("application/merge-patch+json")
                    .body("{\"description\": \"" + description + "\"}")
                    .patch("/api/v1/schedules/" + id)
                    .statusCode());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(writers)) {
        statuses.add(f.get());
      }
      assertThat(statuses).containsExactlyInAnyOrder(200, 412);
    } finally {
      pool.shutdownNow();
    }
    as(key).get("/api/v1/schedules/" + id).then().header("ETag", "\"2\"");
  }

  @Test
  void idempotencyKeyReturnsTheFirstResultOnARetry() {
    String body = cronSchedule("once");
    String first =
        as(key)
            .header("Idempotency-Key", "req-42")
            .body(body)
            .post("/api/v1/schedules")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    as(key)
        .header("Idempotency-Key", "req-42")
        .body(body)
        .post("/api/v1/schedules")
        .then()
        .statusCode(201)
        .header("Idempotent-Replayed", "true")
        .body("id", equalTo(first));
    as(key)
        .header("Idempotency-Key", "req-42")
        .body(cronSchedule("another"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("Idempotency-Key"));
    as(key).get("/api/v1/schedules").then().body("items.size()", equalTo(1));

    // Another tenant's identical key is its own.
    String other = Api.newTenant();
    as(other)
        .header("Idempotency-Key", "req-42")
        .body(body)
        .post("/api/v1/schedules")
        .then()
        .statusCode(201)
        .body("id", not(equalTo(first)));

    as(key).delete("/api/v1/schedules/" + first).then().statusCode(204);
    as(key)
        .header("Idempotency-Key", "req-42")
        .body(body)
        .post("/api/v1/schedules")
        .then()
        .statusCode(409);
  }

  @Test
  void failedRequestDoesNotUseUpItsIdempotencyKey() {
    as(key)
        .header("Idempotency-Key", "retry-me")
        .body(schedule("fixed", "{\"cron\": \"99 * * * *\"}"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422);
    as(key)
        .header("Idempotency-Key", "retry-me")
        .body(cronSchedule("fixed"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(201);
  }

  private void kill(String id) {
    db.execute(
        "UPDATE schedule SET state = 'DEAD', next_fire_at = NULL, attempt = 5,"
            + " lease_owner = NULL, lease_until = NULL WHERE id = '"
            + id
            + "'");
  }

  private record Trigger(
      Instant nextFireAt, Instant scheduledFor, UUID executionId, int attempt, String leaseOwner) {}

  private Trigger trigger(String id) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT next_fire_at, scheduled_for, execution_id, attempt, lease_owner"
                    + " FROM schedule WHERE id = ?::uuid")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        java.sql.Timestamp next = r.getTimestamp(1);
        return new Trigger(
            next == null ? null : next.toInstant(),
            r.getTimestamp(2).toInstant(),
            r.getObject(3, UUID.class),
            r.getInt(4),
            r.getString(5));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
