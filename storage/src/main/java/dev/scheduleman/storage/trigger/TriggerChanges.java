package dev.scheduleman.storage.trigger;

import dev.scheduleman.storage.sql.Json;
import dev.scheduleman.storage.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * How the API tells executors at once that a trigger changed, over PostgreSQL's LISTEN/NOTIFY: the
 * notification goes out when the API's transaction commits (and not at all when it rolls back). It
 * names the lease the change took away (so its holder cancels a trigger it was waiting to fire) and
 * the earliest new due time (so executors claim a trigger due sooner than their next poll).
 * Notifications are an accelerator, not the guarantee: an executor fences every trigger it has held
 * for a while before sending it, and renews leases, so a lost notification costs time, never
 * correctness.
 */
public final class TriggerChanges {

  /** The channel executors listen on. */
  public static final String CHANNEL = "scheduleman_trigger";

  private final DataSource ds;

  public TriggerChanges(DataSource ds) {
    this.ds = ds;
  }

  /**
   * One change.
   *
   * @param leaseOwner the executor whose lease the change took away, or null
   * @param leaseToken that lease's token, or null
   * @param due the earliest due time the change armed, or null
   */
  public record Change(String leaseOwner, UUID leaseToken, Instant due) {

    public String payload() {
      Map<String, String> fields = new HashMap<>();
      if (leaseOwner != null) {
        fields.put("owner", leaseOwner);
        fields.put("token", leaseToken.toString());
      }
      if (due != null) {
        fields.put("due", due.toString());
      }
      return Json.text(fields);
    }

    /** A notification's payload read back; empty when it is not one of ours. */
    public static Optional<Change> parse(String payload) {
      try {
        Map<String, String> fields = Json.stringMap(payload);
        String token = fields.get("token");
        String due = fields.get("due");
        return Optional.of(
            new Change(
                fields.get("owner"),
                token == null ? null : UUID.fromString(token),
                due == null ? null : Instant.parse(due)));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** Parameters: channel, payload. */
  static final String ANNOUNCE =
      """
      SELECT pg_notify(?, ?)
      """;

  /**
   * Announces a change, in the caller's transaction (the data source's connection of it): executors
   * hear of it when it commits.
   */
  public void announce(Change change) {
    Sql.query(
        ds,
        ANNOUNCE,
        s -> {
          s.setString(1, CHANNEL);
          s.setString(2, change.payload());
        },
        r -> null);
  }

  /** The channel is an identifier, not a parameter. */
  static final String LISTEN =
      """
      LISTEN scheduleman_trigger
      """;

  /** Starts listening on the caller's connection (which must stay open, in autocommit). */
  public static void listen(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(LISTEN);
    }
  }

  static final String DATABASE_NOW =
      """
      SELECT clock_timestamp() AS now
      """;

  /** The database's clock right now (not the transaction's start), for measuring skew. */
  public static Instant databaseNow(Connection c) throws SQLException {
    return Sql.query(c, DATABASE_NOW, s -> {}, r -> Sql.getInstant(r, "now")).get(0);
  }
}
