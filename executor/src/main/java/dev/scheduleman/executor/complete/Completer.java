package dev.scheduleman.executor.complete;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import dev.scheduleman.storage.trigger.TriggerUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The last stage: decides what follows each delivery (through the trigger state machine) and writes
 * it in batches: every {@code interval}, or as soon as a batch is full, one transaction updates the
 * triggers (one statement, each row guarded) and appends the attempts to the history (one
 * statement). When the database is away the batch is kept and retried with a backoff; meanwhile the
 * in-flight cap stops new claims, so nothing piles up and nothing is lost (a lease that expires
 * meanwhile lets another executor fire the trigger again: at least once).
 */
public final class Completer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Completer.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** How completions are batched. */
  public record Settings(String owner, Duration interval, int batchSize) {}

  private final DataSource ds;
  private final TriggerRepository triggers;
  private final ExecutionRepository executions;
  private final Settings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final ExecutorMetrics metrics;
  private final Consumer<List<ClaimedTrigger>> written;
  private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long progressAt = System.nanoTime();
  private volatile int inBatch;

  /**
   * @param clock the database's clock: the time a retry's backoff starts from
   * @param written told of the triggers whose completion is written (or given up): they are no
   *     longer held
   */
  public Completer(
      DataSource ds,
      TriggerRepository triggers,
      ExecutionRepository executions,
      Settings settings,
      Clock clock,
      RandomGenerator random,
      ExecutorMetrics metrics,
      Consumer<List<ClaimedTrigger>> written) {
    this.ds = ds;
    this.triggers = triggers;
    this.executions = executions;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.written = written;
    this.thread = new Thread(this::run, "scheduleman-complete-" + settings.owner());
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Takes a delivery from the send stage; never blocks. */
  public void submit(Delivery delivery) {
    queue.add(delivery);
  }

  private void run() {
    List<Delivery> taken = new ArrayList<>(settings.batchSize());
    List<Completion> batch = new ArrayList<>(settings.batchSize());
    int failures = 0;
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          progressAt = System.nanoTime();
          Delivery first = queue.poll(settings.interval().toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          taken.add(first);
          queue.drainTo(taken, settings.batchSize() - 1);
          decide(taken, batch);
          inBatch = batch.size();
          taken.clear();
        }
        writeAll(batch);
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
          done(batch);
          batch.clear();
          written.accept(queue.stream().map(Delivery::trigger).toList());
          queue.clear();
          return;
        }
        sleep(wait);
      }
    }
  }

  /** Decides each delivery once, so a batch retried after a database error keeps its decisions. */
  private void decide(List<Delivery> deliveries, List<Completion> batch) {
    for (Delivery d : deliveries) {
      Instant now = clock.instant();
      try {
        batch.add(Completions.of(d, settings.owner(), now, random));
      } catch (RuntimeException e) {
        LOG.errorf(
            e,
            "schedule %s execution %s: could not decide what follows; buried",
            d.trigger().scheduleId(),
            d.trigger().executionId());
        metrics.buried();
        batch.add(
            Completions.buried(
                d, "could not decide what follows: " + e.getMessage(), settings.owner(), now));
      }
    }
  }

  /**
   * Writes the batch, and takes what was written out of it. A row PostgreSQL refuses (a data or
   * constraint error: a value out of its range, say) fails only its half: the batch is split until
   * the row is alone, the rest is stored, and that row's trigger is buried with the database's
   * reason instead. Anything else (the database is away) leaves what is not written in the batch,
   * to be tried again.
   */
  private void writeAll(List<Completion> batch) {
    ArrayDeque<List<Completion>> parts = new ArrayDeque<>();
    parts.push(List.copyOf(batch));
    while (!parts.isEmpty()) {
      List<Completion> part = parts.pop();
      try {
        write(part);
      } catch (StorageException e) {
        if (!e.isDataError()) {
          throw e;
        }
        if (part.size() > 1) {
          parts.push(part.subList(part.size() / 2, part.size()));
          parts.push(part.subList(0, part.size() / 2));
          continue;
        }
        bury(part.get(0), e);
      }
      Set<Completion> stored = Collections.newSetFromMap(new IdentityHashMap<>());
      stored.addAll(part);
      batch.removeIf(stored::contains);
      inBatch = batch.size();
      done(part);
      progressAt = System.nanoTime();
    }
  }

  private void bury(Completion refused, StorageException why) {
    Delivery d = refused.delivery();
    LOG.errorf(
        "schedule %s execution %s: the database refused its completion (%s); buried",
        d.trigger().scheduleId(), d.trigger().executionId(), why.getMessage());
    metrics.buried();
    Completion buried =
        Completions.buried(
            d, "could not store what follows: " + why.reason(), settings.owner(), clock.instant());
    try {
      write(List.of(buried));
    } catch (StorageException again) {
      if (!again.isDataError()) {
        throw again;
      }
      // Nothing of it can be stored: its lease runs out and it is fired again (and counted).
      LOG.errorf(
          "schedule %s execution %s: not even its burial could be stored (%s)",
          d.trigger().scheduleId(), d.trigger().executionId(), again.getMessage());
    }
  }

  private void done(List<Completion> part) {
    written.accept(part.stream().map(Completion::trigger).toList());
  }

  private void write(List<Completion> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<TriggerUpdate> updates = batch.stream().map(Completion::update).toList();
    Set<UUID> applied =
        Sql.inTransaction(
            ds,
            "complete triggers",
            c -> {
              Set<UUID> updated = triggers.complete(c, updates);
              executions.append(
                  c, batch.stream().map(Completion::attempt).filter(Objects::nonNull).toList());
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

  /** Completions waiting to be written. */
  public int pending() {
    return queue.size() + inBatch;
  }

  /**
   * How long the completer has had work it could not write: zero while it keeps up, growing while
   * the database refuses it. The executor is not ready while this is long.
   */
  public Duration stalledFor() {
    if (pending() == 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(System.nanoTime() - progressAt);
  }

  /** Whether the completer's thread is still running (it ends only when closed). */
  public boolean alive() {
    return thread.isAlive() || !running;
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
