package dev.scheduleman.executor.completion;

import dev.scheduleman.executor.claim.InFlight;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.TriggerRepository;
import dev.scheduleman.storage.schedule.TriggerUpdate;
import dev.scheduleman.storage.sql.Sql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Writes completions in batches: every {@code interval}, or as soon as a batch is full, one
 * transaction updates the triggers (one statement, each row guarded) and appends the attempts to
 * the history (one statement). When the database is away the batch is kept and retried with a
 * backoff; meanwhile the in-flight cap stops new claims, so nothing piles up and nothing is lost (a
 * lease that expires meanwhile lets another executor fire the trigger again: at least once).
 */
public final class Completer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Completer.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final DataSource ds;
  private final TriggerRepository triggers;
  private final ExecutionRepository executions;
  private final String owner;
  private final Duration interval;
  private final int batchSize;
  private final InFlight inFlight;
  private final ExecutorMetrics metrics;
  private final LinkedBlockingQueue<Completion> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  public Completer(
      DataSource ds,
      TriggerRepository triggers,
      ExecutionRepository executions,
      String owner,
      Duration interval,
      int batchSize,
      InFlight inFlight,
      ExecutorMetrics metrics) {
    this.ds = ds;
    this.triggers = triggers;
    this.executions = executions;
    this.owner = owner;
    this.interval = interval;
    this.batchSize = batchSize;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "scheduleman-complete-" + owner);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void submit(Completion completion) {
    queue.add(completion);
  }

  public int pending() {
    return queue.size();
  }

  private void run() {
    List<Completion> batch = new ArrayList<>(batchSize);
    int failures = 0;
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Completion first = queue.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, batchSize - 1);
        }
        write(batch);
        inFlight.release(batch.size());
        batch.clear();
        failures = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (!running && queue.isEmpty() && batch.isEmpty()) {
          return;
        }
      } catch (RuntimeException e) {
        failures++;
        metrics.completionFailed();
        long wait = Math.min(MAX_BACKOFF.toMillis(), 50L << Math.min(failures, 10));
        LOG.warnf(
            "could not write %d completions (attempt %d, retrying in %d ms): %s",
            batch.size(), failures, wait, e.getMessage());
        if (!running && failures > 3) {
          LOG.errorf(
              "giving up on %d completions at shutdown; their leases will expire"
                  + " and another executor fires them again",
              batch.size());
          inFlight.release(batch.size());
          batch.clear();
          queue.clear();
          return;
        }
        sleep(wait);
      }
    }
  }

  private void write(List<Completion> batch) {
    List<TriggerUpdate> updates = batch.stream().map(Completion::update).toList();
    Set<UUID> applied =
        Sql.inTransaction(
            ds,
            "complete triggers",
            c -> {
              Set<UUID> updated = triggers.complete(c, owner, updates);
              executions.append(c, batch.stream().map(Completion::attempt).toList());
              return updated;
            });
    int superseded = batch.size() - applied.size();
    if (superseded > 0) {
      metrics.superseded(superseded);
      for (TriggerUpdate u : updates) {
        if (!applied.contains(u.scheduleId())) {
          LOG.infof(
              "schedule %s execution %s: completion not applied, the trigger was changed,"
                  + " deleted or re-claimed meanwhile",
              u.scheduleId(), u.firedExecutionId());
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued (retrying a few times if the database is away), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
