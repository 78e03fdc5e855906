package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void sendsEveryWarmUpWebhookToItsOwnReceiverAndAnswersHowManyWereAnswered() {
    assertThat(WarmUp.run(vertx, 1_200, Duration.ofSeconds(60))).isEqualTo(1_200);
  }

  @Test
  void noneAskedNoneSent() {
    assertThat(WarmUp.run(vertx, 0, Duration.ofSeconds(60))).isZero();
  }
}
