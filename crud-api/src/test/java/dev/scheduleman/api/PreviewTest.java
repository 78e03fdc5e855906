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

  /**
   * A daily cron from a start to an end, except two local dates: the stored schedule's next fire
   * times and the unsaved preview agree, honour both bounds and skip the excluded days in the
   * schedule's zone (00:30 in Berlin is the previous day in UTC).
   */
  @Test
  void previewHonoursBoundsAndExcludedDates() {
    String spec =
        "{\"cron\": \"30 0 * * *\", \"timezone\": \"Europe/Berlin\","
            + " \"startAt\": \"2030-12-22T23:30:00Z\", \"endAt\": \"2030-12-28T23:30:00Z\","
            + " \"excludeDates\": [\"2030-12-25\", \"2030-12-26\"]}";
    List<String> expected =
        List.of(
            "2030-12-22T23:30:00Z",
            "2030-12-23T23:30:00Z",
            "2030-12-26T23:30:00Z",
            "2030-12-27T23:30:00Z",
            "2030-12-28T23:30:00Z");
    as(key)
        .body("{\"schedule\": " + spec + ", \"count\": 10}")
        .post("/api/v1/schedules/preview")
        .then()
        .statusCode(200)
        .body("timezone", equalTo("Europe/Berlin"))
        .body("nextFireTimes", equalTo(expected));

    String id = create(key, schedule("bounded", spec));
    as(key)
        .get("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("schedule.startAt", equalTo("2030-12-22T23:30:00Z"))
        .body("schedule.endAt", equalTo("2030-12-28T23:30:00Z"))
        .body("schedule.excludeDates", equalTo(List.of("2030-12-25", "2030-12-26")))
        .body("nextFireAt", equalTo("2030-12-22T23:30:00Z"))
        .body("summary", org.hamcrest.Matchers.containsString("until 2030-12-28T23:30:00Z"))
        .body("summary", org.hamcrest.Matchers.containsString("except on 2 dates"));
    as(key)
        .queryParam("count", 10)
        .get("/api/v1/schedules/" + id + "/next")
        .then()
        .statusCode(200)
        .body("nextFireTimes", equalTo(expected));
  }

  /**
   * A windowed schedule's next fire times are its planned instants, one in each occurrence's
   * window, and its nextFireAt is the first of them; the nominal occurrence stays the hour.
   */
  @Test
  void aWindowedScheduleShowsItsPlannedInstants() {
    String id =
        create(
            key,
            schedule(
                "spread",
                "{\"cron\": \"0 * * * *\", \"timezone\": \"UTC\", \"window\": \"PT10M\"}"));
    var schedule = as(key).get("/api/v1/schedules/" + id).then().statusCode(200).extract();
    assertThat(schedule.path("schedule.window").toString()).isEqualTo("PT10M");
    assertThat(schedule.path("summary").toString()).endsWith("each within 10m");
    List<String> next =
        as(key)
            .queryParam("count", 24)
            .get("/api/v1/schedules/" + id + "/next")
            .then()
            .statusCode(200)
            .extract()
            .path("nextFireTimes");
    assertThat(next).hasSize(24).first().isEqualTo(schedule.path("nextFireAt"));
    java.util.Set<Long> offsets = new java.util.HashSet<>();
    for (String t : next) {
      Instant planned = Instant.parse(t);
      long intoHour = planned.getEpochSecond() % 3600;
      assertThat(intoHour).as(t).isLessThan(600);
      offsets.add(intoHour);
    }
    assertThat(offsets).as("the instant moves within the window").hasSizeGreaterThan(12);
  }

  /** A misfire policy is stored, shown with its defaults filled in, and replaced by a PUT. */
  @Test
  void aMisfirePolicyIsStoredShownAndReplaced() {
    String spec = "{\"every\": \"5m\", \"misfire\": {\"policy\": \"all\", \"maxCatchUp\": 12}}";
    String id = create(key, schedule("catching-up", spec));
    as(key)
        .get("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("schedule.misfire.policy", equalTo("all"))
        .body("schedule.misfire.threshold", equalTo("PT1M"))
        .body("schedule.misfire.maxCatchUp", equalTo(12))
        .body("summary", org.hamcrest.Matchers.endsWith("each caught up (at most 12)"));

    as(key)
        .body(schedule("catching-up", "{\"every\": \"5m\"}"))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("schedule.misfire", org.hamcrest.Matchers.nullValue());
  }

  /** An interval's exclusions are local dates in the zone it names, UTC when it names none. */
  @Test
  void anIntervalSkipsItsExcludedDatesInItsZone() {
    as(key)
        .body(
            "{\"schedule\": {\"every\": \"12h\", \"startAt\": \"2030-06-01T00:00:00Z\","
                + " \"timezone\": \"Asia/Tokyo\", \"excludeDates\": [\"2030-06-02\"]},"
                + " \"count\": 3}")
        .post("/api/v1/schedules/preview")
        .then()
        .statusCode(200)
        .body("timezone", equalTo("Asia/Tokyo"))
        // 2030-06-02T00:00Z and 12:00Z are 09:00 and 21:00 on June 2nd in Tokyo (UTC+9)
        .body(
            "nextFireTimes",
            equalTo(
                List.of("2030-06-01T00:00:00Z", "2030-06-01T12:00:00Z", "2030-06-03T00:00:00Z")));
  }
}
