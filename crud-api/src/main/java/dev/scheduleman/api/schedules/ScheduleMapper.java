package dev.scheduleman.api.schedules;

import dev.scheduleman.sdk.api.LastRunDto;
import dev.scheduleman.sdk.api.MisfireDto;
import dev.scheduleman.sdk.api.RetryDto;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.TargetDto;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.InvalidSpecException;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.trigger.LastRun;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.schedule.SpecColumns;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Schedules as stored, in the API's shape. */
final class ScheduleMapper {

  private ScheduleMapper() {}

  static ScheduleDto toDto(ScheduleRow row) {
    return new ScheduleDto(
        row.id(),
        row.name(),
        row.description(),
        row.labels(),
        spec(row.spec()),
        summary(row.spec()),
        target(row.target()),
        retry(row.retry()),
        row.priority(),
        row.state().name(),
        row.pending().nextFireAt(),
        lastRun(row.lastRun()),
        row.createdAt(),
        row.updatedAt(),
        row.version());
  }

  /** Only what a client writes: the base a merge patch applies to. */
  static ScheduleDto writable(ScheduleRow row) {
    return ScheduleDto.request(
        row.name(),
        row.description(),
        row.labels(),
        spec(row.spec()),
        target(row.target()),
        retry(row.retry()),
        row.priority());
  }

  static SpecDto spec(SpecColumns spec) {
    SpecDto base =
        switch (spec.kind()) {
          case CRON -> SpecDto.cron(spec.cron(), spec.timezone());
          case AT -> SpecDto.at(spec.fireAt().toString());
          case EVERY ->
              SpecDto.every(
                      Duration.ofMillis(spec.intervalMs()).toString(), spec.startAt().toString())
                  .withTimezone(spec.timezone());
        };
    base = base.withWindow(spec.windowMs() == null ? null : spec.window().toString());
    if (spec.kind() == ScheduleSpec.Kind.AT) {
      return base;
    }
    return base.within(
            spec.kind() == ScheduleSpec.Kind.CRON ? text(spec.startAt()) : base.startAt(),
            text(spec.endAt()),
            spec.excludeDates().isEmpty()
                ? null
                : spec.excludeDates().stream().map(LocalDate::toString).toList())
        .withMisfire(
            spec.misfirePolicy() == null
                ? null
                : new MisfireDto(
                    spec.misfirePolicy(),
                    Duration.ofMillis(spec.misfireThresholdMs()).toString(),
                    spec.misfireMaxCatchUp()));
  }

  /** The spec in words, for lists and dashboards. */
  static String summary(SpecColumns spec) {
    String base =
        switch (spec.kind()) {
          case CRON -> {
            try {
              yield ((CronSpec) BoundedSpec.unbounded(spec.toSpec())).describe()
                  + (spec.startAt() == null ? "" : ", from " + spec.startAt());
            } catch (InvalidSpecException e) {
              yield spec.cron() + " (" + spec.timezone() + ")";
            }
          }
          case AT -> "once, at " + spec.fireAt();
          case EVERY ->
              "every "
                  + Durations.formatCompact(Duration.ofMillis(spec.intervalMs()))
                  + " from "
                  + spec.startAt();
        };
    if (spec.endAt() != null) {
      base += ", until " + spec.endAt();
    }
    int excluded = spec.excludeDates().size();
    if (excluded > 0) {
      base += ", except on " + (excluded == 1 ? spec.excludeDates().get(0) : excluded + " dates");
    }
    if (spec.windowMs() != null) {
      base += ", each within " + Durations.formatCompact(spec.window());
    }
    if (spec.misfirePolicy() != null) {
      String late = Durations.formatCompact(Duration.ofMillis(spec.misfireThresholdMs()));
      base +=
          switch (spec.misfirePolicy()) {
            case "skip" -> "; runs later than " + late + " are skipped";
            case "all" ->
                "; runs later than "
                    + late
                    + " are each caught up (at most "
                    + spec.misfireMaxCatchUp()
                    + ")";
            default -> "; runs later than " + late + " are caught up once";
          };
    }
    return base;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static TargetDto target(Target target) {
    return new TargetDto(
        target.url(),
        target.method(),
        target.headers().isEmpty() ? null : target.headers(),
        target.body(),
        target.timeout().toString(),
        target.flowKey(),
        target.taskType());
  }

  private static RetryDto retry(RetryPolicy retry) {
    return new RetryDto(
        retry.maxAttempts(),
        retry.minBackoff().toString(),
        retry.maxBackoff().toString(),
        retry.onExhausted().wireName());
  }

  private static LastRunDto lastRun(LastRun last) {
    if (last == null) {
      return null;
    }
    return new LastRunDto(last.firedAt(), last.outcome().name(), last.httpStatus(), last.error());
  }
}
