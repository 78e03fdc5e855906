package dev.scheduleman.storage.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a tenant's triggers did recently: attempts per minute, and how late first attempts fired.
 *
 * @param minutes one entry per minute that had attempts, oldest first
 * @param firstAttempts first attempts in the window, over which lateness is measured
 * @param latenessP50 median lateness of first attempts, or null when there were none
 */
public record ActivityStats(
    List<Minute> minutes,
    long firstAttempts,
    Duration latenessP50,
    Duration latenessP99,
    Duration latenessMax) {

  public ActivityStats {
    minutes = List.copyOf(minutes);
  }

  /** Attempts that started within one minute. */
  public record Minute(Instant minute, long fired, long failed) {}
}
