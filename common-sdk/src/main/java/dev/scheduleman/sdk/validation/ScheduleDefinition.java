package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import java.time.Duration;
import java.util.Map;

/**
 * A valid schedule definition: what a user may write, checked and with defaults applied.
 *
 * @param priority {@value #LOWEST_PRIORITY} to {@value #HIGHEST_PRIORITY}: when more is due than
 *     the executors can send, higher priority goes first, then earlier due time, a retry after the
 *     first attempts of its priority
 * @param window how long after each occurrence it may fire (spread within that window); zero for
 *     none
 */
public record ScheduleDefinition(
    String name,
    String description,
    Map<String, String> labels,
    ScheduleSpec spec,
    Target target,
    RetryPolicy retry,
    int priority,
    Duration window) {

  public static final int LOWEST_PRIORITY = 0;
  public static final int HIGHEST_PRIORITY = 9;
  public static final int DEFAULT_PRIORITY = 5;

  public ScheduleDefinition {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    window = window == null ? Duration.ZERO : window;
    if (priority < LOWEST_PRIORITY || priority > HIGHEST_PRIORITY) {
      throw new IllegalArgumentException("priority out of range: " + priority);
    }
  }
}
