package dev.scheduleman.executor.send;

import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * This executor's connections per target host, handed out in due order. A trigger due while all of
 * a host's connections are busy waits here, not in the HTTP client's pool: so the target's timeout
 * starts only once a connection is the trigger's, and waiting for one of this executor's own
 * connections is never counted as the target's failure. The HTTP client's pool has as many
 * connections per host as there are slots, so it never queues.
 */
final class HostSlots {

  /** A trigger waiting for a connection, and what to do once it has one. */
  record Waiter(ClaimedTrigger trigger, long queuedAtNanos, Runnable start) {}

  private static final class Host {
    int inUse;
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  }

  private final int perHost;
  private final Executor later;
  private final Map<String, Host> hosts = new HashMap<>();
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
      Host h = hosts.computeIfAbsent(host, k -> new Host());
      if (h.inUse >= perHost) {
        h.waiting.addLast(w);
        queued++;
        return;
      }
      h.inUse++;
    }
    w.start().run();
  }

  /** A connection of {@code host} is free again: the next waiter, if any, gets it. */
  void release(String host) {
    Waiter next;
    synchronized (this) {
      Host h = hosts.get(host);
      if (h == null) {
        return;
      }
      next = h.waiting.pollFirst();
      if (next == null) {
        h.inUse--;
        if (h.inUse == 0) {
          hosts.remove(host);
        }
        return;
      }
      queued--;
    }
    later.execute(next.start());
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
