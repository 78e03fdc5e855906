package dev.scheduleman.executor;

import dev.scheduleman.executor.claim.Capacity;
import java.time.Duration;

/**
 * Triggers this executor holds (claimed and not yet completed or released), capped: the claim loop
 * takes only as many as there is room for, so a slow target or a database that cannot take
 * completions slows claiming down instead of piling up work. The count sits above the stages: the
 * claim adds, the completer's writes and the releases at shutdown take away.
 */
final class InFlight implements Capacity {

  private final int max;
  private int count;

  InFlight(int max) {
    this.max = max;
  }

  @Override
  public synchronized int room() {
    return Math.max(0, max - count);
  }

  synchronized int count() {
    return count;
  }

  synchronized void add(int n) {
    count += n;
  }

  synchronized void release(int n) {
    count = Math.max(0, count - n);
    notifyAll();
  }

  @Override
  public void awaitRoom(Duration max) throws InterruptedException {
    await(max, false);
  }

  /** Waits up to {@code max} until every held trigger is done. */
  boolean awaitDrained(Duration max) throws InterruptedException {
    return await(max, true);
  }

  private synchronized boolean await(Duration max, boolean drain) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (drain ? count > 0 : count >= this.max) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}
