package dev.scheduleman.sdk.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A receiver's {@code Retry-After} (RFC 9110, section 10.2.3), as sent with a 429 or a 503: either
 * a number of seconds or an HTTP date. It sets the earliest instant of the next attempt; the
 * retry's own backoff still applies when it is later, and the schedule's {@code maxBackoff} caps
 * what a receiver can ask for.
 */
public final class RetryAfter {

  /** Statuses whose {@code Retry-After} is honoured: too many requests, unavailable. */
  public static boolean appliesTo(int status) {
    return status == 429 || status == 503;
  }

  private RetryAfter() {}

  /**
   * @param value the header's value, or null when there is none
   * @param now when the answer came (the database's clock): what a number of seconds counts from
   * @return the instant asked for; empty when the value is absent or neither form (a receiver's
   *     malformed header is ignored, the backoff alone decides)
   */
  public static Optional<Instant> parse(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!v.isEmpty() && v.length() <= 10 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(now.plus(Duration.ofSeconds(Long.parseLong(v))));
    }
    try {
      // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is what senders must use.
      return Optional.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The delay before the next attempt: the backoff's, or until the instant the receiver asked for
   * when that is later, but never beyond {@code maxBackoff}.
   */
  public static Duration delay(Duration backoff, Instant asked, Instant now, Duration maxBackoff) {
    if (asked == null) {
      return backoff;
    }
    Duration wanted = Duration.between(now, asked);
    if (wanted.compareTo(maxBackoff) > 0) {
      wanted = maxBackoff;
    }
    return wanted.compareTo(backoff) > 0 ? wanted : backoff;
  }
}
