package dev.scheduleman.api.schedules;

import dev.scheduleman.sdk.api.PreviewDto;
import dev.scheduleman.sdk.spec.AtSpec;
import dev.scheduleman.sdk.spec.BoundedSpec;
import dev.scheduleman.sdk.spec.CronSpec;
import dev.scheduleman.sdk.spec.ScheduleSpec;
import dev.scheduleman.sdk.spec.Window;
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
   * @param window where in its flexible window each occurrence of the stored schedule fires; {@link
   *     Window#NONE} for an unsaved spec (its id, which places each fire, is not known yet)
   * @param pending the occurrence the stored schedule's trigger stands for, or null: with a window
   *     it may have passed and still be due to fire
   */
  static PreviewDto of(
      ScheduleSpec spec, Instant from, int count, boolean unsaved, Window window, Instant pending) {
    List<Instant> times = new ArrayList<>(count);
    if (spec instanceof AtSpec at) {
      Instant planned = window.plan(at.at());
      if (!planned.isBefore(from)) {
        return new PreviewDto(null, List.of(planned));
      }
      return new PreviewDto(null, unsaved ? List.of(from) : List.of());
    }
    Instant cursor =
        pending != null && pending.isBefore(from) && !window.isNone()
            ? pending.minusNanos(1)
            : from;
    while (times.size() < count) {
      Optional<Instant> next = spec.nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      Instant planned = window.plan(next.get());
      if (!planned.isBefore(from)) {
        times.add(planned);
      }
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
