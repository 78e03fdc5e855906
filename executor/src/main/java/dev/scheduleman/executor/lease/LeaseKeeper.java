package dev.scheduleman.executor.lease;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps the leases of everything this executor holds, on two threads of its own:
 *
 * <ul>
 *   <li><b>Renewal.</b> Every {@code renewEvery}, one statement extends the lease of every held
 *       trigger whose lease would otherwise run short, whatever stage it is in, to its timeout plus
 *       the margin from now, so a lease never runs out under a trigger that is still being worked
 *       on (a long wait for a connection, a slow receiver, a completion the database cannot take
 *       yet). Triggers the renewal finds no longer held (edited, paused, deleted, re-claimed) are
 *       reported as lost.
 *   <li><b>The fence before a send.</b> A trigger whose lease was last confirmed more than {@code
 *       fenceAfter} ago (it waited on a timer, or for a connection) is sent only after a read
 *       confirms the row still carries its claim's token: an edit, pause or delete that committed
 *       before that read does not go out in its old form. One whose lease no longer covers its
 *       timeout is renewed instead (waiting for any transaction on its row). Requests arriving
 *       together share one statement.
 * </ul>
 *
 * The renewal skips rows another transaction holds, so it never waits, neither on the completer nor
 * on a fence, and cannot deadlock with them; the fence waits only for the API's transactions.
 */
public final class LeaseKeeper implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

  /** How leases are kept. */
  public record Settings(Duration renewEvery, Duration leaseMargin, Duration fenceAfter) {}

  private record Request(ClaimedTrigger trigger, boolean covered, Consumer<Boolean> decision) {}

  private final TriggerRepository triggers;
  private final Held held;
  private final DatabaseClock clock;
  private final Settings settings;
  private final ExecutorMetrics metrics;
  private final Consumer<Set<UUID>> lost;
  private final LinkedBlockingQueue<Request> fences = new LinkedBlockingQueue<>();
  private final Thread fencing;
  private final Thread renewing;
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
    this.fencing = new Thread(this::fences, "scheduleman-fences");
    this.fencing.setDaemon(true);
    this.renewing = new Thread(this::renewals, "scheduleman-renewals");
    this.renewing.setDaemon(true);
  }

  public void start() {
    fencing.start();
    renewing.start();
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
    boolean covered = covers(entry.get(), now);
    if (fresh && covered) {
      decision.accept(true);
      return;
    }
    fences.add(new Request(trigger, covered, decision));
  }

  /**
   * Whether the lease of {@code trigger}, as last confirmed, still covers its timeout from now: a
   * local check, no statement.
   */
  public boolean covers(ClaimedTrigger trigger) {
    var entry = held.get(trigger.pending().leaseToken());
    return entry.isPresent() && covers(entry.get(), clock.instant());
  }

  /** The lease as last confirmed lasts beyond the trigger's timeout from {@code now}. */
  private static boolean covers(Held.Entry entry, Instant now) {
    return entry.leaseUntil().isAfter(now.plus(entry.trigger().target().timeout()));
  }

  /** Fences, as they come; requests that arrive while one runs share the next statement. */
  private void fences() {
    while (running) {
      try {
        Request first = fences.take();
        List<Request> batch = new ArrayList<>();
        batch.add(first);
        fences.drainTo(batch);
        fence(batch);
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

  /** Renewals, every {@code renewEvery}. */
  private void renewals() {
    while (running) {
      try {
        Thread.sleep(settings.renewEvery().toMillis());
        renew();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.errorf(e, "lease keeper: %s", e.getMessage());
      }
    }
  }

  private void fence(List<Request> batch) {
    Instant now = clock.instant();
    Map<UUID, Instant> confirmed = new HashMap<>();
    try {
      // A lease that still covers the timeout needs only a read; one that does not is renewed.
      List<TriggerRepository.Held> read = new ArrayList<>();
      List<TriggerRepository.Held> renew = new ArrayList<>();
      for (Request r : batch) {
        (r.covered() ? read : renew).add(TriggerRepository.Held.of(r.trigger()));
      }
      confirmed.putAll(triggers.confirm(read));
      confirmed.putAll(
          triggers.fence(renew, settings.leaseMargin(), clock.forStatements().orElse(null)));
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
    Instant now = clock.instant();
    // Renewed: what would otherwise run out before the next renewal or two.
    List<TriggerRepository.Held> snapshot =
        held.expiringWithin(settings.leaseMargin().minus(settings.renewEvery()), now);
    if (snapshot.isEmpty()) {
      return;
    }
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
    fencing.interrupt();
    renewing.interrupt();
    try {
      fencing.join(Duration.ofSeconds(5).toMillis());
      renewing.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
