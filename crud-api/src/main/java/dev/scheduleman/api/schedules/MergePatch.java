package dev.scheduleman.api.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * JSON merge patch (RFC 7386): objects merge member by member, {@code null} removes a member, any
 * other value replaces it. One refinement: a {@code schedule} in the patch that names a kind
 * ({@code cron}, {@code at}, {@code delay}, {@code every}) replaces the whole spec, so {@code
 * {"schedule": {"every": "5m"}}} turns a cron schedule into an interval one instead of producing a
 * schedule with two kinds; a {@code schedule} without a kind ({@code {"timezone": "…"}}) merges.
 */
final class MergePatch {

  private static final Set<String> SPEC_KINDS = Set.of("cron", "at", "delay", "every");

  private MergePatch() {}

  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    patch
        .fields()
        .forEachRemaining(
            field -> {
              String name = field.getKey();
              JsonNode value = field.getValue();
              if (value.isNull()) {
                result.remove(name);
              } else if (name.equals("schedule") && namesAKind(value)) {
                result.set(name, apply(null, value));
              } else {
                result.set(name, apply(result.get(name), value));
              }
            });
    return result;
  }

  private static boolean namesAKind(JsonNode spec) {
    if (!spec.isObject()) {
      return false;
    }
    for (String kind : SPEC_KINDS) {
      if (spec.has(kind)) {
        return true;
      }
    }
    return false;
  }
}
