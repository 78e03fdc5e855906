package dev.scheduleman.api.schedules;

import dev.scheduleman.sdk.api.PreviewDto;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The next fire times of a spec from a moment on: what a user checks before saving. */
final class Previews {

  static final int DEFAULT_COUNT = 10;
  static final int MAX_COUNT = 100;

  private Previews() {}

  /**
   * @param unsaved true for a spec about to be saved: a one-off moment just past (within the grace
   *     that validation allows) then fires at once; a stored one-off that is past has fired
   */
  static PreviewDto of(ScheduleSpec spec, Instant from, int count, boolean unsaved) {
    List<Instant> times = new ArrayList<>(count);
    Instant cursor = from;
    if (spec instanceof AtSpec at) {
      if (!at.at().isBefore(from)) {
        return new PreviewDto(null, List.of(at.at()));
      }
      return new PreviewDto(null, unsaved ? List.of(from) : List.of());
    }
    while (times.size() < count) {
      Optional<Instant> next = spec.nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      times.add(next.get());
      cursor = next.get();
    }
    String zone =
        BoundedSpec.unbounded(spec) instanceof CronSpec cron
            ? cron.zone().getId()
            : BoundedSpec.boundsOf(spec)
                .filter(bounds -> !bounds.excludeDates().isEmpty())
                .map(bounds -> bounds.zone().getId())
                .orElse(null);
    return new PreviewDto(zone, times);
  }
}
