package dev.scheduleman.sdk.trigger;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.retry.Backoff;
import dev.scheduleman.sdk.retry.RetryAfter;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.Misfire;
import dev.scheduleman.sdk.spec.Occurrence;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Every way a trigger moves, in one place: the API's writes (create, update, pause, resume,
 * trigger-now, re-arm) and the end of a delivery (succeeded, failed, defective), as one pure
 * function of the schedule's rules, where the trigger stands, the event, the time and a random
 * source (for the backoff's jitter). crud-api and the executor both call it; neither decides a
 * trigger of its own.
 *
 * <p>The conventions it keeps:
 *
 * <ul>
 *   <li>A replaced trigger gets a new execution id and no lease, so the executor holding the old
 *       one finds its completion guarded out instead of overwriting the user's edit.
 *   <li>A retry keeps the execution id (receivers deduplicate on it) and counts the attempt.
 *   <li>A dead schedule keeps its last trigger without a fire time, so that re-arming fires it
 *       again under the same id.
 *   <li>Occurrences later than the schedule's {@link Misfire} threshold were missed, and its policy
 *       decides what fires instead: by default one catch-up (after downtime, one fire, then the
 *       normal cadence); {@code skip} fires none, {@code all} each, at most {@code maxCatchUp}.
 * </ul>
 */
public final class TriggerStateMachine {

  private TriggerStateMachine() {}

  /**
   * @param current where the schedule stands; null for {@link TriggerEvent#CREATE}, which has no
   *     schedule yet
   * @param now the time of the event (the database's, for deliveries)
   */
  public static Transition next(
      TriggerRules rules,
      TriggerState current,
      TriggerEvent event,
      Instant now,
      RandomGenerator random) {
    return next(rules, current, event, now, random, null);
  }

  /**
   * @param retryAfter for {@link TriggerEvent#FAILED}: the earliest instant the receiver asked the
   *     next attempt for ({@code Retry-After}), or null; ignored for every other event
   */
  public static Transition next(
      TriggerRules rules,
      TriggerState current,
      TriggerEvent event,
      Instant now,
      RandomGenerator random,
      Instant retryAfter) {
    if (current == null) {
      return event == TriggerEvent.CREATE
          ? first(rules, now)
          : new Transition.Refused("cannot " + event.verb() + " a schedule that does not exist");
    }
    if (event.isDelivery()) {
      return delivered(rules, current, event, now, random, retryAfter);
    }
    ScheduleState state = current.state();
    return switch (event) {
      case CREATE -> refuse(event, state, "the schedule exists already");
      case UPDATE_SAME_SPEC ->
          switch (state) {
            case ACTIVE -> new Transition.Moved(current, false, "trigger kept, with its lease");
            case PAUSED -> paused("stays paused");
            case COMPLETED -> new Transition.Moved(current, false, "stays completed");
            case DEAD -> rearm(current, now);
          };
      case UPDATE_NEW_SPEC ->
          state == ScheduleState.PAUSED ? paused("stays paused") : first(rules, now);
      case PAUSE ->
          switch (state) {
            case ACTIVE -> paused("trigger dropped");
            case PAUSED -> new Transition.Unchanged("already paused");
            default -> refuse(event, state, "only an active schedule can be paused");
          };
      case RESUME ->
          switch (state) {
            case PAUSED ->
                rules.spec().isPresent()
                    ? first(rules, now)
                    : refuse(
                        event,
                        state,
                        "the stored schedule no longer parses ("
                            + rules.defect()
                            + "); replace it with PUT to fix it");
            case ACTIVE -> new Transition.Unchanged("already active");
            default -> refuse(event, state, "only a paused schedule can be resumed");
          };
      case TRIGGER_NOW ->
          switch (state) {
            case ACTIVE, COMPLETED ->
                active(
                    PendingTrigger.fresh(now, now, Ids.newId()),
                    false,
                    "fires now under a new id; then the cadence goes on");
            case PAUSED -> refuse(event, state, "a paused schedule does not fire; resume it");
            case DEAD -> refuse(event, state, "a dead schedule fires again when it is re-armed");
          };
      case REARM ->
          state == ScheduleState.DEAD
              ? rearm(current, now)
              : refuse(event, state, "only a dead schedule can be re-armed");
      case CLAIMED -> claimed(rules, current, now);
      case SUCCEEDED, FAILED, DEFECTIVE, SKIPPED -> throw new AssertionError(event);
    };
  }

  /**
   * A claimed trigger about to fire. A retry keeps the occurrence it retries. A first attempt of a
   * recurring schedule fires as claimed when it is on time: no later than the {@link Misfire}
   * threshold after its occurrence. Later than that it was missed (the executors were down, or far
   * behind), and the policy says what fires instead:
   *
   * <ul>
   *   <li>{@code latest}: the first occurrence still on time, if one is due; else one catch-up,
   *       standing for the latest missed occurrence (its {@code Scheduleman-Scheduled-For});
   *   <li>{@code skip}: the first occurrence still on time, if one is due; else nothing ({@link
   *       Transition.Skipped}), and the schedule goes on with its next occurrence;
   *   <li>{@code all}: each missed occurrence in turn, oldest first, but at most the {@code
   *       maxCatchUp} latest of them.
   * </ul>
   *
   * What follows a delivery is always the very next occurrence (at once when it is due already), so
   * occurrences on time each fire, in order, and each missed one is decided here when it is
   * claimed.
   */
  private static Transition claimed(TriggerRules rules, TriggerState current, Instant now) {
    PendingTrigger claimed = current.pending();
    if (current.state() != ScheduleState.ACTIVE || claimed.isNone()) {
      return refuse(TriggerEvent.CLAIMED, current.state(), "only an active trigger is claimed");
    }
    Optional<ScheduleSpec> spec = rules.spec();
    if (spec.isEmpty() || !spec.get().recurring() || claimed.attempt() > 0) {
      return new Transition.Unchanged("fires as claimed");
    }
    Misfire misfire = BoundedSpec.misfireOf(spec.get());
    Instant scheduled = claimed.scheduledFor();
    // A window moves each fire up to its length after the occurrence: that much is on time too.
    Instant onTimeFrom = now.minus(misfire.threshold()).minus(rules.window().length());
    if (!scheduled.isBefore(onTimeFrom)) {
      return new Transition.Unchanged("fires as claimed");
    }
    Optional<Instant> firstOnTime =
        spec.get().nextAfter(onTimeFrom.minusNanos(1)).filter(at -> !at.isAfter(now));
    Optional<Instant> latestMissed =
        spec.get().latestAtOrBefore(onTimeFrom.minusNanos(1)).filter(at -> !at.isBefore(scheduled));
    Optional<Instant> fires =
        switch (misfire.policy()) {
          case LATEST -> firstOnTime.or(() -> latestMissed);
          case SKIP -> firstOnTime;
          case ALL ->
              latestMissed.map(
                  latest -> earliestOf(spec.get(), latest, scheduled, misfire.maxCatchUp()));
        };
    if (fires.isEmpty()) {
      return misfire.policy() == Misfire.Policy.SKIP
          ? new Transition.Skipped("missed by more than the threshold; skipped")
          : new Transition.Unchanged("fires as claimed");
    }
    if (fires.get().equals(scheduled)) {
      return new Transition.Unchanged("fires as claimed");
    }
    String why =
        switch (misfire.policy()) {
          case LATEST ->
              firstOnTime.isPresent()
                  ? "missed occurrences dropped; the first one on time fires"
                  : "one catch-up, for the latest missed occurrence";
          case SKIP -> "missed occurrences skipped; the first one on time fires";
          case ALL -> "catch-up of the latest maxCatchUp missed occurrences, oldest first";
        };
    return active(claimed.standingFor(fires.get()), false, why);
  }

  /**
   * The earliest of the {@code count} occurrences up to {@code latest} (the {@code count}-th
   * latest), but not before {@code from}.
   */
  private static Instant earliestOf(ScheduleSpec spec, Instant latest, Instant from, int count) {
    Instant cursor = latest;
    for (int i = 1; i < count && cursor.isAfter(from); i++) {
      Optional<Instant> before = spec.latestAtOrBefore(cursor.minusNanos(1));
      if (before.isEmpty() || before.get().isBefore(from)) {
        break;
      }
      cursor = before.get();
    }
    return cursor;
  }

  private static Transition delivered(
      TriggerRules rules,
      TriggerState current,
      TriggerEvent event,
      Instant now,
      RandomGenerator random,
      Instant retryAfter) {
    if (current.state() != ScheduleState.ACTIVE || current.pending().isNone()) {
      return refuse(event, current.state(), "only an active trigger is delivered");
    }
    PendingTrigger fired = current.pending();
    int attempt = fired.attempt() + 1;
    Optional<ScheduleSpec> spec = rules.spec();
    if (event == TriggerEvent.SKIPPED && spec.isPresent()) {
      return onTime(rules, now, "missed occurrence skipped; next occurrence, new id");
    }
    if (event == TriggerEvent.DEFECTIVE || spec.isEmpty()) {
      return dead(
          fired,
          attempt,
          event != TriggerEvent.SUCCEEDED,
          "not fired; dead letter with the reason");
    }
    if (event == TriggerEvent.SUCCEEDED) {
      return following(rules, fired, now, false);
    }
    RetryPolicy retry = rules.retry();
    if (attempt < retry.maxAttempts()) {
      Duration backoff = Backoff.delay(attempt, retry.minBackoff(), retry.maxBackoff(), random);
      Duration delay = RetryAfter.delay(backoff, retryAfter, now, retry.maxBackoff());
      return active(
          fired.again(now.plus(delay), attempt),
          false,
          delay.equals(backoff)
              ? "retry after a backoff, same id"
              : "retry when the receiver asked (Retry-After), same id");
    }
    if (retry.onExhausted() == OnExhausted.CONTINUE && spec.get().recurring()) {
      return following(rules, fired, now, true);
    }
    return dead(fired, attempt, true, "dead letter; trigger kept for re-arming");
  }

  /** A new schedule, or a new spec: armed with its first occurrence from now on. */
  private static Transition first(TriggerRules rules, Instant now) {
    ScheduleSpec spec =
        rules.spec().orElseThrow(() -> new IllegalArgumentException(rules.defect()));
    return Occurrence.first(spec, now)
        .<Transition>map(
            o ->
                active(
                    PendingTrigger.fresh(planned(rules, o), o.scheduledFor(), Ids.newId()),
                    false,
                    "first occurrence, new id"))
        .orElseGet(
            () ->
                new Transition.Moved(
                    new TriggerState(ScheduleState.COMPLETED, PendingTrigger.none()),
                    false,
                    "no occurrence left"));
  }

  /** The schedule's first occurrence after {@code now}, under a new id; or completion. */
  private static Transition onTime(TriggerRules rules, Instant now, String why) {
    return rules
        .spec()
        .orElseThrow()
        .nextAfter(now)
        .<Transition>map(
            next ->
                active(
                    PendingTrigger.fresh(
                        planned(rules, new Occurrence(next, next)), next, Ids.newId()),
                    false,
                    why))
        .orElseGet(
            () ->
                new Transition.Moved(
                    new TriggerState(ScheduleState.COMPLETED, PendingTrigger.none()),
                    false,
                    "missed occurrence skipped; no occurrence left"));
  }

  /**
   * When occurrence {@code o} fires: at its instant within the schedule's window, but not before
   * {@code o} was due to fire anyway (a one-off whose moment has just passed fires at once).
   */
  private static Instant planned(TriggerRules rules, Occurrence o) {
    Instant at = rules.window().plan(o.scheduledFor());
    return at.isAfter(o.fireAt()) ? at : o.fireAt();
  }

  /** After occurrence {@code fired} was delivered (or given up): the next one, or completion. */
  private static Transition following(
      TriggerRules rules, PendingTrigger fired, Instant now, boolean exhausted) {
    String prefix = exhausted ? "dead letter; " : "";
    return Occurrence.following(rules.spec().orElseThrow(), fired.scheduledFor(), now)
        .<Transition>map(
            o ->
                active(
                    PendingTrigger.fresh(planned(rules, o), o.scheduledFor(), Ids.newId()),
                    exhausted,
                    prefix + "next occurrence, new id"))
        .orElseGet(
            () ->
                new Transition.Moved(
                    new TriggerState(ScheduleState.COMPLETED, PendingTrigger.none()),
                    exhausted,
                    prefix + "no occurrence left"));
  }

  /** Re-armed: the last trigger fires now, under the same id, with fresh attempts. */
  private static Transition rearm(TriggerState dead, Instant now) {
    PendingTrigger last = dead.pending();
    if (last.executionId() == null || last.scheduledFor() == null) {
      return active(PendingTrigger.fresh(now, now, Ids.newId()), false, "fires now, new id");
    }
    return active(last.again(now, 0), false, "fires now, same id, fresh attempts");
  }

  /** Dead: the trigger is kept without a fire time, so that re-arming fires it under its id. */
  private static Transition dead(PendingTrigger fired, int attempt, boolean exhausted, String why) {
    return new Transition.Moved(
        new TriggerState(ScheduleState.DEAD, fired.again(null, attempt)), exhausted, why);
  }

  private static Transition paused(String why) {
    return new Transition.Moved(
        new TriggerState(ScheduleState.PAUSED, PendingTrigger.none()), false, why);
  }

  private static Transition active(PendingTrigger pending, boolean exhausted, String why) {
    return new Transition.Moved(new TriggerState(ScheduleState.ACTIVE, pending), exhausted, why);
  }

  private static Transition refuse(TriggerEvent event, ScheduleState state, String why) {
    return new Transition.Refused(
        "cannot " + event.verb() + " a schedule in state " + state + ": " + why);
  }
}
