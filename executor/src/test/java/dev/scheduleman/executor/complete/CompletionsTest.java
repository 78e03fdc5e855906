package dev.scheduleman.executor.complete;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a delivery leaves behind: the trigger's next state comes from the state machine (tested in
 * common-sdk); here, that it is written for the right row and guard, and that the attempt is
 * recorded as it happened.
 */
class CompletionsTest {

  private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD);
  private static final Target TARGET =
      new Target("https://example.com", "POST", Map.of(), null, Duration.ofSeconds(3));

  private static ClaimedTrigger trigger(TriggerRules rules, int attempt, Optional<String> defect) {
    return new ClaimedTrigger(
        UUID.randomUUID(),
        UUID.randomUUID(),
        PendingTrigger.restore(
            T, T, UUID.randomUUID(), attempt, "e", T.plusSeconds(13), UUID.randomUUID()),
        rules,
        TARGET,
        List.of("whsec_x"),
        T,
        defect);
  }

  private static ClaimedTrigger trigger(int attempt) {
    return trigger(
        TriggerRules.of(new EverySpec(Duration.ofMinutes(5), T), RETRY), attempt, Optional.empty());
  }

  @Test
  void aSuccessIsWrittenUnderTheFiredIdAndRecordedAsTheNextAttempt() {
    ClaimedTrigger t = trigger(0);
    Delivery ok = Delivery.answered(t, T.plusMillis(3), Duration.ofMillis(5), 204, "done");

    Completion c = Completions.of(ok, "executor-1", T.plusMillis(20), new Random(1));

    assertThat(c.trigger()).isSameAs(t);
    assertThat(c.update().scheduleId()).isEqualTo(t.scheduleId());
    assertThat(c.update().firedExecutionId()).isEqualTo(t.executionId());
    assertThat(c.update().next().state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(c.update().next().pending().nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(5)));
    assertThat(c.update().lastRun().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(c.update().lastRun().httpStatus()).isEqualTo(204);
    assertThat(c.attempt().attempt()).isEqualTo(1);
    assertThat(c.attempt().firedAt()).isEqualTo(T.plusMillis(3));
    assertThat(c.attempt().durationMs()).isEqualTo(5);
    assertThat(c.attempt().executor()).isEqualTo("executor-1");
    assertThat(c.attempt().responseExcerpt()).isEqualTo("done");
    assertThat(c.attempt().error()).isNull();
    assertThat(c.attempt().exhausted()).isFalse();
  }

  @Test
  void aFailureIsRecordedWithItsReasonAndTheRetryKeepsTheId() {
    ClaimedTrigger t = trigger(1);
    Delivery failed = Delivery.answered(t, T, Duration.ofMillis(7), 503, null);

    Completion c = Completions.of(failed, "e", T, new Random(1));

    assertThat(c.attempt().attempt()).isEqualTo(2);
    assertThat(c.attempt().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.attempt().error()).isEqualTo("HTTP 503");
    assertThat(c.update().next().pending().executionId()).isEqualTo(t.executionId());
    assertThat(c.update().next().pending().attempt()).isEqualTo(2);
  }

  @Test
  void theLastFailedAttemptIsADeadLetter() {
    Completion c =
        Completions.of(
            Delivery.failed(trigger(2), T, Duration.ZERO, "timed out after 3s"),
            "e",
            T,
            new Random(1));
    assertThat(c.update().next().state()).isEqualTo(ScheduleState.DEAD);
    assertThat(c.attempt().exhausted()).isTrue();
    assertThat(c.update().lastRun().error()).isEqualTo("timed out after 3s");
  }

  @Test
  void aTriggerThatCannotBeFiredIsBuriedWithItsReason() {
    String why = "stored schedule no longer parses: unknown time zone";
    ClaimedTrigger broken = trigger(TriggerRules.defective(why, RETRY), 0, Optional.of(why));

    Completion c = Completions.of(Delivery.notFired(broken, T, why), "e", T, new Random(1));

    assertThat(c.update().next().state()).isEqualTo(ScheduleState.DEAD);
    assertThat(c.attempt().exhausted()).isTrue();
    assertThat(c.attempt().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.attempt().error()).isEqualTo("not fired: " + why);
  }

  @Test
  void aOneOffIsCompletedByItsSuccess() {
    ClaimedTrigger t = trigger(TriggerRules.of(new AtSpec(T), RETRY), 0, Optional.empty());
    Completion c =
        Completions.of(Delivery.answered(t, T, Duration.ZERO, 200, null), "e", T, new Random(1));
    assertThat(c.update().next().state()).isEqualTo(ScheduleState.COMPLETED);
    assertThat(c.update().next().pending().isNone()).isTrue();
  }
}
