package dev.scheduleman.api.schedules;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.api.http.Cursors;
import dev.scheduleman.api.http.Pages;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.http.Preconditions;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.BatchRequest;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Page;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.sdk.trigger.TriggerEvent;
import dev.scheduleman.storage.schedule.ScheduleFilter;
import dev.scheduleman.storage.schedule.ScheduleRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/schedules}: create, read, list, change and delete schedules. */
@Path("/api/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Schedules")
@APIResponse(
    responseCode = "400",
    description = "Malformed request",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "Missing or invalid API key")
public class SchedulesResource {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final ScheduleService service;
  private final IdempotentCreate idempotentCreate;
  private final CurrentCaller caller;
  private final int batchLimit;

  public SchedulesResource(
      ScheduleService service,
      IdempotentCreate idempotentCreate,
      CurrentCaller caller,
      ApiConfig config) {
    this.service = service;
    this.idempotentCreate = idempotentCreate;
    this.caller = caller;
    this.batchLimit = config.limits().batchSize();
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Operation(
      summary = "Create a schedule",
      description =
          "With an Idempotency-Key header, a retried request returns the schedule the first one"
              + " created (with Idempotent-Replayed: true) instead of creating another.")
  @APIResponse(responseCode = "201", description = "Created")
  @APIResponse(responseCode = "409", description = "The name is taken")
  @APIResponse(responseCode = "422", description = "Invalid schedule, with an error per field")
  public Response create(
      ScheduleDto request, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
    if (idempotencyKey == null) {
      return created(service.create(caller.get(), request), uri, false);
    }
    IdempotentCreate.Result result = idempotentCreate.create(caller.get(), idempotencyKey, request);
    return created(result.row(), uri, result.replayed());
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Path("batch")
  @Operation(
      summary = "Create many schedules at once",
      description = "All or nothing: one invalid item fails the batch, and every error is listed.")
  @APIResponse(responseCode = "201", description = "All created")
  public Response createAll(BatchRequest request) {
    if (request == null || request.items() == null) {
      throw ProblemException.invalid("items", "is required: an array of schedules");
    }
    int max = batchLimit;
    if (request.items().isEmpty() || request.items().size() > max) {
      throw ProblemException.invalid(
          "items", "must hold 1 to " + max + " schedules, not " + request.items().size());
    }
    List<ScheduleDto> created =
        service.createAll(caller.get(), request.items()).stream()
            .map(ScheduleMapper::toDto)
            .toList();
    return Response.status(201).entity(new Items<>(created)).build();
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Operation(
      summary = "List schedules",
      description =
          "In creation order, a page at a time: pass the nextCursor of a page to get the next."
              + " The order is stable while schedules are created.")
  public Page<ScheduleDto> list(
      @QueryParam("state") @Parameter(description = "ACTIVE, PAUSED, COMPLETED or DEAD")
          String state,
      @QueryParam("label")
          @Parameter(description = "key:value; repeat for several (all must match)")
          List<String> labels,
      @QueryParam("name") @Parameter(description = "name prefix") String namePrefix,
      @QueryParam("limit") @Parameter(description = "1 to 500, default 50") String limit,
      @QueryParam("cursor") String cursor) {
    int size = Params.integer(limit, "limit", 1, 500, 50);
    ScheduleFilter filter = new ScheduleFilter(state(state), labels(labels), namePrefix);
    return Pages.of(
        service.list(caller.get(), filter, Cursors.toId(cursor), size + 1),
        size,
        ScheduleMapper::toDto,
        row -> Cursors.ofId(row.id()));
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Path("{id}")
  @Operation(summary = "Read a schedule", description = "The ETag header is its version.")
  @APIResponse(responseCode = "200", description = "The schedule")
  @APIResponse(responseCode = "404", description = "No such schedule")
  public Response get(@PathParam("id") String id) {
    return ok(service.get(caller.get(), Params.id(id, "schedule")));
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @PUT
  @Path("{id}")
  @Operation(
      summary = "Replace a schedule",
      description =
          "If-Match makes it conditional (412 when stale). A changed spec arms a new trigger; a"
              + " dead schedule is re-armed.")
  @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
  public Response replace(
      @PathParam("id") String id,
      ScheduleDto request,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return ok(service.replace(caller.get(), Params.id(id, "schedule"), request, ifMatch));
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @PATCH
  @Path("{id}")
  @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
  @Operation(
      summary = "Change part of a schedule",
      description =
          "A JSON merge patch (RFC 7386), e.g. {\"schedule\": {\"cron\": \"0 4 * * *\"}} to"
              + " reschedule. A schedule object that names a kind replaces the whole spec.")
  @RequestBody(
      content =
          @Content(
              mediaType = "application/merge-patch+json",
              schema = @Schema(implementation = ScheduleDto.class)))
  public Response patch(
      @PathParam("id") String id, String patch, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return ok(service.patch(caller.get(), Params.id(id, "schedule"), patch, ifMatch));
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @DELETE
  @Path("{id}")
  @Operation(summary = "Delete a schedule and its history")
  @APIResponse(responseCode = "204", description = "Deleted")
  public Response delete(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    service.delete(caller.get(), Params.id(id, "schedule"), ifMatch);
    return Response.noContent().build();
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Path("by-name/{name}")
  @Operation(summary = "Read a schedule by name")
  @APIResponse(responseCode = "404", description = "No schedule of that name")
  public Response getByName(@PathParam("name") String name) {
    return ok(service.getByName(caller.get(), name));
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @PUT
  @Path("by-name/{name}")
  @Operation(
      summary = "Create or replace a schedule by name",
      description = "For declarative set-up: 201 when created, 200 when replaced.")
  public Response putByName(
      @PathParam("name") String name,
      ScheduleDto request,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      UriInfo uri) {
    ScheduleService.Written written = service.putByName(caller.get(), name, request, ifMatch);
    return written.created() ? created(written.row(), uri, false) : ok(written.row());
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @DELETE
  @Path("by-name/{name}")
  @Operation(summary = "Delete a schedule by name, and its history")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No schedule of that name")
  public Response deleteByName(
      @PathParam("name") String name, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    service.deleteByName(caller.get(), name, ifMatch);
    return Response.noContent().build();
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Path("{id}/pause")
  @Operation(summary = "Pause: nothing fires until resumed")
  @APIResponse(responseCode = "409", description = "The schedule is completed or dead")
  public Response pause(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return change(id, ifMatch, TriggerEvent.PAUSE, 200);
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Path("{id}/resume")
  @Operation(summary = "Resume a paused schedule from its next occurrence")
  @APIResponse(responseCode = "409", description = "The schedule is completed or dead")
  public Response resume(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return change(id, ifMatch, TriggerEvent.RESUME, 200);
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Path("{id}/trigger")
  @Operation(
      summary = "Fire now, once, without changing the cadence",
      description = "202: the trigger is due now and an executor fires it within moments.")
  @APIResponse(responseCode = "202", description = "Due now")
  @APIResponse(responseCode = "409", description = "The schedule is paused or dead")
  public Response trigger(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return change(id, ifMatch, TriggerEvent.TRIGGER_NOW, 202);
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @POST
  @Path("{id}/rearm")
  @Operation(
      summary = "Re-arm a dead schedule",
      description = "The trigger that ran out of attempts fires again now, with the same id.")
  @APIResponse(responseCode = "409", description = "The schedule is not dead")
  public Response rearm(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    return change(id, ifMatch, TriggerEvent.REARM, 200);
  }

  // ---------------------------------------------------------------------------------------------

  /** The one shape of the state verbs: the schedule after the change, with its new ETag. */
  private Response change(String id, String ifMatch, TriggerEvent event, int status) {
    ScheduleRow row = service.change(caller.get(), Params.id(id, "schedule"), ifMatch, event);
    return respond(status, row);
  }

  private static Response ok(ScheduleRow row) {
    return respond(200, row);
  }

  private static Response respond(int status, ScheduleRow row) {
    return Response.status(status)
        .entity(ScheduleMapper.toDto(row))
        .header(HttpHeaders.ETAG, Preconditions.etag(row.version()))
        .build();
  }

  private static Response created(ScheduleRow row, UriInfo uri, boolean replayed) {
    URI location = uri.getBaseUriBuilder().path("api/v1/schedules/{id}").build(row.id());
    Response.ResponseBuilder response =
        Response.created(location)
            .entity(ScheduleMapper.toDto(row))
            .header(HttpHeaders.ETAG, Preconditions.etag(row.version()));
    if (replayed) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.build();
  }

  private static ScheduleState state(String state) {
    if (state == null || state.isEmpty()) {
      return null;
    }
    try {
      return ScheduleState.valueOf(state.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          "state", "'" + state + "' is not one of ACTIVE, PAUSED, COMPLETED, DEAD");
    }
  }

  private static Map<String, String> labels(List<String> labels) {
    Map<String, String> out = new LinkedHashMap<>();
    if (labels == null) {
      return out;
    }
    for (String label : labels) {
      int colon = label.indexOf(':');
      if (colon <= 0) {
        throw ProblemException.badRequest(
            "label", "'" + label + "' must be key:value, as in team:billing");
      }
      out.put(label.substring(0, colon), label.substring(colon + 1));
    }
    return out;
  }
}
