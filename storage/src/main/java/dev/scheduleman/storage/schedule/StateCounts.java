package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.ScheduleState;
import java.util.Map;

/**
 * A tenant's schedules per state, and the due backlog: active triggers due now that no executor has
 * claimed yet.
 */
public record StateCounts(Map<ScheduleState, Long> byState, long dueBacklog) {

  public StateCounts {
    byState = Map.copyOf(byState);
  }
}
