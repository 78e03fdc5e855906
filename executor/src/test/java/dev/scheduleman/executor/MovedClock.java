package dev.scheduleman.executor;

import dev.scheduleman.executor.time.DatabaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A database clock that stands still until a test moves it. Statements run at its time (not the
 * database's {@code now()}), so a test decides when a trigger is due, when a backoff has passed and
 * when a lease has run out, instead of waiting for it.
 */
final class MovedClock extends DatabaseClock {

  private volatile Instant now;

  MovedClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public Optional<Instant> forStatements() {
    return Optional.of(now);
  }

  @Override
  public void measured(Instant sent, Instant received, Instant databaseNow) {
    // Moved time is the database's time by definition.
  }

  void advance(Duration by) {
    now = now.plus(by);
  }
}
