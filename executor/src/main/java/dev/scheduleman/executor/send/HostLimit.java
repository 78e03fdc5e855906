package dev.scheduleman.executor.send;

/**
 * How many of this executor's connections to one host are used at once, adapted to how the host
 * answers (additive increase, multiplicative decrease, as TCP does with its window).
 *
 * <p>Why: a receiver that can answer {@code X} requests a second keeps {@code N} requests waiting
 * {@code N / X} seconds on average (Little's law). When this executor (and its peers) keep more on
 * the wire than the receiver can answer within their timeout, the requests at the back of its queue
 * time out although the receiver reads them, the retries arrive as duplicates, and the receiver has
 * even more to do. Requests that wait here instead, for one of this executor's connections, are not
 * on the clock: their timeout starts once they have a connection.
 *
 * <ul>
 *   <li>A request that timed out, lost its connection before an answer, or was answered 429 or 503
 *       halves the limit (never below 1), once per congestion event: a request sent before the last
 *       cut does not cut again, as it was sent under the old limit.
 *   <li>An answer in time while the limit was what held requests back raises it by {@code 1/limit}:
 *       by one per round trip of the whole window, up to the connections per host.
 *   <li>Any other end (a refused connection, an error status, an unknown host) says nothing about
 *       load and changes nothing.
 * </ul>
 *
 * Not thread-safe: {@link HostSlots} calls it under its lock.
 */
final class HostLimit {

  /** What one request's end says about the host's load. */
  enum Signal {
    /** Answered within its timeout, and not with 429 or 503. */
    ANSWERED,
    /** Timed out, lost its connection before an answer, or answered 429 or 503. */
    OVERLOADED,
    /** Says nothing about load (refused, error status, not sent). */
    NONE
  }

  private final int max;
  private double limit;
  private long cutAtNanos;
  private boolean cut;
  private long cuts;

  /**
   * @param max the connections this executor keeps per host: the limit never exceeds it, and starts
   *     there
   */
  HostLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one connection per host");
    }
    this.max = max;
    this.limit = max;
  }

  /** Requests that may be on the wire at once now. */
  int current() {
    return Math.max(1, (int) limit);
  }

  /** How often the limit was cut. */
  long cuts() {
    return cuts;
  }

  /**
   * One request ended.
   *
   * @param sentAtNanos when it got its connection ({@link System#nanoTime()})
   * @param nowNanos now, on the same clock
   * @param heldBack whether requests were waiting for a connection, or every allowed one was in
   *     use, when it ended: only then does an answer say the limit could be higher
   * @return true when this end cut the limit
   */
  boolean ended(Signal signal, long sentAtNanos, long nowNanos, boolean heldBack) {
    switch (signal) {
      case OVERLOADED -> {
        if (cut && sentAtNanos - cutAtNanos < 0) {
          return false; // sent before the last cut: part of the same event
        }
        limit = Math.max(1, limit / 2);
        cut = true;
        cutAtNanos = nowNanos;
        cuts++;
        return true;
      }
      case ANSWERED -> {
        if (heldBack && limit < max) {
          limit = Math.min(max, limit + 1 / limit);
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }
}
