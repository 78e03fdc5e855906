package dev.scheduleman.executor.send;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * This executor's connections per target host, handed out in due order. A trigger due while all of
 * a host's connections are busy waits here, not in the HTTP client's pool: so the target's timeout
 * starts only once a connection is the trigger's, and waiting for one of this executor's own
 * connections is never counted as the target's failure. The HTTP client's pool has as many
 * connections per host as there are slots, so it never queues. How many of a host's slots are used
 * at once follows how the host answers ({@link HostLimit}); what a host has taught is kept for the
 * {@value #REMEMBERED} hosts used last.
 */
final class HostSlots {

  /** A trigger waiting for a connection, and what to do once it has one. */
  record Waiter(ClaimedTrigger trigger, long queuedAtNanos, Runnable start) {}

  private static final class Host {
    int inUse;
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    final HostLimit limit;

    Host(HostLimit limit) {
      this.limit = limit;
    }
  }

  static final int REMEMBERED = 10_000;

  private final int perHost;
  private final Executor later;
  private final Map<String, Host> hosts = new HashMap<>();
  private final Map<String, HostLimit> limits =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HostLimit> eldest) {
          return size() > REMEMBERED;
        }
      };
  private int queued;

  /**
   * @param later where a waiter that gets a freed connection starts: not on the releasing call's
   *     stack, so that a long queue of quick refusals cannot nest
   */
  HostSlots(int perHost, Executor later) {
    this.perHost = perHost;
    this.later = later;
  }

  /** Runs {@code start} now if {@code host} has a free connection, else when one frees up. */
  void acquire(String host, ClaimedTrigger trigger, Runnable start) {
    Waiter w = new Waiter(trigger, System.nanoTime(), start);
    synchronized (this) {
      Host h =
          hosts.computeIfAbsent(
              host, k -> new Host(limits.computeIfAbsent(k, n -> new HostLimit(perHost))));
      if (h.inUse >= h.limit.current()) {
        h.waiting.addLast(w);
        queued++;
        return;
      }
      h.inUse++;
    }
    w.start().run();
  }

  /**
   * A connection of {@code host} is free again, after a request that ended as {@code signal}: the
   * host's limit learns from it, and the next waiters get the connections it allows.
   *
   * @param sentAtNanos when the request went out ({@link System#nanoTime()}); unused for {@link
   *     HostLimit.Signal#NONE}
   * @return true when this request cut the host's limit
   */
  boolean release(String host, HostLimit.Signal signal, long sentAtNanos) {
    List<Waiter> next = new ArrayList<>(1);
    boolean cut;
    synchronized (this) {
      Host h = hosts.get(host);
      if (h == null) {
        return false;
      }
      boolean heldBack = !h.waiting.isEmpty() || h.inUse >= h.limit.current();
      h.inUse--;
      cut = h.limit.ended(signal, sentAtNanos, System.nanoTime(), heldBack);
      while (!h.waiting.isEmpty() && h.inUse < h.limit.current()) {
        next.add(h.waiting.pollFirst());
        h.inUse++;
        queued--;
      }
      if (h.inUse == 0 && h.waiting.isEmpty()) {
        hosts.remove(host);
      }
    }
    next.forEach(w -> later.execute(w.start()));
    return cut;
  }

  /** How many requests {@code host} may have on the wire at once now. */
  synchronized int limitOf(String host) {
    HostLimit limit = limits.get(host);
    return limit == null ? perHost : limit.current();
  }

  /** Takes a waiting trigger back; false when it is not waiting (it has a connection already). */
  synchronized boolean cancel(ClaimedTrigger trigger) {
    for (Host h : hosts.values()) {
      for (Iterator<Waiter> i = h.waiting.iterator(); i.hasNext(); ) {
        if (i.next().trigger() == trigger) {
          i.remove();
          queued--;
          return true;
        }
      }
    }
    return false;
  }

  /** Takes every waiting trigger back (the executor stops). */
  synchronized List<ClaimedTrigger> cancelAll() {
    List<ClaimedTrigger> all = new ArrayList<>();
    for (Host h : hosts.values()) {
      h.waiting.forEach(w -> all.add(w.trigger()));
      h.waiting.clear();
    }
    queued = 0;
    return all;
  }

  /** Triggers waiting for a connection. */
  synchronized int queued() {
    return queued;
  }

  /** How long the trigger that has waited longest for a connection has waited (zero: none). */
  synchronized long oldestWaitNanos(long now) {
    long oldest = 0;
    for (Host h : hosts.values()) {
      Waiter first = h.waiting.peekFirst();
      if (first != null) {
        oldest = Math.max(oldest, now - first.queuedAtNanos());
      }
    }
    return oldest;
  }
}
