package dev.scheduleman.api.history;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Cursors;
import dev.scheduleman.api.http.Pages;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.ExecutionDto;
import dev.scheduleman.sdk.api.Page;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRepository.Position;
import dev.scheduleman.storage.execution.ExecutionRow;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/schedules/{id}/executions}: every attempt of a schedule, newest first. */
@Path("/api/v1/schedules/{id}/executions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "History")
public class ExecutionsResource {

  private final ScheduleRepository schedules;
  private final ExecutionRepository executions;
  private final CurrentCaller caller;

  public ExecutionsResource(
      ScheduleRepository schedules, ExecutionRepository executions, CurrentCaller caller) {
    this.schedules = schedules;
    this.executions = executions;
    this.caller = caller;
  }

  @Requires(Scope.HISTORY_READ)
  @GET
  @Operation(
      summary = "Attempts of a schedule",
      description =
          "Newest first, a page at a time: when each attempt was due and fired, by which executor,"
              + " with what outcome, HTTP status, duration, error and the start of the response.")
  public Page<ExecutionDto> list(
      @PathParam("id") String id,
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    UUID tenantId = caller.get().tenantId();
    UUID scheduleId = Params.id(id, "schedule");
    int size = Params.integer(limit, "limit", 1, 500, 50);
    Position after = Cursors.toPosition(cursor);
    if (schedules.find(tenantId, ScheduleKey.byId(scheduleId)).isEmpty()) {
      throw ProblemException.notFound("no schedule with id '" + scheduleId + "'");
    }
    return Pages.of(
        executions.listForSchedule(tenantId, scheduleId, after, size + 1),
        size,
        ExecutionsResource::toDto,
        row -> Cursors.ofPosition(new Position(row.firedAt(), row.id())));
  }

  static ExecutionDto toDto(ExecutionRow row) {
    return new ExecutionDto(
        row.executionId(),
        row.scheduledFor(),
        row.firedAt(),
        row.attempt(),
        row.executor(),
        row.outcome().name(),
        row.httpStatus(),
        row.durationMs(),
        row.error(),
        row.responseExcerpt(),
        row.exhausted(),
        row.retryAfter(),
        row.flowKey(),
        row.throttledMs());
  }
}
