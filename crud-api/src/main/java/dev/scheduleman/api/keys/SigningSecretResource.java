package dev.scheduleman.api.keys;

import dev.scheduleman.api.audit.AuditLog;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.api.config.ApiConfig;
import dev.scheduleman.api.problem.ProblemException;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.sdk.api.SigningSecretDto;
import dev.scheduleman.sdk.time.Durations;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/signing-secret}: the secret webhooks are signed with, which receivers need to
 * verify them. A rotation keeps the secret rotated out signing beside the new one for an overlap,
 * and every earlier one until its own expiry, so receivers can switch without rejecting a single
 * webhook, however often the secret is rotated.
 */
@Path("/api/v1/signing-secret")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
public class SigningSecretResource {

  /** Rotated-out secrets that may sign at once (each webhook carries one signature per secret). */
  static final int MAX_RETIRED = 10;

  private static final Duration MAX_OVERLAP = Duration.ofDays(30);

  private final TenantRepository tenants;
  private final CurrentCaller caller;
  private final ApiConfig config;
  private final Clock clock;
  private final AuditLog audit;

  public SigningSecretResource(
      TenantRepository tenants,
      CurrentCaller caller,
      ApiConfig config,
      Clock clock,
      AuditLog audit) {
    this.audit = audit;
    this.tenants = tenants;
    this.caller = caller;
    this.config = config;
    this.clock = clock;
  }

  @Requires(Scope.SECRETS_READ)
  @GET
  @Operation(summary = "The webhook signing secret, and every rotated one that still signs")
  public SigningSecretDto get() {
    return toDto(
        tenants.findById(caller.get().tenantId()).orElseThrow(SigningSecretResource::gone));
  }

  @Requires(Scope.SECRETS_ROTATE)
  @POST
  @Path("rotate")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Rotate the signing secret",
      description =
          "The secret rotated out keeps signing beside the new one for the overlap (default 24 h,"
              + " body {\"overlap\": \"48h\"}, 0s to end it now), as every earlier one does until"
              + " its own expiry. Refused (409) while "
              + MAX_RETIRED
              + " rotated secrets still sign.")
  @Transactional
  public SigningSecretDto rotate(SigningSecretDto.Rotate request) {
    Duration overlap = overlap(request == null ? null : request.overlap());
    Instant now = clock.instant();
    TenantRepository.Rotation rotation =
        tenants.rotateSecret(
            caller.get().tenantId(),
            SigningSecrets.generate(),
            now.plus(overlap),
            now,
            MAX_RETIRED);
    if (rotation instanceof TenantRepository.Rotation.Done done) {
      audit.record(
          "rotate",
          "signing-secret",
          null,
          request == null || request.overlap() == null
              ? List.of("signingSecret")
              : List.of("signingSecret", "overlap"));
      return toDto(done.tenant());
    }
    if (rotation instanceof TenantRepository.Rotation.TooMany tooMany) {
      throw ProblemException.conflict(
          tooMany.limit()
              + " rotated secrets still sign; the first of them stops at "
              + tooMany.nextExpiry()
              + ". Rotate then, or now with {\"overlap\": \"0s\"} (the current secret stops at"
              + " once).");
    }
    throw gone();
  }

  private Duration overlap(String text) {
    if (text == null) {
      return config.signing().rotationGrace();
    }
    Duration overlap;
    try {
      overlap = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid("overlap", e.getMessage());
    }
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw ProblemException.invalid("overlap", "must be from 0s to 30d");
    }
    return overlap;
  }

  private SigningSecretDto toDto(TenantRow tenant) {
    List<TenantRow.RetiredSecret> retired = tenant.activeRetired(clock.instant());
    List<SigningSecretDto.Active> active = new ArrayList<>();
    active.add(new SigningSecretDto.Active(tenant.signingSecret(), null));
    retired.forEach(r -> active.add(new SigningSecretDto.Active(r.secret(), r.expiresAt())));
    // The most recent rotation's secret is the one that lasts longest (overlaps may differ, so
    // take the latest retired, which is first in the list as stored).
    TenantRow.RetiredSecret previous =
        tenant.retiredSecrets().stream().filter(retired::contains).findFirst().orElse(null);
    return new SigningSecretDto(
        tenant.signingSecret(),
        previous == null ? null : previous.secret(),
        previous == null ? null : previous.expiresAt(),
        active);
  }

  private static ProblemException gone() {
    return ProblemException.notFound("the tenant of this API key no longer exists");
  }
}
