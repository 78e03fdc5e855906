package dev.scheduleman.quarkus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the Scheduleman API that the library's tests relay to, over real HTTP, with an
 * application database of its own on the shared embedded PostgreSQL. It keeps schedules by name and
 * idempotency key as the API does, refuses a schedule named {@code refuse-…} with a field problem,
 * and answers 503 to everything while it is "down". Tests read what it received from {@code GET
 * /_log} and switch it with {@code POST /_down} and {@code POST /_up}: the application under test
 * runs in another class loader, so HTTP is the one channel both sides see.
 */
public class FakeApi implements QuarkusTestResourceLifecycleManager {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, UUID> byName = new ConcurrentHashMap<>();
  private final Map<String, UUID> byKey = new ConcurrentHashMap<>();
  private volatile boolean down;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.start();
    String jdbc = TestDatabase.shared().createEmptyDatabase("library_app");
    return Map.of(
        "scheduleman.url",
        "http://127.0.0.1:" + server.getAddress().getPort(),
        "quarkus.datasource.jdbc.url",
        jdbc,
        "quarkus.datasource.username",
        TestDatabase.USER,
        "quarkus.datasource.password",
        "");
  }

  @Override
  public void stop() {
    server.stop(0);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    byte[] in = exchange.getRequestBody().readAllBytes();
    try (exchange) {
      if (path.equals("/_log")) {
        ArrayNode entries = JSON.createArrayNode();
        log.forEach(entries::add);
        answer(exchange, 200, entries.toString(), null);
        return;
      }
      if (path.equals("/_down") || path.equals("/_up")) {
        down = path.equals("/_down");
        answer(exchange, 204, null, null);
        return;
      }
      if (!("Bearer sk_test_library")
          .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        answer(exchange, 401, problem("no key", null), null);
        return;
      }
      if (down) {
        log.add("503 " + method + " " + path);
        answer(exchange, 503, problem("down for maintenance", null), null);
        return;
      }
      String prefix = "/api/v1/schedules";
      if (method.equals("POST") && path.equals(prefix)) {
        JsonNode schedule = JSON.readTree(in);
        String name = schedule.path("name").asText(null);
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        log.add("POST " + (name == null ? "-" : name) + " key=" + key);
        if (name != null && name.startsWith("refuse-")) {
          answer(exchange, 422, problem("invalid schedule", "schedule.cron"), null);
          return;
        }
        UUID earlier = key == null ? null : byKey.get(key);
        if (earlier != null) {
          answer(exchange, 201, "{\"id\": \"" + earlier + "\"}", "true");
          return;
        }
        if (name != null && byName.containsKey(name)) {
          answer(exchange, 409, problem("a schedule name must be unique", "name"), null);
          return;
        }
        UUID id = UUID.randomUUID();
        if (key != null) {
          byKey.put(key, id);
        }
        if (name != null) {
          byName.put(name, id);
        }
        byName.putIfAbsent("id:" + id, id);
        answer(exchange, 201, "{\"id\": \"" + id + "\"}", null);
      } else if (method.equals("PUT") && path.startsWith(prefix + "/by-name/")) {
        String name = path.substring((prefix + "/by-name/").length());
        log.add("PUT " + name);
        UUID id = byName.computeIfAbsent(name, n -> UUID.randomUUID());
        answer(exchange, 200, "{\"id\": \"" + id + "\"}", null);
      } else if (method.equals("DELETE") && path.startsWith(prefix + "/by-name/")) {
        String name = path.substring((prefix + "/by-name/").length());
        log.add("DELETE name " + name);
        answer(exchange, byName.remove(name) == null ? 404 : 204, null, null);
      } else if (method.equals("DELETE") && path.startsWith(prefix + "/")) {
        String id = path.substring((prefix + "/").length());
        log.add("DELETE id " + id);
        boolean removed = byName.values().removeIf(v -> v.toString().equals(id));
        answer(exchange, removed ? 204 : 404, null, null);
      } else {
        answer(exchange, 404, problem("no such route", null), null);
      }
    }
  }

  private static String problem(String detail, String field) {
    var problem = JSON.createObjectNode().put("status", 0).put("detail", detail);
    if (field != null) {
      problem.putArray("errors").addObject().put("field", field).put("message", "is wrong");
    }
    return problem.toString();
  }

  private static void answer(HttpExchange exchange, int status, String body, String replayed)
      throws IOException {
    if (replayed != null) {
      exchange.getResponseHeaders().add("Idempotent-Replayed", replayed);
    }
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .add("Content-Type", status < 300 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
  }
}
