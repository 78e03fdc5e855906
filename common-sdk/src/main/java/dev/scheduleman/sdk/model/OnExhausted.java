package dev.scheduleman.sdk.model;

import java.util.Locale;

/** What happens when a trigger has used all its attempts. */
public enum OnExhausted {
  /** The schedule stops, in state DEAD, until it is re-armed or updated. */
  DEAD,
  /** A dead letter is recorded and a recurring schedule goes on with its next occurrence. */
  CONTINUE;

  /** The API's spelling: {@code dead}, {@code continue}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException for anything but {@code dead} or {@code continue}
   */
  public static OnExhausted fromWireName(String value) {
    for (OnExhausted candidate : values()) {
      if (candidate.wireName().equalsIgnoreCase(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not one of: dead, continue");
  }
}
