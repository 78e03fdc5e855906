package dev.scheduleman.executor.claim;

import dev.scheduleman.executor.delivery.Dispatcher;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.storage.schedule.ClaimedTrigger;
import dev.scheduleman.storage.schedule.TriggerRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * The executor's loop: claim due triggers, hand them to the dispatcher, wait, repeat. The wait is
 * the poll interval times a random factor in [0.5, 1.5], so executors started together drift apart
 * instead of claiming in lock-step; a claim that comes back full is followed by another at once. A
 * failure (the database is away, a statement is refused) is logged, counted and backed off; the
 * loop never ends until it is stopped.
 */
public final class ClaimLoop implements Runnable {

  private static final Logger LOG = Logger.getLogger(ClaimLoop.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** What the loop claims and how. */
  public record Settings(
      String owner,
      Duration pollInterval,
      int batchSize,
      Duration lookahead,
      Duration leaseMargin) {}

  private final TriggerRepository triggers;
  private final Dispatcher dispatcher;
  private final InFlight inFlight;
  private final Settings settings;
  private final BooleanSupplier ready;
  private final ExecutorMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final Object wakeUp = new Object();
  private volatile boolean running = true;
  private volatile Instant heartbeat;
  private int failures;

  public ClaimLoop(
      TriggerRepository triggers,
      Dispatcher dispatcher,
      InFlight inFlight,
      Settings settings,
      BooleanSupplier ready,
      ExecutorMetrics metrics,
      Clock clock,
      RandomGenerator random) {
    this.triggers = triggers;
    this.dispatcher = dispatcher;
    this.inFlight = inFlight;
    this.settings = settings;
    this.ready = ready;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.heartbeat = clock.instant();
  }

  @Override
  public void run() {
    LOG.infof("claim loop %s started", settings.owner());
    while (running) {
      heartbeat = clock.instant();
      try {
        if (!turn()) {
          pause(jitteredPoll());
        }
      } catch (RuntimeException e) {
        failures++;
        metrics.claimFailed();
        Duration wait = backoff();
        if (failures == 1 || failures % 10 == 0) {
          LOG.warnf(
              "claim failed (%d in a row, next try in %d ms): %s",
              failures, wait.toMillis(), e.getMessage());
        }
        pause(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.infof("claim loop %s stopped", settings.owner());
  }

  /**
   * One claim.
   *
   * @return true to claim again at once (the batch came back full)
   */
  boolean turn() throws InterruptedException {
    if (!ready.getAsBoolean()) {
      return false;
    }
    int room = inFlight.room();
    if (room == 0) {
      inFlight.await(settings.pollInterval().toMillis(), false);
      return inFlight.room() > 0;
    }
    int want = Math.min(settings.batchSize(), room);
    Instant before = clock.instant();
    List<ClaimedTrigger> claimed =
        triggers.claimDue(settings.owner(), want, settings.lookahead(), settings.leaseMargin());
    Instant after = clock.instant();
    if (failures > 0) {
      LOG.infof("claiming works again after %d failures", failures);
      failures = 0;
    }
    if (claimed.isEmpty()) {
      return false;
    }
    // The database's clock minus ours, measured at the middle of the round trip.
    Instant middle = before.plus(Duration.between(before, after).dividedBy(2));
    Duration skew = Duration.between(middle, claimed.get(0).databaseNow());
    inFlight.add(claimed.size());
    metrics.claimed(claimed.size());
    dispatcher.dispatch(claimed, skew);
    return claimed.size() == want && want == settings.batchSize();
  }

  private Duration jitteredPoll() {
    double factor = 0.5 + random.nextDouble();
    return Duration.ofMillis(Math.max(1, (long) (settings.pollInterval().toMillis() * factor)));
  }

  private Duration backoff() {
    long base = settings.pollInterval().toMillis() << Math.min(failures, 10);
    long capped = Math.min(MAX_BACKOFF.toMillis(), base);
    return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
  }

  private void pause(Duration duration) {
    synchronized (wakeUp) {
      if (!running) {
        return;
      }
      try {
        wakeUp.wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  /** When the loop last turned: a loop that has not turned for long is stuck. */
  public Instant heartbeat() {
    return heartbeat;
  }

  public boolean running() {
    return running;
  }

  public void stop() {
    running = false;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }
}
