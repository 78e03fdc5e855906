package dev.scheduleman.executor.send;

import static dev.scheduleman.executor.send.HostLimit.Signal.ANSWERED;
import static dev.scheduleman.executor.send.HostLimit.Signal.NONE;
import static dev.scheduleman.executor.send.HostLimit.Signal.OVERLOADED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostLimitTest {

  @Test
  void startsAtTheConnectionsPerHostAndAnswersDoNotRaiseItBeyond() {
    HostLimit limit = new HostLimit(200);
    for (int i = 0; i < 1000; i++) {
      limit.ended(ANSWERED, i, i + 1, true);
    }
    assertThat(limit.current()).isEqualTo(200);
  }

  @Test
  void anOverloadHalvesTheLimitOncePerEventAndNeverBelowOne() {
    HostLimit limit = new HostLimit(200);
    assertThat(limit.ended(OVERLOADED, 10, 100, true)).isTrue();
    assertThat(limit.current()).isEqualTo(100);
    // Sent before the cut: the same event, no second cut.
    assertThat(limit.ended(OVERLOADED, 50, 120, true)).isFalse();
    assertThat(limit.ended(OVERLOADED, 99, 130, true)).isFalse();
    assertThat(limit.current()).isEqualTo(100);
    // Sent under the new limit and overloaded again: cut again.
    assertThat(limit.ended(OVERLOADED, 101, 200, true)).isTrue();
    assertThat(limit.current()).isEqualTo(50);
    for (int i = 0; i < 20; i++) {
      limit.ended(OVERLOADED, 1000 + i * 10, 1005 + i * 10, true);
    }
    assertThat(limit.current()).isEqualTo(1);
    assertThat(limit.cuts()).isEqualTo(22);
  }

  @Test
  void afterACutAnswersRaiseTheLimitByAboutOnePerWindowOnlyWhileItHoldsRequestsBack() {
    HostLimit limit = new HostLimit(100);
    limit.ended(OVERLOADED, 0, 1, true);
    assertThat(limit.current()).isEqualTo(50);
    // Not held back: the limit was not what kept requests waiting, so it learns nothing.
    for (int i = 0; i < 500; i++) {
      limit.ended(ANSWERED, 2, 3, false);
    }
    assertThat(limit.current()).isEqualTo(50);
    // About one window of answers while held back: one more.
    for (int i = 0; i < 51; i++) {
      limit.ended(ANSWERED, 2, 3, true);
    }
    assertThat(limit.current()).isEqualTo(51);
    // Enough windows: back to the maximum, never beyond.
    for (int i = 0; i < 10_000; i++) {
      limit.ended(ANSWERED, 2, 3, true);
    }
    assertThat(limit.current()).isEqualTo(100);
  }

  @Test
  void endsThatSayNothingAboutLoadChangeNothing() {
    HostLimit limit = new HostLimit(8);
    limit.ended(OVERLOADED, 0, 1, true);
    for (int i = 0; i < 100; i++) {
      assertThat(limit.ended(NONE, 10 + i, 11 + i, true)).isFalse();
    }
    assertThat(limit.current()).isEqualTo(4);
    assertThat(limit.cuts()).isEqualTo(1);
  }
}
