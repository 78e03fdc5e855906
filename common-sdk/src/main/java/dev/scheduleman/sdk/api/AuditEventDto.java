package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One write to the tenant's schedules, keys, secrets, limits, task types or the tenant itself, as
 * {@code GET /audit} lists it.
 *
 * @param keyId the API key that made it; absent for the bootstrap admin key
 * @param keyName that key's name when it was used ({@code admin} for the bootstrap key)
 * @param action the verb: create, replace, patch, delete, pause, resume, trigger, re-arm, revoke,
 *     rotate
 * @param resource schedule, api-key, signing-secret, flow-limit, task-type or tenant
 * @param resourceId its id, or its name for flow limits and task types
 * @param changed the names of the fields the write set or changed; never their values
 * @param remoteAddress the client's address as the API saw it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEventDto(
    long id,
    Instant at,
    UUID keyId,
    String keyName,
    String action,
    String resource,
    String resourceId,
    List<String> changed,
    String remoteAddress,
    String userAgent) {}
