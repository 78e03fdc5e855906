package dev.scheduleman.executor.claim;

import java.time.Duration;

/** How many more triggers this executor can take on: the claim loop claims no more than that. */
public interface Capacity {

  int room();

  /** Waits, at most {@code max}, until there is room again. */
  void awaitRoom(Duration max) throws InterruptedException;
}
