package dev.scheduleman.executor.lease;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every trigger this executor holds, from its claim until its completion is written (or it is given
 * back), whichever stage it is in: waiting on a timer, waiting for a connection, on the wire,
 * waiting for its completion. Keyed by the claim's token. What the lease keeper renews, what the
 * in-flight cap counts, what a send is checked against.
 */
public final class Held {

  /** One held trigger and what is known of its lease. */
  public static final class Entry {
    private final ClaimedTrigger trigger;
    private volatile Instant leaseUntil;
    private volatile Instant confirmedAt;

    private Entry(ClaimedTrigger trigger, Instant confirmedAt) {
      this.trigger = trigger;
      this.leaseUntil = trigger.leaseUntil();
      this.confirmedAt = confirmedAt;
    }

    public ClaimedTrigger trigger() {
      return trigger;
    }

    /** Until when the database says the lease lasts, as of the last claim, renewal or fence. */
    public Instant leaseUntil() {
      return leaseUntil;
    }

    /** When the database last confirmed this executor holds it (database time). */
    public Instant confirmedAt() {
      return confirmedAt;
    }

    void confirmed(Instant until, Instant at) {
      leaseUntil = until;
      confirmedAt = at;
    }
  }

  private final Map<UUID, Entry> byToken = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  /** Triggers just claimed, confirmed by the claim at {@code claimedAt}. */
  public void add(List<ClaimedTrigger> claimed, Instant claimedAt) {
    for (ClaimedTrigger t : claimed) {
      byToken.put(t.pending().leaseToken(), new Entry(t, claimedAt));
    }
  }

  /** No longer held: completed, given back, or taken away. */
  public void release(Collection<ClaimedTrigger> triggers) {
    if (triggers.isEmpty()) {
      return;
    }
    for (ClaimedTrigger t : triggers) {
      byToken.remove(t.pending().leaseToken());
    }
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  public Optional<Entry> get(UUID token) {
    return Optional.ofNullable(byToken.get(token));
  }

  public int count() {
    return byToken.size();
  }

  /**
   * What to renew: the held triggers whose lease runs out, beyond their timeout, within {@code
   * within} of {@code now}. A trigger claimed a moment ago has its whole margin left and is not
   * renewed until it has been held for a while, so a burst that completes quickly costs no renewal
   * at all.
   */
  public List<TriggerRepository.Held> expiringWithin(Duration within, Instant now) {
    return byToken.values().stream()
        .filter(e -> e.leaseUntil.isBefore(now.plus(e.trigger.target().timeout()).plus(within)))
        .map(e -> TriggerRepository.Held.of(e.trigger))
        .toList();
  }

  /** The database confirmed these leases at {@code at}, lasting as given. */
  public void confirmed(Map<UUID, Instant> leases, Instant at) {
    leases.forEach(
        (token, until) -> {
          Entry e = byToken.get(token);
          if (e != null) {
            e.confirmed(until, at);
          }
        });
  }

  /** Waits up to {@code max} for the count to fall below {@code limit}, or to zero. */
  public boolean awaitBelow(int limit, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (changed) {
      while (byToken.size() >= Math.max(1, limit)) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        changed.wait(left);
      }
    }
    return true;
  }
}
