package dev.scheduleman.api.keys;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Authentication;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.ApiKeyDto;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.validation.Text;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.apikey.ApiKeyRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/api-keys}: the calling tenant's API keys. */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
public class ApiKeysResource {

  private final ApiKeyRepository keys;
  private final ApiKeyIssuer issuer;
  private final Authentication authentication;
  private final CurrentCaller caller;
  private final Clock clock;

  public ApiKeysResource(
      ApiKeyRepository keys,
      ApiKeyIssuer issuer,
      Authentication authentication,
      CurrentCaller caller,
      Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.authentication = authentication;
    this.caller = caller;
    this.clock = clock;
  }

  @POST
  @Operation(
      summary = "Create an API key",
      description = "The key is in this response only; it is stored as a hash.")
  public Response create(ApiKeyDto.Create request) {
    String name = request == null ? null : request.name();
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ProblemException.invalid("name", "is required, 1 to 200 characters");
    }
    Text.controlProblem(name)
        .ifPresent(
            problem -> {
              throw ProblemException.invalid("name", problem);
            });
    ApiKeyIssuer.Issued issued = issuer.issue(caller.get().tenantId(), name);
    return Response.status(201).entity(toDto(issued.row(), issued.key())).build();
  }

  @GET
  @Operation(summary = "List API keys", description = "Prefixes only; keys are never shown again.")
  public Items<ApiKeyDto> list() {
    return new Items<>(
        keys.listForTenant(caller.get().tenantId()).stream().map(k -> toDto(k, null)).toList());
  }

  @DELETE
  @Path("{id}")
  @Operation(summary = "Revoke an API key", description = "It stops working within seconds.")
  public Response revoke(@PathParam("id") String id) {
    UUID keyId = Params.id(id, "API key");
    ApiKeyRow revoked =
        keys.revoke(caller.get().tenantId(), keyId, clock.instant())
            .orElseThrow(() -> ProblemException.notFound("no API key with id '" + keyId + "'"));
    authentication.forget(revoked.prefix());
    return Response.noContent().build();
  }

  static ApiKeyDto toDto(ApiKeyRow row, String key) {
    return new ApiKeyDto(
        row.id(),
        row.name(),
        row.prefix(),
        row.createdAt(),
        row.lastUsedAt(),
        row.revokedAt(),
        key);
  }
}
