package dev.scheduleman.sdk.validation;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import java.util.Map;

/** A valid schedule definition: what a user may write, checked and with defaults applied. */
public record ScheduleDefinition(
    String name,
    String description,
    Map<String, String> labels,
    ScheduleSpec spec,
    Target target,
    RetryPolicy retry) {

  public ScheduleDefinition {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
