package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PreviewTest {

  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  /**
   * 02:30 on March Sundays in Berlin: on the last one, clocks jump from 02:00 to 03:00, so 02:30
   * does not exist and the schedule fires at the transition (01:00Z) instead of skipping the day.
   */
  @Test
  void previewOfACronScheduleAcrossTheSpringForwardGap() {
    List<String> times =
        as(key)
            .body(
                "{\"schedule\": {\"cron\": \"30 2 * 3 0\", \"timezone\": \"Europe/Berlin\"},"
                    + " \"count\": 10}")
            .post("/api/v1/schedules/preview")
            .then()
            .statusCode(200)
            .body("timezone", equalTo("Europe/Berlin"))
            .body("nextFireTimes", hasSize(10))
            .extract()
            .path("nextFireTimes");
    int gaps = 0;
    for (String time : times) {
      Instant instant = Instant.parse(time);
      LocalDate day = instant.atZone(ZoneOffset.UTC).toLocalDate();
      boolean lastSunday = day.equals(day.with(TemporalAdjusters.lastInMonth(DayOfWeek.SUNDAY)));
      String expected = lastSunday ? "T01:00:00Z" : "T01:30:00Z";
      assertThat(time).as("fire time on %s", day).endsWith(expected);
      gaps += lastSunday ? 1 : 0;
    }
    assertThat(gaps).isGreaterThanOrEqualTo(1);
  }

  /**
   * 01:30 on the first November Sunday in New York happens twice (EDT, then EST); it fires once, at
   * the first (05:30Z). On the other November Sundays 01:30 is EST (06:30Z).
   */
  @Test
  void previewOfAStoredScheduleAcrossTheFallBackOverlap() {
    String id =
        create(
            key,
            schedule(
                "fall-back", "{\"cron\": \"30 1 * 11 0\", \"timezone\": \"America/New_York\"}"));
    List<String> times =
        as(key)
            .queryParam("count", 6)
            .get("/api/v1/schedules/" + id + "/next")
            .then()
            .statusCode(200)
            .extract()
            .path("nextFireTimes");
    int overlaps = 0;
    for (String time : times) {
      LocalDate day = Instant.parse(time).atZone(ZoneOffset.UTC).toLocalDate();
      boolean firstSunday = day.equals(day.with(TemporalAdjusters.firstInMonth(DayOfWeek.SUNDAY)));
      assertThat(time)
          .as("fire time on %s", day)
          .endsWith(firstSunday ? "T05:30:00Z" : "T06:30:00Z");
      overlaps += firstSunday ? 1 : 0;
    }
    assertThat(times).hasSize(6).doesNotHaveDuplicates();
    assertThat(overlaps).isGreaterThanOrEqualTo(1);
  }

  @Test
  void previewValidatesTheSpecAndSavesNothing() {
    as(key)
        .body("{\"schedule\": {\"cron\": \"0 25 * * *\"}}")
        .post("/api/v1/schedules/preview")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("schedule.cron"));
    as(key)
        .body("{\"schedule\": {\"every\": \"10m\"}, \"count\": 3}")
        .post("/api/v1/schedules/preview")
        .then()
        .statusCode(200)
        .body("nextFireTimes", hasSize(3));
    as(key).get("/api/v1/schedules").then().body("items", hasSize(0));
  }
}
