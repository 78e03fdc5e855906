package dev.scheduleman.sdk.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void secondsCountFromTheAnswer() {
    assertThat(RetryAfter.parse("120", NOW)).contains(NOW.plusSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(NOW);
  }

  @Test
  void anHttpDateIsAnInstant() {
    assertThat(RetryAfter.parse("Thu, 03 Dec 2026 10:05:30 GMT", NOW))
        .contains(Instant.parse("2026-12-03T10:05:30Z"));
  }

  @Test
  void anythingElseIsIgnored() {
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse("", NOW)).isEmpty();
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999999999", NOW)).isEmpty();
  }

  @Test
  void theLaterOfBackoffAndRetryAfterCappedByMaxBackoff() {
    Duration max = Duration.ofMinutes(5);
    assertThat(RetryAfter.delay(Duration.ofSeconds(2), NOW.plusSeconds(30), NOW, max))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.delay(Duration.ofSeconds(40), NOW.plusSeconds(30), NOW, max))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(RetryAfter.delay(Duration.ofSeconds(2), NOW.plusSeconds(3600), NOW, max))
        .isEqualTo(max);
    assertThat(RetryAfter.delay(Duration.ofSeconds(2), NOW.minusSeconds(10), NOW, max))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryAfter.delay(Duration.ofSeconds(2), null, NOW, max))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void onlyTooManyRequestsAndUnavailable() {
    assertThat(RetryAfter.appliesTo(429)).isTrue();
    assertThat(RetryAfter.appliesTo(503)).isTrue();
    assertThat(RetryAfter.appliesTo(500)).isFalse();
    assertThat(RetryAfter.appliesTo(302)).isFalse();
  }
}
