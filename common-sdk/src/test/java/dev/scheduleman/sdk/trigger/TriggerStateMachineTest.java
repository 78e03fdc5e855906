package dev.scheduleman.sdk.trigger;

import static dev.scheduleman.sdk.model.ScheduleState.ACTIVE;
import static dev.scheduleman.sdk.model.ScheduleState.COMPLETED;
import static dev.scheduleman.sdk.model.ScheduleState.DEAD;
import static dev.scheduleman.sdk.model.ScheduleState.PAUSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.EverySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every (state, event) pair, and what follows: the table below is the whole life of a trigger. A
 * pair missing from it fails {@link #theTableCoversEveryStateAndEvent}.
 */
class TriggerStateMachineTest {

  static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
  static final Instant NOW = T.plusSeconds(1);
  static final Instant NEXT = T.plus(Duration.ofMinutes(5));
  static final UUID ID = UUID.fromString("0190a000-0000-7000-8000-000000000001");
  static final UUID TOKEN = UUID.fromString("0190a000-0000-7000-8000-00000000000f");

  static final RetryPolicy DEAD_AFTER_3 =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD);
  static final RetryPolicy CONTINUE_AFTER_3 =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.CONTINUE);

  /** Every five minutes on the hour's grid; the trigger of T fired at NOW. */
  static final TriggerRules RECURRING =
      TriggerRules.of(
          new EverySpec(Duration.ofMinutes(5), T.minus(Duration.ofHours(1))), DEAD_AFTER_3);

  static final TriggerRules RECURRING_CONTINUE =
      TriggerRules.of(RECURRING.spec().orElseThrow(), CONTINUE_AFTER_3);
  static final TriggerRules ONE_OFF = TriggerRules.of(new AtSpec(T), DEAD_AFTER_3);
  static final TriggerRules ONE_OFF_CONTINUE = TriggerRules.of(new AtSpec(T), CONTINUE_AFTER_3);
  static final TriggerRules DEFECTIVE_SPEC =
      TriggerRules.defective("unknown time zone 'Mars/Base'", DEAD_AFTER_3);

  /** Where a trigger stands before the event. */
  enum From {
    NEW(null),
    ACTIVE_LEASED(
        new TriggerState(
            ACTIVE, PendingTrigger.restore(T, T, ID, 0, "e1", T.plusSeconds(13), TOKEN))),
    ACTIVE_LAST_ATTEMPT(
        new TriggerState(
            ACTIVE, PendingTrigger.restore(T, T, ID, 2, "e1", T.plusSeconds(13), TOKEN))),
    PAUSED_(new TriggerState(PAUSED, PendingTrigger.none())),
    COMPLETED_(new TriggerState(COMPLETED, PendingTrigger.none())),
    DEAD_(new TriggerState(DEAD, PendingTrigger.restore(null, T, ID, 3, null, null, null))),
    DEAD_WITHOUT_TRIGGER(new TriggerState(DEAD, PendingTrigger.none()));

    final TriggerState state;

    From(TriggerState state) {
      this.state = state;
    }

    String stateName() {
      return state == null ? "(new)" : state.state().name();
    }
  }

  enum Id {
    NEW,
    SAME,
    NONE
  }

  /** What a case expects: refused, unchanged, or moved to a state with a trigger like this. */
  record Expect(
      String kind, ScheduleState to, Id id, Instant fireAt, int attempt, boolean exhausted) {

    static Expect refused() {
      return new Expect("refused", null, null, null, 0, false);
    }

    static Expect unchanged() {
      return new Expect("unchanged", null, null, null, 0, false);
    }

    static Expect moved(ScheduleState to, Id id, Instant fireAt, int attempt) {
      return new Expect("moved", to, id, fireAt, attempt, false);
    }

    Expect lastOne() {
      return new Expect(kind, to, id, fireAt, attempt, true);
    }
  }

  record Case(From from, TriggerEvent event, TriggerRules rules, Expect expect) {}

  static final List<Case> TABLE = new ArrayList<>();

  static void when(From from, TriggerEvent event, TriggerRules rules, Expect expect) {
    TABLE.add(new Case(from, event, rules, expect));
  }

  static {
    // A new schedule.
    when(From.NEW, TriggerEvent.CREATE, RECURRING, Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(From.NEW, TriggerEvent.CREATE, ONE_OFF, Expect.moved(ACTIVE, Id.NEW, NOW, 0));
    for (TriggerEvent e : EnumSet.complementOf(EnumSet.of(TriggerEvent.CREATE))) {
      when(From.NEW, e, RECURRING, Expect.refused());
    }

    // An active trigger (leased: claimed by an executor).
    when(From.ACTIVE_LEASED, TriggerEvent.CREATE, RECURRING, Expect.refused());
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.UPDATE_SAME_SPEC,
        RECURRING,
        Expect.moved(ACTIVE, Id.SAME, T, 0));
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.UPDATE_NEW_SPEC,
        RECURRING,
        Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(From.ACTIVE_LEASED, TriggerEvent.PAUSE, RECURRING, Expect.moved(PAUSED, Id.NONE, null, 0));
    when(From.ACTIVE_LEASED, TriggerEvent.RESUME, RECURRING, Expect.unchanged());
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.TRIGGER_NOW,
        RECURRING,
        Expect.moved(ACTIVE, Id.NEW, NOW, 0));
    when(From.ACTIVE_LEASED, TriggerEvent.REARM, RECURRING, Expect.refused());
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.SUCCEEDED,
        RECURRING,
        Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.SUCCEEDED,
        ONE_OFF,
        Expect.moved(COMPLETED, Id.NONE, null, 0));
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.SUCCEEDED,
        DEFECTIVE_SPEC,
        Expect.moved(DEAD, Id.SAME, null, 1));
    // First failure of three: the backoff is exactly minBackoff (1 s) after the first failure.
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.FAILED,
        RECURRING,
        Expect.moved(ACTIVE, Id.SAME, NOW.plusSeconds(1), 1));
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.FAILED,
        DEFECTIVE_SPEC,
        Expect.moved(DEAD, Id.SAME, null, 1).lastOne());
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.DEFECTIVE,
        RECURRING,
        Expect.moved(DEAD, Id.SAME, null, 1).lastOne());
    when(
        From.ACTIVE_LAST_ATTEMPT,
        TriggerEvent.FAILED,
        RECURRING,
        Expect.moved(DEAD, Id.SAME, null, 3).lastOne());
    when(
        From.ACTIVE_LAST_ATTEMPT,
        TriggerEvent.FAILED,
        RECURRING_CONTINUE,
        Expect.moved(ACTIVE, Id.NEW, NEXT, 0).lastOne());
    when(
        From.ACTIVE_LAST_ATTEMPT,
        TriggerEvent.FAILED,
        ONE_OFF_CONTINUE,
        Expect.moved(DEAD, Id.SAME, null, 3).lastOne());

    // Missed and skipped (misfire policy skip): not fired; the next occurrence from now.
    when(
        From.ACTIVE_LEASED, TriggerEvent.SKIPPED, RECURRING, Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(
        From.ACTIVE_LEASED,
        TriggerEvent.SKIPPED,
        ONE_OFF,
        Expect.moved(COMPLETED, Id.NONE, null, 0));

    // Claimed on time: fires as it is. Claimed after downtime: one catch-up (see the test below).
    when(From.ACTIVE_LEASED, TriggerEvent.CLAIMED, RECURRING, Expect.unchanged());
    when(From.ACTIVE_LEASED, TriggerEvent.CLAIMED, ONE_OFF, Expect.unchanged());

    // A paused schedule has no trigger.
    when(From.PAUSED_, TriggerEvent.CREATE, RECURRING, Expect.refused());
    when(
        From.PAUSED_,
        TriggerEvent.UPDATE_SAME_SPEC,
        RECURRING,
        Expect.moved(PAUSED, Id.NONE, null, 0));
    when(
        From.PAUSED_,
        TriggerEvent.UPDATE_NEW_SPEC,
        RECURRING,
        Expect.moved(PAUSED, Id.NONE, null, 0));
    when(From.PAUSED_, TriggerEvent.PAUSE, RECURRING, Expect.unchanged());
    when(From.PAUSED_, TriggerEvent.RESUME, RECURRING, Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(From.PAUSED_, TriggerEvent.RESUME, DEFECTIVE_SPEC, Expect.refused());
    when(From.PAUSED_, TriggerEvent.TRIGGER_NOW, RECURRING, Expect.refused());
    when(From.PAUSED_, TriggerEvent.REARM, RECURRING, Expect.refused());
    for (TriggerEvent e : deliveries()) {
      when(From.PAUSED_, e, RECURRING, Expect.refused());
    }

    // A completed one-off.
    when(From.COMPLETED_, TriggerEvent.CREATE, ONE_OFF, Expect.refused());
    when(
        From.COMPLETED_,
        TriggerEvent.UPDATE_SAME_SPEC,
        ONE_OFF,
        Expect.moved(COMPLETED, Id.NONE, null, 0));
    when(
        From.COMPLETED_,
        TriggerEvent.UPDATE_NEW_SPEC,
        RECURRING,
        Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(From.COMPLETED_, TriggerEvent.PAUSE, ONE_OFF, Expect.refused());
    when(From.COMPLETED_, TriggerEvent.RESUME, ONE_OFF, Expect.refused());
    when(From.COMPLETED_, TriggerEvent.TRIGGER_NOW, ONE_OFF, Expect.moved(ACTIVE, Id.NEW, NOW, 0));
    when(From.COMPLETED_, TriggerEvent.REARM, ONE_OFF, Expect.refused());
    for (TriggerEvent e : deliveries()) {
      when(From.COMPLETED_, e, ONE_OFF, Expect.refused());
    }

    // A dead schedule keeps its last trigger, without a fire time.
    when(From.DEAD_, TriggerEvent.CREATE, RECURRING, Expect.refused());
    when(
        From.DEAD_,
        TriggerEvent.UPDATE_SAME_SPEC,
        RECURRING,
        Expect.moved(ACTIVE, Id.SAME, NOW, 0));
    when(
        From.DEAD_, TriggerEvent.UPDATE_NEW_SPEC, RECURRING, Expect.moved(ACTIVE, Id.NEW, NEXT, 0));
    when(From.DEAD_, TriggerEvent.PAUSE, RECURRING, Expect.refused());
    when(From.DEAD_, TriggerEvent.RESUME, RECURRING, Expect.refused());
    when(From.DEAD_, TriggerEvent.TRIGGER_NOW, RECURRING, Expect.refused());
    when(From.DEAD_, TriggerEvent.REARM, RECURRING, Expect.moved(ACTIVE, Id.SAME, NOW, 0));
    when(
        From.DEAD_WITHOUT_TRIGGER,
        TriggerEvent.REARM,
        RECURRING,
        Expect.moved(ACTIVE, Id.NEW, NOW, 0));
    for (TriggerEvent e : deliveries()) {
      when(From.DEAD_, e, RECURRING, Expect.refused());
    }
  }

  /** What executors report: only an active trigger is claimed or delivered. */
  static Set<TriggerEvent> deliveries() {
    return EnumSet.of(
        TriggerEvent.CLAIMED,
        TriggerEvent.SUCCEEDED,
        TriggerEvent.FAILED,
        TriggerEvent.DEFECTIVE,
        TriggerEvent.SKIPPED);
  }

  static Transition run(From from, TriggerEvent event, TriggerRules rules) {
    return TriggerStateMachine.next(rules, from.state, event, NOW, new Random(7));
  }

  @Test
  void everyCaseOfTheTableMovesAsListed() {
    for (Case c : TABLE) {
      Transition t = run(c.from(), c.event(), c.rules());
      String label = c.from() + " + " + c.event() + " (" + c.rules() + ")";
      Expect e = c.expect();
      switch (e.kind()) {
        case "refused" ->
            assertThat(t)
                .as(label)
                .isInstanceOfSatisfying(
                    Transition.Refused.class,
                    r -> assertThat(r.reason()).startsWith("cannot " + c.event().verb()));
        case "unchanged" -> assertThat(t).as(label).isInstanceOf(Transition.Unchanged.class);
        default ->
            assertThat(t)
                .as(label)
                .isInstanceOfSatisfying(Transition.Moved.class, m -> check(label, c, m));
      }
    }
  }

  private static void check(String label, Case c, Transition.Moved m) {
    Expect e = c.expect();
    PendingTrigger before = c.from().state == null ? null : c.from().state.pending();
    PendingTrigger after = m.to().pending();
    assertThat(m.to().state()).as(label).isEqualTo(e.to());
    assertThat(m.exhausted()).as(label + " exhausted").isEqualTo(e.exhausted());
    assertThat(after.nextFireAt()).as(label + " fire time").isEqualTo(e.fireAt());
    assertThat(after.attempt()).as(label + " attempt").isEqualTo(e.attempt());
    switch (e.id()) {
      case NONE -> assertThat(after.executionId()).as(label + " id").isNull();
      case SAME -> assertThat(after.executionId()).as(label + " id").isEqualTo(ID);
      case NEW ->
          assertThat(after.executionId())
              .as(label + " id")
              .isNotNull()
              .isNotEqualTo(before == null ? null : before.executionId());
    }
    // Only an update that keeps the spec keeps the lease; everything else drops it.
    boolean keepsLease =
        c.event() == TriggerEvent.UPDATE_SAME_SPEC && c.from() == From.ACTIVE_LEASED;
    assertThat(after.leaseOwner()).as(label + " lease").isEqualTo(keepsLease ? "e1" : null);
    if (e.to() == DEAD) {
      assertThat(after.scheduledFor()).as(label + " kept occurrence").isEqualTo(T);
    }
  }

  @Test
  void theTableCoversEveryStateAndEvent() {
    Set<String> covered = new HashSet<>();
    for (Case c : TABLE) {
      covered.add(c.from().stateName() + "/" + c.event());
    }
    List<String> missing = new ArrayList<>();
    for (String state : List.of("(new)", "ACTIVE", "PAUSED", "COMPLETED", "DEAD")) {
      for (TriggerEvent event : TriggerEvent.values()) {
        if (!covered.contains(state + "/" + event)) {
          missing.add(state + "/" + event);
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void aRetryWaitsBetweenMinAndTheDoubledBackoffWhateverTheJitter() {
    TriggerState second =
        new TriggerState(
            ACTIVE, PendingTrigger.restore(T, T, ID, 1, "e1", T.plusSeconds(13), TOKEN));
    for (int seed = 0; seed < 50; seed++) {
      Transition t =
          TriggerStateMachine.next(RECURRING, second, TriggerEvent.FAILED, NOW, new Random(seed));
      Instant at = ((Transition.Moved) t).to().pending().nextFireAt();
      assertThat(Duration.between(NOW, at)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void aRetryAfterLaterThanTheBackoffSetsTheNextAttemptCappedByMaxBackoff() {
    TriggerState first = From.ACTIVE_LEASED.state;
    Instant asked = NOW.plusSeconds(7);
    Transition t =
        TriggerStateMachine.next(RECURRING, first, TriggerEvent.FAILED, NOW, new Random(1), asked);
    PendingTrigger retry = ((Transition.Moved) t).to().pending();
    assertThat(retry.nextFireAt()).isEqualTo(asked);
    assertThat(retry.executionId()).isEqualTo(ID);
    assertThat(retry.attempt()).isEqualTo(1);

    Transition capped =
        TriggerStateMachine.next(
            RECURRING, first, TriggerEvent.FAILED, NOW, new Random(1), NOW.plusSeconds(3600));
    assertThat(((Transition.Moved) capped).to().pending().nextFireAt())
        .isEqualTo(NOW.plus(DEAD_AFTER_3.maxBackoff()));

    Transition earlier =
        TriggerStateMachine.next(
            RECURRING, first, TriggerEvent.FAILED, NOW, new Random(1), NOW.minusSeconds(5));
    assertThat(((Transition.Moved) earlier).to().pending().nextFireAt())
        .isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void aSuccessAfterDowntimeArmsTheNextOccurrenceAtOnceAndItsClaimDecidesWhatFires() {
    Instant late = T.plus(Duration.ofMinutes(50)).plusSeconds(30);
    Transition t =
        TriggerStateMachine.next(
            RECURRING, From.ACTIVE_LEASED.state, TriggerEvent.SUCCEEDED, late, new Random(1));
    PendingTrigger next = ((Transition.Moved) t).to().pending();
    assertThat(next.nextFireAt()).isEqualTo(late);
    assertThat(next.scheduledFor()).isEqualTo(T.plus(Duration.ofMinutes(5)));
    // Claimed, it is missed (45 min late): the default policy fires T+50 for all of them.
    Transition claimed =
        TriggerStateMachine.next(
            RECURRING, ((Transition.Moved) t).to(), TriggerEvent.CLAIMED, late, new Random(1));
    assertThat(((Transition.Moved) claimed).to().pending().scheduledFor())
        .isEqualTo(T.plus(Duration.ofMinutes(50)));
  }

  @Test
  void aTriggerClaimedAfterDowntimeFiresOnceForTheLatestMissedOccurrence() {
    Instant late = T.plus(Duration.ofMinutes(50)).plusSeconds(30);
    Transition t =
        TriggerStateMachine.next(
            RECURRING, From.ACTIVE_LEASED.state, TriggerEvent.CLAIMED, late, new Random(1));
    PendingTrigger fired = ((Transition.Moved) t).to().pending();
    assertThat(fired.scheduledFor()).isEqualTo(T.plus(Duration.ofMinutes(50)));
    assertThat(fired.executionId()).isEqualTo(ID);
    assertThat(fired.leaseToken()).isEqualTo(TOKEN);

    // Delivered: the next one is the next on the cadence, not a second catch-up.
    Transition after =
        TriggerStateMachine.next(
            RECURRING,
            ((Transition.Moved) t).to(),
            TriggerEvent.SUCCEEDED,
            late.plusMillis(5),
            new Random(1));
    assertThat(((Transition.Moved) after).to().pending().nextFireAt())
        .isEqualTo(T.plus(Duration.ofMinutes(55)));
  }

  @Test
  void aRetryClaimedLateKeepsTheOccurrenceItRetries() {
    TriggerState retry =
        new TriggerState(
            ACTIVE, PendingTrigger.restore(T, T, ID, 1, "e1", T.plusSeconds(13), TOKEN));
    Transition t =
        TriggerStateMachine.next(
            RECURRING, retry, TriggerEvent.CLAIMED, T.plus(Duration.ofHours(1)), new Random(1));
    assertThat(t).isInstanceOf(Transition.Unchanged.class);
  }

  @Test
  void refusalsSayWhatCannotBeDoneAndWhy() {
    Transition t = run(From.DEAD_, TriggerEvent.PAUSE, RECURRING);
    assertThat(((Transition.Refused) t).reason())
        .isEqualTo("cannot pause a schedule in state DEAD: only an active schedule can be paused");
    Transition resume = run(From.PAUSED_, TriggerEvent.RESUME, DEFECTIVE_SPEC);
    assertThat(((Transition.Refused) resume).reason())
        .contains("no longer parses (unknown time zone 'Mars/Base')");
  }
}
