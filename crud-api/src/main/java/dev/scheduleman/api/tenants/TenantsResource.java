package dev.scheduleman.api.tenants;

import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.keys.ApiKeyIssuer;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.api.quotas.ApiRateLimit;
import dev.scheduleman.api.quotas.QuotasResource;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Problem.FieldError;
import dev.scheduleman.sdk.api.Quotas;
import dev.scheduleman.sdk.api.TenantDto;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.tenant.TenantQuotas;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/tenants}: for the bootstrap admin key only. */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class TenantsResource {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?");

  private final TenantRepository tenants;
  private final ApiKeyIssuer issuer;
  private final CurrentCaller caller;
  private final Clock clock;
  private final ApiRateLimit rateLimit;
  private final AuditLog audit;

  public TenantsResource(
      TenantRepository tenants,
      ApiKeyIssuer issuer,
      CurrentCaller caller,
      Clock clock,
      ApiRateLimit rateLimit,
      AuditLog audit) {
    this.audit = audit;
    this.rateLimit = rateLimit;
    this.tenants = tenants;
    this.issuer = issuer;
    this.caller = caller;
    this.clock = clock;
  }

  @Requires.AdminOnly
  @POST
  @Transactional
  @Operation(
      summary = "Create a tenant with its first API key",
      description = "The key is in this response only.")
  public Response create(TenantDto.Create request) {
    String name = request == null ? null : request.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw ProblemException.invalid(
          "name",
          "is required: 1 to 100 lower-case letters, digits and -, starting and ending with a"
              + " letter or digit");
    }
    TenantRow tenant = new TenantRow(Ids.newId(), name, SigningSecrets.generate(), clock.instant());
    try {
      tenants.insert(tenant);
    } catch (StorageException e) {
      if (e.isUniqueViolation("tenant_name_unique")) {
        throw ProblemException.conflict("a tenant named '" + name + "' exists");
      }
      throw e;
    }
    ApiKeyIssuer.Issued key = issuer.issue(tenant.id(), "first key");
    audit.record(
        tenant.id(),
        "create",
        "tenant",
        List.of(new AuditLog.Written(tenant.id().toString(), List.of("name"))));
    audit.record(
        tenant.id(),
        "create",
        "api-key",
        List.of(new AuditLog.Written(key.row().id().toString(), List.of("name", "scopes"))));
    return Response.status(201)
        .entity(new TenantDto.Created(toDto(tenant, TenantQuotas.NONE), key.key()))
        .build();
  }

  @Requires.AdminOnly
  @GET
  @Operation(summary = "List tenants")
  public Items<TenantDto> list() {
    Map<UUID, TenantQuotas> quotas = tenants.allQuotas();
    return new Items<>(
        tenants.list().stream()
            .map(t -> toDto(t, quotas.getOrDefault(t.id(), TenantQuotas.NONE)))
            .toList());
  }

  @Requires.AdminOnly
  @GET
  @Path("/{id}")
  @Operation(summary = "Get a tenant")
  public TenantDto get(@PathParam("id") String id) {
    TenantRow tenant = find(id);
    return toDto(tenant, tenants.quotas(tenant.id()));
  }

  @Requires.AdminOnly
  @PATCH
  @Path("/{id}")
  @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
  @Transactional
  @Operation(
      summary = "Set a tenant's quotas",
      description =
          "{\"quotas\": {\"maxSchedules\": …, \"maxFiresPerMinute\": …, \"apiRequestsPerSecond\":"
              + " …}}: a quota given is set (1 to 1,000,000,000), one given as null is removed, one"
              + " not given is kept. Schedules a tenant already has beyond a lowered quota stay;"
              + " writes that would add to them are refused.")
  public TenantDto patch(@PathParam("id") String id, TenantDto.Patch request) {
    TenantRow tenant = find(id);
    if (request == null || request.quotas() == null) {
      throw ProblemException.invalid("quotas", "is required: an object of quotas to change");
    }
    Map<String, Integer> given = request.quotas();
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : given.entrySet()) {
      String field = "quotas." + entry.getKey();
      if (!Quotas.FIELDS.contains(entry.getKey())) {
        throw ProblemException.badRequest(
            field, "unknown field; known fields: " + String.join(", ", Quotas.FIELDS));
      }
      Integer value = entry.getValue();
      if (value != null && (value < 1 || value > Quotas.MAX)) {
        errors.add(new FieldError(field, "must be 1 to " + Quotas.MAX + ", or null for no limit"));
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    TenantQuotas current = tenants.lockQuotas(tenant.id());
    TenantQuotas updated =
        new TenantQuotas(
            given.containsKey("maxSchedules") ? given.get("maxSchedules") : current.maxSchedules(),
            given.containsKey("maxFiresPerMinute")
                ? given.get("maxFiresPerMinute")
                : current.maxFiresPerMinute(),
            given.containsKey("apiRequestsPerSecond")
                ? given.get("apiRequestsPerSecond")
                : current.apiRequestsPerSecond());
    tenants.setQuotas(tenant.id(), updated);
    audit.record(
        tenant.id(),
        "patch",
        "tenant",
        List.of(
            new AuditLog.Written(
                tenant.id().toString(),
                given.keySet().stream().sorted().map(k -> "quotas." + k).toList())));
    rateLimit.forget(tenant.id());
    return toDto(tenant, updated);
  }

  private TenantRow find(String id) {
    return tenants
        .findById(Params.id(id, "tenant"))
        .orElseThrow(() -> ProblemException.notFound("no tenant with id '" + id + "'"));
  }

  private static TenantDto toDto(TenantRow row, TenantQuotas quotas) {
    return new TenantDto(row.id(), row.name(), row.createdAt(), QuotasResource.toDto(quotas));
  }
}
