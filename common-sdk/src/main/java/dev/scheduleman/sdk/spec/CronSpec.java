package dev.scheduleman.sdk.spec;

import com.cronutils.model.time.ExecutionTime;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron expression evaluated on the wall clock of a time zone.
 *
 * <p>Daylight saving time, the documented rules:
 *
 * <ul>
 *   <li><b>Nonexistent local time</b> (clocks spring forward, e.g. 02:30 on the last Sunday of
 *       March in Europe/Berlin): the occurrence fires once, at the first instant after the gap
 *       (03:00 local time). Several occurrences inside one gap coalesce into that single fire.
 *   <li><b>Ambiguous local time</b> (clocks fall back, e.g. 02:30 on the last Sunday of October in
 *       Europe/Berlin happens twice): the occurrence fires once, at its first (earlier) instant.
 * </ul>
 *
 * <p>So every wall-clock time the expression names fires at most once, and fire times never run
 * backwards. Schedules that must keep an exact cadence across DST changes use {@link EverySpec}.
 */
public final class CronSpec implements ScheduleSpec {

  private static final ZoneId UTC = ZoneId.of("UTC");

  /** Windows searched, smallest first, for the latest occurrence before an instant. */
  private static final List<Duration> LOOK_BACK =
      List.of(
          Duration.ofMinutes(1),
          Duration.ofHours(1),
          Duration.ofDays(1),
          Duration.ofDays(32),
          Duration.ofDays(367),
          Duration.ofDays(8 * 366));

  private static final int MAX_STEPS = 10_000;

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallClock;

  private CronSpec(String expression, ZoneId zone, ExecutionTime wallClock) {
    this.expression = expression;
    this.zone = zone;
    this.wallClock = wallClock;
  }

  /**
   * Parses a cron expression in a time zone.
   *
   * @param timezone an IANA zone id such as {@code Europe/Berlin}; null or blank means UTC
   * @throws InvalidSpecException naming the field ({@code cron} or {@code timezone})
   */
  public static CronSpec parse(String expression, String timezone) {
    if (expression == null) {
      throw new InvalidSpecException("cron", "must not be empty");
    }
    ZoneId zone = parseZone(timezone);
    String normalised = CronExpressions.normalise(expression);
    return new CronSpec(normalised, zone, CronExpressions.compile(normalised));
  }

  /** Parses an IANA time zone id; null or blank means UTC. */
  public static ZoneId parseZone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      return UTC;
    }
    try {
      return ZoneId.of(timezone.strip());
    } catch (DateTimeException e) {
      throw new InvalidSpecException(
          "timezone", "'" + timezone + "' is not a known time zone; use an IANA id such as UTC");
    }
  }

  /** What the schedule means to a person: "at 03:00 (Europe/Berlin)". */
  public String describe() {
    String words = CronExpressions.describe(expression);
    String[] fields = expression.split(" ");
    boolean daily =
        fields.length >= 5
            && fields[fields.length - 1].equals("*")
            && fields[fields.length - 2].equals("*")
            && fields[fields.length - 3].equals("*")
            && !fields[fields.length - 4].contains("*")
            && !fields[fields.length - 4].contains("/")
            && !fields[fields.length - 4].contains(",")
            && !fields[fields.length - 4].contains("-");
    if (daily && words.startsWith("at ")) {
      words = "every day " + words;
    }
    return words + " (" + zone.getId() + ")";
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public Optional<Instant> nextAfter(Instant instant) {
    ZoneRules rules = zone.getRules();
    LocalDateTime cursor = LocalDateTime.ofInstant(instant, zone).truncatedTo(ChronoUnit.SECONDS);
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<ZonedDateTime> next = wallClock.nextExecution(cursor.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime local = next.get().toLocalDateTime();
      Instant candidate = toInstant(local, rules);
      if (candidate.isAfter(instant)) {
        return Optional.of(candidate);
      }
      cursor = local;
      ZoneOffsetTransition transition = rules.getTransition(local);
      if (transition != null && transition.isOverlap()) {
        // The instant lies in the second pass of a repeated hour: every candidate left in that
        // hour maps to its first pass, which is already over.
        cursor = transition.getDateTimeBefore().minusSeconds(1);
      }
    }
    throw new IllegalStateException("no occurrence found for '" + expression + "' in " + zone);
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant instant) {
    for (Duration window : LOOK_BACK) {
      Instant latest = null;
      Optional<Instant> next = nextAfter(instant.minus(window));
      while (next.isPresent() && !next.get().isAfter(instant)) {
        latest = next.get();
        next = nextAfter(latest);
      }
      if (latest != null) {
        return Optional.of(latest);
      }
    }
    return Optional.empty();
  }

  /** Wall-clock time to instant, with the DST rules of the class comment. */
  private static Instant toInstant(LocalDateTime local, ZoneRules rules) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (!offsets.isEmpty()) {
      // One offset normally; two in an overlap, the first being the earlier instant.
      return local.toInstant(offsets.get(0));
    }
    return rules.getTransition(local).getInstant();
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public Kind kind() {
    return Kind.CRON;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSpec other
        && expression.equals(other.expression)
        && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return "CronSpec[" + expression + " " + zone + "]";
  }
}
