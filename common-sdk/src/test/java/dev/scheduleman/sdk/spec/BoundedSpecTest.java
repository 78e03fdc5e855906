package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedSpecTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private final CronSpec dailyAtNine = CronSpec.parse("0 9 * * *", "Europe/Berlin");

  @Test
  void cronStartsAtStartAtInclusiveAndEndsAfterEndAtInclusive() {
    Instant start = Instant.parse("2026-12-01T08:00:00Z"); // 09:00 in Berlin
    Instant end = Instant.parse("2026-12-03T08:00:00Z");
    ScheduleSpec spec = BoundedSpec.of(dailyAtNine, Bounds.of(start, end, List.of(), BERLIN));

    assertThat(occurrences(spec, Instant.parse("2026-11-01T00:00:00Z"), 10))
        .containsExactly(
            Instant.parse("2026-12-01T08:00:00Z"),
            Instant.parse("2026-12-02T08:00:00Z"),
            Instant.parse("2026-12-03T08:00:00Z"));
    assertThat(spec.nextAfter(end)).isEmpty();
    assertThat(spec.latestAtOrBefore(Instant.parse("2027-01-01T00:00:00Z"))).contains(end);
    assertThat(spec.latestAtOrBefore(start.minusMillis(1))).isEmpty();
  }

  @Test
  void excludedLocalDatesAreSkippedInTheSchedulesZone() {
    // 00:30 in Berlin on the 25th is still the 24th in UTC: the local date is what counts
    CronSpec halfPastMidnight = CronSpec.parse("30 0 * * *", "Europe/Berlin");
    ScheduleSpec spec =
        BoundedSpec.of(
            halfPastMidnight,
            Bounds.of(
                null,
                null,
                List.of(LocalDate.parse("2026-12-25"), LocalDate.parse("2026-12-26")),
                BERLIN));

    assertThat(occurrences(spec, Instant.parse("2026-12-23T12:00:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-12-23T23:30:00Z"), // the 24th in Berlin
            Instant.parse("2026-12-26T23:30:00Z"), // the 27th
            Instant.parse("2026-12-27T23:30:00Z"));
    assertThat(spec.latestAtOrBefore(Instant.parse("2026-12-26T23:00:00Z")))
        .contains(Instant.parse("2026-12-23T23:30:00Z"));
  }

  @Test
  void anIntervalSkipsAWholeExcludedDayInOneStep() {
    EverySpec everySecond =
        new EverySpec(Duration.ofSeconds(1), Instant.parse("2026-12-01T00:00:00Z"));
    List<LocalDate> aYear =
        IntStream.range(0, Bounds.MAX_EXCLUDED_DATES)
            .mapToObj(LocalDate.parse("2026-12-02")::plusDays)
            .toList();
    ScheduleSpec spec = BoundedSpec.of(everySecond, Bounds.of(null, null, aYear, ZoneOffset.UTC));

    assertThat(spec.nextAfter(Instant.parse("2026-12-01T23:59:59Z")))
        .contains(
            LocalDate.parse("2026-12-02").plusDays(366).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(spec.latestAtOrBefore(Instant.parse("2027-06-01T12:00:00Z")))
        .contains(Instant.parse("2026-12-01T23:59:59Z"));
  }

  @Test
  void anIntervalEndsAtEndAt() {
    EverySpec hourly = new EverySpec(Duration.ofHours(1), Instant.parse("2026-12-01T00:00:00Z"));
    ScheduleSpec spec =
        BoundedSpec.of(
            hourly,
            Bounds.of(null, Instant.parse("2026-12-01T02:30:00Z"), List.of(), ZoneOffset.UTC));

    assertThat(occurrences(spec, Instant.parse("2026-11-30T00:00:00Z"), 10)).hasSize(3);
    assertThat(spec.nextAfter(Instant.parse("2026-12-01T02:00:00Z"))).isEmpty();
  }

  @Test
  void noBoundsIsTheSpecItself() {
    assertThat(BoundedSpec.of(dailyAtNine, Bounds.of(null, null, List.of(), BERLIN)))
        .isSameAs(dailyAtNine);
    assertThat(BoundedSpec.unbounded(dailyAtNine)).isSameAs(dailyAtNine);
  }

  @Test
  void boundsAreCheckedWhereTheyAreMade() {
    Instant start = Instant.parse("2026-12-01T00:00:00Z");
    assertThatThrownBy(() -> Bounds.of(start, start, List.of(), BERLIN))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("after startAt");
    List<LocalDate> tooMany =
        IntStream.range(0, Bounds.MAX_EXCLUDED_DATES + 1)
            .mapToObj(LocalDate.parse("2026-01-01")::plusDays)
            .toList();
    assertThatThrownBy(() -> Bounds.of(null, null, tooMany, BERLIN))
        .isInstanceOf(InvalidSpecException.class);
    Bounds none = Bounds.of(null, null, List.of(), BERLIN);
    assertThatThrownBy(() -> new BoundedSpec(new AtSpec(start), none, Misfire.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Instant> occurrences(ScheduleSpec spec, Instant from, int max) {
    List<Instant> out = new ArrayList<>();
    Instant cursor = from;
    for (int i = 0; i < max; i++) {
      Optional<Instant> next = spec.nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      out.add(next.get());
      cursor = next.get();
    }
    return out;
  }
}
