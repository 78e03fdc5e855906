package dev.scheduleman.quarkus.relay;

import dev.scheduleman.quarkus.SchedulemanConfig;
import dev.scheduleman.quarkus.outbox.Outbox;
import dev.scheduleman.quarkus.outbox.OutboxEntry;
import dev.scheduleman.sdk.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Forwards committed outbox rows to the API, on one thread of its own per application instance:
 * woken right after each commit that wrote rows, and every poll interval for rows a crash left or
 * whose backoff ended. Each turn takes a batch in one transaction, sends its rows in order and
 * marks each with what the API said; a relay that dies in between sends the batch again, which the
 * API recognises by the rows' ids.
 *
 * <p>When the API cannot be reached (or answers 5xx, 429, or refuses the key), the row waits with
 * its own backoff and the relay pauses for as long as the failures in a row say, so an outage is
 * not met with a request per row per poll. A row the API refuses for good fails, visibly, and never
 * holds up the rows behind it.
 */
@ApplicationScoped
public class Relay {

  private static final Logger LOG = Logger.getLogger(Relay.class);

  private final Outbox outbox;
  private final Sender sender;
  private final SchedulemanConfig.Relay config;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "scheduleman-relay");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Counter sent;
  private final Counter replayed;
  private final Counter refused;
  private final Counter errors;

  // Written by the relay's thread, read by health checks and gauges.
  private volatile Outbox.Depth depth = new Outbox.Depth(0, null, 0);
  private volatile int failuresInARow;
  private volatile Instant pausedUntil = Instant.MIN;
  private volatile String lastError;
  private volatile boolean stopping;

  Relay(Outbox outbox, Sender sender, SchedulemanConfig config, MeterRegistry metrics) {
    this.outbox = outbox;
    this.sender = sender;
    this.config = config.relay();
    this.sent = metrics.counter("scheduleman.outbox.sent");
    this.replayed = metrics.counter("scheduleman.outbox.replayed");
    this.refused = metrics.counter("scheduleman.outbox.refused");
    this.errors = metrics.counter("scheduleman.outbox.errors");
    Gauge.builder("scheduleman.outbox.pending", this, r -> r.depth.pending())
        .description("Outbox rows waiting to be sent")
        .register(metrics);
    Gauge.builder("scheduleman.outbox.failed", this, r -> r.depth.failed())
        .description("Outbox rows the API refused, kept for the application to see")
        .register(metrics);
    Gauge.builder("scheduleman.outbox.oldest.pending.age", this, r -> r.oldestPendingAgeSeconds())
        .description("How long the oldest waiting row has waited")
        .baseUnit("seconds")
        .register(metrics);
  }

  /** Runs a turn soon, on the relay's thread; many wakes before it starts make one turn. */
  public void wake() {
    if (config.enabled() && !stopping && queued.compareAndSet(false, true)) {
      try {
        worker.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false);
      }
    }
  }

  @Scheduled(
      every = "${scheduleman.relay.poll-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void poll() {
    if (config.enabled() && !stopping) {
      worker.execute(this::observe);
      wake();
    }
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    worker.shutdown();
    try {
      if (!worker.awaitTermination(config.requestTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many rows wait, since when, and how many failed; as of the last poll. */
  public Outbox.Depth depth() {
    return depth;
  }

  public int failuresInARow() {
    return failuresInARow;
  }

  public String lastError() {
    return lastError;
  }

  public double oldestPendingAgeSeconds() {
    Instant oldest = depth.oldestPending();
    return oldest == null
        ? 0
        : Math.max(0, Duration.between(oldest, Instant.now()).toMillis()) / 1e3;
  }

  SchedulemanConfig.Relay config() {
    return config;
  }

  private void drain() {
    queued.set(false); // a wake from here on queues another turn
    try {
      while (!stopping && Instant.now().isAfter(pausedUntil) && turn()) {
        // a full batch that went well: there may be more
      }
    } catch (RuntimeException e) {
      errors.increment();
      lastError = "relay turn failed: " + e;
      LOG.warnf(e, "Scheduleman relay turn failed (will retry at the next poll)");
    }
  }

  /**
   * One batch in one transaction.
   *
   * @return whether to go on at once: the turn took rows and every one was answered
   */
  private boolean turn() {
    int batch = config.batchSize();
    int seconds = (int) Math.max(60, config.requestTimeout().toSeconds() * (batch + 2));
    return QuarkusTransaction.requiringNew()
        .timeout(seconds)
        .call(
            () -> {
              List<OutboxEntry> rows = outbox.takeDue(Instant.now(), batch);
              for (OutboxEntry row : rows) {
                if (!mark(row, sendOne(row))) {
                  // The API is out of reach: the rest of the batch waits for the pause to end.
                  return false;
                }
              }
              // Go on while there was work: a row answered may have freed the next call about
              // its schedule, which this turn's query could not take yet.
              return !rows.isEmpty();
            });
  }

  /**
   * Sends one row; a row that cannot even be sent (a defect, not the API's answer) fails alone, so
   * that it cannot stop every turn behind it.
   */
  private Answer sendOne(OutboxEntry row) {
    try {
      return sender.send(row);
    } catch (RuntimeException e) {
      LOG.errorf(e, "outbox row %s cannot be sent", row.id);
      return new Answer.Refused(0, "cannot be sent: " + e);
    }
  }

  /** Text for a text column: PostgreSQL refuses NUL, which an echoed problem may hold. */
  private static String storable(String text) {
    return text == null ? null : text.replace("\u0000", "\\u0000");
  }

  /** Writes the answer into the row; false when the API could not be reached. */
  private boolean mark(OutboxEntry row, Answer answer) {
    Instant now = Instant.now();
    if (answer instanceof Answer.Done done) {
      row.state = OutboxEntry.State.SENT;
      row.sentAt = now;
      row.httpStatus = done.status() == 0 ? null : done.status();
      row.scheduleId = done.scheduleId();
      row.replayed = done.replayed();
      row.lastError = storable(done.note());
      row.attempts++;
      sent.increment();
      if (done.replayed()) {
        replayed.increment();
        LOG.infof("outbox row %s had reached Scheduleman before; not created again", row.id);
      }
      failuresInARow = 0;
      return true;
    }
    if (answer instanceof Answer.Refused no) {
      row.state = OutboxEntry.State.FAILED;
      row.httpStatus = no.status() == 0 ? null : no.status();
      row.lastError = storable(no.problem());
      row.attempts++;
      refused.increment();
      failuresInARow = 0;
      LOG.warnf(
          "Scheduleman refused outbox row %s (%s %s): %s",
          row.id, row.operation, row.scheduleRef, no.problem());
      return true;
    }
    if (answer instanceof Answer.Waiting waiting) {
      row.nextAttemptAt = now.plus(config.minBackoff());
      row.lastError = waiting.reason();
      return true;
    }
    Answer.Later later = (Answer.Later) answer;
    row.attempts++;
    row.httpStatus = later.status();
    row.lastError = storable(later.reason());
    row.nextAttemptAt = now.plus(backoff(row.attempts));
    errors.increment();
    failuresInARow++;
    pausedUntil = now.plus(backoff(failuresInARow));
    lastError = later.reason();
    LOG.warnf(
        "Scheduleman did not take outbox row %s (attempt %d, trying again): %s",
        row.id, row.attempts, later.reason());
    return false;
  }

  private Duration backoff(int failures) {
    return Backoff.delay(
        failures, config.minBackoff(), config.maxBackoff(), ThreadLocalRandom.current());
  }

  /** Refreshes the depth the gauges and the health check show, and forgets old sent rows. */
  private void observe() {
    try {
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                depth = outbox.depth();
                outbox.forgetSent(Instant.now(), config.retention());
              });
    } catch (RuntimeException e) {
      lastError = "cannot read the outbox: " + e.getMessage();
      LOG.warnf("Scheduleman relay cannot read the outbox (will retry): %s", e.getMessage());
    }
  }
}
