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
 *   <li>Missed occurrences follow the schedule's {@link Misfire} policy: by default they coalesce
 *       (after downtime, one catch-up fire, then the normal cadence); {@code skip} fires none of
 *       those later than the threshold, {@code all} fires each, at most {@code maxCatchUp}.
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
   * recurring schedule follows its {@link Misfire} policy when later occurrences are due too (the
   * executors were down, or far behind):
   *
   * <ul>
   *   <li>{@code latest}: it is the one catch-up of all of them, standing for the latest one due
   *       (its {@code Scheduleman-Scheduled-For}), and the cadence goes on from there;
   *   <li>{@code skip}: the latest one due fires if it is not later than the threshold; else none
   *       does ({@link Transition.Skipped}), and the schedule goes on with its next occurrence;
   *   <li>{@code all}: each fires in turn, this one first, unless more than {@code maxCatchUp} are
   *       due: then the oldest are dropped and the first fired is the {@code maxCatchUp}-th latest.
   * </ul>
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
    if (misfire.policy() == Misfire.Policy.SKIP) {
      Instant latest = spec.get().latestAtOrBefore(now).orElse(scheduled);
      if (latest.isBefore(scheduled)) {
        latest = scheduled;
      }
      if (Duration.between(latest, now).compareTo(misfire.threshold()) > 0) {
        return new Transition.Skipped("missed by more than the threshold; skipped");
      }
      return latest.equals(scheduled)
          ? new Transition.Unchanged("fires as claimed")
          : active(claimed.standingFor(latest), false, "the latest occurrence, on time");
    }
    Optional<Instant> following = spec.get().nextAfter(scheduled);
    if (following.isEmpty() || following.get().isAfter(now)) {
      return new Transition.Unchanged("fires as claimed");
    }
    if (misfire.policy() == Misfire.Policy.ALL) {
      Optional<Instant> oldest = oldestCaughtUp(spec.get(), now, misfire.maxCatchUp());
      return oldest.isPresent() && oldest.get().isAfter(scheduled)
          ? active(
              claimed.standingFor(oldest.get()),
              false,
              "catch-up of the latest maxCatchUp missed occurrences, oldest first")
          : new Transition.Unchanged("fires as claimed; each missed occurrence follows");
    }
    Instant latest = spec.get().latestAtOrBefore(now).orElse(following.get());
    return active(
        claimed.standingFor(latest), false, "one catch-up, for the latest missed occurrence");
  }

  /** The {@code count}-th latest occurrence at or before {@code now}, or the earliest there is. */
  private static Optional<Instant> oldestCaughtUp(ScheduleSpec spec, Instant now, int count) {
    Optional<Instant> cursor = spec.latestAtOrBefore(now);
    for (int i = 1; i < count && cursor.isPresent(); i++) {
      Optional<Instant> before = spec.latestAtOrBefore(cursor.get().minusNanos(1));
      if (before.isEmpty()) {
        break;
      }
      cursor = before;
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
      return onTime(spec.get(), now, "missed occurrence skipped; next occurrence, new id");
    }
    if (event == TriggerEvent.DEFECTIVE || spec.isEmpty()) {
      return dead(
          fired,
          attempt,
          event != TriggerEvent.SUCCEEDED,
          "not fired; dead letter with the reason");
    }
    if (event == TriggerEvent.SUCCEEDED) {
      return following(spec.get(), fired, now, false);
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
      return following(spec.get(), fired, now, true);
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
                    PendingTrigger.fresh(o.fireAt(), o.scheduledFor(), Ids.newId()),
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
  private static Transition onTime(ScheduleSpec spec, Instant now, String why) {
    return spec.nextAfter(now)
        .<Transition>map(next -> active(PendingTrigger.fresh(next, next, Ids.newId()), false, why))
        .orElseGet(
            () ->
                new Transition.Moved(
                    new TriggerState(ScheduleState.COMPLETED, PendingTrigger.none()),
                    false,
                    "missed occurrence skipped; no occurrence left"));
  }

  /** After occurrence {@code fired} was delivered (or given up): the next one, or completion. */
  private static Transition following(
      ScheduleSpec spec, PendingTrigger fired, Instant now, boolean exhausted) {
    String prefix = exhausted ? "dead letter; " : "";
    Optional<Occurrence> next =
        BoundedSpec.misfireOf(spec).policy() == Misfire.Policy.ALL
            ? Occurrence.each(spec, fired.scheduledFor(), now)
            : Occurrence.after(spec, fired.scheduledFor(), now);
    return next.<Transition>map(
            o ->
                active(
                    PendingTrigger.fresh(o.fireAt(), o.scheduledFor(), Ids.newId()),
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
