package dev.scheduleman.api.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.api.TaskTypeDto;
import dev.scheduleman.sdk.api.TaskTypeRequest;
import dev.scheduleman.sdk.validation.TaskTypes;
import dev.scheduleman.storage.tasktype.TaskTypeRepository;
import dev.scheduleman.storage.tasktype.TaskTypeRow;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/task-types}: the calling tenant's task types. A schedule that names one in {@code
 * target.taskType} must have a JSON body that satisfies the type's schema, checked on every write;
 * its webhooks carry the name in {@code Scheduleman-Task-Type}. Changing a schema checks the
 * schedules written after it; the stored ones keep their bodies, and read and fire as before.
 */
@Path("/api/v1/task-types")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Task types")
@APIResponse(
    responseCode = "400",
    description = "Malformed request or name",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "Missing or invalid API key")
public class TaskTypesResource {

  private final TaskTypeRepository types;
  private final TaskSchemas schemas;
  private final CurrentCaller caller;
  private final ObjectMapper json;
  private final Clock clock;
  private final AuditLog audit;

  public TaskTypesResource(
      TaskTypeRepository types,
      TaskSchemas schemas,
      CurrentCaller caller,
      ObjectMapper json,
      Clock clock,
      AuditLog audit) {
    this.audit = audit;
    this.types = types;
    this.schemas = schemas;
    this.caller = caller;
    this.json = json;
    this.clock = clock;
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @PUT
  @Path("{name}")
  @Transactional
  @Operation(
      summary = "Declare or change a task type",
      description =
          "bodySchema is a JSON Schema (draft 2020-12 unless $schema names another) for the body"
              + " of its schedules; $ref may point only within it. 201 for a new type, 200 for a"
              + " change, which applies to the schedules written from then on.")
  @APIResponse(responseCode = "200", description = "The type was changed")
  @APIResponse(responseCode = "201", description = "The type is new")
  @APIResponse(responseCode = "422", description = "The schema is not one, with an error per field")
  public Response put(@PathParam("name") String name, TaskTypeRequest request) {
    checkName(name);
    List<FieldError> errors = TaskTypes.problems(request);
    if (errors.isEmpty()) {
      errors = schemas.problems(request.bodySchema());
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    UUID tenant = caller.get().tenantId();
    long declared = types.lockTenant(tenant).orElseThrow(TaskTypesResource::gone);
    if (declared >= TaskTypes.MAX_PER_TENANT && types.find(tenant, name).isEmpty()) {
      throw ProblemException.invalid(
          "name",
          "a tenant declares at most "
              + TaskTypes.MAX_PER_TENANT
              + " task types; delete one that is no longer used");
    }
    boolean created =
        types.put(
            tenant, name, request.description(), request.bodySchema().toString(), clock.instant());
    audit.record(created ? "create" : "replace", "task-type", name, audit.given(request));
    TaskTypeDto body = toDto(types.find(tenant, name).orElseThrow());
    return Response.status(created ? 201 : 200).entity(body).build();
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Operation(summary = "List the task types, by name")
  public Items<TaskTypeDto> list() {
    return new Items<>(types.list(caller.get().tenantId()).stream().map(this::toDto).toList());
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Path("{name}")
  @Operation(summary = "Get a task type")
  @APIResponse(responseCode = "404", description = "No such task type")
  public TaskTypeDto get(@PathParam("name") String name) {
    checkName(name);
    return types
        .find(caller.get().tenantId(), name)
        .map(this::toDto)
        .orElseThrow(() -> notFound(name));
  }

  @Requires(Scope.SCHEDULES_WRITE)
  @DELETE
  @Path("{name}")
  @Transactional
  @Operation(
      summary = "Delete a task type",
      description = "Refused (409) while any of the tenant's schedules names it.")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such task type")
  @APIResponse(responseCode = "409", description = "Schedules name it")
  public Response delete(@PathParam("name") String name) {
    checkName(name);
    TaskTypeRepository.Deleted deleted = types.delete(caller.get().tenantId(), name);
    if (!deleted.found()) {
      throw notFound(name);
    }
    if (deleted.schedules() > 0) {
      throw ProblemException.conflict(
          deleted.schedules()
              + (deleted.schedules() == 1 ? " schedule names" : " schedules name")
              + " task type '"
              + name
              + "'; delete them or give them another type first");
    }
    audit.record("delete", "task-type", name, List.of());
    return Response.noContent().build();
  }

  private static void checkName(String name) {
    TaskTypes.nameProblem(name)
        .ifPresent(
            problem -> {
              throw ProblemException.badRequest("name", problem);
            });
  }

  private TaskTypeDto toDto(TaskTypeRow row) {
    JsonNode schema;
    try {
      schema = json.readTree(row.bodySchema());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored schema is not JSON", e);
    }
    return new TaskTypeDto(
        row.name(), row.description(), schema, row.schedules(), row.createdAt(), row.updatedAt());
  }

  private static ProblemException notFound(String name) {
    return ProblemException.notFound("no task type named '" + name + "'");
  }

  private static ProblemException gone() {
    return ProblemException.notFound("the tenant of this API key no longer exists");
  }
}
