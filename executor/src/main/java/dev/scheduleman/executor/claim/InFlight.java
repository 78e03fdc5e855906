package dev.scheduleman.executor.claim;

/**
 * Triggers this executor holds (claimed and not yet completed or released), capped: the claim loop
 * takes only as many as there is room for, so a slow target or a database that cannot take
 * completions slows claiming down instead of piling up work.
 */
public final class InFlight {

  private final int max;
  private int count;

  public InFlight(int max) {
    this.max = max;
  }

  public synchronized int room() {
    return Math.max(0, max - count);
  }

  public synchronized int count() {
    return count;
  }

  public synchronized void add(int n) {
    count += n;
  }

  public synchronized void release(int n) {
    count = Math.max(0, count - n);
    notifyAll();
  }

  /** Waits up to {@code millis} for room, or for the count to reach zero when {@code drain}. */
  public synchronized boolean await(long millis, boolean drain) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (drain ? count > 0 : count >= max) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}
