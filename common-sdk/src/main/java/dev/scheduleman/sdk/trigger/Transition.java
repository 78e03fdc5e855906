package dev.scheduleman.sdk.trigger;

import java.util.Objects;

/** What an event does to a trigger. */
public sealed interface Transition {

  /**
   * The trigger moves to {@code to}.
   *
   * @param exhausted the attempt that caused this was the trigger's last: a dead letter
   * @param why what happened, in a few words (the state table in the docs is made of these)
   */
  record Moved(TriggerState to, boolean exhausted, String why) implements Transition {
    public Moved {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * A claimed occurrence that is not fired: it was missed, and the schedule's misfire policy skips
   * missed occurrences. Its executor completes it as {@link TriggerEvent#SKIPPED}.
   */
  record Skipped(String why) implements Transition {}

  /** Nothing changes (pausing a paused schedule): nothing is written. */
  record Unchanged(String why) implements Transition {}

  /**
   * The event is not allowed in the current state.
   *
   * @param reason a sentence for the API's 409: "cannot pause a schedule in state DEAD: …"
   */
  record Refused(String reason) implements Transition {}
}
