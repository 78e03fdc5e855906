package dev.scheduleman.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Function;

/**
 * A batch of rows sent to PostgreSQL as one array per column and turned back into rows by {@code
 * unnest}, so that a statement writes a whole batch in one round trip. Each column is declared
 * once, by name and SQL type, beside the value it takes from a row; the statement's FROM item
 * ({@code unnest(?::uuid[], …) AS u(id, …)}) is made from the same declarations, so a column is
 * never bound by its position in a list of parallel arrays.
 *
 * <pre>{@code
 * static final Unnest<Done> DONE = Unnest.<Done>columns().uuid("id", Done::id).text("state", Done::state);
 * static final String COMPLETE = """
 *     UPDATE schedule s SET state = u.state FROM %s WHERE s.id = u.id
 *     """.formatted(DONE.as("u"));
 * }</pre>
 */
public final class Unnest<T> {

  private record Column<T>(String name, String type, Function<T, ?> value) {}

  private final List<Column<T>> columns;

  private Unnest(List<Column<T>> columns) {
    this.columns = columns;
  }

  public static <T> Unnest<T> columns() {
    return new Unnest<>(List.of());
  }

  public Unnest<T> uuid(String name, Function<T, UUID> value) {
    return with(name, "uuid", value);
  }

  public Unnest<T> text(String name, Function<T, String> value) {
    return with(name, "text", value);
  }

  public Unnest<T> integer(String name, Function<T, Integer> value) {
    return with(name, "int4", value);
  }

  public Unnest<T> bigint(String name, Function<T, Long> value) {
    return with(name, "int8", value);
  }

  public Unnest<T> bool(String name, Function<T, Boolean> value) {
    return with(name, "bool", value);
  }

  /** An instant, sent as its ISO-8601 text and read back as {@code timestamptz}, exactly. */
  public Unnest<T> timestamptz(String name, Function<T, Instant> value) {
    return with(
        name,
        "timestamptz",
        row -> {
          Instant at = value.apply(row);
          return at == null ? null : at.toString();
        });
  }

  private Unnest<T> with(String name, String type, Function<T, ?> value) {
    Objects.requireNonNull(name, "name");
    if (columns.stream().anyMatch(c -> c.name().equals(name))) {
      throw new IllegalArgumentException("column " + name + " is declared twice");
    }
    List<Column<T>> more = new ArrayList<>(columns);
    more.add(new Column<>(name, type, value));
    return new Unnest<>(List.copyOf(more));
  }

  /** The FROM item: {@code unnest(?::uuid[], ?::text[]) AS alias(id, state)}. */
  public String as(String alias) {
    StringJoiner arrays = new StringJoiner(", ", "unnest(", ")");
    StringJoiner names = new StringJoiner(", ", alias + "(", ")");
    for (Column<T> c : columns) {
      arrays.add("?::" + c.type() + "[]");
      names.add(c.name());
    }
    return arrays + " AS " + names;
  }

  /**
   * Binds the rows' columns at the FROM item's parameters, which start at {@code index}.
   *
   * @return the index of the parameter after them
   */
  public int bind(PreparedStatement s, int index, List<T> rows) throws SQLException {
    Connection c = s.getConnection();
    int i = index;
    for (Column<T> column : columns) {
      Object[] values = new Object[rows.size()];
      for (int k = 0; k < values.length; k++) {
        values[k] = column.value().apply(rows.get(k));
      }
      String elementType = column.type().equals("timestamptz") ? "text" : column.type();
      s.setArray(i++, c.createArrayOf(elementType, values));
    }
    return i;
  }
}
