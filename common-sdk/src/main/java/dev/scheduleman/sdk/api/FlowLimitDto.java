package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A declared flow limit.
 *
 * @param key the flow key: one that schedules name in {@code target.flowKey}, or {@code host:} and
 *     a host, which paces the schedules to that host that name no key
 * @param schedules how many of the tenant's schedules it paces
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowLimitDto(
    String key,
    Double ratePerSecond,
    Integer burst,
    Integer maxConcurrency,
    long schedules,
    Instant createdAt,
    Instant updatedAt) {}
