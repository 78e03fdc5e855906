package dev.scheduleman.storage.flow;

import dev.scheduleman.sdk.model.FlowLimit;
import java.time.Instant;
import java.util.UUID;

/**
 * A declared flow limit, as stored in {@code flow_limit}.
 *
 * @param schedules how many of the tenant's active schedules the key paces
 */
public record FlowLimitRow(
    UUID tenantId,
    String key,
    FlowLimit limit,
    long schedules,
    Instant createdAt,
    Instant updatedAt) {}
