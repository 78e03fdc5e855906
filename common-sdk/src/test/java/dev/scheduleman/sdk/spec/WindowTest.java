package dev.scheduleman.sdk.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WindowTest {

  static final Instant HOUR = Instant.parse("2026-12-07T10:00:00Z");
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  @Test
  void eachScheduleFiresAtAStableInstantWithinItsWindow() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      Window window = Window.of(FIVE_MINUTES, new UUID(random.nextLong(), random.nextLong()));
      Instant occurrence = HOUR.plus(Duration.ofHours(random.nextInt(10_000)));
      Instant planned = window.plan(occurrence);
      assertThat(planned).isBetween(occurrence, occurrence.plus(FIVE_MINUTES).minusMillis(1));
      assertThat(window.plan(occurrence)).isEqualTo(planned);
    }
    assertThat(Window.NONE.plan(HOUR)).isEqualTo(HOUR);
    assertThat(Window.of(Duration.ZERO, UUID.randomUUID())).isEqualTo(Window.NONE);
  }

  /** A thousand schedules on the hour spread evenly over a 5-minute window: 100 per 30 s. */
  @Test
  void topOfTheHourLoadSpreadsOverTheWindow() {
    int[] buckets = new int[10];
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      Window window = Window.of(FIVE_MINUTES, new UUID(random.nextLong(), random.nextLong()));
      long offset = Duration.between(HOUR, window.plan(HOUR)).toSeconds();
      buckets[(int) (offset / 30)]++;
    }
    for (int count : buckets) {
      assertThat(count).isBetween(60, 140);
    }
    // And one schedule's occurrences land at different places in their windows.
    Window one = Window.of(FIVE_MINUTES, UUID.fromString("0190a000-0000-7000-8000-000000000001"));
    long distinct =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(h -> one.plan(HOUR.plus(Duration.ofHours(h))).getEpochSecond() % 300)
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(50);
  }

  @Test
  void theStateMachineArmsEachOccurrenceAtItsPlannedInstantAndKeepsTheNominalOne() {
    UUID id = UUID.randomUUID();
    Window window = Window.of(FIVE_MINUTES, id);
    TriggerRules rules =
        TriggerRules.of(
                new EverySpec(Duration.ofHours(1), HOUR),
                new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD))
            .within(window);
    Instant now = HOUR.minusSeconds(30);
    PendingTrigger first =
        ((Transition.Moved)
                TriggerStateMachine.next(rules, null, TriggerEvent.CREATE, now, new Random(1)))
            .to()
            .pending();
    assertThat(first.scheduledFor()).isEqualTo(HOUR);
    assertThat(first.nextFireAt()).isEqualTo(window.plan(HOUR));

    PendingTrigger leased =
        PendingTrigger.restore(
            first.nextFireAt(),
            first.scheduledFor(),
            first.executionId(),
            0,
            "e1",
            first.nextFireAt().plusSeconds(30),
            UUID.randomUUID());
    Transition delivered =
        TriggerStateMachine.next(
            rules,
            new TriggerState(dev.scheduleman.sdk.model.ScheduleState.ACTIVE, leased),
            TriggerEvent.SUCCEEDED,
            first.nextFireAt().plusMillis(20),
            new Random(1));
    PendingTrigger second = ((Transition.Moved) delivered).to().pending();
    Instant nextHour = HOUR.plus(Duration.ofHours(1));
    assertThat(second.scheduledFor()).isEqualTo(nextHour);
    assertThat(second.nextFireAt()).isEqualTo(window.plan(nextHour));
  }
}
