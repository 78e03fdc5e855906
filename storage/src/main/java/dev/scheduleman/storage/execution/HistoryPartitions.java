package dev.scheduleman.storage.execution;

import static dev.scheduleman.storage.sql.Sql.setInstant;

import dev.scheduleman.storage.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The daily partitions of {@code execution} (one per UTC day, {@code execution_pYYYYMMDD}, beside
 * {@code execution_default} for rows no day covers): created ahead, dropped whole once older than
 * the retention.
 *
 * <p>Every change runs in a short transaction of its own that first takes a transaction-scoped
 * advisory lock, so when several executors keep the partitions at once one of them does the work
 * and the others skip it, and that waits at most {@link #LOCK_TIMEOUT} for the table locks DDL
 * needs: a partition change that cannot get its lock at once gives up and is retried at the next
 * round instead of queueing the executors' inserts behind it.
 */
public final class HistoryPartitions {

  /** How long a partition change waits for a lock before it gives up until the next round. */
  public static final String LOCK_TIMEOUT = "1s";

  private static final String PREFIX = "execution_p";
  private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d{8})");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  /** Any constant shared by every process that keeps the partitions. */
  static final long LOCK_KEY = 0x5C4ED01E_0E7EC000L;

  private final DataSource ds;

  public HistoryPartitions(DataSource ds) {
    this.ds = ds;
  }

  /** The days that have a partition of their own, in order. */
  public List<LocalDate> days() {
    return Sql.run(ds, "list history partitions", HistoryPartitions::days);
  }

  static final String PARTITIONS =
      """
      SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'execution'::regclass
       ORDER BY c.relname
      """;

  private static List<LocalDate> days(Connection c) throws SQLException {
    List<LocalDate> days = new ArrayList<>();
    for (String name : Sql.query(c, PARTITIONS, s -> {}, r -> r.getString(1))) {
      dayOf(name).ifPresent(days::add);
    }
    return days;
  }

  static Optional<LocalDate> dayOf(String partition) {
    Matcher m = NAME.matcher(partition);
    return m.matches() ? Optional.of(LocalDate.parse(m.group(1), DAY)) : Optional.empty();
  }

  static String nameOf(LocalDate day) {
    return PREFIX + DAY.format(day);
  }

  /**
   * Creates the partitions of the days {@code from} to {@code to} (both included) that do not exist
   * yet. Rows of such a day that went to the default partition move into the new one.
   *
   * @return the days created (empty when they all existed or another process holds the lock)
   */
  public List<LocalDate> create(LocalDate from, LocalDate to) {
    List<LocalDate> created = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      LocalDate d = day;
      if (Sql.inTransaction(ds, "create history partition " + nameOf(d), c -> create(c, d))) {
        created.add(d);
      }
    }
    return created;
  }

  /** Parameters: from, to. */
  static final String MOVE_FROM_DEFAULT =
      """
      WITH moved AS (
          DELETE FROM execution_default WHERE fired_at >= ? AND fired_at < ? RETURNING *)
      INSERT INTO %s SELECT * FROM moved
      """;

  private static boolean create(Connection c, LocalDate day) throws SQLException {
    if (!lock(c) || days(c).contains(day)) {
      return false;
    }
    String name = nameOf(day);
    String from = start(day).toString();
    String to = start(day.plusDays(1)).toString();
    try (Statement s = c.createStatement()) {
      // Created apart and attached, so that the parent is only share-locked: the executors'
      // inserts go on meanwhile. The CHECK spares ATTACH a scan of the new table.
      s.execute(
          "CREATE TABLE %s (LIKE execution INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
              .formatted(name));
      s.execute(
          "ALTER TABLE %s ADD CONSTRAINT %s_range CHECK (fired_at >= '%s' AND fired_at < '%s')"
              .formatted(name, name, from, to));
    }
    try (var s = c.prepareStatement(MOVE_FROM_DEFAULT.formatted(name))) {
      setInstant(s, 1, start(day));
      setInstant(s, 2, start(day.plusDays(1)));
      s.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE execution ATTACH PARTITION %s FOR VALUES FROM ('%s') TO ('%s')"
              .formatted(name, from, to));
      // The partition bound says the same now.
      s.execute("ALTER TABLE %s DROP CONSTRAINT %s_range".formatted(name, name));
    }
    return true;
  }

  /**
   * Drops the partitions whose whole day lies before {@code before}, so what is kept reaches at
   * least back to it (and at most one day further).
   *
   * @return the days dropped
   */
  public List<LocalDate> dropBefore(Instant before) {
    List<LocalDate> dropped = new ArrayList<>();
    for (LocalDate day : days()) {
      if (start(day.plusDays(1)).isAfter(before)) {
        break;
      }
      if (Sql.inTransaction(ds, "drop history partition " + nameOf(day), c -> drop(c, day))) {
        dropped.add(day);
      }
    }
    return dropped;
  }

  private static boolean drop(Connection c, LocalDate day) throws SQLException {
    if (!lock(c) || !days(c).contains(day)) {
      return false;
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + nameOf(day));
    }
    return true;
  }

  /** Parameters: before, batch size. */
  static final String PRUNE_DEFAULT =
      """
      DELETE FROM execution_default
       WHERE ctid = ANY (ARRAY(SELECT ctid FROM execution_default WHERE fired_at < ? LIMIT ?))
      """;

  /**
   * Deletes up to {@code batch} rows of the default partition fired before {@code before} (rows no
   * day partition took); returns how many.
   */
  public int pruneDefault(Instant before, int batch) {
    return Sql.update(
        ds,
        PRUNE_DEFAULT,
        s -> {
          setInstant(s, 1, before);
          s.setInt(2, batch);
        });
  }

  private static boolean lock(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
    }
    return Sql.query(
            c,
            "SELECT pg_try_advisory_xact_lock(?)",
            s -> s.setLong(1, LOCK_KEY),
            r -> r.getBoolean(1))
        .get(0);
  }

  static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
