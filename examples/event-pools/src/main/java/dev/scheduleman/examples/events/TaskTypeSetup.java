package dev.scheduleman.examples.events;

import dev.scheduleman.quarkus.relay.SchedulemanApi;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Declares the merge-pools task type at start, and again every few seconds until Scheduleman has
 * taken it (it may start after this application). Merges relayed before that fail with "no task
 * type", visibly; in practice the type is declared long before the first event.
 */
@ApplicationScoped
public class TaskTypeSetup {

  private static final Logger LOG = Logger.getLogger(TaskTypeSetup.class);

  private final SchedulemanApi api;
  private final AtomicBoolean declared = new AtomicBoolean();

  public TaskTypeSetup(SchedulemanApi api) {
    this.api = api;
  }

  @Scheduled(every = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void declare() {
    if (declared.get()) {
      return;
    }
    try {
      api.putTaskType(Schedules.MERGE_POOLS, Schedules.mergePoolsType());
      declared.set(true);
      LOG.infof("task type %s declared", Schedules.MERGE_POOLS);
    } catch (RuntimeException e) {
      LOG.warnf("cannot declare task type %s yet (will retry): %s", Schedules.MERGE_POOLS, e);
    }
  }

  public boolean declared() {
    return declared.get();
  }
}
