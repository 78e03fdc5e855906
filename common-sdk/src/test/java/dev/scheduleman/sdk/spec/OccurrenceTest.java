package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OccurrenceTest {

  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void recurringScheduleStartsWithItsNextOccurrence() {
    CronSpec hourly = CronSpec.parse("0 * * * *", "UTC");
    assertThat(Occurrence.first(hourly, NOW.plusSeconds(10)))
        .contains(new Occurrence(NOW.plusSeconds(3600), NOW.plusSeconds(3600)));
  }

  @Test
  void oneOffInTheFutureFiresAtItsMoment() {
    AtSpec at = new AtSpec(NOW.plusSeconds(30));
    assertThat(Occurrence.first(at, NOW)).contains(new Occurrence(at.at(), at.at()));
  }

  @Test
  void oneOffWhoseMomentJustPassedFiresAtOnceForItsNominalTime() {
    AtSpec at = new AtSpec(NOW.minusSeconds(5));
    assertThat(Occurrence.first(at, NOW)).contains(new Occurrence(NOW, at.at()));
  }

  @Test
  void deliveredOneOffHasNoFollowingOccurrence() {
    AtSpec at = new AtSpec(NOW);
    assertThat(Occurrence.following(at, at.at(), NOW.plusSeconds(1))).isEmpty();
  }

  @Test
  void onTimeDeliveryMovesToTheNextOccurrence() {
    EverySpec everyMinute = new EverySpec(Duration.ofMinutes(1), NOW);
    assertThat(Occurrence.following(everyMinute, NOW, NOW.plusMillis(40)))
        .contains(new Occurrence(NOW.plusSeconds(60), NOW.plusSeconds(60)));
  }

  @Test
  void aNextOccurrenceDueAlreadyIsArmedAtOnceForItsOwnTime() {
    // Whether it was missed, and what fires instead, is the claim's decision (see MisfireTest).
    EverySpec everyMinute = new EverySpec(Duration.ofMinutes(1), NOW);
    Instant later = NOW.plusSeconds(5 * 60 + 30);
    assertThat(Occurrence.following(everyMinute, NOW, later))
        .contains(new Occurrence(later, NOW.plusSeconds(60)));
  }

  @Test
  void manualFireKeepsTheCadence() {
    CronSpec daily = CronSpec.parse("0 3 * * *", "UTC");
    Instant manual = Instant.parse("2026-11-24T15:00:00Z");
    assertThat(Occurrence.following(daily, manual, manual.plusSeconds(1)))
        .contains(
            new Occurrence(
                Instant.parse("2026-11-25T03:00:00Z"), Instant.parse("2026-11-25T03:00:00Z")));
  }

  @Test
  void manualFireOfAOneOffKeepsItsMoment() {
    AtSpec at = new AtSpec(NOW.plusSeconds(3600));
    assertThat(Occurrence.following(at, NOW, NOW.plusSeconds(1)))
        .contains(new Occurrence(at.at(), at.at()));
  }
}
