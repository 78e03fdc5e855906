package dev.scheduleman.api.audit;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Cursors;
import dev.scheduleman.api.http.Pages;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.AuditEventDto;
import dev.scheduleman.sdk.api.Page;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.storage.audit.AuditEvent;
import dev.scheduleman.storage.audit.AuditRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/audit}: the tenant's audit log, newest first. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
public class AuditResource {

  /** The kinds of resource the log records writes to. */
  static final List<String> RESOURCES =
      List.of("schedule", "api-key", "signing-secret", "flow-limit", "task-type", "tenant");

  private final AuditRepository events;
  private final CurrentCaller caller;

  public AuditResource(AuditRepository events, CurrentCaller caller) {
    this.events = events;
    this.caller = caller;
  }

  @Requires(Scope.AUDIT_READ)
  @GET
  @Operation(
      summary = "The audit log",
      description =
          "Every write to this tenant's schedules, keys, secrets, flow limits, task types and the"
              + " tenant itself: who (key id and name), what (action, resource, the names of the"
              + " fields written, never their values), when and from where. Newest first, a page"
              + " at a time; filter by resource (and resourceId) or by keyId. Kept as long as the"
              + " history.")
  public Page<AuditEventDto> list(
      @QueryParam("resource") String resource,
      @QueryParam("resourceId") String resourceId,
      @QueryParam("keyId") String keyId,
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    if (resource != null && !RESOURCES.contains(resource)) {
      throw ProblemException.badRequest(
          "resource", "is not a kind of resource (one of " + String.join(", ", RESOURCES) + ")");
    }
    if (resourceId != null && resource == null) {
      throw ProblemException.badRequest("resourceId", "needs resource beside it");
    }
    if (resourceId != null && resourceId.length() > 200) {
      throw ProblemException.badRequest("resourceId", "is at most 200 characters");
    }
    UUID key = keyId == null ? null : Params.uuid(keyId, "keyId", "an API key id");
    int size = Params.integer(limit, "limit", 1, 500, 50);
    Long before = Cursors.toAuditId(cursor);
    return Pages.of(
        events.page(
            caller.get().tenantId(),
            new AuditRepository.Filter(resource, resourceId, key),
            before,
            size + 1),
        size,
        AuditResource::toDto,
        event -> Cursors.ofAuditId(event.id()));
  }

  static AuditEventDto toDto(AuditEvent event) {
    return new AuditEventDto(
        event.id(),
        event.at(),
        event.keyId(),
        event.keyName(),
        event.action(),
        event.resource(),
        event.resourceId(),
        event.changed(),
        event.remoteAddress(),
        event.userAgent());
  }
}
