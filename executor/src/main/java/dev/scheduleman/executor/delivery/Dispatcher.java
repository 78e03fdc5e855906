package dev.scheduleman.executor.delivery;

import dev.scheduleman.executor.completion.Completer;
import dev.scheduleman.executor.completion.Outcomes;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.storage.schedule.ClaimedTrigger;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Fires claimed triggers on time: a trigger claimed ahead of its due instant waits on a Vert.x
 * timer (converted from database time to this machine's clock with the skew measured at the claim),
 * so it fires within milliseconds of the instant instead of a poll interval late. The result goes
 * to the completer.
 */
public final class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  private record Waiting(ClaimedTrigger trigger, long timerId) {}

  private final Vertx vertx;
  private final WebhookSender sender;
  private final Completer completer;
  private final String owner;
  private final Clock clock;
  private final ExecutorMetrics metrics;
  private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger firing = new AtomicInteger();

  public Dispatcher(
      Vertx vertx,
      WebhookSender sender,
      Completer completer,
      String owner,
      Clock clock,
      ExecutorMetrics metrics) {
    this.vertx = vertx;
    this.sender = sender;
    this.completer = completer;
    this.owner = owner;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * @param skew the database's clock minus this machine's, measured at the claim
   */
  public void dispatch(List<ClaimedTrigger> triggers, Duration skew) {
    Instant now = clock.instant();
    for (ClaimedTrigger trigger : triggers) {
      long delay = Duration.between(now, trigger.fireAt().minus(skew)).toMillis();
      if (delay < 1) {
        fire(trigger, skew);
        continue;
      }
      // Registered before the timer exists, so that a timer going off at once finds it.
      waiting.put(trigger.scheduleId(), new Waiting(trigger, -1));
      long timer =
          vertx.setTimer(
              delay,
              id -> {
                if (waiting.remove(trigger.scheduleId()) != null) {
                  fire(trigger, skew);
                }
              });
      waiting.computeIfPresent(trigger.scheduleId(), (k, w) -> new Waiting(trigger, timer));
    }
  }

  private void fire(ClaimedTrigger trigger, Duration skew) {
    firing.incrementAndGet();
    metrics.lateness(Duration.between(trigger.fireAt(), clock.instant().plus(skew)));
    try {
      Optional<String> defect = Outcomes.defect(trigger);
      if (defect.isPresent()) {
        // Not fired: the completion buries it with the reason.
        Instant at = clock.instant().plus(skew);
        complete(trigger, DeliveryResult.failed(at, Duration.ZERO, defect.get()), skew);
        return;
      }
      sender
          .send(trigger, skew)
          .onComplete(
              done ->
                  complete(
                      trigger,
                      done.succeeded()
                          ? done.result()
                          : DeliveryResult.failed(
                              clock.instant().plus(skew), Duration.ZERO, "request failed"),
                      skew));
    } catch (RuntimeException e) {
      LOG.errorf(
          e,
          "schedule %s execution %s: could not send",
          trigger.scheduleId(),
          trigger.executionId());
      complete(
          trigger,
          DeliveryResult.failed(
              clock.instant().plus(skew), Duration.ZERO, "could not send: " + e.getMessage()),
          skew);
    }
  }

  private void complete(ClaimedTrigger trigger, DeliveryResult result, Duration skew) {
    try {
      metrics.fired(result.succeeded());
      if (!result.succeeded()) {
        LOG.debugf(
            "schedule %s execution %s attempt %d failed: %s",
            trigger.scheduleId(), trigger.executionId(), trigger.attempt() + 1, result.error());
      }
      completer.submit(
          Outcomes.decide(
              trigger, result, owner, clock.instant().plus(skew), ThreadLocalRandom.current()));
    } finally {
      firing.decrementAndGet();
    }
  }

  /** Requests on the wire right now. */
  public int firing() {
    return firing.get();
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
