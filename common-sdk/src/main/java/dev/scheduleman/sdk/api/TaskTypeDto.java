package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A declared task type.
 *
 * @param schedules how many of the tenant's schedules name it (while any do, it cannot be deleted)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskTypeDto(
    String name,
    String description,
    JsonNode bodySchema,
    long schedules,
    Instant createdAt,
    Instant updatedAt) {}
