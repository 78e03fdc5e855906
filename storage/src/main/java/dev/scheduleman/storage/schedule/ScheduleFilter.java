package dev.scheduleman.storage.schedule;

import dev.scheduleman.sdk.model.ScheduleState;
import java.util.Map;

/**
 * Which schedules a list shows: all conditions given must hold.
 *
 * @param state only schedules in this state, or null for any
 * @param labels only schedules carrying all these labels with these values
 * @param namePrefix only schedules whose name starts with this, or null for any
 */
public record ScheduleFilter(ScheduleState state, Map<String, String> labels, String namePrefix) {

  public static final ScheduleFilter ALL = new ScheduleFilter(null, Map.of(), null);

  public ScheduleFilter {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
