package dev.scheduleman.executor.dispatch;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The second stage: fires claimed triggers on time. A trigger claimed ahead of its due instant
 * waits on a Vert.x timer, computed on the database's clock (rounded up: never early), so it fires
 * within milliseconds of the instant instead of a poll interval late; one already due goes on at
 * once. Both happen on Vert.x's event loops in turn ({@link EventLoops}). Waiting triggers are
 * keyed by execution id, and whoever removes an entry owns its trigger: the timer fires it, or a
 * cancellation (the trigger was edited, or this executor stops) takes it back, never both.
 */
public final class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  private record Waiting(ClaimedTrigger trigger, long timerId) {}

  private final Vertx vertx;
  private final EventLoops loops;
  private final Clock clock;
  private final Consumer<ClaimedTrigger> due;
  private final Consumer<ClaimedTrigger> displaced;
  private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();

  /**
   * @param clock the database's clock
   * @param due where a trigger goes at its due instant: the next stage
   * @param displaced told of a waiting trigger that a newer claim of the same execution id replaced
   *     (its own lease is gone): it is not fired
   */
  public Dispatcher(
      Vertx vertx,
      EventLoops loops,
      Clock clock,
      Consumer<ClaimedTrigger> due,
      Consumer<ClaimedTrigger> displaced) {
    this.vertx = vertx;
    this.loops = loops;
    this.clock = clock;
    this.due = due;
    this.displaced = displaced;
  }

  /**
   * Takes claimed triggers in: each waits for its instant on a timer, or goes on at once when it is
   * due, on the event loops in turn so that a wave due at one instant is sent in parallel. Every
   * trigger is registered before this returns, so a cancellation right after it finds the trigger
   * whether its timer is set yet or not.
   */
  public void dispatch(List<ClaimedTrigger> triggers) {
    if (triggers.isEmpty()) {
      return;
    }
    int share = Math.min(loops.size(), triggers.size());
    List<List<ClaimedTrigger>> shares = new ArrayList<>(share);
    for (int i = 0; i < share; i++) {
      shares.add(new ArrayList<>(triggers.size() / share + 1));
    }
    int i = 0;
    for (ClaimedTrigger trigger : triggers) {
      Waiting earlier = waiting.put(trigger.executionId(), new Waiting(trigger, -1));
      if (earlier != null) {
        cancelTimer(earlier);
        displaced.accept(earlier.trigger());
      }
      // In turn, so that each loop gets its share of every instant, in due order.
      shares.get(i++ % share).add(trigger);
    }
    for (List<ClaimedTrigger> mine : shares) {
      loops.next().runOnContext(v -> arm(mine));
    }
  }

  /** On an event loop: fires what is due, sets timers (on this loop) for the rest. */
  private void arm(List<ClaimedTrigger> triggers) {
    Instant now = clock.instant();
    for (ClaimedTrigger trigger : triggers) {
      long nanos = Duration.between(now, trigger.fireAt()).toNanos();
      if (nanos <= 0) {
        if (take(trigger) != null) {
          fire(trigger);
        }
        continue;
      }
      long delay = Math.max(1, (nanos + 999_999) / 1_000_000);
      long timer =
          vertx.setTimer(
              delay,
              id -> {
                if (take(trigger) != null) {
                  fire(trigger);
                }
              });
      Waiting armed =
          waiting.computeIfPresent(
              trigger.executionId(),
              (k, w) -> w.trigger() == trigger ? new Waiting(trigger, timer) : w);
      if (armed == null || armed.trigger() != trigger) {
        vertx.cancelTimer(timer); // cancelled or displaced meanwhile: its timer has no one to fire
      }
    }
  }

  /** Removes this very trigger's entry, atomically; null when it is not waiting (any more). */
  private Waiting take(ClaimedTrigger trigger) {
    Waiting[] taken = {null};
    waiting.computeIfPresent(
        trigger.executionId(),
        (k, w) -> {
          if (w.trigger() != trigger) {
            return w;
          }
          taken[0] = w;
          return null;
        });
    return taken[0];
  }

  private void fire(ClaimedTrigger trigger) {
    try {
      due.accept(trigger);
    } catch (RuntimeException e) {
      // The next stage promises not to throw; if it does, the lease expiring fires it again.
      LOG.errorf(
          e,
          "schedule %s execution %s: could not hand on",
          trigger.scheduleId(),
          trigger.executionId());
    }
  }

  /**
   * Takes back a trigger still waiting for its instant.
   *
   * @return true when it was waiting (it will not fire), false when it was not (or no longer)
   */
  public boolean cancel(ClaimedTrigger trigger) {
    Waiting w = take(trigger);
    if (w == null) {
      return false;
    }
    cancelTimer(w);
    return true;
  }

  private void cancelTimer(Waiting w) {
    if (w.timerId() >= 0) {
      vertx.cancelTimer(w.timerId());
    }
  }

  /** Triggers waiting for their instant. */
  public int waiting() {
    return waiting.size();
  }

  /** Stops the timers of triggers not yet fired and returns those triggers, to be released. */
  public List<ClaimedTrigger> cancelWaiting() {
    List<ClaimedTrigger> cancelled = new ArrayList<>();
    for (Waiting w : List.copyOf(waiting.values())) {
      if (cancel(w.trigger())) {
        cancelled.add(w.trigger());
      }
    }
    return cancelled;
  }
}
