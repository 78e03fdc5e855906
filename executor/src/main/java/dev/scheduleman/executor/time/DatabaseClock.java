package dev.scheduleman.executor.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The database's clock as this executor reads it: its own clock plus the offset to PostgreSQL's.
 * Due times, leases and recorded times are database time, so executors whose clocks disagree still
 * fire together; every part of the executor takes this clock (as a plain {@link Clock}).
 *
 * <p>A reading of the database's clock taken by a statement sent at {@code sent} and answered at
 * {@code received} (this machine's times) was taken somewhere in between, so the offset lies in
 * {@code [databaseNow − received, databaseNow − sent]}. This clock runs on the lower bound, the
 * largest one seen over the last ten seconds (a quick round trip gives a tight one; a probe runs
 * every second besides the claims): its time is never ahead of the database's, so a webhook timed
 * by it never goes out before its instant, and is late by at most the uncertainty of the best
 * recent reading (a fraction of a millisecond when the database is idle).
 */
public class DatabaseClock extends Clock {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private record Reading(Instant at, Duration lower, Duration upper) {}

  private final Instant base;
  private final long baseNanos;
  private final Deque<Reading> readings = new ArrayDeque<>();
  private volatile Duration offset = Duration.ZERO;
  private volatile Duration uncertainty = Duration.ZERO;

  /**
   * Starts from this machine's wall clock and then runs on its monotonic clock, so that a step of
   * the wall clock (an NTP correction) cannot make this clock jump ahead of the database's: only
   * readings move it.
   */
  public DatabaseClock() {
    this.base = Instant.now();
    this.baseNanos = System.nanoTime();
  }

  @Override
  public Instant instant() {
    return local().plus(offset);
  }

  /** This machine's own (monotonic) time, for measuring a round trip to the database. */
  public Instant local() {
    return base.plusNanos(System.nanoTime() - baseNanos);
  }

  /** A reading of the database's clock by a statement sent and answered at these local times. */
  public synchronized void measured(Instant sent, Instant received, Instant databaseNow) {
    if (received.isBefore(sent)) {
      return;
    }
    readings.addLast(
        new Reading(
            received,
            Duration.between(received, databaseNow),
            Duration.between(sent, databaseNow)));
    while (readings.size() > 1 && readings.peekFirst().at().isBefore(received.minus(WINDOW))) {
      readings.removeFirst();
    }
    Reading best = readings.peekFirst();
    for (Reading r : readings) {
      if (r.lower().compareTo(best.lower()) > 0) {
        best = r;
      }
    }
    Duration tightest = best.upper().minus(best.lower());
    for (Reading r : readings) {
      Duration width = r.upper().minus(r.lower());
      if (width.compareTo(tightest) < 0) {
        tightest = width;
      }
    }
    offset = best.lower();
    uncertainty = tightest;
  }

  /** The database's clock minus this machine's, as this clock uses it (a lower bound). */
  public Duration offset() {
    return offset;
  }

  /** The width of the tightest recent reading: how late this clock may run. */
  public Duration uncertainty() {
    return uncertainty;
  }

  /**
   * The time statements run at: empty, so that the database's own {@code now()} decides what is due
   * (a test's clock returns its moved time instead).
   */
  public Optional<Instant> forStatements() {
    return Optional.empty();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("the database clock is kept in UTC");
  }
}
