package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  @Test
  void sendsEveryWarmUpWebhookToItsOwnReceiverAndAnswersHowManyWereAnswered() {
    assertThat(WarmUp.run(1_200, Duration.ofSeconds(60))).isEqualTo(1_200);
  }

  @Test
  void noneAskedNoneSent() {
    assertThat(WarmUp.run(0, Duration.ofSeconds(60))).isZero();
  }
}
