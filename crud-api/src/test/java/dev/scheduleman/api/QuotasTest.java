package dev.scheduleman.api;

import static dev.scheduleman.api.Api.ADMIN_KEY;
import static dev.scheduleman.api.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.scheduleman.api.Api.Tenant;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Tenant quotas: the admin sets them; schedule writes beyond {@code maxSchedules} or {@code
 * maxFiresPerMinute} are refused with a 422 that names the quota and says by how much, and write
 * nothing; requests beyond {@code apiRequestsPerSecond} get a 429 with {@code Retry-After}.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class QuotasTest {

  static Tenant newTenant() {
    return Api.newTenantWithId();
  }

  static void setQuotas(Tenant tenant, String quotas) {
    as(ADMIN_KEY)
        .body("{\"quotas\": " + quotas + "}")
        .patch("/api/v1/tenants/" + tenant.id())
        .then()
        .statusCode(200);
  }

  static String every(String name, String interval) {
    return Api.schedule(name, "{\"every\": \"" + interval + "\"}");
  }

  static int count(Tenant tenant) {
    return as(tenant.key())
        .get("/api/v1/quotas")
        .then()
        .statusCode(200)
        .extract()
        .path("schedules");
  }

  @Test
  void aCreateBeyondMaxSchedulesIsRefusedSayingByHowMuchAndWritesNothing() {
    Tenant t = newTenant();
    setQuotas(t, "{\"maxSchedules\": 3}");
    Api.create(t.key(), Api.cronSchedule("a"));
    Api.create(t.key(), Api.cronSchedule("b"));

    Response refused =
        as(t.key())
            .body("{\"items\": [" + Api.cronSchedule("c") + ", " + Api.cronSchedule("d") + "]}")
            .post("/api/v1/schedules/batch");
    refused
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("title", equalTo("Quota exceeded"))
        .body("errors[0].field", equalTo("quotas.maxSchedules"))
        .body(
            "detail",
            equalTo("the tenant may have 3 schedules; it has 2, and this request adds 2: 1 over"));
    assertThat(count(t)).isEqualTo(2);

    Api.create(t.key(), Api.cronSchedule("c"));
    as(t.key()).body(Api.cronSchedule("d")).post("/api/v1/schedules").then().statusCode(422);
    as(t.key())
        .body(Api.cronSchedule("e"))
        .put("/api/v1/schedules/by-name/e")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("quotas.maxSchedules"));
    // Replacing one it has adds none.
    as(t.key())
        .body(Api.schedule("a", "{\"cron\": \"0 4 * * *\"}"))
        .put("/api/v1/schedules/by-name/a")
        .then()
        .statusCode(200);
    assertThat(count(t)).isEqualTo(3);

    // Another tenant is not limited by it.
    Tenant other = newTenant();
    for (int i = 0; i < 5; i++) {
      Api.create(other.key(), Api.cronSchedule("o" + i));
    }
  }

  @Test
  void concurrentCreatesNeverSlipPastMaxSchedules() throws Exception {
    Tenant t = newTenant();
    setQuotas(t, "{\"maxSchedules\": 10}");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String body = Api.cronSchedule("c" + i);
        answers.add(
            pool.submit(
                () ->
                    as(t.key())
                        .body(body)
                        .post("/api/v1/schedules")
                        .then()
                        .extract()
                        .statusCode()));
      }
      int created = 0;
      int refused = 0;
      for (Future<Integer> answer : answers) {
        int status = answer.get();
        assertThat(status).isIn(201, 422);
        if (status == 201) {
          created++;
        } else {
          refused++;
        }
      }
      assertThat(created).isEqualTo(10);
      assertThat(refused).isEqualTo(190);
      assertThat(count(t)).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void firesPerMinuteAddUpAcrossSchedulesAndAnEditThatRaisesThemIsRefused() {
    Tenant t = newTenant();
    // Written while no quota is set: rated when the quota is first checked.
    String fast = Api.create(t.key(), every("fast", "1s"));
    setQuotas(t, "{\"maxFiresPerMinute\": 100}");
    as(t.key())
        .get("/api/v1/quotas")
        .then()
        .body("quotas.maxFiresPerMinute", equalTo(100))
        .body("firesPerMinute", equalTo(60.0f));

    as(t.key())
        .body(every("also-fast", "1s"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("quotas.maxFiresPerMinute"))
        .body(
            "detail",
            equalTo(
                "the tenant's schedules may fire 100 times a minute; they fire 60, and with this"
                    + " request 120: 20 over"));
    // Every 2 s is 30 a minute; a cron every 10 s is 6; a one-off is none.
    String slow = Api.create(t.key(), every("slow", "2s"));
    Api.create(
        t.key(), Api.schedule("cron", "{\"cron\": \"*/10 * * * * *\", \"timezone\": \"UTC\"}"));
    Api.create(t.key(), Api.schedule("once", "{\"delay\": \"1h\"}"));
    as(t.key()).get("/api/v1/quotas").then().body("firesPerMinute", equalTo(96.0f));

    // Raising one schedule's rate past the quota is refused and leaves it as it was.
    as(t.key())
        .body(every("slow", "1s"))
        .put("/api/v1/schedules/" + slow)
        .then()
        .statusCode(422)
        .body(
            "detail",
            equalTo(
                "the tenant's schedules may fire 100 times a minute; they fire 96, and with this"
                    + " request 126: 26 over"));
    as(t.key()).get("/api/v1/schedules/" + slow).then().body("schedule.every", equalTo("PT2S"));

    // Lowered under what the tenant has: edits that add nothing still go through.
    setQuotas(t, "{\"maxFiresPerMinute\": 50}");
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"still 60 a minute\"}")
        .patch("/api/v1/schedules/" + fast)
        .then()
        .statusCode(200);
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"schedule\": {\"every\": \"4s\"}}")
        .patch("/api/v1/schedules/" + fast)
        .then()
        .statusCode(200);
    as(t.key()).get("/api/v1/quotas").then().body("firesPerMinute", equalTo(51.0f));
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"schedule\": {\"every\": \"3s\"}}")
        .patch("/api/v1/schedules/" + fast)
        .then()
        .statusCode(422);
  }

  @Test
  void aRateStoredEarlierIsForgottenWhenTheSpecIsEditedWithoutAQuota() {
    Tenant t = newTenant();
    String id = Api.create(t.key(), every("edited", "1s"));
    setQuotas(t, "{\"maxFiresPerMinute\": 1000}");
    as(t.key()).get("/api/v1/quotas").then().body("firesPerMinute", equalTo(60.0f));
    setQuotas(t, "{\"maxFiresPerMinute\": null}");
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"schedule\": {\"every\": \"2s\"}}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200);
    setQuotas(t, "{\"maxFiresPerMinute\": 1000}");
    as(t.key()).get("/api/v1/quotas").then().body("firesPerMinute", equalTo(30.0f));
  }

  @Test
  void requestsBeyondTheRateGetA429WithRetryAfter() {
    Tenant t = newTenant();
    Tenant other = newTenant();
    setQuotas(t, "{\"apiRequestsPerSecond\": 2}");
    // A burst of the bucket's size goes, then the rate holds: at most 2 + 2 per elapsed second.
    long started = System.nanoTime();
    int served = 0;
    Response refused = null;
    for (int i = 0; i < 30; i++) {
      Response answer = as(t.key()).get("/api/v1/schedules");
      if (answer.statusCode() == 200) {
        served++;
      } else {
        refused = answer;
        assertThat(answer.statusCode()).isEqualTo(429);
      }
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    assertThat(served).isLessThanOrEqualTo(2 + (int) Math.ceil(elapsed * 2));
    assertThat(refused).as("no request was refused").isNotNull();
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 1);
    assertThat(refused.<String>path("detail")).contains("2 API requests per second");
    // Other tenants and the admin are not limited by it.
    for (int i = 0; i < 10; i++) {
      as(other.key()).get("/api/v1/schedules").then().statusCode(200);
      as(ADMIN_KEY).get("/api/v1/tenants").then().statusCode(200);
    }
    // Removed, it stops at once on this replica.
    setQuotas(t, "{\"apiRequestsPerSecond\": null}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> as(t.key()).get("/api/v1/schedules").then().statusCode(200));
    for (int i = 0; i < 10; i++) {
      as(t.key()).get("/api/v1/schedules").then().statusCode(200);
    }
  }

  @Test
  void theAdminSetsAndRemovesQuotasAndBadOnesAreRefused() {
    Tenant t = newTenant();
    as(ADMIN_KEY)
        .get("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(200)
        .body("quotas.maxSchedules", nullValue());
    as(ADMIN_KEY)
        .body("{\"quotas\": {\"maxSchedules\": 5, \"apiRequestsPerSecond\": 100}}")
        .patch("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(200)
        .body("quotas.maxSchedules", equalTo(5))
        .body("quotas.apiRequestsPerSecond", equalTo(100))
        .body("quotas.maxFiresPerMinute", nullValue());
    // Not given: kept; null: removed.
    as(ADMIN_KEY)
        .body("{\"quotas\": {\"maxSchedules\": null}}")
        .patch("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(200)
        .body("quotas.maxSchedules", nullValue())
        .body("quotas.apiRequestsPerSecond", equalTo(100));

    record Bad(String body, int status, String field) {}
    for (Bad bad :
        List.of(
            new Bad("{\"quotas\": {\"maxSchedules\": 0}}", 422, "quotas.maxSchedules"),
            new Bad("{\"quotas\": {\"maxFiresPerMinute\": -5}}", 422, "quotas.maxFiresPerMinute"),
            new Bad(
                "{\"quotas\": {\"apiRequestsPerSecond\": 1000000001}}",
                422,
                "quotas.apiRequestsPerSecond"),
            new Bad("{\"quotas\": {\"maxSchedules\": \"ten\"}}", 400, "quotas.maxSchedules"),
            new Bad("{\"quotas\": {\"maxSchedules\": 1.5}}", 400, "quotas.maxSchedules"),
            new Bad("{\"quotas\": {\"maxJobs\": 3}}", 400, "quotas.maxJobs"),
            new Bad("{\"limits\": {}}", 400, "limits"),
            new Bad("{}", 422, "quotas"))) {
      as(ADMIN_KEY)
          .body(bad.body())
          .patch("/api/v1/tenants/" + t.id())
          .then()
          .statusCode(bad.status())
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo(bad.field()));
    }
    as(ADMIN_KEY)
        .get("/api/v1/tenants/" + t.id())
        .then()
        .body("quotas.apiRequestsPerSecond", equalTo(100));
    as(ADMIN_KEY)
        .body("{\"quotas\": {}}")
        .patch("/api/v1/tenants/" + UUID.randomUUID())
        .then()
        .statusCode(404);
    // A tenant's own key cannot set its quotas.
    as(t.key())
        .body("{\"quotas\": {\"maxSchedules\": null}}")
        .patch("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(403);
  }
}
