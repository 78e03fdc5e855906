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
 * skip it. After an absence it catches up an hour per run, from a day back at most (the longest
 * window {@code /stats} serves).
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

  /** Rolls up what is closed at {@code now}; returns what it did (empty: nothing, or another). */
  Optional<ExecutionRepository.RollUp> rollUp(Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
    Optional<ExecutionRepository.RollUp> done =
        executions.rollUp(
            now.minus(GRACE).truncatedTo(ChronoUnit.MINUTES), STEP, minute.minus(OLDEST));
    done.ifPresent(
        d -> LOG.debugf("rolled up %s to %s: %d tenant-minutes", d.from(), d.until(), d.rows()));
    return done;
  }
}
