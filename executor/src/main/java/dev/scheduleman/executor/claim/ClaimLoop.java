package dev.scheduleman.executor.claim;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.Transition;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.trigger.TriggerStateMachine;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * The first stage: claim due triggers and hand them on, wait, repeat. The wait is the poll interval
 * times a random factor in [0.5, 1.5], so executors started together drift apart instead of
 * claiming in lock-step; a claim that comes back full is followed by another at once. While claims
 * come back full (more is due than this executor can take), one a poll interval is the fair claim,
 * which takes a share from every tenant with due work, so that one tenant's flood cannot hold up
 * the others' triggers until it has drained. A failure (the database is away, a statement is
 * refused) is logged, counted and backed off; the loop never ends until it is stopped.
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
  private final Capacity capacity;
  private final Settings settings;
  private final BooleanSupplier ready;
  private final ExecutorMetrics metrics;
  private final DatabaseClock clock;
  private final RandomGenerator random;
  private final Consumer<List<ClaimedTrigger>> claimed;
  private final Object wakeUp = new Object();
  private volatile boolean running = true;
  private boolean wakeRequested;
  private volatile Instant heartbeat;
  private volatile long turns;
  private int failures;
  private Instant lastPacedClaim;
  private Instant lastFairClaim;
  private boolean behind;

  /**
   * @param claimed where claimed triggers go: the next stage
   */
  public ClaimLoop(
      TriggerRepository triggers,
      Capacity capacity,
      Settings settings,
      BooleanSupplier ready,
      ExecutorMetrics metrics,
      DatabaseClock clock,
      RandomGenerator random,
      Consumer<List<ClaimedTrigger>> claimed) {
    this.triggers = triggers;
    this.capacity = capacity;
    this.settings = settings;
    this.ready = ready;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.claimed = claimed;
    this.heartbeat = clock.local();
  }

  @Override
  public void run() {
    LOG.infof("claim loop %s started", settings.owner());
    while (running) {
      heartbeat = clock.local();
      try {
        boolean again = turn();
        turns++;
        if (!again) {
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
    int room = capacity.room();
    if (room == 0) {
      capacity.awaitRoom(settings.pollInterval());
      return capacity.room() > 0;
    }
    int want = Math.min(settings.batchSize(), room);
    Instant now = clock.forStatements().orElse(null);
    List<ClaimedTrigger> paced = List.of();
    Instant sent = clock.local();
    if (pacedClaimDue(sent)) {
      paced = triggers.claimPaced(claim(want), now);
      lastPacedClaim = sent;
    }
    int left = want - paced.size();
    Instant pacedDone = clock.local();
    boolean fair = left > 0 && behind && claimDue(lastFairClaim, pacedDone);
    List<ClaimedTrigger> batch;
    if (left == 0) {
      batch = List.of();
    } else if (fair) {
      batch = triggers.claimFair(claim(left), now);
      lastFairClaim = pacedDone;
    } else {
      batch = triggers.claimDue(claim(left), now);
    }
    Instant received = clock.local();
    if (failures > 0) {
      LOG.infof("claiming works again after %d failures", failures);
      failures = 0;
    }
    // Behind: the claim got all it asked for, so more may be due than this executor takes. A fair
    // turn takes only shares, so the backlog it ran for is taken as still there.
    boolean gotAll = fair ? !batch.isEmpty() : batch.size() + paced.size() == want;
    behind = gotAll;
    boolean full = gotAll && want == settings.batchSize();
    if (batch.isEmpty() && paced.isEmpty()) {
      return false;
    }
    if (batch.isEmpty()) {
      clock.measured(sent, pacedDone, paced.get(0).databaseNow());
    } else {
      clock.measured(pacedDone, received, batch.get(0).databaseNow());
    }
    metrics.claimed(batch.size() + paced.size());
    paced.forEach(t -> t.paced().ifPresent(p -> metrics.paced(p.flowKey(), p.throttled() != null)));
    Instant at =
        clock.forStatements().orElse((batch.isEmpty() ? paced : batch).get(0).databaseNow());
    List<ClaimedTrigger> all = new ArrayList<>(batch.size() + paced.size());
    paced.forEach(t -> all.add(asFired(t, at)));
    batch.forEach(t -> all.add(asFired(t, at)));
    claimed.accept(all);
    return full;
  }

  private TriggerRepository.Claim claim(int count) {
    return new TriggerRepository.Claim(
        settings.owner(), count, settings.lookahead(), settings.leaseMargin());
  }

  /**
   * Whether this turn starts with the claim of paced triggers (those a flow limit paces, which the
   * unpaced claim never reads): every turn after one that found less than it asked for does, and
   * while claims get all they ask for (the executor is behind), one a poll interval still does, so
   * that a flood of unpaced work cannot starve the paced keys, nor they it.
   */
  private boolean pacedClaimDue(Instant now) {
    return !behind || claimDue(lastPacedClaim, now);
  }

  /** Whether a claim last made at {@code last} (null: never) is due again, a poll interval on. */
  private boolean claimDue(Instant last, Instant now) {
    return last == null || Duration.between(last, now).compareTo(settings.pollInterval()) >= 0;
  }

  /**
   * The trigger as it fires, by the schedule's misfire policy: after downtime, a catch-up standing
   * for another occurrence, or, when the occurrence was missed and is skipped, not at all.
   */
  private ClaimedTrigger asFired(ClaimedTrigger trigger, Instant now) {
    Transition t =
        TriggerStateMachine.next(
            trigger.rules(),
            new TriggerState(ScheduleState.ACTIVE, trigger.pending()),
            TriggerEvent.CLAIMED,
            now,
            random);
    if (t instanceof Transition.Skipped skipped) {
      return trigger.skipping(skipped.why());
    }
    return t instanceof Transition.Moved moved ? trigger.firing(moved.to().pending()) : trigger;
  }

  /** Claims again at once (something became due sooner than the next poll). */
  public void wakeUp() {
    synchronized (wakeUp) {
      wakeRequested = true;
      wakeUp.notifyAll();
    }
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
      if (!running || wakeRequested) {
        wakeRequested = false;
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

  /** When the loop last turned, by this machine's clock. */
  public Instant heartbeat() {
    return heartbeat;
  }

  /** How long ago the loop last turned: a loop that has not turned for long is stuck. */
  public Duration sinceLastTurn() {
    return Duration.between(heartbeat, clock.local());
  }

  /** Turns completed so far (claims made, whether or not they found anything). */
  public long turns() {
    return turns;
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
