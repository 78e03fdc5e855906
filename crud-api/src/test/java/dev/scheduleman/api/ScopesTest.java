package dev.scheduleman.api;

import static dev.scheduleman.api.Api.ADMIN_KEY;
import static dev.scheduleman.api.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.scheduleman.api.auth.Requires;
import dev.scheduleman.sdk.api.Scope;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scoped API keys: every endpoint needs one scope, a key without it gets a 403 that names it, a key
 * mints and revokes only keys no stronger than itself, and a key can expire.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ScopesTest {

  private static final String ID = UUID.randomUUID().toString();

  /** One call per endpoint, and the scope it needs. */
  record Call(String method, String path, String contentType, String body, Scope scope) {
    @Override
    public String toString() {
      return method + " " + path + " needs " + scope;
    }
  }

  static Stream<Call> calls() {
    String json = "application/json";
    String schedule = Api.cronSchedule("scoped");
    return Stream.of(
        new Call("GET", "/api/v1/schedules", json, null, Scope.SCHEDULES_READ),
        new Call("POST", "/api/v1/schedules", json, schedule, Scope.SCHEDULES_WRITE),
        new Call(
            "POST",
            "/api/v1/schedules/batch",
            json,
            "{\"items\": [" + schedule + "]}",
            Scope.SCHEDULES_WRITE),
        new Call("GET", "/api/v1/schedules/" + ID, json, null, Scope.SCHEDULES_READ),
        new Call("PUT", "/api/v1/schedules/" + ID, json, schedule, Scope.SCHEDULES_WRITE),
        new Call(
            "PATCH",
            "/api/v1/schedules/" + ID,
            "application/merge-patch+json",
            "{\"description\": \"x\"}",
            Scope.SCHEDULES_WRITE),
        new Call("DELETE", "/api/v1/schedules/" + ID, json, null, Scope.SCHEDULES_WRITE),
        new Call("GET", "/api/v1/schedules/by-name/scoped", json, null, Scope.SCHEDULES_READ),
        new Call("PUT", "/api/v1/schedules/by-name/scoped", json, schedule, Scope.SCHEDULES_WRITE),
        new Call("DELETE", "/api/v1/schedules/by-name/scoped", json, null, Scope.SCHEDULES_WRITE),
        new Call("POST", "/api/v1/schedules/" + ID + "/pause", json, null, Scope.SCHEDULES_WRITE),
        new Call("POST", "/api/v1/schedules/" + ID + "/resume", json, null, Scope.SCHEDULES_WRITE),
        new Call("POST", "/api/v1/schedules/" + ID + "/trigger", json, null, Scope.SCHEDULES_WRITE),
        new Call("POST", "/api/v1/schedules/" + ID + "/rearm", json, null, Scope.SCHEDULES_WRITE),
        new Call("GET", "/api/v1/schedules/" + ID + "/next", json, null, Scope.SCHEDULES_READ),
        new Call(
            "POST",
            "/api/v1/schedules/preview",
            json,
            "{\"schedule\": {\"cron\": \"0 3 * * *\"}}",
            Scope.SCHEDULES_READ),
        new Call("GET", "/api/v1/schedules/" + ID + "/executions", json, null, Scope.HISTORY_READ),
        new Call("GET", "/api/v1/dead-letters", json, null, Scope.HISTORY_READ),
        new Call("GET", "/api/v1/stats", json, null, Scope.HISTORY_READ),
        new Call("GET", "/api/v1/quotas", json, null, Scope.SCHEDULES_READ),
        new Call("GET", "/api/v1/audit", json, null, Scope.AUDIT_READ),
        new Call("GET", "/api/v1/api-keys", json, null, Scope.KEYS_MANAGE),
        new Call("POST", "/api/v1/api-keys", json, "{\"name\": \"k\"}", Scope.KEYS_MANAGE),
        new Call("DELETE", "/api/v1/api-keys/" + ID, json, null, Scope.KEYS_MANAGE),
        new Call("GET", "/api/v1/signing-secret", json, null, Scope.SECRETS_READ),
        new Call("POST", "/api/v1/signing-secret/rotate", json, null, Scope.SECRETS_ROTATE),
        new Call("GET", "/api/v1/flow-limits", json, null, Scope.SCHEDULES_READ),
        new Call("GET", "/api/v1/flow-limits/k", json, null, Scope.SCHEDULES_READ),
        new Call(
            "PUT", "/api/v1/flow-limits/k", json, "{\"maxConcurrency\": 1}", Scope.LIMITS_MANAGE),
        new Call("DELETE", "/api/v1/flow-limits/k", json, null, Scope.LIMITS_MANAGE),
        new Call("GET", "/api/v1/task-types", json, null, Scope.SCHEDULES_READ),
        new Call("GET", "/api/v1/task-types/t", json, null, Scope.SCHEDULES_READ),
        new Call(
            "PUT",
            "/api/v1/task-types/t",
            json,
            "{\"bodySchema\": {\"type\": \"object\"}}",
            Scope.SCHEDULES_WRITE),
        new Call("DELETE", "/api/v1/task-types/t", json, null, Scope.SCHEDULES_WRITE));
  }

  private static Response call(String key, Call call) {
    var request = as(key).contentType(call.contentType());
    if (call.body() != null) {
      request = request.body(call.body());
    }
    return request.request(call.method(), call.path());
  }

  /** A key of the tenant of {@code ownerKey} with exactly these scopes. */
  private static String keyWith(String ownerKey, Set<Scope> scopes) {
    String list =
        scopes.stream().map(s -> "\"" + s.wire() + "\"").collect(Collectors.joining(", "));
    return as(ownerKey)
        .body("{\"name\": \"scoped\", \"scopes\": [" + list + "]}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }

  private static Set<Scope> allBut(Scope scope) {
    Set<Scope> scopes = EnumSet.allOf(Scope.class);
    scopes.remove(scope);
    return scopes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void aKeyWithoutTheScopeIsRefusedWithA403ThatNamesItAndAKeyWithItIsNot(Call call) {
    String owner = Api.newTenant();
    String without = keyWith(owner, allBut(call.scope()));
    Response refused = call(without, call);
    refused
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("'" + call.scope().wire() + "'"))
        .body("errors[0].field", equalTo("scope"));
    String with = keyWith(owner, EnumSet.of(call.scope()));
    assertThat(call(with, call).statusCode()).as(call.toString()).isNotIn(401, 403);
  }

  @Test
  void everyEndpointOfTheApiSaysWhatItNeedsAndTheTableAboveCoversEachOne() {
    List<Class<?>> resources =
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.scheduleman.api")
                .stream()
                .filter(c -> c.isAnnotatedWith(Path.class))
                .map(JavaClass::reflect)
                .filter(c -> c.getAnnotation(Path.class).value().startsWith("/api/"))
                .collect(Collectors.toList());
    assertThat(resources).hasSizeGreaterThanOrEqualTo(11);
    List<String> unclassified = new ArrayList<>();
    int scoped = 0;
    for (Class<?> type : resources) {
      for (Method method : type.getDeclaredMethods()) {
        boolean endpoint =
            Stream.of(GET.class, POST.class, PUT.class, PATCH.class, DELETE.class)
                .anyMatch(method::isAnnotationPresent);
        if (!endpoint) {
          continue;
        }
        if (method.isAnnotationPresent(Requires.class)) {
          scoped++;
        } else if (!method.isAnnotationPresent(Requires.AnyKey.class)
            && !method.isAnnotationPresent(Requires.AdminOnly.class)) {
          unclassified.add(type.getSimpleName() + "." + method.getName());
        }
      }
    }
    assertThat(unclassified).as("endpoints that say nothing of what they need").isEmpty();
    assertThat(calls().count()).as("one call above for each scoped endpoint").isEqualTo(scoped);
  }

  @Test
  void aLeakedReadOnlyKeyCannotMintKeysRevokeOthersOrTouchTheSigningSecret() {
    String owner = Api.newTenant();
    String leaked = keyWith(owner, EnumSet.of(Scope.SCHEDULES_READ, Scope.HISTORY_READ));
    String ownerId = as(owner).get("/api/v1/api-keys/current").then().extract().path("id");
    as(leaked).body("{\"name\": \"mine\"}").post("/api/v1/api-keys").then().statusCode(403);
    as(leaked).delete("/api/v1/api-keys/" + ownerId).then().statusCode(403);
    as(leaked).get("/api/v1/signing-secret").then().statusCode(403);
    as(leaked).post("/api/v1/signing-secret/rotate").then().statusCode(403);
    as(owner).get("/api/v1/api-keys").then().statusCode(200).body("items", hasSize(2));
  }

  @Test
  void aKeyMintsOnlyKeysWithScopesItHasAndRevokesOnlyKeysNoStrongerThanItself() {
    String owner = Api.newTenant();
    String manager = keyWith(owner, EnumSet.of(Scope.KEYS_MANAGE, Scope.SCHEDULES_READ));
    as(manager)
        .body("{\"name\": \"stronger\", \"scopes\": [\"schedules:read\", \"secrets:read\"]}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(403)
        .body("detail", containsString("'secrets:read'"))
        .body("errors[0].field", equalTo("scope"));
    // Without scopes, a new key gets the creator's own, never more.
    as(manager)
        .body("{\"name\": \"same\"}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(201)
        .body("scopes", equalTo(List.of("schedules:read", "keys:manage")));
    String ownerId = as(owner).get("/api/v1/api-keys/current").then().extract().path("id");
    as(manager)
        .delete("/api/v1/api-keys/" + ownerId)
        .then()
        .statusCode(403)
        .body("detail", containsString("lacks the scope"));
    as(owner).get("/api/v1/schedules").then().statusCode(200);
    as(owner).get("/api/v1/api-keys").then().body("items", hasSize(3));
  }

  @Test
  void unknownOrEmptyScopesAndAPastExpiryAre422AndNoKeyIsMade() {
    String owner = Api.newTenant();
    as(owner)
        .body("{\"name\": \"k\", \"scopes\": [\"schedules:read\", \"schedules:admin\"]}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", equalTo(List.of("scopes[1]")))
        .body("errors[0].message", containsString("schedules:write"));
    as(owner)
        .body("{\"name\": \"k\", \"scopes\": []}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("scopes"));
    as(owner)
        .body("{\"name\": \"k\", \"expiresAt\": \"" + Instant.now().minusSeconds(1) + "\"}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("expiresAt"));
    as(owner).get("/api/v1/api-keys").then().body("items", hasSize(1));
  }

  @Test
  void anExpiringKeyWorksUntilItsExpiryAndIsRefusedAfter() {
    String owner = Api.newTenant();
    Instant soon = Instant.now().plusSeconds(2);
    String key =
        as(owner)
            .body("{\"name\": \"short\", \"expiresAt\": \"" + soon + "\"}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .body("expiresAt", not(equalTo(null)))
            .extract()
            .path("key");
    as(key).get("/api/v1/schedules").then().statusCode(200);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                as(key)
                    .get("/api/v1/schedules")
                    .then()
                    .statusCode(401)
                    .body("detail", containsString("expired")));
  }

  @Test
  void currentShowsAnyKeyItsOwnScopesAndTheAdminKeyHasThemAll() {
    String owner = Api.newTenant();
    String reader = keyWith(owner, EnumSet.of(Scope.SCHEDULES_READ));
    as(reader)
        .get("/api/v1/api-keys/current")
        .then()
        .statusCode(200)
        .body("scopes", equalTo(List.of("schedules:read")))
        .body("name", equalTo("scoped"));
    as(ADMIN_KEY)
        .get("/api/v1/api-keys/current")
        .then()
        .statusCode(200)
        .body("scopes", equalTo(Scope.names()));
    as(owner).get("/api/v1/api-keys/current").then().body("scopes", equalTo(Scope.names()));
  }

  @Test
  void onlyTheAdminKeyManagesTenantsWhateverAKeysScopes() {
    String owner = Api.newTenant();
    as(owner)
        .body("{\"name\": \"other\"}")
        .post("/api/v1/tenants")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    as(owner).get("/api/v1/tenants").then().statusCode(403);
  }
}
