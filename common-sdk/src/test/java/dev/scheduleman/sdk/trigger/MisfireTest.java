package dev.scheduleman.sdk.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Bounds;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.Misfire.Policy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An every-5-minutes schedule whose executors were down for an hour: its trigger for T is claimed
 * at T + 1 h (+ a little), and then as fast as the executors go. What fires, for each policy, is
 * worked out here from the cadence, not from the code under test.
 */
class MisfireTest {

  static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
  static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD);

  /** The occurrences T + k × 5 min for k in [from, to]. */
  static List<Instant> occurrences(int from, int to) {
    List<Instant> out = new ArrayList<>();
    for (int k = from; k <= to; k++) {
      out.add(T.plus(FIVE_MINUTES.multipliedBy(k)));
    }
    return out;
  }

  static TriggerRules rules(Misfire misfire) {
    return TriggerRules.of(
        BoundedSpec.of(
            new EverySpec(FIVE_MINUTES, T),
            Bounds.of(null, null, List.of(), ZoneOffset.UTC),
            misfire),
        RETRY);
  }

  /** What the receiver sees from {@code now} on: claim, then succeed, while triggers are due. */
  record Run(List<Instant> fired, Set<UUID> ids, Instant nextFireAt) {}

  static Run catchUp(TriggerRules rules, Instant now) {
    PendingTrigger pending =
        PendingTrigger.restore(
            T, T, UUID.randomUUID(), 0, "e1", now.plusSeconds(30), UUID.randomUUID());
    List<Instant> fired = new ArrayList<>();
    Set<UUID> ids = new HashSet<>();
    Random random = new Random(1);
    for (int guard = 0; guard < 1000 && !pending.nextFireAt().isAfter(now); guard++) {
      TriggerState state = new TriggerState(ScheduleState.ACTIVE, pending);
      Transition claimed =
          TriggerStateMachine.next(rules, state, TriggerEvent.CLAIMED, now, random);
      TriggerEvent outcome = TriggerEvent.SUCCEEDED;
      if (claimed instanceof Transition.Moved moved) {
        pending = moved.to().pending();
      } else if (claimed instanceof Transition.Skipped) {
        outcome = TriggerEvent.SKIPPED;
      }
      if (outcome == TriggerEvent.SUCCEEDED) {
        fired.add(pending.scheduledFor());
        ids.add(pending.executionId());
      }
      Transition after =
          TriggerStateMachine.next(
              rules, new TriggerState(ScheduleState.ACTIVE, pending), outcome, now, random);
      pending = ((Transition.Moved) after).to().pending();
      now = now.plusMillis(10); // the executors catch up quickly
    }
    return new Run(fired, ids, pending.nextFireAt());
  }

  static final Instant HOUR_LATER = T.plus(Duration.ofHours(1)).plusSeconds(20);

  @Test
  void latestFiresOneCatchUpForTheLatestOccurrenceThenTheCadence() {
    Run run = catchUp(rules(Misfire.DEFAULT), HOUR_LATER);
    assertThat(run.fired()).containsExactly(T.plus(Duration.ofHours(1)));
    assertThat(run.nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(65)));
  }

  @Test
  void skipFiresNothingMissedByMoreThanTheThresholdAndGoesOnWithTheNextOccurrence() {
    Misfire skip = new Misfire(Policy.SKIP, Duration.ofSeconds(10), 100);
    Run run = catchUp(rules(skip), HOUR_LATER);
    // Even the latest (20 s late) is later than the threshold: nothing fires.
    assertThat(run.fired()).isEmpty();
    assertThat(run.nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(65)));

    // With a threshold of a minute, the latest occurrence is on time and fires; the rest do not.
    Run lenient = catchUp(rules(new Misfire(Policy.SKIP, Duration.ofMinutes(1), 100)), HOUR_LATER);
    assertThat(lenient.fired()).containsExactly(T.plus(Duration.ofHours(1)));
    assertThat(lenient.nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(65)));
  }

  @Test
  void allFiresEachMissedOccurrenceInOrderUnderItsOwnId() {
    Run run = catchUp(rules(new Misfire(Policy.ALL, Duration.ofMinutes(1), 100)), HOUR_LATER);
    assertThat(run.fired()).containsExactlyElementsOf(occurrences(0, 12));
    assertThat(run.ids()).hasSize(13);
    assertThat(run.nextFireAt()).isEqualTo(T.plus(Duration.ofMinutes(65)));
  }

  @Test
  void allFiresAtMostMaxCatchUpOfTheMissedOnesTheLatestThenTheOneOnTime() {
    Run run = catchUp(rules(new Misfire(Policy.ALL, Duration.ofMinutes(1), 5)), HOUR_LATER);
    assertThat(run.fired()).containsExactlyElementsOf(occurrences(7, 12));
    assertThat(run.ids()).hasSize(6);
  }

  @Test
  void occurrencesWithinTheThresholdAreOnTimeAndEachFiresWhateverThePolicy() {
    // Every 5 minutes, 12 minutes behind, with a threshold of 15 minutes: nothing was missed.
    for (Policy policy : Policy.values()) {
      Run run =
          catchUp(rules(new Misfire(policy, Duration.ofMinutes(15), 100)), T.plusSeconds(12 * 60));
      assertThat(run.fired()).as(policy.wire()).containsExactlyElementsOf(occurrences(0, 2));
    }
  }

  @Test
  void latestWithAnOccurrenceStillOnTimeFiresThatOneAndDropsTheMissed() {
    // An hour down with a threshold of 12 minutes: T+50 and T+55 are still on time (10 and 5
    // minutes late) and fire, in order; the missed ones before them do not.
    Run run =
        catchUp(
            rules(new Misfire(Policy.LATEST, Duration.ofMinutes(12), 100)),
            T.plus(Duration.ofMinutes(60)));
    assertThat(run.fired()).containsExactlyElementsOf(occurrences(10, 12));
  }

  @Test
  void onTimeEveryPolicyFiresTheOccurrenceAsClaimed() {
    for (Policy policy : Policy.values()) {
      Run run = catchUp(rules(new Misfire(policy, Duration.ofMinutes(1), 100)), T.plusSeconds(2));
      assertThat(run.fired()).as(policy.wire()).containsExactly(T);
      assertThat(run.nextFireAt()).as(policy.wire()).isEqualTo(T.plus(FIVE_MINUTES));
    }
  }

  @Test
  void aMisfirePolicyIsValidated() {
    assertThatThrownBy(() -> Policy.parse("sometimes"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("misfire.policy"));
    assertThatThrownBy(() -> new Misfire(Policy.ALL, Duration.ZERO, 10))
        .isInstanceOfSatisfying(
            InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("misfire.threshold"));
    assertThatThrownBy(() -> new Misfire(Policy.ALL, Duration.ofMinutes(1), 1001))
        .isInstanceOfSatisfying(
            InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("misfire.maxCatchUp"));
  }
}
