package dev.scheduleman.storage.tasktype;

import java.time.Instant;
import java.util.UUID;

/**
 * A declared task type, as stored in {@code task_type}.
 *
 * @param bodySchema the JSON Schema, as JSON text
 * @param schedules how many of the tenant's schedules name it
 */
public record TaskTypeRow(
    UUID tenantId,
    String name,
    String description,
    String bodySchema,
    long schedules,
    Instant createdAt,
    Instant updatedAt) {}
