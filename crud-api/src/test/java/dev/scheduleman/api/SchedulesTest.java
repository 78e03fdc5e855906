package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.cronSchedule;
import static dev.scheduleman.api.Api.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class SchedulesTest {

  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  @Test
  void cronScheduleIsCreatedWithLocationAndNextFireTimeInItsZone() {
    ExtractableResponse<Response> created =
        as(key)
            .body(cronSchedule("nightly-report"))
            .post("/api/v1/schedules")
            .then()
            .statusCode(201)
            .header("ETag", "\"1\"")
            .body("state", equalTo("ACTIVE"))
            .body("schedule.cron", equalTo("0 3 * * *"))
            .body("schedule.timezone", equalTo("Europe/Berlin"))
            .body("target.method", equalTo("POST"))
            .body("target.timeout", equalTo("PT3S"))
            .body("retry.maxAttempts", equalTo(5))
            .body("retry.onExhausted", equalTo("dead"))
            .body("priority", equalTo(5))
            .extract();
    String id = created.path("id");
    assertThat(created.header("Location")).endsWith("/api/v1/schedules/" + id);

    Instant next =
        Instant.parse(
            as(key)
                .get("/api/v1/schedules/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("nextFireAt"));
    // 03:00 in Berlin is 02:00Z in winter and 01:00Z in summer.
    assertThat(next.toString()).matches(".*T0[12]:00:00Z");
    assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));
  }

  @Test
  void oneOffDelayAndIntervalSchedulesAreCreated() {
    String at = Instant.now().plus(Duration.ofHours(2)).toString();
    as(key)
        .body(schedule("at", "{\"at\": \"" + at + "\"}"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(201)
        .body(
            "nextFireAt",
            equalTo(
                Instant.parse(at).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString()));

    String delayed =
        as(key)
            .body(schedule("delay", "{\"delay\": \"90s\"}"))
            .post("/api/v1/schedules")
            .then()
            .statusCode(201)
            .body("schedule.at", notNullValue())
            .body("schedule.delay", nullValue())
            .extract()
            .path("nextFireAt");
    assertThat(Duration.between(Instant.now(), Instant.parse(delayed)))
        .isBetween(Duration.ofSeconds(60), Duration.ofSeconds(91));

    as(key)
        .body(schedule("every", "{\"every\": \"5m\"}"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(201)
        .body("schedule.every", equalTo("PT5M"))
        .body("schedule.startAt", notNullValue())
        .body("nextFireAt", notNullValue());
  }

  @Test
  void replacePatchAndDeleteASchedule() {
    String id = create(key, cronSchedule("report"));

    as(key)
        .body(schedule("report", "{\"every\": \"PT10M\"}").replace("test", "replaced"))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .header("ETag", "\"2\"")
        .body("schedule.every", equalTo("PT10M"))
        .body("target.body", equalTo("{\"kind\":\"replaced\"}"));

    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"hourly now\", \"schedule\": {\"cron\": \"0 * * * *\"}}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .header("ETag", "\"3\"")
        .body("description", equalTo("hourly now"))
        .body("schedule.cron", equalTo("0 * * * *"))
        .body("schedule.every", nullValue())
        .body("schedule.timezone", equalTo("UTC"))
        .body("target.body", equalTo("{\"kind\":\"replaced\"}"));

    as(key)
        .body("{\"schedule\": {\"timezone\": \"Asia/Tokyo\"}, \"description\": null}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("schedule.cron", equalTo("0 * * * *"))
        .body("schedule.timezone", equalTo("Asia/Tokyo"))
        .body("description", nullValue());

    // Priority patched alone is kept by later patches of other fields.
    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"priority\": 8}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("priority", equalTo(8));
    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"urgent\"}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("priority", equalTo(8));

    as(key).delete("/api/v1/schedules/" + id).then().statusCode(204);
    as(key).get("/api/v1/schedules/" + id).then().statusCode(404);
  }

  @Test
  void putByNameCreatesThenReplaces() {
    String first =
        as(key)
            .body(cronSchedule(null))
            .put("/api/v1/schedules/by-name/declared")
            .then()
            .statusCode(201)
            .header("Location", notNullValue())
            .body("name", equalTo("declared"))
            .extract()
            .path("id");
    as(key)
        .body(schedule("declared", "{\"every\": \"1h\"}"))
        .put("/api/v1/schedules/by-name/declared")
        .then()
        .statusCode(200)
        .body("id", equalTo(first))
        .body("schedule.every", equalTo("PT1H"))
        .body("version", equalTo(2));
    as(key)
        .get("/api/v1/schedules/by-name/declared")
        .then()
        .statusCode(200)
        .header("ETag", "\"2\"")
        .body("id", equalTo(first));
    as(key).get("/api/v1/schedules/by-name/undeclared").then().statusCode(404);
    as(key)
        .body(schedule("other", "{\"every\": \"1h\"}"))
        .put("/api/v1/schedules/by-name/declared")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("name"));
    as(key)
        .header("If-Match", "\"1\"")
        .delete("/api/v1/schedules/by-name/declared")
        .then()
        .statusCode(412);
    as(key).delete("/api/v1/schedules/by-name/declared").then().statusCode(204);
    as(key).get("/api/v1/schedules/" + first).then().statusCode(404);
    as(key).delete("/api/v1/schedules/by-name/declared").then().statusCode(404);
  }

  @Test
  void batchCreatesAllOrNothingAndReportsEveryBadItem() {
    String good = cronSchedule("b1");
    as(key)
        .body("{\"items\": [" + good + "," + cronSchedule("b2") + "," + cronSchedule("b3") + "]}")
        .post("/api/v1/schedules/batch")
        .then()
        .statusCode(201)
        .body("items", hasSize(3))
        .body("items[2].name", equalTo("b3"));

    as(key)
        .body(
            "{\"items\": ["
                + cronSchedule("b4")
                + ","
                + schedule("b5", "{\"cron\": \"61 * * * *\"}")
                + ","
                + cronSchedule("b4")
                + "]}")
        .post("/api/v1/schedules/batch")
        .then()
        .statusCode(422)
        .body(
            "errors.field",
            org.hamcrest.Matchers.hasItems("items[1].schedule.cron", "items[2].name"));
    as(key)
        .body("{\"items\": [" + cronSchedule("b1") + "]}")
        .post("/api/v1/schedules/batch")
        .then()
        .statusCode(409)
        .body("errors[0].field", equalTo("items[0].name"));

    as(key).get("/api/v1/schedules?name=b").then().statusCode(200).body("items", hasSize(3));
  }

  @Test
  void duplicateNameIsAConflict() {
    create(key, cronSchedule("unique"));
    as(key)
        .body(cronSchedule("unique"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("name"));
  }
}
