package dev.scheduleman.sdk.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(60);

  /** A random source that always draws the lowest or the highest value. */
  private static RandomGenerator extreme(boolean highest) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public long nextLong(long bound) {
        return highest ? bound - 1 : 0;
      }
    };
  }

  @Test
  void firstRetryWaitsExactlyTheMinimum() {
    assertThat(Backoff.delay(1, MIN, MAX, extreme(true))).isEqualTo(MIN);
  }

  @Test
  void ceilingDoublesWithEachFailureUntilTheMaximum() {
    assertThat(Backoff.delay(2, MIN, MAX, extreme(true))).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.delay(3, MIN, MAX, extreme(true))).isEqualTo(Duration.ofSeconds(4));
    assertThat(Backoff.delay(6, MIN, MAX, extreme(true))).isEqualTo(Duration.ofSeconds(32));
    assertThat(Backoff.delay(7, MIN, MAX, extreme(true))).isEqualTo(MAX);
    assertThat(Backoff.delay(100, MIN, MAX, extreme(true))).isEqualTo(MAX);
    assertThat(Backoff.delay(Integer.MAX_VALUE, MIN, MAX, extreme(true))).isEqualTo(MAX);
  }

  @Test
  void fullJitterReachesDownToTheMinimumForEveryAttempt() {
    for (int attempt = 1; attempt < 20; attempt++) {
      assertThat(Backoff.delay(attempt, MIN, MAX, extreme(false))).isEqualTo(MIN);
    }
  }

  @Test
  void delaysStayBetweenMinAndMaxAndSpreadOut() {
    SplittableRandom random = new SplittableRandom(42);
    long distinct =
        java.util.stream.IntStream.range(0, 1000)
            .mapToObj(i -> Backoff.delay(10, MIN, MAX, random))
            .peek(d -> assertThat(d).isBetween(MIN, MAX))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(500);
  }

  @Test
  void equalMinAndMaxGiveAFixedDelay() {
    Duration fixed = Duration.ofMillis(1500);
    assertThat(Backoff.delay(5, fixed, fixed, new SplittableRandom())).isEqualTo(fixed);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> Backoff.delay(0, MIN, MAX, new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.delay(1, MAX, MIN, new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
