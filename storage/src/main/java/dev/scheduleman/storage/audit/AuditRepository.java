package dev.scheduleman.storage.audit;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.Unnest;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code audit_event}. */
public final class AuditRepository {

  private final DataSource ds;

  public AuditRepository(DataSource ds) {
    this.ds = ds;
  }

  /** The changed fields travel as one text per event, joined by a character no field name has. */
  private static final String FIELD_SEPARATOR = "\u001f";

  private static final Unnest<AuditEvent> EVENT =
      Unnest.<AuditEvent>columns()
          .uuid("tenant_id", AuditEvent::tenantId)
          .timestamptz("at", AuditEvent::at)
          .uuid("key_id", AuditEvent::keyId)
          .text("key_name", AuditEvent::keyName)
          .text("action", AuditEvent::action)
          .text("resource", AuditEvent::resource)
          .text("resource_id", AuditEvent::resourceId)
          .text("changed", e -> String.join(FIELD_SEPARATOR, e.changed()))
          .text("remote_addr", AuditEvent::remoteAddress)
          .text("user_agent", AuditEvent::userAgent);

  static final String INSERT =
      """
      INSERT INTO audit_event (tenant_id, at, key_id, key_name, action, resource, resource_id,
                               changed, remote_addr, user_agent)
      SELECT tenant_id, at, key_id, key_name, action, resource, resource_id,
             CASE WHEN changed = '' THEN '{}'::text[]
                  ELSE string_to_array(changed, E'\\x1f') END,
             remote_addr, user_agent
        FROM %s
      """
          .formatted(EVENT.as("u"));

  /** Records events in one round trip, in the caller's transaction. */
  public void insert(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    Sql.run(
        ds,
        "record audit events",
        c -> {
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            EVENT.bind(s, 1, events);
            s.executeUpdate();
          }
          return null;
        });
  }

  /** What to list: null parts match everything. */
  public record Filter(String resource, String resourceId, UUID keyId) {}

  /** Parameters: tenant, before, before, resource ×2, resource id ×2, key ×2, limit. */
  static final String PAGE =
      """
      SELECT id, tenant_id, at, key_id, key_name, action, resource, resource_id, changed,
             remote_addr, user_agent
        FROM audit_event
       WHERE tenant_id = ?
         AND (?::bigint IS NULL OR id < ?)
         AND (?::text IS NULL OR resource = ?)
         AND (?::text IS NULL OR resource_id = ?)
         AND (?::uuid IS NULL OR key_id = ?)
       ORDER BY id DESC
       LIMIT ?
      """;

  /** The tenant's events, newest first, those before {@code before} (null: from the newest). */
  public List<AuditEvent> page(UUID tenantId, Filter filter, Long before, int limit) {
    return Sql.query(
        ds,
        PAGE,
        s -> {
          s.setObject(1, tenantId);
          Sql.setNullableLong(s, 2, before);
          Sql.setNullableLong(s, 3, before);
          s.setString(4, filter.resource());
          s.setString(5, filter.resource());
          s.setString(6, filter.resourceId());
          s.setString(7, filter.resourceId());
          s.setObject(8, filter.keyId());
          s.setObject(9, filter.keyId());
          s.setInt(10, limit);
        },
        r -> {
          Array changed = r.getArray("changed");
          return new AuditEvent(
              r.getLong("id"),
              getUuid(r, "tenant_id"),
              getInstant(r, "at"),
              getUuid(r, "key_id"),
              r.getString("key_name"),
              r.getString("action"),
              r.getString("resource"),
              r.getString("resource_id"),
              changed == null ? List.of() : Arrays.asList((String[]) changed.getArray()),
              r.getString("remote_addr"),
              r.getString("user_agent"));
        });
  }

  /** Parameters: before, limit. */
  static final String PRUNE =
      """
      DELETE FROM audit_event
       WHERE id IN (SELECT id FROM audit_event WHERE at < ? ORDER BY at LIMIT ?)
      """;

  /** Deletes up to {@code limit} events older than {@code before}; returns how many. */
  public int pruneBefore(Instant before, int limit) {
    return Sql.update(
        ds,
        PRUNE,
        s -> {
          setInstant(s, 1, before);
          s.setInt(2, limit);
        });
  }
}
