package dev.scheduleman.sdk.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: the compact form ({@code 250ms}, {@code 30s}, {@code 5m}, {@code
 * 1h30m}, {@code 2d}) or ISO-8601 ({@code PT30S}, {@code P1D}).
 */
public final class Durations {

  private static final Pattern COMPACT =
      Pattern.compile(
          "(?:(?<d>\\d{1,9})d)?(?:(?<h>\\d{1,9})h)?(?:(?<m>\\d{1,9})m)?(?:(?<s>\\d{1,9})s)?(?:(?<ms>\\d{1,9})ms)?");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message fit to show to a user
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    String value = text.strip();
    if (value.startsWith("-")) {
      throw new IllegalArgumentException("'" + value + "' is negative");
    }
    if (value.startsWith("P") || value.startsWith("p")) {
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw notADuration(value);
      }
    }
    Matcher m = COMPACT.matcher(value);
    if (!m.matches()) {
      throw notADuration(value);
    }
    Duration total = Duration.ZERO;
    total = total.plusDays(group(m, "d"));
    total = total.plusHours(group(m, "h"));
    total = total.plusMinutes(group(m, "m"));
    total = total.plusSeconds(group(m, "s"));
    total = total.plusMillis(group(m, "ms"));
    return total;
  }

  /** The compact form, e.g. {@code 1h30m}, {@code 250ms}, {@code 0s}. */
  public static String formatCompact(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (duration.isNegative()) {
      out.append('-');
      duration = duration.negated();
    }
    appendPart(out, duration.toDaysPart(), "d");
    appendPart(out, duration.toHoursPart(), "h");
    appendPart(out, duration.toMinutesPart(), "m");
    appendPart(out, duration.toSecondsPart(), "s");
    appendPart(out, duration.toMillisPart(), "ms");
    return out.toString();
  }

  private static void appendPart(StringBuilder out, long value, String unit) {
    if (value != 0) {
      out.append(value).append(unit);
    }
  }

  private static long group(Matcher m, String name) {
    String g = m.group(name);
    return g == null ? 0 : Long.parseLong(g);
  }

  private static IllegalArgumentException notADuration(String value) {
    return new IllegalArgumentException(
        "'" + value + "' is not a duration; write e.g. 30s, 5m, 1h30m, 250ms or ISO-8601 PT30S");
  }
}
