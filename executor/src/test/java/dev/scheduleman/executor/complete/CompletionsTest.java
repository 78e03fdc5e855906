package dev.scheduleman.executor.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.executor.delivery.DeliveryResult;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.storage.schedule.ClaimedTrigger;
import dev.scheduleman.storage.schedule.SpecColumns;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutcomesTest {

  private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD);

  private static ClaimedTrigger trigger(ScheduleSpec spec, int attempt, RetryPolicy retry) {
    return new ClaimedTrigger(
        UUID.randomUUID(),
        UUID.randomUUID(),
        UUID.randomUUID(),
        T,
        T,
        attempt,
        SpecColumns.of(spec),
        new Target("https://example.com", "POST", Map.of(), null, Duration.ofSeconds(3)),
        retry,
        List.of("whsec_x"),
        T.plusSeconds(13),
        T,
        Optional.empty());
  }

  private static DeliveryResult ok() {
    return new DeliveryResult(Outcome.SUCCEEDED, T, Duration.ofMillis(5), 200, null, "ok");
  }

  private static DeliveryResult failed() {
    return new DeliveryResult(Outcome.FAILED, T, Duration.ofMillis(5), 503, "HTTP 503", null);
  }

  @Test
  void successOfARecurringTriggerArmsTheNextOccurrenceUnderANewId() {
    ClaimedTrigger t = trigger(new EverySpec(Duration.ofMinutes(5), T), 0, RETRY);
    Completion c = Outcomes.decide(t, ok(), "e", T.plusMillis(20), new Random(1));
    assertThat(c.update().state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(c.update().next().nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(5)));
    assertThat(c.update().next().executionId()).isNotEqualTo(t.executionId());
    assertThat(c.update().next().attempt()).isZero();
    assertThat(c.attempt().exhausted()).isFalse();
  }

  @Test
  void successAfterDowntimeCoalescesMissedOccurrencesIntoOneCatchUp() {
    ClaimedTrigger t = trigger(new EverySpec(Duration.ofMinutes(1), T), 0, RETRY);
    Instant late = T.plus(Duration.ofMinutes(10)).plusSeconds(30);
    Completion c = Outcomes.decide(t, ok(), "e", late, new Random(1));
    assertThat(c.update().next().nextFireAt()).isEqualTo(late);
    assertThat(c.update().next().scheduledFor()).isEqualTo(T.plus(Duration.ofMinutes(10)));
  }

  @Test
  void successOfAOneOffCompletesIt() {
    Completion c = Outcomes.decide(trigger(new AtSpec(T), 0, RETRY), ok(), "e", T, new Random(1));
    assertThat(c.update().state()).isEqualTo(ScheduleState.COMPLETED);
    assertThat(c.update().next().nextFireAt()).isNull();
  }

  @Test
  void failureIsRetriedUnderTheSameIdAfterABackoffBetweenMinAndMax() {
    ClaimedTrigger t = trigger(new AtSpec(T), 1, RETRY);
    for (int seed = 0; seed < 50; seed++) {
      Completion c = Outcomes.decide(t, failed(), "e", T, new Random(seed));
      Duration wait = Duration.between(T, c.update().next().nextFireAt());
      // second failure: between min (1 s) and min * 2 (2 s)
      assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
      assertThat(c.update().next().executionId()).isEqualTo(t.executionId());
      assertThat(c.update().next().attempt()).isEqualTo(2);
      assertThat(c.update().state()).isEqualTo(ScheduleState.ACTIVE);
    }
  }

  @Test
  void lastFailedAttemptKillsTheScheduleAndKeepsTheTriggerForRearming() {
    ClaimedTrigger t = trigger(new EverySpec(Duration.ofMinutes(5), T), 2, RETRY);
    Completion c = Outcomes.decide(t, failed(), "e", T, new Random(1));
    assertThat(c.update().state()).isEqualTo(ScheduleState.DEAD);
    assertThat(c.update().next().nextFireAt()).isNull();
    assertThat(c.update().next().executionId()).isEqualTo(t.executionId());
    assertThat(c.attempt().exhausted()).isTrue();
    assertThat(c.attempt().attempt()).isEqualTo(3);
  }

  @Test
  void exhaustedRecurringTriggerWithContinueGoesOnWithItsNextOccurrence() {
    RetryPolicy cont =
        new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), OnExhausted.CONTINUE);
    ClaimedTrigger t = trigger(new EverySpec(Duration.ofMinutes(5), T), 0, cont);
    Completion c = Outcomes.decide(t, failed(), "e", T, new Random(1));
    assertThat(c.update().state()).isEqualTo(ScheduleState.ACTIVE);
    assertThat(c.update().next().executionId()).isNotEqualTo(t.executionId());
    assertThat(c.attempt().exhausted()).isTrue();
  }

  @Test
  void triggerThatCannotBeEvaluatedIsBuriedWithItsReason() {
    ClaimedTrigger broken =
        new ClaimedTrigger(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            T,
            T,
            0,
            new SpecColumns(ScheduleSpec.Kind.CRON, "* * * * *", "Mars/Base", null, null, null),
            new Target("https://example.com", "POST", Map.of(), null, Duration.ofSeconds(3)),
            RETRY,
            List.of("whsec_x"),
            T,
            T,
            Optional.empty());
    assertThat(Outcomes.defect(broken)).get().asString().contains("no longer parses");
    Completion c =
        Outcomes.decide(
            broken, DeliveryResult.failed(T, Duration.ZERO, "x"), "e", T, new Random(1));
    assertThat(c.update().state()).isEqualTo(ScheduleState.DEAD);
    assertThat(c.attempt().error()).contains("no longer parses");
  }
}
