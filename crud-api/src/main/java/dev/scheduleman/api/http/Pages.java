package dev.scheduleman.api.http;

import dev.scheduleman.sdk.api.Page;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset pages: a list asks its repository for one row more than the page holds; that extra row
 * only tells whether there is a next page, whose cursor is the position of the page's last row.
 */
public final class Pages {

  private Pages() {}

  /**
   * @param rows up to {@code size + 1} rows, in list order
   * @param cursorOf the cursor that continues after a row
   */
  public static <R, D> Page<D> of(
      List<R> rows, int size, Function<R, D> toDto, Function<R, String> cursorOf) {
    boolean more = rows.size() > size;
    List<R> page = more ? rows.subList(0, size) : rows;
    return new Page<>(
        page.stream().map(toDto).toList(), more ? cursorOf.apply(page.get(size - 1)) : null);
  }
}
