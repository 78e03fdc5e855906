package dev.scheduleman.api.history;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Cursors;
import dev.scheduleman.api.http.Pages;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.sdk.api.DeadLetterDto;
import dev.scheduleman.sdk.api.Page;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.storage.execution.DeadLetterRow;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.execution.ExecutionRepository.Position;
import dev.scheduleman.storage.execution.ExecutionRow;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/dead-letters}: triggers that ran out of retries, newest first. */
@Path("/api/v1/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "History")
public class DeadLettersResource {

  private final ExecutionRepository executions;
  private final CurrentCaller caller;

  public DeadLettersResource(ExecutionRepository executions, CurrentCaller caller) {
    this.executions = executions;
    this.caller = caller;
  }

  @Requires(Scope.HISTORY_READ)
  @GET
  @Operation(
      summary = "Dead letters",
      description =
          "Each trigger that used all its attempts, with its schedule and last error. Re-arm a"
              + " dead schedule with POST /schedules/{id}/rearm.")
  public Page<DeadLetterDto> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    int size = Params.integer(limit, "limit", 1, 500, 50);
    Position after = Cursors.toPosition(cursor);
    return Pages.of(
        executions.deadLetters(caller.get().tenantId(), after, size + 1),
        size,
        DeadLettersResource::toDto,
        row ->
            Cursors.ofPosition(new Position(row.lastAttempt().firedAt(), row.lastAttempt().id())));
  }

  private static DeadLetterDto toDto(DeadLetterRow row) {
    ExecutionRow last = row.lastAttempt();
    return new DeadLetterDto(
        last.scheduleId(),
        row.scheduleName(),
        row.state().name(),
        last.executionId(),
        last.scheduledFor(),
        last.firedAt(),
        last.attempt(),
        last.httpStatus(),
        last.error());
  }
}
