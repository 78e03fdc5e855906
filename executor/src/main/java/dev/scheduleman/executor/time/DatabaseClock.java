package dev.scheduleman.executor.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The database's clock as this executor reads it: its own clock plus the offset to PostgreSQL's,
 * measured at every claim. Due times, leases and recorded times are database time, so executors
 * whose clocks disagree still fire together; every part of the executor takes this clock (as a
 * plain {@link Clock}) instead of a skew to add.
 */
public class DatabaseClock extends Clock {

  private final Clock local;
  private volatile Duration offset = Duration.ZERO;

  public DatabaseClock(Clock local) {
    this.local = local;
  }

  @Override
  public Instant instant() {
    return local.instant().plus(offset);
  }

  /** This machine's own time, for measuring a round trip to the database. */
  public Instant local() {
    return local.instant();
  }

  /**
   * A reading of the database's clock ({@code databaseNow}) by a statement sent at {@code sent} and
   * answered at {@code received} (both by this machine's clock): the offset is taken at the middle
   * of the round trip.
   */
  public void measured(Instant sent, Instant received, Instant databaseNow) {
    Instant middle = sent.plus(Duration.between(sent, received).dividedBy(2));
    offset = Duration.between(middle, databaseNow);
  }

  /** The database's clock minus this machine's, as last measured. */
  public Duration offset() {
    return offset;
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
