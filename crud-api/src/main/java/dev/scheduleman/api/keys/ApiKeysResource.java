package dev.scheduleman.api.keys;

import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Authentication;
import dev.scheduleman.api.auth.Caller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.http.Params;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.ApiKeyDto;
import dev.scheduleman.sdk.api.Items;
import dev.scheduleman.sdk.api.Problem;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.validation.Text;
import dev.scheduleman.storage.apikey.ApiKeyRepository;
import dev.scheduleman.storage.apikey.ApiKeyRow;
import jakarta.transaction.Transactional;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  private final AuditLog audit;

  public ApiKeysResource(
      ApiKeyRepository keys,
      ApiKeyIssuer issuer,
      Authentication authentication,
      CurrentCaller caller,
      Clock clock,
      AuditLog audit) {
    this.audit = audit;
    this.keys = keys;
    this.issuer = issuer;
    this.authentication = authentication;
    this.caller = caller;
    this.clock = clock;
  }

  @Requires(Scope.KEYS_MANAGE)
  @POST
  @Transactional
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
    Caller me = caller.get();
    Set<Scope> scopes = requestedScopes(request.scopes(), me);
    Instant expiresAt = request.expiresAt();
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      throw ProblemException.invalid("expiresAt", "must be in the future");
    }
    ApiKeyIssuer.Issued issued = issuer.issue(me.tenantId(), name, scopes, expiresAt);
    audit.record(
        "create",
        "api-key",
        issued.row().id().toString(),
        expiresAt == null ? List.of("name", "scopes") : List.of("name", "scopes", "expiresAt"));
    return Response.status(201).entity(toDto(issued.row(), issued.key())).build();
  }

  /** The scopes asked for: known names, each one the caller has; none asked: the caller's own. */
  private static Set<Scope> requestedScopes(List<String> names, Caller me) {
    if (names == null) {
      return me.scopes();
    }
    if (names.isEmpty()) {
      throw ProblemException.invalid("scopes", "must name at least one scope, or be left out");
    }
    List<Problem.FieldError> errors = new ArrayList<>();
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      Optional<Scope> scope = Scope.parse(n);
      if (scope.isEmpty()) {
        errors.add(
            new Problem.FieldError(
                "scopes[" + i + "]",
                "is not a scope (one of " + String.join(", ", Scope.names()) + ")"));
      } else {
        scopes.add(scope.get());
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    requireAll(me, scopes);
    return scopes;
  }

  /** A key never hands out, or takes away, a scope it lacks itself. */
  private static void requireAll(Caller me, Set<Scope> scopes) {
    me.firstMissing(scopes)
        .ifPresent(
            missing -> {
              throw ProblemException.missingScope(missing, me.scopes());
            });
  }

  @Requires.AnyKey
  @GET
  @Path("current")
  @Operation(
      summary = "The API key of this request",
      description = "Its name, scopes and expiry: what a client may do with it. Any key may ask.")
  public ApiKeyDto current() {
    Caller me = caller.get();
    if (me.keyId() == null) {
      return new ApiKeyDto(
          null,
          "bootstrap admin key",
          null,
          Scope.names(me.scopes()),
          null,
          null,
          null,
          null,
          null);
    }
    return keys.find(me.tenantId(), me.keyId())
        .map(k -> toDto(k, null))
        .orElseThrow(() -> ProblemException.unauthorized("the API key has been revoked"));
  }

  @Requires(Scope.KEYS_MANAGE)
  @GET
  @Operation(summary = "List API keys", description = "Prefixes only; keys are never shown again.")
  public Items<ApiKeyDto> list() {
    return new Items<>(
        keys.listForTenant(caller.get().tenantId()).stream().map(k -> toDto(k, null)).toList());
  }

  @Requires(Scope.KEYS_MANAGE)
  @DELETE
  @Transactional
  @Path("{id}")
  @Operation(summary = "Revoke an API key", description = "It stops working within seconds.")
  public Response revoke(@PathParam("id") String id) {
    UUID keyId = Params.id(id, "API key");
    Caller me = caller.get();
    ApiKeyRow target =
        keys.find(me.tenantId(), keyId)
            .orElseThrow(() -> ProblemException.notFound("no API key with id '" + keyId + "'"));
    // A key cannot revoke a stronger one: a leaked limited key cannot lock its owner out.
    requireAll(me, Scope.known(target.scopes()));
    ApiKeyRow revoked =
        keys.revoke(caller.get().tenantId(), keyId, clock.instant())
            .orElseThrow(() -> ProblemException.notFound("no API key with id '" + keyId + "'"));
    audit.record("revoke", "api-key", keyId.toString(), List.of("revokedAt"));
    authentication.forget(revoked.prefix());
    return Response.noContent().build();
  }

  static ApiKeyDto toDto(ApiKeyRow row, String key) {
    return new ApiKeyDto(
        row.id(),
        row.name(),
        row.prefix(),
        row.scopes(),
        row.createdAt(),
        row.expiresAt(),
        row.lastUsedAt(),
        row.revokedAt(),
        key);
  }
}
