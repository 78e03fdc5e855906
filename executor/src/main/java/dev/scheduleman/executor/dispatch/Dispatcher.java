package dev.scheduleman.executor.dispatch;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
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
 * waits on a Vert.x timer, computed on the database's clock, so it fires within milliseconds of the
 * instant instead of a poll interval late; one already due goes on at once.
 */
public final class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  private record Waiting(ClaimedTrigger trigger, long timerId) {}

  private final Vertx vertx;
  private final Clock clock;
  private final ExecutorMetrics metrics;
  private final Consumer<ClaimedTrigger> due;
  private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();

  /**
   * @param clock the database's clock
   * @param due where a trigger goes at its due instant: the next stage
   */
  public Dispatcher(
      Vertx vertx, Clock clock, ExecutorMetrics metrics, Consumer<ClaimedTrigger> due) {
    this.vertx = vertx;
    this.clock = clock;
    this.metrics = metrics;
    this.due = due;
  }

  public void dispatch(List<ClaimedTrigger> triggers) {
    Instant now = clock.instant();
    for (ClaimedTrigger trigger : triggers) {
      long delay = Duration.between(now, trigger.fireAt()).toMillis();
      if (delay < 1) {
        fire(trigger);
        continue;
      }
      // Registered before the timer exists, so that a timer going off at once finds it.
      waiting.put(trigger.scheduleId(), new Waiting(trigger, -1));
      long timer =
          vertx.setTimer(
              delay,
              id -> {
                if (waiting.remove(trigger.scheduleId()) != null) {
                  fire(trigger);
                }
              });
      waiting.computeIfPresent(trigger.scheduleId(), (k, w) -> new Waiting(trigger, timer));
    }
  }

  private void fire(ClaimedTrigger trigger) {
    metrics.lateness(Duration.between(trigger.fireAt(), clock.instant()));
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

  /** Stops the timers of triggers not yet fired and returns those triggers, to be released. */
  public List<ClaimedTrigger> cancelWaiting() {
    List<ClaimedTrigger> cancelled = new ArrayList<>();
    for (UUID id : List.copyOf(waiting.keySet())) {
      // Whoever removes the entry owns the trigger: a timer that goes off after this finds
      // nothing and does not fire.
      Waiting w = waiting.remove(id);
      if (w != null) {
        if (w.timerId() >= 0) {
          vertx.cancelTimer(w.timerId());
        }
        cancelled.add(w.trigger());
      }
    }
    return cancelled;
  }
}
