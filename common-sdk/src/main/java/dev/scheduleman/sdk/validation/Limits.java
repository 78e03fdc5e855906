package dev.scheduleman.sdk.validation;

import java.time.Duration;

/**
 * The bounds a schedule must stay within. The defaults are the documented ones; a deployment may
 * change them.
 *
 * @param pastGrace how far in the past a new one-off's {@code at} may be (it then fires at once)
 */
public record Limits(
    int nameLength,
    int descriptionLength,
    int labels,
    int urlLength,
    int headers,
    int headerValueLength,
    int bodyBytes,
    Duration maxTimeout,
    Duration minInterval,
    int maxAttempts,
    Duration maxBackoff,
    Duration pastGrace) {

  public static final Limits DEFAULT =
      new Limits(
          200,
          2000,
          64,
          2048,
          32,
          4096,
          64 * 1024,
          Duration.ofSeconds(30),
          Duration.ofSeconds(1),
          100,
          Duration.ofDays(1),
          Duration.ofSeconds(60));

  /** The shortest timeout a target may have. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);

  /** The shortest backoff between attempts. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  /** The longest interval of an {@code every} schedule, and the furthest {@code at}, delay. */
  public static final Duration MAX_HORIZON = Duration.ofDays(100 * 366L);

  /** The longest flexible window: a day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  public static final int LABEL_KEY_LENGTH = 63;
  public static final int LABEL_VALUE_LENGTH = 256;
}
