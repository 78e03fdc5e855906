package dev.scheduleman.sdk.trigger;

/** Everything that moves a trigger: what users do through the API, and how a delivery ended. */
public enum TriggerEvent {
  /** A new schedule. */
  CREATE("create"),
  /** The definition was replaced and the spec is the same (a new target, retry, name …). */
  UPDATE_SAME_SPEC("update"),
  /** The definition was replaced with another spec: rescheduled. */
  UPDATE_NEW_SPEC("reschedule"),
  PAUSE("pause"),
  RESUME("resume"),
  /** Fire now, once, without changing the cadence. */
  TRIGGER_NOW("trigger"),
  /** Fire a dead schedule's last trigger again, under the same id, with fresh attempts. */
  REARM("re-arm"),
  /** An executor claimed the trigger to fire it. */
  CLAIMED("claim"),
  /** The receiver answered 2xx. */
  SUCCEEDED("complete"),
  /** Any other answer, a timeout or no answer. */
  FAILED("complete"),
  /** The trigger could not be fired as stored (its spec or target no longer parses). */
  DEFECTIVE("complete"),
  /** The occurrence was missed and is not fired: the schedule's misfire policy is {@code skip}. */
  SKIPPED("complete");

  private final String verb;

  TriggerEvent(String verb) {
    this.verb = verb;
  }

  /** How a refusal names it: "cannot {verb} a schedule in state …". */
  public String verb() {
    return verb;
  }

  /** True for the outcomes of a delivery. */
  public boolean isDelivery() {
    return this == SUCCEEDED || this == FAILED || this == DEFECTIVE || this == SKIPPED;
  }

  /** True for what executors report (a claim, a delivery), false for users' writes. */
  public boolean byExecutor() {
    return this == CLAIMED || isDelivery();
  }
}
