package dev.scheduleman.executor.delivery;

import dev.scheduleman.sdk.model.Outcome;
import java.time.Duration;
import java.time.Instant;

/**
 * How one webhook call ended.
 *
 * @param firedAt when the request started, by the database's clock
 * @param httpStatus the answer's status, or null when there was none
 * @param error why it failed (null on success): a status, a timeout, a refused connection
 * @param responseExcerpt the start of the answer's body
 */
public record DeliveryResult(
    Outcome outcome,
    Instant firedAt,
    Duration duration,
    Integer httpStatus,
    String error,
    String responseExcerpt) {

  public static DeliveryResult failed(Instant firedAt, Duration duration, String error) {
    return new DeliveryResult(Outcome.FAILED, firedAt, duration, null, error, null);
  }

  public boolean succeeded() {
    return outcome == Outcome.SUCCEEDED;
  }
}
