package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FireRateTest {

  private static final Instant NOW = Instant.parse("2026-03-02T08:30:00Z");
  private static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void anIntervalFiresSixtyOverItsSecondsPerMinute() {
    assertThat(FireRate.perMinute(new EverySpec(Duration.ofSeconds(1), NOW), NOW)).isEqualTo(60);
    assertThat(FireRate.perMinute(new EverySpec(Duration.ofSeconds(30), NOW), NOW)).isEqualTo(2);
    assertThat(FireRate.perMinute(new EverySpec(Duration.ofHours(1), NOW), NOW))
        .isCloseTo(1 / 60.0, within(1e-9));
  }

  @Test
  void aCronCountsItsBusiestHourNotItsDailyAverage() {
    // Each minute from 9:00 to 9:59: quiet now, 60 in its busiest hour.
    assertThat(FireRate.perMinute(CronSpec.parse("* 9 * * *", "UTC"), NOW)).isEqualTo(1);
    assertThat(FireRate.perMinute(CronSpec.parse("*/10 * * * * *", "UTC"), NOW)).isEqualTo(6);
    assertThat(FireRate.perMinute(CronSpec.parse("* * * * * *", "UTC"), NOW)).isEqualTo(60);
    assertThat(FireRate.perMinute(CronSpec.parse("0 3 * * *", "UTC"), NOW))
        .isCloseTo(1 / 60.0, within(1e-9));
  }

  @Test
  void aScheduleThatStartsLaterIsCountedFromItsFirstOccurrence() {
    Instant nextWeek = NOW.plus(Duration.ofDays(7));
    assertThat(FireRate.perMinute(new EverySpec(Duration.ofSeconds(2), nextWeek), NOW))
        .isEqualTo(30);
  }

  @Test
  void aOneOffOrAnEndedScheduleFiresNoMore() {
    assertThat(FireRate.perMinute(new AtSpec(NOW.plusSeconds(60)), NOW)).isZero();
    ScheduleSpec ended =
        BoundedSpec.of(
            new EverySpec(Duration.ofSeconds(1), NOW.minusSeconds(600)),
            Bounds.of(null, NOW.minusSeconds(60), java.util.List.of(), UTC),
            Misfire.DEFAULT);
    assertThat(FireRate.perMinute(ended, NOW)).isZero();
  }
}
