package dev.scheduleman.api.keys;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.SigningSecretDto;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/signing-secret}: the secret webhooks are signed with, which receivers need to
 * verify them. A rotation keeps the previous secret signing beside the new one for a grace period,
 * so receivers can switch without rejecting a single webhook.
 */
@Path("/api/v1/signing-secret")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
public class SigningSecretResource {

  private final TenantRepository tenants;
  private final CurrentCaller caller;
  private final ApiConfig config;
  private final Clock clock;

  public SigningSecretResource(
      TenantRepository tenants, CurrentCaller caller, ApiConfig config, Clock clock) {
    this.tenants = tenants;
    this.caller = caller;
    this.config = config;
    this.clock = clock;
  }

  @GET
  @Operation(summary = "The webhook signing secret (and a rotated one still in use)")
  public SigningSecretDto get() {
    return toDto(
        tenants.findById(caller.get().tenantId()).orElseThrow(SigningSecretResource::gone));
  }

  @POST
  @Path("rotate")
  @Operation(
      summary = "Rotate the signing secret",
      description =
          "The old secret keeps signing beside the new one for the rotation grace (24 h).")
  public SigningSecretDto rotate() {
    Instant expires = clock.instant().plus(config.signing().rotationGrace());
    return toDto(
        tenants
            .rotateSecret(caller.get().tenantId(), SigningSecrets.generate(), expires)
            .orElseThrow(SigningSecretResource::gone));
  }

  private SigningSecretDto toDto(TenantRow tenant) {
    boolean previousValid =
        tenant.previousSigningSecret() != null
            && tenant.previousSecretExpiresAt().isAfter(clock.instant());
    return new SigningSecretDto(
        tenant.signingSecret(),
        previousValid ? tenant.previousSigningSecret() : null,
        previousValid ? tenant.previousSecretExpiresAt() : null);
  }

  private static ProblemException gone() {
    return ProblemException.notFound("the tenant of this API key no longer exists");
  }
}
