package dev.scheduleman.api.flow;

import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.FlowLimitDto;
import dev.scheduleman.sdk.api.FlowLimitRequest;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.model.FlowLimit;
import dev.scheduleman.sdk.validation.FlowLimits;
import dev.scheduleman.sdk.validation.Validation;
import dev.scheduleman.storage.flow.FlowLimitRepository;
import dev.scheduleman.storage.flow.FlowLimitRow;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/flow-limits}: the calling tenant's limits per flow key. A schedule is paced by the
 * key it names in {@code target.flowKey}, or else by {@code host:} and its target's host; its
 * deliveries over the key's limit wait, in due order, across all executors together.
 */
@Path("/api/v1/flow-limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Flow limits")
@APIResponse(
    responseCode = "400",
    description = "Malformed request or key",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "Missing or invalid API key")
public class FlowLimitsResource {

  private final FlowLimitRepository limits;
  private final CurrentCaller caller;
  private final Clock clock;
  private final AuditLog audit;

  public FlowLimitsResource(
      FlowLimitRepository limits, CurrentCaller caller, Clock clock, AuditLog audit) {
    this.audit = audit;
    this.limits = limits;
    this.caller = caller;
    this.clock = clock;
  }

  @Requires(Scope.LIMITS_MANAGE)
  @PUT
  @Path("{key}")
  @Transactional
  @Operation(
      summary = "Declare or change the limit on a flow key",
      description =
          "ratePerSecond and burst make a token bucket, maxConcurrency caps the deliveries in"
              + " flight; each is optional, at least one of ratePerSecond and maxConcurrency."
              + " burst defaults to the rate, rounded up. 201 for a new key, 200 for a change.")
  @APIResponse(responseCode = "200", description = "The limit was changed")
  @APIResponse(responseCode = "201", description = "The key had no limit before")
  @APIResponse(responseCode = "422", description = "A field is out of range")
  public Response put(
      @Parameter(description = "A flow key, or host: and a host") @PathParam("key") String key,
      FlowLimitRequest request) {
    checkKey(key);
    Validation<FlowLimit> limit = FlowLimits.validate(request);
    if (!limit.isValid()) {
      throw ProblemException.invalid(limit.errors());
    }
    UUID tenant = caller.get().tenantId();
    long declared = limits.lockTenant(tenant).orElseThrow(FlowLimitsResource::gone);
    if (declared >= FlowLimits.MAX_PER_TENANT && limits.find(tenant, key).isEmpty()) {
      throw ProblemException.invalid(
          "key",
          "a tenant declares at most "
              + FlowLimits.MAX_PER_TENANT
              + " flow limits; remove one that is no longer used");
    }
    boolean created = limits.put(tenant, key, limit.get(), clock.instant());
    audit.record(created ? "create" : "replace", "flow-limit", key, audit.given(request));
    FlowLimitDto body = toDto(limits.find(tenant, key).orElseThrow());
    return Response.status(created ? 201 : 200).entity(body).build();
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Operation(summary = "List the flow limits, by key")
  public Items<FlowLimitDto> list() {
    return new Items<>(
        limits.list(caller.get().tenantId()).stream().map(FlowLimitsResource::toDto).toList());
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Path("{key}")
  @Operation(summary = "Get the limit on a flow key")
  @APIResponse(responseCode = "404", description = "The key has no limit")
  public FlowLimitDto get(@PathParam("key") String key) {
    checkKey(key);
    return limits
        .find(caller.get().tenantId(), key)
        .map(FlowLimitsResource::toDto)
        .orElseThrow(() -> notFound(key));
  }

  @Requires(Scope.LIMITS_MANAGE)
  @DELETE
  @Path("{key}")
  @Transactional
  @Operation(
      summary = "Remove the limit on a flow key",
      description = "Its schedules' deliveries go unpaced from the next claim on.")
  @APIResponse(responseCode = "204", description = "Removed")
  @APIResponse(responseCode = "404", description = "The key has no limit")
  public Response delete(@PathParam("key") String key) {
    checkKey(key);
    UUID tenant = caller.get().tenantId();
    limits.lockTenant(tenant).orElseThrow(FlowLimitsResource::gone);
    if (!limits.delete(tenant, key)) {
      throw notFound(key);
    }
    audit.record("delete", "flow-limit", key, List.of());
    return Response.noContent().build();
  }

  private static void checkKey(String key) {
    FlowLimits.limitKeyProblem(key)
        .ifPresent(
            problem -> {
              throw ProblemException.badRequest("key", problem);
            });
  }

  static FlowLimitDto toDto(FlowLimitRow row) {
    FlowLimit limit = row.limit();
    return new FlowLimitDto(
        row.key(),
        limit.ratePerSecond(),
        limit.burst(),
        limit.maxConcurrency(),
        row.schedules(),
        row.createdAt(),
        row.updatedAt());
  }

  private static ProblemException notFound(String key) {
    return ProblemException.notFound("no flow limit on key '" + key + "'");
  }

  private static ProblemException gone() {
    return ProblemException.notFound("the tenant of this API key no longer exists");
  }
}
