package dev.scheduleman.storage.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One write, as the audit log keeps it.
 *
 * @param id its place in the log (0 before it is stored)
 * @param keyId the API key that made it; null for the bootstrap admin key
 * @param action the verb: {@code create}, {@code replace}, {@code delete}, {@code pause}, …
 * @param resource what kind of thing was written: {@code schedule}, {@code api-key}, …
 * @param resourceId its id (or name, for resources known by name)
 * @param changed the names of the fields the write set or changed, never their values
 * @param remoteAddress the client's address, as the API saw it
 */
public record AuditEvent(
    long id,
    UUID tenantId,
    Instant at,
    UUID keyId,
    String keyName,
    String action,
    String resource,
    String resourceId,
    List<String> changed,
    String remoteAddress,
    String userAgent) {

  public AuditEvent {
    changed = List.copyOf(changed);
  }
}
