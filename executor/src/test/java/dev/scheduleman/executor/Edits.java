package dev.scheduleman.executor;

import dev.scheduleman.sdk.model.Ids;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.trigger.TriggerChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the API does to a schedule, as executors see it, in one transaction: lock the row, write,
 * and (when asked) announce the lease it took away on the change channel, exactly as crud-api does.
 * Without the announcement a test shows what the fence alone guarantees.
 */
final class Edits {

  private final DataSource ds;

  Edits(DataSource ds) {
    this.ds = ds;
  }

  /** A new trigger (new execution id, due at {@code due}), as a reschedule does. */
  UUID reschedule(UUID scheduleId, Instant due, boolean announce) {
    UUID executionId = Ids.newId();
    change(
        scheduleId,
        announce,
        due,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE schedule SET execution_id = ?, next_fire_at = ?, scheduled_for = ?,"
                      + " attempt = 0, lease_owner = NULL, lease_until = NULL,"
                      + " lease_token = NULL, version = version + 1 WHERE id = ?")) {
            s.setObject(1, executionId);
            s.setObject(2, due.atOffset(ZoneOffset.UTC));
            s.setObject(3, due.atOffset(ZoneOffset.UTC));
            s.setObject(4, scheduleId);
            s.executeUpdate();
          }
        });
    return executionId;
  }

  void pause(UUID scheduleId, boolean announce) {
    change(
        scheduleId,
        announce,
        null,
        c ->
            run(
                c,
                "UPDATE schedule SET state = 'PAUSED', next_fire_at = NULL, scheduled_for = NULL,"
                    + " execution_id = NULL, attempt = 0, lease_owner = NULL, lease_until = NULL,"
                    + " lease_token = NULL, version = version + 1 WHERE id = ?",
                scheduleId));
  }

  void delete(UUID scheduleId, boolean announce) {
    change(
        scheduleId, announce, null, c -> run(c, "DELETE FROM schedule WHERE id = ?", scheduleId));
  }

  private interface Write {
    void apply(Connection c) throws SQLException;
  }

  private void change(UUID scheduleId, boolean announce, Instant due, Write write) {
    Sql.inTransaction(
        ds,
        "edit",
        c -> {
          String owner = null;
          UUID token = null;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT lease_owner, lease_token FROM schedule WHERE id = ? FOR UPDATE")) {
            s.setObject(1, scheduleId);
            try (ResultSet r = s.executeQuery()) {
              if (r.next()) {
                owner = r.getString(1);
                token = r.getObject(2, UUID.class);
              }
            }
          }
          write.apply(c);
          if (announce) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
              s.setString(1, TriggerChanges.CHANNEL);
              s.setString(2, new TriggerChanges.Change(owner, token, due).payload());
              s.executeQuery().close();
            }
          }
          return null;
        });
  }

  private static void run(Connection c, String sql, UUID id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.executeUpdate();
    }
  }
}
