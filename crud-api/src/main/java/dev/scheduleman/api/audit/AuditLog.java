package dev.scheduleman.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.api.auth.AuthFilter.CurrentCaller;
import dev.scheduleman.api.auth.Caller;
import dev.scheduleman.storage.audit.AuditEvent;
import dev.scheduleman.storage.audit.AuditRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Records writes in the audit log, inside the write's transaction: the caller's key, the verb, the
 * resource, the names of the fields written (never their values), when and from where.
 */
@ApplicationScoped
public class AuditLog {

  /** The name the bootstrap admin key is logged under. */
  public static final String ADMIN = "admin";

  private final AuditRepository events;
  private final CurrentCaller caller;
  private final RequestOrigin origin;
  private final Clock clock;
  private final ObjectMapper json;

  public AuditLog(
      AuditRepository events,
      CurrentCaller caller,
      RequestOrigin origin,
      Clock clock,
      ObjectMapper json) {
    this.json = json;
    this.events = events;
    this.caller = caller;
    this.origin = origin;
    this.clock = clock;
  }

  /** One write of the caller's own tenant. */
  public void record(String action, String resource, String resourceId, List<String> changed) {
    record(caller.get().tenantId(), action, resource, List.of(new Written(resourceId, changed)));
  }

  /** The names of the fields a request body sets (those it gives, not null). */
  public List<String> given(Object request) {
    if (request == null) {
      return List.of();
    }
    JsonNode tree = json.valueToTree(request);
    List<String> names = new ArrayList<>();
    tree.fields()
        .forEachRemaining(
            field -> {
              if (!field.getValue().isNull()) {
                names.add(field.getKey());
              }
            });
    return names;
  }

  /** A resource a write touched, and the names of the fields it set or changed. */
  public record Written(String resourceId, List<String> changed) {}

  /** Writes of one verb to several resources of {@code tenantId} (a batch, or an admin's). */
  public void record(UUID tenantId, String action, String resource, List<Written> written) {
    Caller who = caller.get();
    Instant now = clock.instant();
    events.insert(
        written.stream()
            .map(
                w ->
                    new AuditEvent(
                        0,
                        tenantId,
                        now,
                        who.keyId(),
                        who.admin() ? ADMIN : who.keyName(),
                        action,
                        resource,
                        w.resourceId(),
                        w.changed(),
                        origin.address(),
                        origin.userAgent()))
            .toList());
  }
}
