package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application as deployed: its executor claims and fires, and shows it in metrics and health.
 */
@QuarkusTest
@TestProfile(ExecutorApplicationTest.Claiming.class)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class ExecutorApplicationTest {

  public static class Claiming implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "scheduleman.executor.enabled", "true",
          "scheduleman.executor.id", "app-under-test",
          "scheduleman.executor.poll-interval", "50ms");
    }
  }

  @Test
  void firesADueTriggerAndReportsItInMetricsAndHealth() throws Exception {
    TestDatabase db = TestDatabase.shared();
    db.truncateAll();
    TenantRow tenant = aTenant();
    new TenantRepository(db.dataSource()).insert(tenant);
    Vertx vertx = Vertx.vertx();
    try (Receiver receiver = new Receiver(vertx)) {
      ScheduleRow row = aSchedule(tenant.id()).withUrl(receiver.url("/app")).build();
      new ScheduleRepository(db.dataSource()).insert(row);

      await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() == 1);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  given()
                      .get("/q/metrics")
                      .then()
                      .statusCode(200)
                      .body(
                          containsString(
                              "scheduleman_triggers_fired_total{outcome=\"succeeded\"} 1.0"))
                      .body(containsString("scheduleman_trigger_lateness_seconds_bucket"))
                      .body(containsString("scheduleman_claim_batch_size_count"))
                      .body(containsString("scheduleman_due_backlog"))
                      .body(containsString("scheduleman_inflight")));
      given()
          .get("/q/health/live")
          .then()
          .statusCode(200)
          .body("status", equalTo("UP"))
          .body("checks.name", hasItem("claim-loop"));
    } finally {
      vertx.close();
    }
  }
}
