package dev.scheduleman.api.schedules;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.sdk.api.PreviewDto;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.spec.Window;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/schedules/{id}/next}: when a stored schedule fires next. */
@Path("/api/v1/schedules/{id}/next")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Schedules")
public class NextFireTimesResource {

  private final ScheduleService service;
  private final CurrentCaller caller;
  private final Clock clock;

  public NextFireTimesResource(ScheduleService service, CurrentCaller caller, Clock clock) {
    this.service = service;
    this.caller = caller;
    this.clock = clock;
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Operation(
      summary = "Next fire times of a schedule",
      description = "The nominal occurrences from now on, whatever the schedule's state.")
  public PreviewDto next(@PathParam("id") String id, @QueryParam("count") String count) {
    int n = Params.integer(count, "count", 1, Previews.MAX_COUNT, Previews.DEFAULT_COUNT);
    var row = service.get(caller.get(), Params.id(id, "schedule"));
    return Previews.of(
        ScheduleService.storedSpec(row),
        clock.instant(),
        n,
        false,
        Window.of(row.spec().window(), row.id()),
        row.pending().scheduledFor());
  }
}
