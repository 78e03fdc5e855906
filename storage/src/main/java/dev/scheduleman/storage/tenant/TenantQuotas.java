package dev.scheduleman.storage.tenant;

/**
 * The limits the admin set on a tenant; a null one is no limit.
 *
 * @param maxSchedules how many schedules the tenant may have, in any state
 * @param maxFiresPerMinute how many fires per minute its schedules may add up to (see {@code
 *     sdk.spec.FireRate})
 * @param apiRequestsPerSecond how many API requests per second each crud-api replica serves its
 *     keys, with bursts of as many
 */
public record TenantQuotas(
    Integer maxSchedules, Integer maxFiresPerMinute, Integer apiRequestsPerSecond) {

  public static final TenantQuotas NONE = new TenantQuotas(null, null, null);

  /** True when schedule writes are checked against a quota. */
  public boolean limitsSchedules() {
    return maxSchedules != null || maxFiresPerMinute != null;
  }
}
