package dev.scheduleman.executor.complete;

import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import dev.scheduleman.storage.trigger.TriggerRepository;
import dev.scheduleman.storage.trigger.TriggerUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  public int pending() {
    return queue.size();
  }

  private void run() {
    List<Delivery> taken = new ArrayList<>(settings.batchSize());
    List<Completion> batch = new ArrayList<>(settings.batchSize());
    int failures = 0;
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Delivery first = queue.poll(settings.interval().toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          taken.add(first);
          queue.drainTo(taken, settings.batchSize() - 1);
          decide(taken, batch);
          taken.clear();
        }
        write(batch);
        done(batch);
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
      try {
        batch.add(Completions.of(d, settings.owner(), clock.instant(), random));
      } catch (RuntimeException e) {
        LOG.errorf(
            e,
            "schedule %s execution %s: could not decide what follows; its lease will expire"
                + " and it fires again",
            d.trigger().scheduleId(),
            d.trigger().executionId());
        metrics.completionFailed();
        written.accept(List.of(d.trigger()));
      }
    }
  }

  private void done(List<Completion> batch) {
    written.accept(batch.stream().map(Completion::trigger).toList());
    batch.clear();
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
              Set<UUID> updated = triggers.complete(c, settings.owner(), updates);
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
