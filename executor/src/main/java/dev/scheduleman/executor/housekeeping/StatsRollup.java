package dev.scheduleman.executor.housekeeping;

import dev.scheduleman.executor.config.ExecutorConfig;
import dev.scheduleman.executor.schema.SchemaReadiness;
import dev.scheduleman.storage.execution.ExecutionRepository;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Rolls each closed minute of the attempt history up into per-minute figures, which {@code /stats}
 * reads instead of the history. A minute is closed {@link #GRACE} after it ends: its attempts are
 * recorded by then (a delivery times out within 30 s, and completions are written within a second
 * of it). Every executor runs it; the watermark row's lock lets one do the work while the others
 * skip it. After an absence it catches up an hour per step, as many steps as fit in ten seconds,
 * from a day back at most (the longest window {@code /stats} serves).
 */
@ApplicationScoped
public class StatsRollup {

  private static final Logger LOG = Logger.getLogger(StatsRollup.class);

  static final Duration GRACE = Duration.ofMinutes(2);
  static final Duration STEP = Duration.ofHours(1);
  static final Duration OLDEST = Duration.ofDays(1);

  private final ExecutionRepository executions;
  private final ExecutorConfig config;
  private final SchemaReadiness schema;
  private final Clock clock;

  StatsRollup(
      AgroalDataSource ds, ExecutorConfig config, @Readiness SchemaReadiness schema, Clock clock) {
    this.executions = new ExecutionRepository(ds);
    this.config = config;
    this.schema = schema;
    this.clock = clock;
  }

  @Scheduled(
      every = "30s",
      delayed = "20s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void rollUp() {
    try {
      if (!config.executor().enabled() || !schema.isCurrent()) {
        return;
      }
      rollUp(clock.instant());
    } catch (RuntimeException e) {
      LOG.warnf("could not roll up the per-minute figures (will retry): %s", e.getMessage());
    }
  }

  /** Most roll-up steps in one run: a day behind (a fresh database) is caught up in one. */
  static final int MAX_STEPS = 24;

  /** How long one run keeps taking steps; the rest waits for the next run. */
  static final Duration RUN_BUDGET = Duration.ofSeconds(10);

  /**
   * Rolls up what is closed at {@code now}, an hour at a time while the run's budget lasts; returns
   * the last step taken (empty: nothing to do, or another executor holds the watermark).
   */
  Optional<ExecutionRepository.RollUp> rollUp(Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
    Instant closed = now.minus(GRACE).truncatedTo(ChronoUnit.MINUTES);
    long started = System.nanoTime();
    Optional<ExecutionRepository.RollUp> last = Optional.empty();
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<ExecutionRepository.RollUp> done =
          executions.rollUp(closed, STEP, minute.minus(OLDEST));
      if (done.isEmpty()) {
        break;
      }
      last = done;
      LOG.debugf(
          "rolled up %s to %s: %d tenant-minutes",
          done.get().from(), done.get().until(), done.get().rows());
      if (System.nanoTime() - started > RUN_BUDGET.toNanos()) {
        break;
      }
    }
    return last;
  }
}
