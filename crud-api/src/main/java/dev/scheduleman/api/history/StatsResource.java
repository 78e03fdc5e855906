package dev.scheduleman.api.history;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.api.StatsDto;
import dev.scheduleman.storage.execution.ActivityStats;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.StateCounts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/stats}: how the tenant's schedules are doing. */
@Path("/api/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "History")
public class StatsResource {

  private final ScheduleRepository schedules;
  private final ExecutionRepository executions;
  private final CurrentCaller caller;
  private final Clock clock;

  public StatsResource(
      ScheduleRepository schedules,
      ExecutionRepository executions,
      CurrentCaller caller,
      Clock clock) {
    this.schedules = schedules;
    this.executions = executions;
    this.caller = caller;
    this.clock = clock;
  }

  @Requires(Scope.HISTORY_READ)
  @GET
  @Operation(
      summary = "Counts, backlog, throughput and lateness",
      description =
          "Schedules per state; the due backlog (due now, not yet claimed by an executor);"
              + " attempts and failures per minute; lateness p50/p99/max of first attempts, over"
              + " the last `minutes` (default 15, at most 1440). Minutes closed more than two"
              + " minutes ago are read from per-minute figures the executors roll up, so a day's"
              + " window costs a row per minute, not a scan of its attempts; percentiles over them"
              + " are within 10%, over the last few minutes alone exact.")
  public StatsDto stats(@QueryParam("minutes") String minutes) {
    int window = Params.integer(minutes, "minutes", 1, 1440, 15);
    UUID tenantId = caller.get().tenantId();
    StateCounts counts = schedules.countByState(tenantId);
    Instant since =
        clock.instant().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(window - 1L));
    ActivityStats activity = executions.activity(tenantId, since);
    Map<String, Long> byState = new LinkedHashMap<>();
    counts.byState().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> byState.put(e.getKey().name(), e.getValue()));
    return new StatsDto(
        byState,
        counts.dueBacklog(),
        activity.minutes().stream()
            .map(m -> new StatsDto.Minute(m.minute(), m.fired(), m.failed()))
            .toList(),
        new StatsDto.Lateness(
            window,
            activity.firstAttempts(),
            millis(activity.latenessP50()),
            millis(activity.latenessP99()),
            millis(activity.latenessMax())));
  }

  private static Double millis(Duration d) {
    return d == null ? null : (double) d.toMillis();
  }
}
