package dev.scheduleman.storage.schedule;

import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.sql.Json;
import dev.scheduleman.storage.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The API's statements on {@code schedule}: the row seen as a definition (the executors' side, the
 * row seen as a queue entry, is {@code storage.trigger.TriggerRepository}).
 */
public final class ScheduleRepository {

  private final DataSource ds;

  public ScheduleRepository(DataSource ds) {
    this.ds = ds;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading and writing definitions

  private static final String INSERT =
      """
      INSERT INTO schedule (
          bucket, id, tenant_id, name, description, labels,
          spec_kind, cron, timezone, fire_at, interval_ms, start_at, end_at, exclude_dates,
          misfire_policy, misfire_threshold_ms, misfire_max_catch_up, window_ms,
          target_url, target_method, target_headers, target_body, timeout_ms, target_task_type,
          target_flow_key, flow_key, flow_limited,
          max_attempts, min_backoff_ms, max_backoff_ms, on_exhausted, priority, state,
          next_fire_at, scheduled_for, execution_id, attempt, lease_owner, lease_until, lease_token,
          version, created_at, updated_at)
      VALUES (schedule_bucket(?), ?, ?, ?, ?, ?::jsonb,
              ?, ?, ?, ?, ?, ?, ?, ?::date[],
              ?, ?, ?, ?,
              ?, ?, ?::jsonb, ?, ?, ?,
              ?, ?, %s,
              ?, ?, ?, ?, ?, ?,
              ?, ?, ?, ?, ?, ?, ?,
              ?, ?, ?)
      """
          .formatted(ScheduleColumns.FLOW_LIMITED);

  /**
   * Parameters: tenants. Taken before a schedule is written, so that the write sees every flow
   * limit committed and a limit being declared waits for it (see {@code FlowLimitRepository}).
   */
  static final String SHARE_TENANTS =
      """
      SELECT id FROM tenant WHERE id = ANY (?) ORDER BY id FOR KEY SHARE
      """;

  private static void shareTenants(Connection c, Collection<UUID> tenants) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SHARE_TENANTS)) {
      s.setArray(1, c.createArrayOf("uuid", tenants.stream().distinct().sorted().toArray()));
      s.executeQuery().close();
    }
  }

  /** Inserts new schedules, all in one round trip. */
  public void insert(List<ScheduleRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    Sql.run(
        ds,
        "insert schedules",
        c -> {
          shareTenants(c, rows.stream().map(ScheduleRow::tenantId).toList());
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (ScheduleRow row : rows) {
              bindInsert(s, row);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
  }

  public void insert(ScheduleRow row) {
    insert(List.of(row));
  }

  private static void bindInsert(PreparedStatement s, ScheduleRow row) throws SQLException {
    int i = 0;
    s.setObject(++i, row.id()); // its bucket
    s.setObject(++i, row.id());
    s.setObject(++i, row.tenantId());
    i = ScheduleColumns.bindDefinitionAndTrigger(s, i, row);
    s.setLong(++i, row.version());
    setInstant(s, ++i, row.createdAt());
    setInstant(s, ++i, row.updatedAt());
  }

  /**
   * A schedule by id or by name, within its tenant: one statement for both keys (the other one is
   * null and matches nothing), served by the primary key or the unique name index.
   *
   * <p>Parameters: tenant, id, name.
   */
  static final String FIND =
      """
      SELECT %s
        FROM schedule
       WHERE tenant_id = ? AND (id = ? OR name = ?)
      """
          .formatted(ScheduleColumns.COLUMNS);

  /** {@link #FIND}, locking the row until the surrounding transaction ends. */
  static final String FIND_FOR_UPDATE = FIND + "FOR UPDATE";

  public Optional<ScheduleRow> find(UUID tenantId, ScheduleKey key) {
    return Sql.queryOne(ds, FIND, s -> bindKey(s, tenantId, key), ScheduleColumns::mapRow);
  }

  /**
   * Reads a schedule and locks its row until the surrounding transaction ends, so that a
   * read-modify-write by the API cannot interleave with another one or with an executor's
   * completion of the same row. The tenant's row is taken in share mode before it (see {@link
   * #SHARE_TENANTS}).
   */
  public Optional<ScheduleRow> lock(UUID tenantId, ScheduleKey key) {
    return Sql.run(
        ds,
        "lock a schedule",
        c -> {
          // The tenant first, as every schedule write takes it: a flow limit being declared holds
          // the tenant and then marks schedules, so taking the two in the other order could
          // deadlock with it.
          shareTenants(c, List.of(tenantId));
          List<ScheduleRow> rows =
              Sql.query(
                  c, FIND_FOR_UPDATE, s -> bindKey(s, tenantId, key), ScheduleColumns::mapRow);
          return rows.stream().findFirst();
        });
  }

  private static void bindKey(PreparedStatement s, UUID tenantId, ScheduleKey key)
      throws SQLException {
    s.setObject(1, tenantId);
    s.setObject(2, key.id());
    s.setString(3, key.name());
  }

  /** Parameters: tenant, names. */
  static final String EXISTING_NAMES =
      """
      SELECT name FROM schedule WHERE tenant_id = ? AND name = ANY (?)
      """;

  /** Which of these names the tenant's schedules already use. */
  public Set<String> existingNames(UUID tenantId, Collection<String> names) {
    if (names.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(
        Sql.run(
            ds,
            "existing names",
            c ->
                Sql.query(
                    c,
                    EXISTING_NAMES,
                    s -> {
                      s.setObject(1, tenantId);
                      s.setArray(2, c.createArrayOf("text", names.toArray()));
                    },
                    r -> r.getString("name"))));
  }

  private static final String UPDATE =
      """
      UPDATE schedule
         SET name = ?, description = ?, labels = ?::jsonb,
             spec_kind = ?, cron = ?, timezone = ?, fire_at = ?, interval_ms = ?, start_at = ?,
             end_at = ?, exclude_dates = ?::date[],
             misfire_policy = ?, misfire_threshold_ms = ?, misfire_max_catch_up = ?,
             window_ms = ?,
             target_url = ?, target_method = ?, target_headers = ?::jsonb, target_body = ?,
             timeout_ms = ?, target_task_type = ?,
             target_flow_key = ?, flow_key = ?, flow_limited = %s,
             max_attempts = ?, min_backoff_ms = ?, max_backoff_ms = ?, on_exhausted = ?,
             priority = ?, state = ?,
             next_fire_at = ?, scheduled_for = ?, execution_id = ?, attempt = ?,
             lease_owner = ?, lease_until = ?, lease_token = ?,
             version = ?, updated_at = ?
       WHERE id = ? AND tenant_id = ? AND version = ?
      """
          .formatted(ScheduleColumns.FLOW_LIMITED);

  /**
   * Writes a schedule's definition, state and pending trigger, if the stored version is still
   * {@code expectedVersion}.
   *
   * @return false when the row is gone or another write got there first
   */
  public boolean update(ScheduleRow row, long expectedVersion) {
    int updated =
        Sql.run(
            ds,
            "update a schedule",
            c -> {
              shareTenants(c, List.of(row.tenantId()));
              try (PreparedStatement s = c.prepareStatement(UPDATE)) {
                int i = ScheduleColumns.bindDefinitionAndTrigger(s, 0, row);
                s.setLong(++i, row.version());
                setInstant(s, ++i, row.updatedAt());
                s.setObject(++i, row.id());
                s.setObject(++i, row.tenantId());
                s.setLong(++i, expectedVersion);
                return s.executeUpdate();
              }
            });
    return updated == 1;
  }

  /** Parameters: id, tenant. */
  static final String DELETE =
      """
      DELETE FROM schedule WHERE id = ? AND tenant_id = ?
      """;

  /**
   * Deletes a schedule, in one single-row statement whatever its history: the attempts stay where
   * they are, unreachable (the API lists a schedule's attempts only while it exists, and its dead
   * letters join it), and go with their day's partition when the retention ends. A trigger of it
   * that is in flight completes into nothing: the executor's guarded completion finds no row.
   *
   * @return false when the tenant has no such schedule
   */
  public boolean delete(UUID tenantId, UUID id) {
    return Sql.update(
            ds,
            DELETE,
            s -> {
              s.setObject(1, id);
              s.setObject(2, tenantId);
            })
        == 1;
  }

  /**
   * A page of a tenant's schedules in id order, after a cursor. Each filter is matched when it is
   * given and skipped when its parameter is null, so one statement serves every combination; the
   * scan runs along {@code schedule_tenant} from the cursor either way.
   *
   * <p>Parameters: tenant, after (or null), state (twice), labels (twice), name pattern (twice),
   * limit.
   */
  static final String LIST =
      """
      SELECT %s
        FROM schedule
       WHERE tenant_id = ?
         AND id > coalesce(?::uuid, '00000000-0000-0000-0000-000000000000')
         AND (?::text IS NULL OR state = ?)
         AND (?::jsonb IS NULL OR labels @> ?::jsonb)
         AND (?::text IS NULL OR name LIKE ? ESCAPE '\\')
       ORDER BY id
       LIMIT ?
      """
          .formatted(ScheduleColumns.COLUMNS);

  /**
   * A page of a tenant's schedules in id order (creation order: ids are UUIDv7), after the id
   * {@code after} (exclusive; null for the first page). Keyset pagination: a page never repeats or
   * skips a row because rows were inserted or deleted meanwhile.
   */
  public List<ScheduleRow> list(UUID tenantId, ScheduleFilter filter, UUID after, int limit) {
    String state = filter.state() == null ? null : filter.state().name();
    String labels = filter.labels().isEmpty() ? null : Json.text(filter.labels());
    String name = filter.namePrefix() == null ? null : likePrefix(filter.namePrefix());
    return Sql.query(
        ds,
        LIST,
        s -> {
          s.setObject(1, tenantId);
          s.setObject(2, after);
          s.setString(3, state);
          s.setString(4, state);
          s.setString(5, labels);
          s.setString(6, labels);
          s.setString(7, name);
          s.setString(8, name);
          s.setInt(9, limit);
        },
        ScheduleColumns::mapRow);
  }

  private static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  // ---------------------------------------------------------------------------------------------
  // Quotas

  /** A schedule whose fire rate is not stored yet, with what it is computed from. */
  public record Unrated(UUID id, SpecColumns spec) {}

  /** Parameters: tenant. */
  static final String UNRATED =
      """
      SELECT id, spec_kind, cron, timezone, fire_at, interval_ms, start_at, end_at, exclude_dates,
             misfire_policy, misfire_threshold_ms, misfire_max_catch_up, window_ms
        FROM schedule
       WHERE tenant_id = ? AND fires_per_minute IS NULL
      """;

  /** The tenant's schedules without a stored fire rate (new, edited, or older than quotas). */
  public List<Unrated> unrated(UUID tenantId) {
    return Sql.query(
        ds,
        UNRATED,
        s -> s.setObject(1, tenantId),
        r -> new Unrated(Sql.getUuid(r, "id"), ScheduleColumns.mapSpec(r)));
  }

  /** Parameters: ids, rates, tenant. */
  static final String SET_FIRE_RATES =
      """
      UPDATE schedule s
         SET fires_per_minute = u.rate
        FROM unnest(?::uuid[], ?::float8[]) AS u (id, rate)
       WHERE s.id = u.id AND s.tenant_id = ?
      """;

  /** Stores fire rates, by schedule id, in one statement. */
  public void setFireRates(UUID tenantId, Map<UUID, Double> rates) {
    if (rates.isEmpty()) {
      return;
    }
    List<Map.Entry<UUID, Double>> entries = List.copyOf(rates.entrySet());
    Sql.run(
        ds,
        "store fire rates",
        c -> {
          try (PreparedStatement s = c.prepareStatement(SET_FIRE_RATES)) {
            s.setArray(
                1, c.createArrayOf("uuid", entries.stream().map(Map.Entry::getKey).toArray()));
            s.setArray(
                2, c.createArrayOf("float8", entries.stream().map(Map.Entry::getValue).toArray()));
            s.setObject(3, tenantId);
            s.executeUpdate();
          }
          return null;
        });
  }

  /** A tenant's schedules and their fire rates added up. */
  public record Usage(long schedules, double firesPerMinute) {}

  /** Parameters: tenant, ids left out. */
  static final String USAGE =
      """
      SELECT count(*) AS n, coalesce(sum(fires_per_minute), 0) AS rate
        FROM schedule
       WHERE tenant_id = ? AND id <> ALL (?::uuid[])
      """;

  /**
   * What the tenant's schedules other than {@code except} use of its quotas; rates not stored count
   * as 0 (store them first, see {@link #unrated}).
   */
  public Usage usage(UUID tenantId, Collection<UUID> except) {
    return Sql.run(
        ds,
        "count a tenant's schedules",
        c -> {
          try (PreparedStatement s = c.prepareStatement(USAGE)) {
            s.setObject(1, tenantId);
            s.setArray(2, c.createArrayOf("uuid", except.toArray()));
            try (var r = s.executeQuery()) {
              r.next();
              return new Usage(r.getLong("n"), r.getDouble("rate"));
            }
          }
        });
  }

  /** Parameters: tenant. */
  static final String COUNT_BY_STATE =
      """
      SELECT state, count(*) AS n,
             count(*) FILTER (WHERE state = 'ACTIVE' AND next_fire_at <= now()
                                AND (lease_until IS NULL OR lease_until < now())) AS due
        FROM schedule
       WHERE tenant_id = ?
       GROUP BY state
      """;

  /**
   * How many of a tenant's schedules are in each state, and how many active ones are due now (by
   * the database's clock) and not yet claimed: the backlog executors are behind on.
   */
  public StateCounts countByState(UUID tenantId) {
    Map<ScheduleState, Long> counts = new EnumMap<>(ScheduleState.class);
    for (ScheduleState state : ScheduleState.values()) {
      counts.put(state, 0L);
    }
    long[] due = {0};
    Sql.query(
        ds,
        COUNT_BY_STATE,
        s -> s.setObject(1, tenantId),
        r -> {
          counts.put(ScheduleState.valueOf(r.getString("state")), r.getLong("n"));
          due[0] += r.getLong("due");
          return null;
        });
    return new StateCounts(counts, due[0]);
  }
}
