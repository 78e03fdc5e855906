package dev.scheduleman.storage.idempotency;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Every statement on {@code idempotency_key}. */
public final class IdempotencyRepository {

  /** What a key was first used for. */
  public record Use(byte[] requestHash, UUID scheduleId, Instant createdAt) {}

  private final DataSource ds;

  public IdempotencyRepository(DataSource ds) {
    this.ds = ds;
  }

  /** Parameters: tenant, key, request hash, schedule, now. */
  static final String CLAIM =
      """
      INSERT INTO idempotency_key (tenant_id, key, request_hash, schedule_id, created_at)
      VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (tenant_id, key) DO NOTHING
      """;

  /** Parameters: tenant, key. */
  static final String FIND =
      """
      SELECT request_hash, schedule_id, created_at
        FROM idempotency_key
       WHERE tenant_id = ? AND key = ?
      """;

  /**
   * Records the first use of a key, or returns the earlier use. Run inside the transaction that
   * creates the schedule: a concurrent request with the same key waits on the key's row until that
   * transaction ends, and then sees its use.
   *
   * @return empty when this is the first use (go on and create), else the earlier use
   */
  public Optional<Use> claim(
      UUID tenantId, String key, byte[] requestHash, UUID scheduleId, Instant now) {
    int inserted =
        Sql.update(
            ds,
            CLAIM,
            s -> {
              s.setObject(1, tenantId);
              s.setString(2, key);
              s.setBytes(3, requestHash);
              s.setObject(4, scheduleId);
              setInstant(s, 5, now);
            });
    if (inserted == 1) {
      return Optional.empty();
    }
    return Sql.queryOne(
        ds,
        FIND,
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, key);
        },
        r ->
            new Use(
                r.getBytes("request_hash"),
                getUuid(r, "schedule_id"),
                getInstant(r, "created_at")));
  }

  /** Parameters: before. */
  static final String PRUNE =
      """
      DELETE FROM idempotency_key WHERE created_at < ?
      """;

  /** Forgets keys older than {@code before}; returns how many. */
  public int deleteOlderThan(Instant before) {
    return Sql.update(ds, PRUNE, s -> setInstant(s, 1, before));
  }
}
