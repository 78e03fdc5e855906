package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerState;
import dev.scheduleman.sdk.validation.ScheduleDefinition;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One row of {@code schedule}: the definition and its pending trigger. */
public record ScheduleRow(
    UUID id,
    UUID tenantId,
    String name,
    String description,
    Map<String, String> labels,
    SpecColumns spec,
    Target target,
    RetryPolicy retry,
    int priority,
    ScheduleState state,
    PendingTrigger pending,
    LastRun lastRun,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public static final int DEFAULT_PRIORITY = ScheduleDefinition.DEFAULT_PRIORITY;

  public ScheduleRow {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (priority < ScheduleDefinition.LOWEST_PRIORITY
        || priority > ScheduleDefinition.HIGHEST_PRIORITY) {
      throw new IllegalArgumentException("priority is 0 to 9, not " + priority);
    }
  }

  /** Where the schedule's trigger stands. */
  public TriggerState trigger() {
    return new TriggerState(state, pending);
  }

  /** This row with the trigger moved as given: a user's state change, one version on. */
  public ScheduleRow moved(TriggerState trigger, Instant now) {
    return new ScheduleRow(
        id,
        tenantId,
        name,
        description,
        labels,
        spec,
        target,
        retry,
        priority,
        trigger.state(),
        trigger.pending(),
        lastRun,
        version + 1,
        createdAt,
        now);
  }
}
