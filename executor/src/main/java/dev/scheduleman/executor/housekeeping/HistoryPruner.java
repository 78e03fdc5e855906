package dev.scheduleman.executor.housekeeping;

import dev.scheduleman.executor.config.ExecutorConfig;
import dev.scheduleman.executor.schema.SchemaReadiness;
import dev.scheduleman.storage.execution.ExecutionRepository;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Deletes attempts older than the retention, in small batches so that no statement holds locks for
 * long. Every executor runs it; deleting what another already deleted costs nothing.
 */
@ApplicationScoped
public class HistoryPruner {

  private static final Logger LOG = Logger.getLogger(HistoryPruner.class);
  private static final int BATCH = 10_000;
  private static final int MAX_BATCHES = 100;

  private final ExecutionRepository executions;
  private final ExecutorConfig config;
  private final SchemaReadiness schema;
  private final Clock clock;

  HistoryPruner(
      AgroalDataSource ds, ExecutorConfig config, @Readiness SchemaReadiness schema, Clock clock) {
    this.executions = new ExecutionRepository(ds);
    this.config = config;
    this.schema = schema;
    this.clock = clock;
  }

  @Scheduled(
      every = "10m",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void prune() {
    try {
      if (!config.executor().enabled() || !schema.isCurrent()) {
        return;
      }
      Instant before = clock.instant().minus(config.housekeeping().historyRetention());
      int total = 0;
      for (int i = 0; i < MAX_BATCHES; i++) {
        int deleted = executions.deleteOlderThan(before, BATCH);
        total += deleted;
        if (deleted < BATCH) {
          break;
        }
      }
      if (total > 0) {
        LOG.infof("pruned %d attempts older than %s", total, before);
      }
    } catch (RuntimeException e) {
      LOG.warnf("could not prune the history (will retry): %s", e.getMessage());
    }
  }
}
