package dev.scheduleman.api.tenants;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.keys.ApiKeyIssuer;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.TenantDto;
import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
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

  public TenantsResource(
      TenantRepository tenants, ApiKeyIssuer issuer, CurrentCaller caller, Clock clock) {
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
    return Response.status(201).entity(new TenantDto.Created(toDto(tenant), key.key())).build();
  }

  @Requires.AdminOnly
  @GET
  @Operation(summary = "List tenants")
  public Items<TenantDto> list() {
    return new Items<>(tenants.list().stream().map(TenantsResource::toDto).toList());
  }

  private static TenantDto toDto(TenantRow row) {
    return new TenantDto(row.id(), row.name(), row.createdAt());
  }
}
