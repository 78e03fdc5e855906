package dev.scheduleman.executor.lease;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps the leases of everything this executor holds, on one thread of its own:
 *
 * <ul>
 *   <li><b>Renewal.</b> Every {@code renewEvery}, one statement extends the lease of every held
 *       trigger to its timeout plus the margin from now, whatever stage it is in, so a lease never
 *       runs out under a trigger that is still being worked on (a long wait for a connection, a
 *       slow receiver, a completion the database cannot take yet). Triggers the renewal finds no
 *       longer held (edited, paused, deleted, re-claimed) are reported as lost.
 *   <li><b>The fence before a send.</b> A trigger whose lease was last confirmed more than {@code
 *       fenceAfter} ago (it waited on a timer, or for a connection), or whose lease no longer
 *       covers its timeout, is sent only after a statement confirms the lease again, waiting for
 *       any transaction on its row: an edit that committed before that does not go out in its old
 *       form. Requests arriving together share one statement.
 * </ul>
 *
 * Both statements run on this one thread, so they never wait on each other; the renewal skips rows
 * another transaction holds, so it never waits on the completer either.
 */
public final class LeaseKeeper implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

  /** How leases are kept. */
  public record Settings(Duration renewEvery, Duration leaseMargin, Duration fenceAfter) {}

  private record Request(ClaimedTrigger trigger, Consumer<Boolean> decision) {}

  private final TriggerRepository triggers;
  private final Held held;
  private final DatabaseClock clock;
  private final Settings settings;
  private final ExecutorMetrics metrics;
  private final Consumer<Set<UUID>> lost;
  private final LinkedBlockingQueue<Request> fences = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int failures;

  /**
   * @param lost told of the tokens of triggers this executor turned out to hold no longer
   */
  public LeaseKeeper(
      TriggerRepository triggers,
      Held held,
      DatabaseClock clock,
      Settings settings,
      ExecutorMetrics metrics,
      Consumer<Set<UUID>> lost) {
    this.triggers = triggers;
    this.held = held;
    this.clock = clock;
    this.settings = settings;
    this.metrics = metrics;
    this.lost = lost;
    this.thread = new Thread(this::run, "scheduleman-leases");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Decides whether {@code trigger} may go out now, and says so exactly once: at once when its
   * lease was confirmed recently and covers its timeout, else after the fence.
   */
  public void admit(ClaimedTrigger trigger, Consumer<Boolean> decision) {
    var entry = held.get(trigger.pending().leaseToken());
    if (entry.isEmpty()) {
      decision.accept(false);
      return;
    }
    Instant now = clock.instant();
    boolean fresh =
        Duration.between(entry.get().confirmedAt(), now).compareTo(settings.fenceAfter()) < 0;
    boolean covered = entry.get().leaseUntil().isAfter(now.plus(trigger.target().timeout()));
    if (fresh && covered) {
      decision.accept(true);
      return;
    }
    fences.add(new Request(trigger, decision));
  }

  private void run() {
    long nextRenewal = System.nanoTime() + settings.renewEvery().toNanos();
    while (running) {
      try {
        long wait = Math.max(0, nextRenewal - System.nanoTime());
        Request first = fences.poll(wait, TimeUnit.NANOSECONDS);
        if (first != null) {
          List<Request> batch = new ArrayList<>();
          batch.add(first);
          fences.drainTo(batch);
          fence(batch);
        }
        if (System.nanoTime() >= nextRenewal) {
          renew();
          nextRenewal = System.nanoTime() + settings.renewEvery().toNanos();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        // Never dies: a failure is counted, logged and tried again at the next turn.
        LOG.errorf(e, "lease keeper: %s", e.getMessage());
      }
    }
    List<Request> left = new ArrayList<>();
    fences.drainTo(left);
    left.forEach(r -> r.decision().accept(false));
  }

  private void fence(List<Request> batch) {
    Instant now = clock.instant();
    Map<UUID, Instant> confirmed;
    try {
      confirmed =
          triggers.fence(
              batch.stream().map(r -> TriggerRepository.Held.of(r.trigger())).toList(),
              settings.leaseMargin(),
              clock.forStatements().orElse(null));
    } catch (RuntimeException e) {
      // Not confirmed is not sent: the trigger stays leased and fires again once its lease is
      // over, rather than going out in a form that may have been changed.
      metrics.leaseFailed();
      LOG.warnf("could not fence %d triggers before sending (not sent): %s", batch.size(), e);
      batch.forEach(r -> r.decision().accept(false));
      return;
    }
    metrics.fenced(batch.size());
    held.confirmed(confirmed, now);
    for (Request r : batch) {
      boolean ok = confirmed.containsKey(r.trigger().pending().leaseToken());
      if (!ok) {
        metrics.leasesLost(1);
      }
      r.decision().accept(ok);
    }
  }

  private void renew() {
    List<TriggerRepository.Held> snapshot = held.snapshot();
    if (snapshot.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    TriggerRepository.Renewal renewal;
    try {
      renewal =
          triggers.renew(snapshot, settings.leaseMargin(), clock.forStatements().orElse(null));
    } catch (RuntimeException e) {
      failures++;
      metrics.leaseFailed();
      if (failures == 1 || failures % 10 == 0) {
        LOG.warnf(
            "could not renew %d leases (%d in a row; they run out in time if this goes on): %s",
            snapshot.size(), failures, e.getMessage());
      }
      return;
    }
    failures = 0;
    held.confirmed(renewal.renewed(), now);
    metrics.renewed(renewal.renewed().size());
    if (!renewal.lost().isEmpty()) {
      metrics.leasesLost(renewal.lost().size());
      LOG.infof("%d held triggers were changed or taken meanwhile", renewal.lost().size());
      lost.accept(renewal.lost());
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
