package dev.scheduleman.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The little JDBC the repositories share: run a statement, map rows, convert times. Connections
 * come from the data source on every call, so inside a container-managed transaction every call of
 * that transaction uses the same connection, and outside one each statement commits by itself.
 */
public final class Sql {

  private Sql() {}

  /** Binds the parameters of a statement. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Maps the current row of a result. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Work done on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public static <T> List<T> query(DataSource ds, String sql, Binder binder, RowMapper<T> mapper) {
    return run(ds, "query", c -> query(c, sql, binder, mapper));
  }

  public static <T> List<T> query(Connection c, String sql, Binder binder, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      binder.bind(statement);
      try (ResultSet rows = statement.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rows.next()) {
          out.add(mapper.map(rows));
        }
        return out;
      }
    }
  }

  public static <T> Optional<T> queryOne(
      DataSource ds, String sql, Binder binder, RowMapper<T> mapper) {
    List<T> rows = query(ds, sql, binder, mapper);
    if (rows.size() > 1) {
      throw new IllegalStateException("expected at most one row, got " + rows.size());
    }
    return rows.stream().findFirst();
  }

  /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it touched. */
  public static int update(DataSource ds, String sql, Binder binder) {
    return run(
        ds,
        "update",
        c -> {
          try (PreparedStatement statement = c.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
          }
        });
  }

  /** Runs work on one connection from the data source, translating errors. */
  public static <T> T run(DataSource ds, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StorageException(what + " failed", e);
    }
  }

  /**
   * Runs work in a local transaction of its own: committed when it returns, rolled back when it
   * throws. A connection already in a transaction (a container's, the API's {@code @Transactional})
   * runs the work in that one, which commits or rolls back with the rest of it.
   */
  public static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
    return run(
        ds,
        what,
        c -> {
          boolean autoCommit = c.getAutoCommit();
          if (!autoCommit) {
            return work.run(c);
          }
          c.setAutoCommit(false);
          try {
            T result = work.run(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(autoCommit);
          }
        });
  }

  public static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      s.setObject(index, value.atOffset(ZoneOffset.UTC));
    }
  }

  public static Instant getInstant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  public static UUID getUuid(ResultSet row, String column) throws SQLException {
    return row.getObject(column, UUID.class);
  }

  public static Integer getInteger(ResultSet row, String column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  public static Long getLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  public static void setNullableInt(PreparedStatement s, int index, Integer value)
      throws SQLException {
    if (value == null) {
      s.setNull(index, Types.INTEGER);
    } else {
      s.setInt(index, value);
    }
  }

  public static void setNullableLong(PreparedStatement s, int index, Long value)
      throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  /** Epoch milliseconds for binding into a {@code bigint[]} that SQL turns back into times. */
  public static Long epochMillis(Instant value) {
    return value == null ? null : value.toEpochMilli();
  }

  /**
   * A list of local dates as a PostgreSQL array literal (bound with {@code ?::date[]}); null for an
   * empty list, which stores SQL NULL.
   */
  public static String dateArray(List<LocalDate> dates) {
    if (dates == null || dates.isEmpty()) {
      return null;
    }
    return dates.stream().map(LocalDate::toString).collect(Collectors.joining(",", "{", "}"));
  }

  /** A {@code date[]} column read as text ({@code exclude_dates::text}); empty for NULL. */
  public static List<LocalDate> getDateArray(ResultSet row, String column) throws SQLException {
    String text = row.getString(column);
    if (text == null || text.length() <= 2) {
      return List.of();
    }
    return Arrays.stream(text.substring(1, text.length() - 1).split(","))
        .map(LocalDate::parse)
        .toList();
  }
}
