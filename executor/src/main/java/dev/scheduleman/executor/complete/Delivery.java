package dev.scheduleman.executor.complete;

import dev.scheduleman.sdk.model.Outcome;
import dev.scheduleman.sdk.retry.RetryAfter;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one attempt to deliver a claimed trigger ended: what the send stage hands to the completer.
 *
 * @param event {@link TriggerEvent#SUCCEEDED}, {@link TriggerEvent#FAILED}, {@link
 *     TriggerEvent#DEFECTIVE} for a trigger that could not be fired as stored, or {@link
 *     TriggerEvent#SKIPPED} for a missed occurrence the misfire policy skips (nothing was sent)
 * @param firedAt when the request started, by the database's clock
 * @param httpStatus the answer's status, or null when there was none
 * @param error why it failed (null on success): a status, a timeout, a refused connection
 * @param responseExcerpt the start of the answer's body
 * @param retryAfter the earliest next attempt the receiver asked for (a 429 or 503 with {@code
 *     Retry-After}), or null
 */
public record Delivery(
    ClaimedTrigger trigger,
    TriggerEvent event,
    Instant firedAt,
    Duration duration,
    Integer httpStatus,
    String error,
    String responseExcerpt,
    Instant retryAfter) {

  public Delivery {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(firedAt, "firedAt");
    Objects.requireNonNull(duration, "duration");
    if (!event.isDelivery()) {
      throw new IllegalArgumentException("not how a delivery ends: " + event);
    }
    if ((event == TriggerEvent.SUCCEEDED) != (error == null)) {
      throw new IllegalArgumentException("a failure has a reason, a success none");
    }
    if (retryAfter != null && event != TriggerEvent.FAILED) {
      throw new IllegalArgumentException("only a failed attempt is retried after a time asked");
    }
  }

  public static Delivery answered(
      ClaimedTrigger trigger, Instant firedAt, Duration duration, int status, String excerpt) {
    return answered(trigger, firedAt, duration, status, excerpt, null);
  }

  /**
   * @param retryAfter the receiver's {@code Retry-After}, as an instant; kept only with the
   *     statuses it applies to (429, 503)
   */
  public static Delivery answered(
      ClaimedTrigger trigger,
      Instant firedAt,
      Duration duration,
      int status,
      String excerpt,
      Instant retryAfter) {
    boolean ok = status >= 200 && status < 300;
    return new Delivery(
        trigger,
        ok ? TriggerEvent.SUCCEEDED : TriggerEvent.FAILED,
        firedAt,
        duration,
        status,
        ok ? null : "HTTP " + status,
        excerpt,
        RetryAfter.appliesTo(status) ? retryAfter : null);
  }

  public static Delivery failed(
      ClaimedTrigger trigger, Instant firedAt, Duration duration, String error) {
    return new Delivery(trigger, TriggerEvent.FAILED, firedAt, duration, null, error, null, null);
  }

  /** Not fired at all: the stored row cannot be fired ({@code defect} says why). */
  public static Delivery notFired(ClaimedTrigger trigger, Instant at, String defect) {
    return new Delivery(
        trigger,
        TriggerEvent.DEFECTIVE,
        at,
        Duration.ZERO,
        null,
        "not fired: " + defect,
        null,
        null);
  }

  /** Not fired: the occurrence was missed and the schedule's misfire policy skips it. */
  public static Delivery skipped(ClaimedTrigger trigger, Instant at, String why) {
    return new Delivery(trigger, TriggerEvent.SKIPPED, at, Duration.ZERO, null, why, null, null);
  }

  /** True when nothing was sent because the occurrence is skipped. */
  public boolean skipped() {
    return event == TriggerEvent.SKIPPED;
  }

  public boolean succeeded() {
    return event == TriggerEvent.SUCCEEDED;
  }

  /** The attempt's outcome as the history shows it. */
  public Outcome outcome() {
    return succeeded() ? Outcome.SUCCEEDED : Outcome.FAILED;
  }
}
