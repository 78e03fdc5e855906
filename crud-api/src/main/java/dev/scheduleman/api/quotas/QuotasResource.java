package dev.scheduleman.api.quotas;

import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.sdk.api.QuotaUsageDto;
import dev.scheduleman.sdk.api.Quotas;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.tenant.TenantQuotas;
import dev.scheduleman.storage.tenant.TenantRepository;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/quotas}: the caller's tenant's quotas and how much of them it uses. */
@Path("/api/v1/quotas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Quotas")
public class QuotasResource {

  private final TenantRepository tenants;
  private final ScheduleRepository schedules;
  private final ScheduleQuotas quotas;
  private final CurrentCaller caller;

  public QuotasResource(
      TenantRepository tenants,
      ScheduleRepository schedules,
      ScheduleQuotas quotas,
      CurrentCaller caller) {
    this.tenants = tenants;
    this.schedules = schedules;
    this.quotas = quotas;
    this.caller = caller;
  }

  @Requires(Scope.SCHEDULES_READ)
  @GET
  @Transactional
  @Operation(
      summary = "This tenant's quotas and usage",
      description =
          "The admin sets the quotas (PATCH /tenants/{id}); a null one is no limit."
              + " firesPerMinute is given while maxFiresPerMinute is set.")
  public QuotaUsageDto get() {
    var tenant = caller.get().tenantId();
    TenantQuotas set = tenants.quotas(tenant);
    if (set.maxFiresPerMinute() == null) {
      return new QuotaUsageDto(toDto(set), schedules.usage(tenant, List.of()).schedules(), null);
    }
    ScheduleRepository.Usage usage = quotas.usage(tenant);
    return new QuotaUsageDto(
        toDto(set), usage.schedules(), Math.round(usage.firesPerMinute() * 100) / 100.0);
  }

  public static Quotas toDto(TenantQuotas quotas) {
    return new Quotas(
        quotas.maxSchedules(), quotas.maxFiresPerMinute(), quotas.apiRequestsPerSecond());
  }
}
