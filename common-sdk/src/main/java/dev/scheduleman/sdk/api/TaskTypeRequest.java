package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code PUT /api/v1/task-types/{name}}.
 *
 * @param bodySchema a JSON Schema (draft 2020-12 unless it names another with {@code $schema}) that
 *     the body of every schedule of this type must satisfy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskTypeRequest(String description, JsonNode bodySchema) {}
