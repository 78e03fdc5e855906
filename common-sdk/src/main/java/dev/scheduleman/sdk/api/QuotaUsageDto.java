package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code GET /quotas}: the caller's tenant's quotas and how much of them it uses.
 *
 * @param schedules how many schedules it has, in any state
 * @param firesPerMinute what its schedules add up to, as {@code maxFiresPerMinute} counts it;
 *     absent while that quota is not set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuotaUsageDto(Quotas quotas, long schedules, Double firesPerMinute) {}
