package dev.scheduleman.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names of the fields a write changed, for the audit log: the top-level fields of a resource,
 * and the fields inside those named in {@code nested} ({@code schedule.cron}, {@code target.url}),
 * never the values, nor the keys of maps that hold user data (labels, headers).
 */
public final class Changes {

  private Changes() {}

  /** The fields that differ between {@code before} and {@code after} (null before: all set). */
  public static List<String> between(JsonNode before, JsonNode after, Set<String> nested) {
    JsonNode old = before == null ? MissingNode.getInstance() : before;
    Set<String> names = new TreeSet<>();
    fieldNames(old).forEach(names::add);
    fieldNames(after).forEach(names::add);
    List<String> changed = new ArrayList<>();
    for (String name : names) {
      JsonNode a = value(old.path(name));
      JsonNode b = value(after.path(name));
      if (a.equals(b)) {
        continue;
      }
      if (nested.contains(name) && (a.isObject() || b.isObject())) {
        for (String inner : between(a.isObject() ? a : null, b, Set.of())) {
          changed.add(name + "." + inner);
        }
      } else {
        changed.add(name);
      }
    }
    return changed;
  }

  /** Null and absent are the same: not set. */
  private static JsonNode value(JsonNode node) {
    return node.isNull() ? MissingNode.getInstance() : node;
  }

  private static Iterable<String> fieldNames(JsonNode node) {
    return node.isObject() ? node::fieldNames : List.<String>of();
  }
}
