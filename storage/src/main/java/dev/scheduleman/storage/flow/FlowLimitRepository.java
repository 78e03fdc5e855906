package dev.scheduleman.storage.flow;

import static dev.scheduleman.storage.sql.Sql.getInstant;
import static dev.scheduleman.storage.sql.Sql.getInteger;
import static dev.scheduleman.storage.sql.Sql.getUuid;
import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.FlowLimit;
import dev.scheduleman.storage.sql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The API's statements on {@code flow_limit}, and on the mark ({@code schedule.flow_limited}) that
 * sends a key's schedules to the flow claim (the executors' side is {@code
 * TriggerRepository.claimPaced}).
 *
 * <p>Declaring and removing a limit must run inside a transaction: each first locks the tenant's
 * row for update, so that it waits for the schedule writes in progress (which hold it in share
 * mode) and then marks or unmarks every schedule committed with that key; a schedule written after
 * it sees the limit and takes its mark.
 */
public final class FlowLimitRepository {

  private final DataSource ds;

  public FlowLimitRepository(DataSource ds) {
    this.ds = ds;
  }

  private static final String COLUMNS =
      """
      f.tenant_id, f.flow_key, f.rate_per_second, f.burst, f.max_concurrency,
      f.created_at, f.updated_at,
      (SELECT count(*) FROM schedule s
        WHERE s.state = 'ACTIVE' AND s.flow_limited
          AND s.tenant_id = f.tenant_id AND s.flow_key = f.flow_key) AS schedules
      """;

  /**
   * Takes the tenant's row for update until the transaction ends (see the class comment).
   *
   * @return how many flow limits the tenant has declared (counted once the lock is held), or empty
   *     when there is no such tenant
   */
  public Optional<Long> lockTenant(UUID tenantId) {
    if (Sql.queryOne(
            ds,
            "SELECT id FROM tenant WHERE id = ? FOR UPDATE",
            s -> s.setObject(1, tenantId),
            r -> getUuid(r, "id"))
        .isEmpty()) {
      return Optional.empty();
    }
    return Sql.queryOne(
        ds,
        "SELECT count(*) AS limits FROM flow_limit WHERE tenant_id = ?",
        s -> s.setObject(1, tenantId),
        r -> r.getLong("limits"));
  }

  /**
   * Parameters: tenant, key, rate, burst, concurrency, burst, now (three times). A new key's bucket
   * starts full; a changed one keeps what it holds, up to the new burst (full if it had no rate
   * before).
   */
  static final String UPSERT =
      """
      INSERT INTO flow_limit AS f (tenant_id, flow_key, rate_per_second, burst, max_concurrency,
                                   tokens, refilled_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, coalesce(?::integer, 0), ?, ?, ?)
      ON CONFLICT (tenant_id, flow_key) DO UPDATE
         SET rate_per_second = excluded.rate_per_second,
             burst = excluded.burst,
             max_concurrency = excluded.max_concurrency,
             tokens = CASE WHEN f.burst IS NULL THEN coalesce(excluded.burst, 0)
                           ELSE least(f.tokens, coalesce(excluded.burst, 0)) END,
             refilled_at = CASE WHEN f.burst IS NULL THEN excluded.refilled_at
                                ELSE f.refilled_at END,
             updated_at = excluded.updated_at
      RETURNING (xmax = 0) AS created
      """;

  /** Parameters: mark, tenant, key. */
  static final String MARK =
      """
      UPDATE schedule SET flow_limited = ?
       WHERE tenant_id = ? AND flow_key = ? AND flow_limited <> ?
      """;

  /**
   * Declares (or changes) the tenant's limit on a key and marks the key's schedules, after {@link
   * #lockTenant} in the same transaction.
   *
   * @return true when the key had no limit before
   */
  public boolean put(UUID tenantId, String key, FlowLimit limit, Instant now) {
    boolean created =
        Sql.queryOne(
                ds,
                UPSERT,
                s -> {
                  s.setObject(1, tenantId);
                  s.setString(2, key);
                  if (limit.ratePerSecond() == null) {
                    s.setNull(3, Types.DOUBLE);
                  } else {
                    s.setDouble(3, limit.ratePerSecond());
                  }
                  Sql.setNullableInt(s, 4, limit.burst());
                  Sql.setNullableInt(s, 5, limit.maxConcurrency());
                  Sql.setNullableInt(s, 6, limit.burst());
                  setInstant(s, 7, now);
                  setInstant(s, 8, now);
                  setInstant(s, 9, now);
                },
                r -> r.getBoolean("created"))
            .orElseThrow();
    mark(tenantId, key, true);
    return created;
  }

  /**
   * Removes the tenant's limit on a key and unmarks its schedules, after {@link #lockTenant} in the
   * same transaction: they go back to the unpaced claim.
   *
   * @return false when the key had no limit
   */
  public boolean delete(UUID tenantId, String key) {
    boolean deleted =
        Sql.update(
                ds,
                "DELETE FROM flow_limit WHERE tenant_id = ? AND flow_key = ?",
                s -> {
                  s.setObject(1, tenantId);
                  s.setString(2, key);
                })
            == 1;
    if (deleted) {
      mark(tenantId, key, false);
    }
    return deleted;
  }

  private void mark(UUID tenantId, String key, boolean limited) {
    Sql.update(
        ds,
        MARK,
        s -> {
          s.setBoolean(1, limited);
          s.setObject(2, tenantId);
          s.setString(3, key);
          s.setBoolean(4, limited);
        });
  }

  public Optional<FlowLimitRow> find(UUID tenantId, String key) {
    return Sql.queryOne(
        ds,
        "SELECT " + COLUMNS + " FROM flow_limit f WHERE f.tenant_id = ? AND f.flow_key = ?",
        s -> {
          s.setObject(1, tenantId);
          s.setString(2, key);
        },
        FlowLimitRepository::map);
  }

  /** The tenant's limits, by key. */
  public List<FlowLimitRow> list(UUID tenantId) {
    return Sql.query(
        ds,
        "SELECT " + COLUMNS + " FROM flow_limit f WHERE f.tenant_id = ? ORDER BY f.flow_key",
        s -> s.setObject(1, tenantId),
        FlowLimitRepository::map);
  }

  private static FlowLimitRow map(ResultSet r) throws SQLException {
    double rate = r.getDouble("rate_per_second");
    Double ratePerSecond = r.wasNull() ? null : rate;
    return new FlowLimitRow(
        getUuid(r, "tenant_id"),
        r.getString("flow_key"),
        new FlowLimit(ratePerSecond, getInteger(r, "burst"), getInteger(r, "max_concurrency")),
        r.getLong("schedules"),
        getInstant(r, "created_at"),
        getInstant(r, "updated_at"));
  }
}
