package dev.scheduleman.sdk.spec;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses crontab expressions with cron-utils: five fields (minute hour day-of-month month
 * day-of-week) as in Vixie cron, or six with a leading seconds field, plus the nicknames {@code
 * @yearly @annually @monthly @weekly @daily @midnight @hourly}. When both day fields are
 * restricted, a day matches either of them, as in crontab(5).
 *
 * <p>Errors name the field and say what is wrong ("minute field: 61 is out of range 0-59") instead
 * of passing on the parser's exception.
 */
final class CronExpressions {

  private static final List<String> FIVE_FIELDS =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");
  private static final List<String> SIX_FIELDS =
      List.of("second", "minute", "hour", "day-of-month", "month", "day-of-week");

  private static final CronParser FIVE = new CronParser(definition(false));
  private static final CronParser SIX = new CronParser(definition(true));

  /** Parsed expressions are immutable and shared; the cap only bounds memory. */
  private static final int CACHE_LIMIT = 10_000;

  private static final Map<String, ExecutionTime> CACHE = new ConcurrentHashMap<>();

  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("Value (\\S+) not in range \\[(\\d+), (\\d+)]");
  private static final Pattern BAD_STEP =
      Pattern.compile("Period (\\S+) not in range \\[(\\d+), (\\d+)]");
  private static final Pattern BAD_RANGE = Pattern.compile("Invalid range! \\[(\\S+),(\\S+)]");
  private static final Pattern BAD_CHARS = Pattern.compile("Invalid chars: (.*)$");

  private CronExpressions() {}

  /** The normalised form of an expression: trimmed, single spaces. */
  static String normalise(String expression) {
    return expression.strip().replaceAll("\\s+", " ");
  }

  /**
   * Parses a normalised expression into an {@link ExecutionTime} that is evaluated on local
   * wall-clock time (see {@link CronSpec} for how wall-clock time maps to instants).
   */
  /**
   * A person's reading of a normalised expression, in English ("at 03:00", "every 5 minutes"), or
   * the expression itself where the describer has no words for it.
   */
  static String describe(String expression) {
    try {
      return com.cronutils.descriptor.CronDescriptor.instance(java.util.Locale.ENGLISH)
          .describe(parse(expression));
    } catch (RuntimeException e) {
      return expression;
    }
  }

  static ExecutionTime compile(String expression) {
    ExecutionTime cached = CACHE.get(expression);
    if (cached != null) {
      return cached;
    }
    ExecutionTime compiled = ExecutionTime.forCron(parse(expression));
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    CACHE.put(expression, compiled);
    return compiled;
  }

  private static Cron parse(String expression) {
    if (expression.isEmpty()) {
      throw new InvalidSpecException("cron", "must not be empty");
    }
    if (expression.startsWith("@")) {
      return parseNickname(expression);
    }
    String[] fields = expression.split(" ");
    if (fields.length != 5 && fields.length != 6) {
      throw new InvalidSpecException(
          "cron",
          "has "
              + fields.length
              + " fields; expected 5 (minute hour day-of-month month day-of-week)"
              + " or 6 (with a leading second)");
    }
    CronParser parser = fields.length == 5 ? FIVE : SIX;
    try {
      Cron cron = parser.parse(expression);
      cron.validate();
      return cron;
    } catch (IllegalArgumentException e) {
      throw explain(parser, fields);
    }
  }

  private static Cron parseNickname(String expression) {
    try {
      return FIVE.parse(expression.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(
          "cron",
          "'"
              + expression
              + "' is not a supported nickname; use @yearly, @annually, @monthly, @weekly,"
              + " @daily, @midnight or @hourly");
    }
  }

  /** Finds the first field that does not parse on its own and says what is wrong with it. */
  private static InvalidSpecException explain(CronParser parser, String[] fields) {
    List<String> names = fields.length == 5 ? FIVE_FIELDS : SIX_FIELDS;
    for (int i = 0; i < fields.length; i++) {
      String[] probe = new String[fields.length];
      Arrays.fill(probe, "*");
      probe[i] = fields[i];
      try {
        parser.parse(String.join(" ", probe)).validate();
      } catch (IllegalArgumentException e) {
        return new InvalidSpecException(
            "cron", names.get(i) + " field: " + describe(fields[i], e.getMessage()));
      }
    }
    return new InvalidSpecException("cron", "'" + String.join(" ", fields) + "' is not valid");
  }

  private static String describe(String field, String parserMessage) {
    String message = parserMessage == null ? "" : parserMessage;
    Matcher m = OUT_OF_RANGE.matcher(message);
    if (m.find()) {
      return m.group(1) + " is out of range " + m.group(2) + "-" + m.group(3);
    }
    m = BAD_STEP.matcher(message);
    if (m.find()) {
      return "step " + m.group(1) + " must be between 1 and " + m.group(3);
    }
    m = BAD_RANGE.matcher(message);
    if (m.find()) {
      return "range " + m.group(1) + "-" + m.group(2) + " runs backwards";
    }
    m = BAD_CHARS.matcher(message);
    if (m.find()) {
      return "'" + field + "' is not a value, range, list or step";
    }
    return "'" + field + "' is not valid";
  }

  private static CronDefinition definition(boolean withSeconds) {
    CronDefinitionBuilder builder = CronDefinitionBuilder.defineCron();
    if (withSeconds) {
      builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
    }
    builder =
        builder
            .withMinutes()
            .withValidRange(0, 59)
            .withStrictRange()
            .and()
            .withHours()
            .withValidRange(0, 23)
            .withStrictRange()
            .and()
            .withDayOfMonth()
            .withValidRange(1, 31)
            .withStrictRange()
            .and()
            .withMonth()
            .withValidRange(1, 12)
            .withStrictRange()
            .and()
            .withDayOfWeek()
            .withValidRange(0, 7)
            .withMondayDoWValue(1)
            .withIntMapping(7, 0)
            .withStrictRange()
            .and();
    if (!withSeconds) {
      builder =
          builder
              .withSupportedNicknameYearly()
              .withSupportedNicknameAnnually()
              .withSupportedNicknameMonthly()
              .withSupportedNicknameWeekly()
              .withSupportedNicknameDaily()
              .withSupportedNicknameMidnight()
              .withSupportedNicknameHourly();
    }
    return builder.instance();
  }
}
