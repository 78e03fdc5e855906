package dev.scheduleman.executor.housekeeping;

import dev.scheduleman.executor.config.ExecutorConfig;
import dev.scheduleman.executor.schema.SchemaReadiness;
import dev.scheduleman.storage.audit.AuditRepository;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.HistoryPartitions;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Keeps the attempt history's daily partitions: the next {@link #DAYS_AHEAD} days exist before any
 * attempt needs them, and days older than the retention are dropped whole (one DROP TABLE, not a
 * DELETE of their rows); audit events older than the retention are deleted. Every executor runs it;
 * the partitions' own advisory lock lets one do the work while the others skip it.
 */
@ApplicationScoped
public class HistoryKeeper {

  private static final Logger LOG = Logger.getLogger(HistoryKeeper.class);

  /**
   * Partitions exist this many days ahead: housekeeping may stop that long before a row misses one.
   */
  static final int DAYS_AHEAD = 3;

  private static final int BATCH = 10_000;
  private static final int MAX_BATCHES = 100;

  private final HistoryPartitions partitions;
  private final AuditRepository audit;
  private final ExecutionRepository executions;
  private final ExecutorConfig config;
  private final SchemaReadiness schema;
  private final Clock clock;

  HistoryKeeper(
      AgroalDataSource ds, ExecutorConfig config, @Readiness SchemaReadiness schema, Clock clock) {
    this.partitions = new HistoryPartitions(ds);
    this.audit = new AuditRepository(ds);
    this.executions = new ExecutionRepository(ds);
    this.config = config;
    this.schema = schema;
    this.clock = clock;
  }

  @Scheduled(
      every = "10m",
      delayed = "30s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void keep() {
    try {
      if (!config.executor().enabled() || !schema.isCurrent()) {
        return;
      }
      keep(clock.instant());
    } catch (RuntimeException e) {
      LOG.warnf("could not keep the history partitions (will retry): %s", e.getMessage());
    }
  }

  void keep(Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<LocalDate> created = partitions.create(today, today.plusDays(DAYS_AHEAD));
    if (!created.isEmpty()) {
      LOG.infof("created the history partitions of %s", created);
    }
    Instant before = now.minus(config.housekeeping().historyRetention());
    List<LocalDate> dropped = partitions.dropBefore(before);
    if (!dropped.isEmpty()) {
      LOG.infof("dropped the history of %s (older than %s)", dropped, before);
    }
    int pruned = 0;
    for (int i = 0; i < MAX_BATCHES; i++) {
      int deleted = partitions.pruneDefault(before, BATCH);
      pruned += deleted;
      if (deleted < BATCH) {
        break;
      }
    }
    if (pruned > 0) {
      LOG.infof("pruned %d attempts older than %s outside the daily partitions", pruned, before);
    }
    int minutes = executions.pruneMinutesBefore(before);
    if (minutes > 0) {
      LOG.infof("pruned %d per-minute figures older than %s", minutes, before);
    }
    int forgotten = 0;
    for (int i = 0; i < MAX_BATCHES; i++) {
      int deleted = audit.pruneBefore(before, BATCH);
      forgotten += deleted;
      if (deleted < BATCH) {
        break;
      }
    }
    if (forgotten > 0) {
      LOG.infof("pruned %d audit events older than %s", forgotten, before);
    }
  }
}
