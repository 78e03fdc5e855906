package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronSpecTest {

  private static List<Instant> next(CronSpec spec, String from, int count) {
    List<Instant> out = new ArrayList<>();
    Instant cursor = Instant.parse(from);
    for (int i = 0; i < count; i++) {
      cursor = spec.nextAfter(cursor).orElseThrow();
      out.add(cursor);
    }
    return out;
  }

  private static List<Instant> instants(String... isoInstants) {
    return java.util.Arrays.stream(isoInstants).map(Instant::parse).toList();
  }

  @Test
  void describesItselfInWordsWithItsZone() {
    assertThat(CronSpec.parse("30 2 * * *", "Europe/Berlin").describe())
        .isEqualTo("every day at 02:30 (Europe/Berlin)");
    assertThat(CronSpec.parse("*/5 * * * *", null).describe()).contains("5").endsWith("(UTC)");
  }

  @Test
  void fiveFieldExpressionFiresOnMatchingMinutes() {
    CronSpec spec = CronSpec.parse("*/15 9-10 * * MON-FRI", "UTC");
    assertThat(next(spec, "2026-11-27T10:40:00Z", 3)) // a Friday
        .containsExactlyElementsOf(
            instants("2026-11-27T10:45:00Z", "2026-11-30T09:00:00Z", "2026-11-30T09:15:00Z"));
  }

  @Test
  void sixFieldExpressionHasALeadingSecondsField() {
    CronSpec spec = CronSpec.parse("*/20 * * * * *", null);
    assertThat(next(spec, "2026-11-24T12:00:05.500Z", 3))
        .containsExactlyElementsOf(
            instants("2026-11-24T12:00:20Z", "2026-11-24T12:00:40Z", "2026-11-24T12:01:00Z"));
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekMatchEitherAsInCrontab() {
    CronSpec spec = CronSpec.parse("0 0 1 * MON", "UTC");
    assertThat(next(spec, "2026-11-24T12:00:00Z", 3))
        .containsExactlyElementsOf(
            instants("2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-07T00:00:00Z"));
  }

  @Test
  void wildcardDayOfWeekLeavesOnlyTheDayOfMonth() {
    CronSpec spec = CronSpec.parse("0 0 1 * *", "UTC");
    assertThat(next(spec, "2026-11-24T12:00:00Z", 2))
        .containsExactlyElementsOf(instants("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
  }

  @Test
  void sundayIsBothZeroAndSeven() {
    assertThat(next(CronSpec.parse("0 12 * * 7", "UTC"), "2026-11-24T00:00:00Z", 1))
        .isEqualTo(next(CronSpec.parse("0 12 * * 0", "UTC"), "2026-11-24T00:00:00Z", 1))
        .containsExactly(Instant.parse("2026-11-29T12:00:00Z"));
  }

  @Test
  void nicknamesAreSupported() {
    assertThat(next(CronSpec.parse("@daily", "UTC"), "2026-11-24T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-11-25T00:00:00Z"));
    assertThat(next(CronSpec.parse("@HOURLY", "UTC"), "2026-11-24T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-11-24T13:00:00Z"));
  }

  @Test
  void whitespaceIsNormalised() {
    assertThat(CronSpec.parse("  0   3 * *\t*  ", "UTC").expression()).isEqualTo("0 3 * * *");
  }

  @Test
  void anExpressionThatNeverMatchesHasNoNextOccurrence() {
    assertThat(CronSpec.parse("0 0 30 2 *", "UTC").nextAfter(Instant.now())).isEmpty();
  }

  @Test
  void blankTimezoneMeansUtc() {
    assertThat(CronSpec.parse("0 3 * * *", " ").zone()).isEqualTo(java.time.ZoneId.of("UTC"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "61 * * * *      | minute field: 61 is out of range 0-59",
        "* 24 * * *      | hour field: 24 is out of range 0-23",
        "* * 0 * *       | day-of-month field: 0 is out of range 1-31",
        "* * * 13 *      | month field: 13 is out of range 1-12",
        "* * * * 8       | day-of-week field: 8 is out of range 0-7",
        "60 * * * * *    | second field: 60 is out of range 0-59",
        "*/0 * * * *     | minute field: step 0 must be between 1 and 59",
        "30-10 * * * *   | minute field: range 30-10 runs backwards",
        "* x * * *       | hour field: 'x' is not a value, range, list or step",
        "* * * *         | has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (with a leading second)",
        "* * * * * * *   | has 7 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (with a leading second)",
        "@reboot         | '@reboot' is not a supported nickname; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
      })
  void malformedExpressionsAreExplainedByField(String expression, String message) {
    assertThatThrownBy(() -> CronSpec.parse(expression, "UTC"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("cron"))
        .hasMessage(message);
  }

  @Test
  void emptyExpressionIsRejected() {
    assertThatThrownBy(() -> CronSpec.parse(" ", "UTC")).hasMessage("must not be empty");
    assertThatThrownBy(() -> CronSpec.parse(null, "UTC")).hasMessage("must not be empty");
  }

  @Test
  void unknownTimeZoneIsRejectedOnTheTimezoneField() {
    assertThatThrownBy(() -> CronSpec.parse("0 3 * * *", "Mars/Olympus_Mons"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("timezone"))
        .hasMessageContaining("'Mars/Olympus_Mons' is not a known time zone");
  }

  @Test
  void latestAtOrBeforeFindsTheMostRecentOccurrence() {
    CronSpec everySecond = CronSpec.parse("* * * * * *", "UTC");
    assertThat(everySecond.latestAtOrBefore(Instant.parse("2026-11-24T12:00:05.700Z")))
        .contains(Instant.parse("2026-11-24T12:00:05Z"));
    CronSpec yearly = CronSpec.parse("0 0 1 1 *", "UTC");
    assertThat(yearly.latestAtOrBefore(Instant.parse("2026-11-24T12:00:00Z")))
        .contains(Instant.parse("2026-01-01T00:00:00Z"));
    CronSpec leapDay = CronSpec.parse("0 0 29 2 *", "UTC");
    assertThat(leapDay.latestAtOrBefore(Instant.parse("2027-11-24T12:00:00Z")))
        .contains(Instant.parse("2024-02-29T00:00:00Z"));
    assertThat(yearly.latestAtOrBefore(Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Clocks spring forward on 2026-03-29 01:00Z and fall back on 2026-10-25 01:00Z. */
  @Nested
  class EuropeBerlin {

    @Test
    void nonexistentLocalTimeFiresOnceWhenTheClockJumps() {
      CronSpec daily = CronSpec.parse("30 2 * * *", "Europe/Berlin");
      assertThat(next(daily, "2026-03-28T12:00:00Z", 2))
          .containsExactlyElementsOf(
              instants(
                  "2026-03-29T01:00:00Z", // 02:30 does not exist: fires at 03:00 CEST
                  "2026-03-30T00:30:00Z")); // 02:30 CEST
    }

    @Test
    void occurrencesInsideTheGapCoalesceAndNeverRunBackwards() {
      CronSpec halfHourly = CronSpec.parse("*/30 * * * *", "Europe/Berlin");
      assertThat(next(halfHourly, "2026-03-29T00:15:00Z", 4))
          .containsExactlyElementsOf(
              instants(
                  "2026-03-29T00:30:00Z", // 01:30 CET
                  "2026-03-29T01:00:00Z", // 02:00 and 02:30 do not exist: 03:00 CEST, once
                  "2026-03-29T01:30:00Z", // 03:30 CEST
                  "2026-03-29T02:00:00Z")); // 04:00 CEST
    }

    @Test
    void ambiguousLocalTimeFiresOnceAtItsFirstInstant() {
      CronSpec daily = CronSpec.parse("30 2 * * *", "Europe/Berlin");
      assertThat(next(daily, "2026-10-24T12:00:00Z", 2))
          .containsExactlyElementsOf(
              instants(
                  "2026-10-25T00:30:00Z", // 02:30 CEST; the second 02:30 (CET) does not fire
                  "2026-10-26T01:30:00Z")); // 02:30 CET
    }

    @Test
    void repeatedHourIsNotRepeatedForSubDailySchedules() {
      CronSpec halfHourly = CronSpec.parse("*/30 * * * *", "Europe/Berlin");
      assertThat(next(halfHourly, "2026-10-24T23:45:00Z", 4))
          .containsExactlyElementsOf(
              instants(
                  "2026-10-25T00:00:00Z", // 02:00 CEST
                  "2026-10-25T00:30:00Z", // 02:30 CEST
                  // 02:00 and 02:30 CET are the same wall-clock times again: skipped
                  "2026-10-25T02:00:00Z", // 03:00 CET
                  "2026-10-25T02:30:00Z"));
    }

    @Test
    void searchingFromInsideTheRepeatedHourSkipsItsSecondPass() {
      CronSpec daily = CronSpec.parse("30 2 * * *", "Europe/Berlin");
      assertThat(daily.nextAfter(Instant.parse("2026-10-25T01:10:00Z"))) // 02:10 CET
          .contains(Instant.parse("2026-10-26T01:30:00Z"));
    }
  }

  /** Clocks spring forward on 2026-03-08 07:00Z and fall back on 2026-11-01 06:00Z. */
  @Nested
  class AmericaNewYork {

    @Test
    void nonexistentLocalTimeFiresOnceWhenTheClockJumps() {
      CronSpec daily = CronSpec.parse("30 2 * * *", "America/New_York");
      assertThat(next(daily, "2026-03-07T12:00:00Z", 2))
          .containsExactlyElementsOf(
              instants(
                  "2026-03-08T07:00:00Z", // 02:30 does not exist: fires at 03:00 EDT
                  "2026-03-09T06:30:00Z")); // 02:30 EDT
    }

    @Test
    void ambiguousLocalTimeFiresOnceAtItsFirstInstant() {
      CronSpec daily = CronSpec.parse("30 1 * * *", "America/New_York");
      assertThat(next(daily, "2026-10-31T12:00:00Z", 2))
          .containsExactlyElementsOf(
              instants(
                  "2026-11-01T05:30:00Z", // 01:30 EDT; 01:30 EST does not fire
                  "2026-11-02T06:30:00Z")); // 01:30 EST
    }

    @Test
    void dailyTimeOutsideTheTransitionKeepsItsWallClockTime() {
      CronSpec nineAm = CronSpec.parse("0 9 * * *", "America/New_York");
      assertThat(next(nineAm, "2026-10-31T12:00:00Z", 3))
          .containsExactlyElementsOf(
              instants(
                  "2026-10-31T13:00:00Z", // EDT
                  "2026-11-01T14:00:00Z", // EST
                  "2026-11-02T14:00:00Z"));
    }
  }
}
