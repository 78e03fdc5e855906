package dev.scheduleman.sdk.api;

/**
 * The limits an admin sets on a tenant ({@code PATCH /tenants/{id}}); a null one is no limit.
 *
 * @param maxSchedules how many schedules the tenant may have, in any state; a create beyond it is
 *     refused with a 422 that says by how much
 * @param maxFiresPerMinute how many fires per minute the tenant's schedules may add up to, paused
 *     ones included, each counted by the busiest hour of its next day ({@code every: 1s} is 60, a
 *     one-off is 0); a create or edit beyond it is refused with a 422 that says by how much
 * @param apiRequestsPerSecond how many API requests per second each crud-api replica serves the
 *     tenant's keys, with bursts of as many; beyond it a 429 with {@code Retry-After}
 */
public record Quotas(
    Integer maxSchedules, Integer maxFiresPerMinute, Integer apiRequestsPerSecond) {

  /** The request fields, as they are named in {@code PATCH /tenants/{id}}. */
  public static final java.util.List<String> FIELDS =
      java.util.List.of("maxSchedules", "maxFiresPerMinute", "apiRequestsPerSecond");

  /** The largest value a quota takes. */
  public static final int MAX = 1_000_000_000;

  public static final Quotas NONE = new Quotas(null, null, null);
}
