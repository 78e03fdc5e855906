package dev.scheduleman.api;

import static dev.scheduleman.api.Api.ADMIN_KEY;
import static dev.scheduleman.api.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;

/**
 * Generated malformed requests at every write endpoint: valid requests taken apart by random
 * mutations (a field removed, a value of the wrong type, out of range, huge, with control
 * characters or lone surrogates, unknown fields, truncated or non-JSON bodies, deep nesting, odd
 * path segments and content types). The values come from jqwik's generators with a fixed seed, so a
 * failure is reproduced by running the test again. Whatever a request is, the answer is never a
 * 5xx, a refusal is a problem document, and a refused request changes nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class MalformedRequestsTest {

  private static final long SEED = 20261207L;
  private static final int PER_ENDPOINT = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A write endpoint: how to call it with a body and a path segment, and a valid body. */
  private record Endpoint(String method, String pathPattern, String validSegment, String body) {
    String path(String segment) {
      return pathPattern.replace("{}", segment);
    }
  }

  @Test
  void noMalformedRequestAtAnyWriteEndpointGetsA5xxOrWritesAnything() throws Exception {
    String key = Api.newTenant();
    String existing = Api.create(key, Api.cronSchedule("fuzz-existing"));
    UUID tenant = Api.tenantOf(existing);
    as(key)
        .body("{\"bodySchema\": {\"type\": \"object\", \"required\": [\"a\"]}}")
        .put("/api/v1/task-types/fuzz-type")
        .then()
        .statusCode(201);
    String schedule =
        """
        {"name": "fuzz", "description": "d", "labels": {"team": "a"},
         "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin",
                      "excludeDates": ["2027-01-01"], "misfire": {"policy": "fire_once"}},
         "target": {"url": "https://example.com/hook", "method": "POST",
                    "headers": {"X-A": "b"}, "body": "{\\"a\\": 1}", "timeout": "5s",
                    "flowKey": "partner"},
         "retry": {"maxAttempts": 3, "minBackoff": "1s", "maxBackoff": "1m",
                   "onExhausted": "dead"},
         "priority": 5}
        """;
    List<Endpoint> endpoints =
        List.of(
            new Endpoint("POST", "/api/v1/schedules", "", schedule),
            new Endpoint("POST", "/api/v1/schedules/batch", "", "{\"items\": [" + schedule + "]}"),
            new Endpoint("PUT", "/api/v1/schedules/{}", existing, schedule),
            new Endpoint(
                "PATCH",
                "/api/v1/schedules/{}",
                existing,
                "{\"description\": \"x\", \"schedule\": {\"timezone\": \"Asia/Tokyo\"}}"),
            new Endpoint("PUT", "/api/v1/schedules/by-name/{}", "fuzz-named", schedule),
            new Endpoint(
                "POST",
                "/api/v1/schedules/preview",
                "",
                "{\"schedule\": {\"every\": \"1h\", \"startAt\": \"2027-01-01T00:00:00Z\"},"
                    + " \"count\": 5}"),
            new Endpoint(
                "PUT",
                "/api/v1/flow-limits/{}",
                "partner",
                "{\"ratePerSecond\": 5, \"burst\": 10, \"maxConcurrency\": 2}"),
            new Endpoint(
                "PUT",
                "/api/v1/task-types/{}",
                "fuzz-other",
                "{\"description\": \"d\", \"bodySchema\": {\"type\": \"object\","
                    + " \"properties\": {\"a\": {\"type\": \"string\", \"maxLength\": 3}}}}"),
            new Endpoint(
                "POST",
                "/api/v1/api-keys",
                "",
                "{\"name\": \"k\", \"scopes\": [\"schedules:read\"],"
                    + " \"expiresAt\": \"2030-01-01T00:00:00Z\"}"),
            new Endpoint("POST", "/api/v1/signing-secret/rotate", "", "{\"overlap\": \"1h\"}"),
            new Endpoint("POST", "/api/v1/tenants", "", "{\"name\": \"fuzz-tenant\"}"),
            // Last, and generous: quotas it sets must not hold the other endpoints back.
            new Endpoint(
                "PATCH",
                "/api/v1/tenants/{}",
                tenant.toString(),
                "{\"quotas\": {\"maxSchedules\": 100000, \"maxFiresPerMinute\": 1000000,"
                    + " \"apiRequestsPerSecond\": null}}"));

    // jqwik's generators run in a session of its own, seeded: the same requests every run.
    JqwikSession.start(Long.toString(SEED));
    try {
      run(key, tenant, endpoints, JqwikSession.getRandom().orElseThrow());
    } finally {
      JqwikSession.finish();
    }
  }

  private void run(String key, UUID tenant, List<Endpoint> endpoints, Random random)
      throws Exception {
    Random plain = random;
    Map<String, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> refusedPerEndpoint = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (Endpoint endpoint : endpoints) {
      String caller = endpoint.pathPattern().startsWith("/api/v1/tenants") ? ADMIN_KEY : key;
      for (int i = 0; i < PER_ENDPOINT; i++) {
        Mutated request = mutate(endpoint, random, plain);
        Map<String, Object> before = stored(tenant);
        Response answer =
            as(caller)
                .contentType(request.contentType())
                .body(request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .request(endpoint.method(), endpoint.path(request.segment()));
        sent++;
        int status = answer.statusCode();
        byStatus.merge(Integer.toString(status), 1, Integer::sum);
        String what =
            endpoint.method()
                + " "
                + endpoint.path(request.segment())
                + " ("
                + request.how()
                + ") → "
                + status;
        if (status >= 500) {
          failures.add(what + ": " + abbreviated(answer.asString()));
        } else if (status >= 400) {
          refusedPerEndpoint.merge(
              endpoint.method() + " " + endpoint.pathPattern(), 1, Integer::sum);
          if (!answer.contentType().startsWith("application/problem+json")) {
            failures.add(what + " not a problem document: " + answer.contentType());
          }
          Map<String, Object> after = stored(tenant);
          if (!after.equals(before)) {
            failures.add(what + " changed what is stored: " + before + " → " + after);
          }
        }
      }
    }
    System.out.printf(
        "malformed requests: %d sent at %d endpoints, by status %s; refused per endpoint %s%n",
        sent, endpoints.size(), byStatus, refusedPerEndpoint);
    assertThat(failures).isEmpty();
    assertThat(sent).isGreaterThanOrEqualTo(2000);
    assertThat(byStatus.keySet()).noneMatch(s -> s.startsWith("5"));
    // The mutations are not all harmless: most requests must have been refused.
    int refused = refusedPerEndpoint.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(refused).isGreaterThan(sent / 2);
  }

  /** Everything a request of this tenant (or the admin) could write, to compare before/after. */
  private static Map<String, Object> stored(UUID tenant) throws Exception {
    Map<String, Object> state = new LinkedHashMap<>();
    try (Connection c = TestDatabase.shared().dataSource().getConnection()) {
      state.put(
          "schedules",
          one(
              c,
              "SELECT md5(string_agg(s::text, '' ORDER BY id)) FROM schedule s WHERE tenant_id = ?",
              tenant));
      state.put(
          "task types",
          one(
              c,
              "SELECT md5(string_agg(t::text, '' ORDER BY name)) FROM task_type t WHERE tenant_id = ?",
              tenant));
      state.put(
          "flow limits",
          one(
              c,
              "SELECT md5(string_agg(f::text, '' ORDER BY flow_key)) FROM flow_limit f WHERE tenant_id = ?",
              tenant));
      state.put("keys", one(c, "SELECT count(*)::text FROM api_key WHERE tenant_id = ?", tenant));
      state.put(
          "audit events",
          one(c, "SELECT count(*)::text FROM audit_event WHERE tenant_id = ?", tenant));
      state.put(
          "secret",
          one(
              c,
              "SELECT md5(signing_secret || retired_signing_secrets::text) FROM tenant WHERE id = ?",
              tenant));
      state.put(
          "quotas",
          one(
              c,
              "SELECT concat_ws(',', max_schedules, max_fires_per_minute, api_requests_per_second)"
                  + " FROM tenant WHERE id = ?",
              tenant));
      state.put("tenants", one(c, "SELECT count(*)::text FROM tenant WHERE id <> ?", tenant));
    }
    return state;
  }

  private static String one(Connection c, String sql, UUID tenant) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, tenant);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  private static String abbreviated(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  // ---------------------------------------------------------------------------------------------
  // Mutations

  private record Mutated(String segment, String contentType, String body, String how) {}

  /** Values that are wrong somewhere: wrong types, extremes, control characters, odd text. */
  private static final Arbitrary<JsonNode> ODD_VALUE =
      Arbitraries.oneOf(
          Arbitraries.just(NODES.nullNode()),
          Arbitraries.of(true, false).map(NODES::booleanNode),
          Arbitraries.integers().map(NODES::numberNode),
          Arbitraries.longs().map(NODES::numberNode),
          Arbitraries.doubles().map(NODES::numberNode),
          Arbitraries.of("1e309", "-0", "NaN", "Infinity", "0x10", "9999999999999999999999")
              .map(NODES::textNode),
          Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40).map(NODES::textNode),
          Arbitraries.strings()
              .withCharRange('\u0000', '\u001f')
              .ofMinLength(1)
              .ofMaxLength(5)
              .map(s -> NODES.textNode("a" + s + "b")),
          Arbitraries.of("\ud800", "\udfff", "\u202e", "\ufeff", "💥", "\u0000")
              .map(NODES::textNode),
          Arbitraries.integers()
              .between(1_000, 300_000)
              .withDistribution(RandomDistribution.uniform())
              .map(n -> NODES.textNode("x".repeat(n))),
          Arbitraries.of(
                  "0 3 * * * * *",
                  "61 * * * *",
                  "Europe/Nowhere",
                  "2027-02-30T00:00:00Z",
                  "-1s",
                  "1000000d",
                  "http://127.0.0.1/x",
                  "ftp://example.com",
                  "https://[::1]/",
                  "https://user:pw@example.com/",
                  "schedules:admin",
                  "host:",
                  "../..")
              .map(NODES::textNode),
          Arbitraries.create(NODES::arrayNode),
          Arbitraries.create(NODES::objectNode),
          Arbitraries.integers().between(1, 200).map(MalformedRequestsTest::nested));

  private static final Arbitrary<String> ODD_SEGMENT =
      Arbitraries.oneOf(
          Arbitraries.of(
              "not-a-uuid",
              "%00",
              "%2e%2e",
              "a%2Fb",
              "%ff",
              "%E2%80%AE",
              "x".repeat(300),
              "UPPER",
              "-",
              "a..b",
              UUID.randomUUID().toString()),
          Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20));

  private static JsonNode nested(int depth) {
    ArrayNode root = NODES.arrayNode();
    ArrayNode at = root;
    for (int i = 1; i < depth; i++) {
      ArrayNode next = NODES.arrayNode();
      at.add(next);
      at = next;
    }
    return root;
  }

  private static Mutated mutate(Endpoint endpoint, Random random, Random plain) throws Exception {
    String segment = endpoint.validSegment();
    String contentType =
        endpoint.method().equals("PATCH") ? "application/merge-patch+json" : "application/json";
    int kind = plain.nextInt(100);
    if (kind < 8) {
      segment = sample(ODD_SEGMENT, random);
      return new Mutated(
          endpoint.pathPattern().contains("{}") ? segment : endpoint.validSegment(),
          contentType,
          endpoint.body(),
          "path segment '" + abbreviated(segment) + "'");
    }
    if (kind < 12) {
      String type =
          List.of("text/plain", "application/xml", "application/octet-stream", "*/*")
              .get(plain.nextInt(4));
      return new Mutated(segment, type, endpoint.body(), "content type " + type);
    }
    if (kind < 20) {
      String body = endpoint.body();
      int cut = plain.nextInt(body.length());
      String raw =
          switch (plain.nextInt(6)) {
            case 0 -> body.substring(0, cut);
            case 1 -> "";
            case 2 -> "not json at all";
            case 3 -> body + "}";
            case 4 -> "{\"a\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
            default -> "[" + body + "]";
          };
      return new Mutated(segment, contentType, raw, "raw body '" + abbreviated(raw) + "'");
    }
    ObjectNode tree = (ObjectNode) JSON.readTree(endpoint.body());
    List<String> changes = new ArrayList<>();
    int count = 1 + plain.nextInt(3);
    for (int i = 0; i < count; i++) {
      changes.add(mutateOnce(tree, random, plain));
    }
    return new Mutated(
        segment, contentType, JSON.writeValueAsString(tree), String.join("; ", changes));
  }

  /** One change somewhere in the tree: remove, replace or add a member, or an array item. */
  private static String mutateOnce(ObjectNode root, Random random, Random plain) {
    List<Map.Entry<String, JsonNode>> containers = new ArrayList<>();
    collect("", root, containers);
    Map.Entry<String, JsonNode> chosen = containers.get(plain.nextInt(containers.size()));
    JsonNode container = chosen.getValue();
    JsonNode value = sample(ODD_VALUE, random).deepCopy();
    String shown = abbreviated(value.toString());
    if (container instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      int op = plain.nextInt(4);
      if (op == 0 && !names.isEmpty()) {
        String name = names.get(plain.nextInt(names.size()));
        object.remove(name);
        return "removed " + chosen.getKey() + "." + name;
      }
      if (op == 1) {
        String unknown = sample(Arbitraries.strings().all().ofMinLength(0).ofMaxLength(12), random);
        object.set(unknown, value);
        return "added " + chosen.getKey() + ".'" + abbreviated(unknown) + "' = " + shown;
      }
      if (names.isEmpty()) {
        object.set("x", value);
        return "added " + chosen.getKey() + ".x = " + shown;
      }
      String name = names.get(plain.nextInt(names.size()));
      object.set(name, value);
      return chosen.getKey() + "." + name + " = " + shown;
    }
    ArrayNode array = (ArrayNode) container;
    if (array.isEmpty() || plain.nextBoolean()) {
      array.add(value);
      return "appended to " + chosen.getKey() + ": " + shown;
    }
    int index = plain.nextInt(array.size());
    array.set(index, value);
    return chosen.getKey() + "[" + index + "] = " + shown;
  }

  private static void collect(
      String path, JsonNode node, List<Map.Entry<String, JsonNode>> containers) {
    if (!node.isContainerNode()) {
      return;
    }
    containers.add(Map.entry(path.isEmpty() ? "$" : path, node));
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        collect(path + "." + f.getKey(), f.getValue(), containers);
      }
    } else {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), containers);
      }
    }
  }

  private static <T> T sample(Arbitrary<T> arbitrary, Random random) {
    return arbitrary.generator(1000).next(random).value();
  }
}
