package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EverySpecTest {

  private static final Instant START = Instant.parse("2026-11-24T12:00:00Z");
  private final EverySpec everyFiveMinutes = new EverySpec(Duration.ofMinutes(5), START);

  @Test
  void firstOccurrenceIsTheStart() {
    assertThat(everyFiveMinutes.nextAfter(START.minusSeconds(3600))).contains(START);
  }

  @Test
  void occurrencesAreAnchoredOnTheStartNotOnTheQuery() {
    assertThat(everyFiveMinutes.nextAfter(START)).contains(START.plusSeconds(300));
    assertThat(everyFiveMinutes.nextAfter(START.plusSeconds(301))).contains(START.plusSeconds(600));
    assertThat(everyFiveMinutes.nextAfter(START.plusSeconds(599).plusMillis(999)))
        .contains(START.plusSeconds(600));
  }

  @Test
  void latestAtOrBeforeIsTheOccurrenceOnOrBeforeTheInstant() {
    assertThat(everyFiveMinutes.latestAtOrBefore(START.minusMillis(1))).isEmpty();
    assertThat(everyFiveMinutes.latestAtOrBefore(START)).contains(START);
    assertThat(everyFiveMinutes.latestAtOrBefore(START.plusSeconds(899)))
        .contains(START.plusSeconds(600));
  }

  @Test
  void intervalMustBePositive() {
    assertThatThrownBy(() -> new EverySpec(Duration.ZERO, START))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
