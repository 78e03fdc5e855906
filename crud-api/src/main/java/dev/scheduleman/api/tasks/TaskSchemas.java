package dev.scheduleman.api.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.scheduleman.sdk.api.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Task types' JSON Schemas: checking a declared schema, and checking a body against one, with
 * problems that point into what was checked ({@code target.body.email}).
 *
 * <p>Schemas come from tenants, so they never reach beyond themselves: a {@code $ref} may point
 * only within its own schema ({@code #...}), {@code $schema} only to a dialect the library ships,
 * and the registry neither fetches nor caches by {@code $id} (one tenant's {@code $id} could
 * otherwise answer another's reference). Compiled schemas are cached by their text, which is safe
 * to share.
 */
@ApplicationScoped
public class TaskSchemas {

  /** The most problems one body reports; the rest are counted. */
  static final int MAX_ERRORS = 20;

  private static final String DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final Set<String> DIALECTS =
      Set.of(
          DEFAULT_DIALECT,
          "https://json-schema.org/draft/2019-09/schema",
          "http://json-schema.org/draft-07/schema",
          "http://json-schema.org/draft-06/schema",
          "http://json-schema.org/draft-04/schema");

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  /** How long one regular expression of a schema may take on one value. */
  static final Duration REGEX_BUDGET = Duration.ofMillis(50);

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  .schemaCacheEnabled(false)
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder()
                          .regularExpressionFactory(new BoundedRegex(REGEX_BUDGET))
                          .build()));
  private final Map<String, Schema> metaSchemas = new ConcurrentHashMap<>();

  /** By the schemas' size: at most about 16 MiB of schema text, and what it compiled to. */
  private final Cache<String, Schema> compiled =
      Caffeine.newBuilder()
          .maximumWeight(16L << 20)
          .weigher((String text, Schema schema) -> text.length())
          .build();

  private final ObjectMapper json;

  public TaskSchemas(ObjectMapper json) {
    this.json = json;
  }

  /** Why a declared schema cannot be used, field by field under {@code bodySchema}. */
  public List<FieldError> problems(JsonNode schema) {
    List<FieldError> errors = new ArrayList<>();
    if (schema.isBoolean()) {
      return errors;
    }
    JsonNode dialect = schema.get("$schema");
    String id = DEFAULT_DIALECT;
    if (dialect != null) {
      id = dialect.asText().replaceAll("#$", "");
      if (!dialect.isTextual() || !DIALECTS.contains(id)) {
        errors.add(
            new FieldError(
                "bodySchema.$schema",
                "must be one of the JSON Schema dialects "
                    + String.join(", ", DIALECTS.stream().sorted().toList())
                    + " (or absent, for 2020-12)"));
        return errors;
      }
    }
    refs(schema, "bodySchema", errors);
    if (!errors.isEmpty()) {
      return errors;
    }
    Schema meta = metaSchemas.computeIfAbsent(id, d -> registry.getSchema(SchemaLocation.of(d)));
    for (Error e : meta.validate(schema)) {
      if (errors.size() == MAX_ERRORS) {
        break;
      }
      errors.add(new FieldError(field("bodySchema", e), e.getMessage()));
    }
    if (errors.isEmpty()) {
      try {
        compile(schema.toString()).validate(json.nullNode());
      } catch (RuntimeException e) {
        // An invalid regular expression among them: the meta-schema does not check patterns.
        errors.add(new FieldError("bodySchema", "cannot be used: " + reason(e)));
      }
    }
    return errors;
  }

  /**
   * Why a body does not satisfy a stored schema, field by field under {@code field} (the body's own
   * path, as in {@code items[2].target.body}).
   */
  public List<FieldError> bodyProblems(String schema, String taskType, String body, String field) {
    JsonNode instance;
    try {
      instance = json.readTree(body);
    } catch (JsonProcessingException e) {
      return List.of(
          new FieldError(
              field,
              "must be JSON, as task type '" + taskType + "' requires: " + e.getOriginalMessage()));
    }
    if (instance == null || instance.isMissingNode()) {
      return List.of(
          new FieldError(field, "must be JSON, as task type '" + taskType + "' requires"));
    }
    List<Error> found;
    try {
      found = compile(schema).validate(instance);
    } catch (BoundedRegex.TooSlow e) {
      return List.of(
          new FieldError(
              field,
              "cannot be checked: a pattern of task type '"
                  + taskType
                  + "' takes too long on this body; simplify the pattern"));
    } catch (RuntimeException e) {
      // Only a schema stored before its checks tightened can get here; the body is not the fault.
      return List.of(
          new FieldError(
              field,
              "cannot be checked: task type '"
                  + taskType
                  + "' has an unusable schema; redeclare it"));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Error e : found) {
      if (errors.size() == MAX_ERRORS) {
        errors.add(new FieldError(field, "and " + (found.size() - MAX_ERRORS) + " more problems"));
        break;
      }
      errors.add(new FieldError(field(field, e), e.getMessage()));
    }
    return errors;
  }

  private static String reason(RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  private Schema compile(String schema) {
    return compiled.get(
        schema,
        text -> {
          try {
            return registry.getSchema(json.readTree(text));
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored schema is not JSON", e);
          }
        });
  }

  /** Keywords whose members are named schemas: their keys are names, not keywords. */
  private static final Set<String> NAMED_SCHEMAS =
      Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

  /** Keywords whose values are data, not schemas. */
  private static final Set<String> DATA = Set.of("enum", "const", "default", "examples");

  /**
   * Every {@code $ref} and {@code $dynamicRef} must stay within the schema, and every pattern must
   * compile (the meta-schema does not check them).
   */
  private static void refs(JsonNode node, String path, List<FieldError> errors) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String key = f.getKey();
        JsonNode value = f.getValue();
        String at = path + segment(key);
        if (DATA.contains(key)) {
          continue;
        }
        if (key.equals("pattern") && value.isTextual()) {
          regex(value.asText(), at, errors);
        }
        if (key.equals("patternProperties") && value.isObject()) {
          value.fieldNames().forEachRemaining(name -> regex(name, at + segment(name), errors));
        }
        if (NAMED_SCHEMAS.contains(key) && value.isObject()) {
          value
              .fields()
              .forEachRemaining(
                  named -> refs(named.getValue(), at + segment(named.getKey()), errors));
        } else if ((key.equals("$ref") || key.equals("$dynamicRef"))
            && !(value.isTextual() && value.asText().startsWith("#"))) {
          errors.add(
              new FieldError(at, "may only point within this schema (#/$defs/...), not elsewhere"));
        } else {
          refs(value, at, errors);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refs(node.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private static void regex(String regex, String at, List<FieldError> errors) {
    try {
      java.util.regex.Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException e) {
      errors.add(
          new FieldError(
              at,
              "is not a regular expression: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex()));
    }
  }

  /** The field an error is about: where in the instance, and the property it names, if any. */
  private static String field(String base, Error e) {
    StringBuilder at = new StringBuilder(base);
    NodePath location = e.getInstanceLocation();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      at.append(element instanceof Integer index ? "[" + index + "]" : segment(element.toString()));
    }
    String keyword = e.getKeyword();
    if (e.getProperty() != null
        && ("required".equals(keyword)
            || "additionalProperties".equals(keyword)
            || "dependentRequired".equals(keyword)
            || "unevaluatedProperties".equals(keyword))) {
      at.append(segment(e.getProperty()));
    }
    return at.toString();
  }

  private static String segment(String name) {
    return PLAIN_NAME.matcher(name).matches() ? "." + name : "['" + name + "']";
  }
}
