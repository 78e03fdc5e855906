package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.model.Target;
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
    ScheduleState state,
    PendingTrigger pending,
    LastRun lastRun,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public ScheduleRow {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
