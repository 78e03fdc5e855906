package dev.scheduleman.sdk.spec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Limits on when a recurring schedule fires: not before {@code startAt}, not after {@code endAt},
 * and never on one of {@code excludeDates}, local dates in {@code zone} (the cron expression's time
 * zone, or the one an interval schedule names for its exclusions).
 *
 * @param startAt the first instant an occurrence may fall on, or null for none
 * @param endAt the last instant an occurrence may fall on, or null for none
 * @param excludeDates local dates on which no occurrence fires; empty for none
 */
public record Bounds(
    Instant startAt, Instant endAt, NavigableSet<LocalDate> excludeDates, ZoneId zone) {

  /** How many dates a schedule may exclude: a year of them. */
  public static final int MAX_EXCLUDED_DATES = 366;

  public Bounds {
    Objects.requireNonNull(zone, "zone");
    excludeDates = Collections.unmodifiableNavigableSet(new TreeSet<>(excludeDates));
    if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
      throw new InvalidSpecException("endAt", "must be after startAt (" + startAt + ")");
    }
    if (excludeDates.size() > MAX_EXCLUDED_DATES) {
      throw new InvalidSpecException(
          "excludeDates", "may hold at most " + MAX_EXCLUDED_DATES + " dates");
    }
  }

  public static Bounds of(
      Instant startAt, Instant endAt, Collection<LocalDate> excludeDates, ZoneId zone) {
    return new Bounds(startAt, endAt, new TreeSet<>(excludeDates), zone);
  }

  /** True when nothing is limited. */
  public boolean isNone() {
    return startAt == null && endAt == null && excludeDates.isEmpty();
  }

  boolean excludes(Instant occurrence) {
    return !excludeDates.isEmpty() && excludeDates.contains(localDate(occurrence));
  }

  LocalDate localDate(Instant instant) {
    return LocalDate.ofInstant(instant, zone);
  }

  /** The first instant of a local date in the zone. */
  Instant startOf(LocalDate date) {
    return date.atStartOfDay(zone).toInstant();
  }
}
