package dev.scheduleman.executor.lease;

import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.storage.trigger.TriggerChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears the API's changes at once, on a connection of its own that LISTENs on {@link
 * TriggerChanges#CHANNEL}: a change that took a lease of this executor's away cancels the trigger
 * if it is still waiting (on a timer or for a connection), and a change that armed a trigger due
 * soon wakes the claim loop. Once a second the same connection also reads the database's clock,
 * with a round trip short enough to keep the {@link DatabaseClock} tight. A lost connection is
 * opened again with a backoff; what was missed meanwhile is caught by the renewal and the fence.
 */
public final class ChangeListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChangeListener.class);
  private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

  /** How long one wait for notifications lasts: also how long closing may take. */
  private static final int WAIT_MILLIS = 200;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final DataSource ds;
  private final String owner;
  private final DatabaseClock clock;
  private final Consumer<UUID> leaseTaken;
  private final Consumer<Instant> armed;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;

  /**
   * @param leaseTaken told of the token of a lease of this executor's that a change took away
   * @param armed told of the earliest due time a change armed
   */
  public ChangeListener(
      DataSource ds,
      String owner,
      DatabaseClock clock,
      Consumer<UUID> leaseTaken,
      Consumer<Instant> armed) {
    this.ds = ds;
    this.owner = owner;
    this.clock = clock;
    this.leaseTaken = leaseTaken;
    this.armed = armed;
    this.thread = new Thread(this::run, "scheduleman-listen-" + owner);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Whether the LISTEN connection is up (it is opened again by itself when it is not). */
  public boolean listening() {
    return listening;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(true);
        TriggerChanges.listen(c);
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        if (failures > 0) {
          LOG.infof("listening for changes again after %d failures", failures);
        }
        failures = 0;
        listen(c, pg);
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (!running) {
          break;
        }
        failures++;
        long wait = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 10));
        if (failures == 1 || failures % 10 == 0) {
          LOG.warnf(
              "not listening for changes (%d in a row, next try in %d ms): %s",
              failures, wait, e.getMessage());
        }
        pause(wait);
      }
    }
    listening = false;
  }

  private void listen(Connection c, PGConnection pg) throws SQLException {
    long nextProbe = 0;
    while (running) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
      if (notifications != null) {
        for (PGNotification n : notifications) {
          TriggerChanges.Change.parse(n.getParameter()).ifPresent(this::heard);
        }
      }
      if (System.nanoTime() >= nextProbe) {
        probe(c);
        nextProbe = System.nanoTime() + PROBE_EVERY.toNanos();
      }
    }
  }

  private void heard(TriggerChanges.Change change) {
    if (owner.equals(change.leaseOwner())) {
      leaseTaken.accept(change.leaseToken());
    }
    if (change.due() != null) {
      armed.accept(change.due());
    }
  }

  private void probe(Connection c) throws SQLException {
    Instant sent = clock.local();
    Instant databaseNow = TriggerChanges.databaseNow(c);
    clock.measured(sent, clock.local(), databaseNow);
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(3).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
