package dev.scheduleman.sdk.trigger;

import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.Window;
import java.util.Objects;
import java.util.Optional;

/**
 * What of a schedule's definition decides how its trigger moves: when it fires and how it retries.
 *
 * @param spec the parsed spec; empty when the stored one no longer parses (a time zone that left
 *     the tz database, say), in which case {@code defect} says why
 * @param window where in its flexible window each occurrence fires ({@link Window#NONE}: on it)
 */
public record TriggerRules(
    Optional<ScheduleSpec> spec, String defect, RetryPolicy retry, Window window) {

  public TriggerRules {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(window, "window");
    if (spec.isEmpty() == (defect == null)) {
      throw new IllegalArgumentException("a spec, or the defect that keeps it from parsing");
    }
  }

  public static TriggerRules of(ScheduleSpec spec, RetryPolicy retry) {
    return new TriggerRules(Optional.of(spec), null, retry, Window.NONE);
  }

  /** The rules of a schedule whose stored spec cannot be read any more. */
  public static TriggerRules defective(String defect, RetryPolicy retry) {
    return new TriggerRules(Optional.empty(), defect, retry, Window.NONE);
  }

  /** These rules, with each occurrence fired within {@code window}. */
  public TriggerRules within(Window window) {
    return new TriggerRules(spec, defect, retry, window);
  }
}
