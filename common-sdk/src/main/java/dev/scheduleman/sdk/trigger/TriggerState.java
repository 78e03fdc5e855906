package dev.scheduleman.sdk.trigger;

import dev.scheduleman.sdk.model.ScheduleState;
import java.util.Objects;

/** Where a schedule stands: its state and its pending trigger. */
public record TriggerState(ScheduleState state, PendingTrigger pending) {

  public TriggerState {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(pending, "pending");
  }
}
