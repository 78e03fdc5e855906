package dev.scheduleman.api;

import static dev.scheduleman.api.Api.ADMIN_KEY;
import static dev.scheduleman.api.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AccessTest {

  @Test
  void apiKeyIsShownOnceStoredHashedListedByPrefixAndStopsWorkingWhenRevoked() {
    String tenantKey = Api.newTenant();
    var created =
        as(tenantKey)
            .body("{\"name\": \"deploy bot\"}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .body("key", startsWith("sk_"))
            .extract();
    String key = created.path("key");
    String id = created.path("id");
    String prefix = created.path("prefix");

    as(key).get("/api/v1/schedules").then().statusCode(200);
    as(tenantKey)
        .get("/api/v1/api-keys")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("items.key", hasItem(nullValue()))
        .body("items.prefix", hasItem(prefix));
    Map<String, Object> stored = storedKey(id);
    assertThat(stored.get("key_hash").toString()).doesNotContain(key);

    as(tenantKey).delete("/api/v1/api-keys/" + id).then().statusCode(204);
    as(key)
        .get("/api/v1/schedules")
        .then()
        .statusCode(401)
        .body("detail", equalTo("the API key has been revoked"));
  }

  @Test
  void anApiKeyNameWithAControlCharacterIsRefusedAndNoKeyIsMade() {
    String tenantKey = Api.newTenant();
    as(tenantKey)
        .body("{\"name\": \"bot\\u0000\"}")
        .post("/api/v1/api-keys")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("name"));
    as(tenantKey).get("/api/v1/api-keys").then().body("items", hasSize(1));
  }

  @Test
  void signingSecretRotationKeepsThePreviousSecretForTheGracePeriod() {
    String key = Api.newTenant();
    String before =
        as(key)
            .get("/api/v1/signing-secret")
            .then()
            .statusCode(200)
            .body("secret", startsWith("whsec_"))
            .body("previousSecret", nullValue())
            .body("active", hasSize(1))
            .extract()
            .path("secret");
    as(key)
        .post("/api/v1/signing-secret/rotate")
        .then()
        .statusCode(200)
        .body("previousSecret", equalTo(before))
        .body("previousExpiresAt", notNullValue())
        .body("secret", org.hamcrest.Matchers.not(equalTo(before)));
  }

  @Test
  void aSecondRotationWithinTheGraceKeepsEverySecretRotatedOutSigningUntilItsOwnExpiry() {
    String key = Api.newTenant();
    String first = as(key).get("/api/v1/signing-secret").then().extract().path("secret");
    String second = as(key).post("/api/v1/signing-secret/rotate").then().extract().path("secret");
    String third =
        as(key)
            .body("{\"overlap\": \"48h\"}")
            .post("/api/v1/signing-secret/rotate")
            .then()
            .statusCode(200)
            .extract()
            .path("secret");
    var active =
        as(key)
            .get("/api/v1/signing-secret")
            .then()
            .statusCode(200)
            .body("secret", equalTo(third))
            .body("previousSecret", equalTo(second))
            .body("active.secret", equalTo(List.of(third, second, first)))
            .body("active[0].expiresAt", nullValue())
            .extract()
            .<List<Map<String, String>>>path("active");
    java.time.Instant secondEnds = java.time.Instant.parse(active.get(1).get("expiresAt"));
    java.time.Instant firstEnds = java.time.Instant.parse(active.get(2).get("expiresAt"));
    assertThat(java.time.Duration.between(firstEnds, secondEnds))
        .as("48 h for the second, 24 h for the first")
        .isBetween(java.time.Duration.ofHours(23), java.time.Duration.ofHours(25));

    // A leaked secret is ended at once: overlap 0s keeps it from signing beside the new one.
    String fourth =
        as(key)
            .body("{\"overlap\": \"0s\"}")
            .post("/api/v1/signing-secret/rotate")
            .then()
            .statusCode(200)
            .extract()
            .path("secret");
    as(key)
        .get("/api/v1/signing-secret")
        .then()
        .body("active.secret", equalTo(List.of(fourth, second, first)));

    for (String bad : List.of("-1s", "31d", "soon")) {
      as(key)
          .body("{\"overlap\": \"" + bad + "\"}")
          .post("/api/v1/signing-secret/rotate")
          .then()
          .statusCode(422)
          .contentType("application/problem+json")
          .body("errors.field", equalTo(List.of("overlap")));
    }
    as(key).get("/api/v1/signing-secret").then().body("secret", equalTo(fourth));

    // At most 10 rotated secrets sign at once (each webhook carries a signature per secret).
    for (int i = 2; i < 10; i++) {
      as(key).post("/api/v1/signing-secret/rotate").then().statusCode(200);
    }
    as(key).get("/api/v1/signing-secret").then().body("active", hasSize(11));
    as(key)
        .post("/api/v1/signing-secret/rotate")
        .then()
        .statusCode(409)
        .body("detail", containsString("10 rotated secrets still sign"));
    as(key)
        .body("{\"overlap\": \"0s\"}")
        .post("/api/v1/signing-secret/rotate")
        .then()
        .statusCode(200)
        .body("active", hasSize(11));
  }

  @Test
  void onlyTheAdminKeyManagesTenants() {
    String key = Api.newTenant();
    as(key).get("/api/v1/tenants").then().statusCode(403).contentType("application/problem+json");
    as(key).body("{\"name\": \"sneaky\"}").post("/api/v1/tenants").then().statusCode(403);
    as(ADMIN_KEY)
        .get("/api/v1/tenants")
        .then()
        .statusCode(200)
        .body("items.name", hasItem("default"));
    as(ADMIN_KEY).body("{\"name\": \"default\"}").post("/api/v1/tenants").then().statusCode(409);
    as(ADMIN_KEY).body("{\"name\": \"Bad Name\"}").post("/api/v1/tenants").then().statusCode(422);
  }

  @Test
  void healthAndOpenApiNeedNoKeyAndTheDocumentListsEveryEndpoint() {
    given().get("/q/health/ready").then().statusCode(200);
    Map<String, Object> paths =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .path("paths");
    assertThat(paths.keySet())
        .containsAll(
            List.of(
                "/api/v1/schedules",
                "/api/v1/schedules/batch",
                "/api/v1/schedules/preview",
                "/api/v1/schedules/by-name/{name}",
                "/api/v1/schedules/{id}",
                "/api/v1/schedules/{id}/pause",
                "/api/v1/schedules/{id}/resume",
                "/api/v1/schedules/{id}/trigger",
                "/api/v1/schedules/{id}/rearm",
                "/api/v1/schedules/{id}/next",
                "/api/v1/schedules/{id}/executions",
                "/api/v1/dead-letters",
                "/api/v1/stats",
                "/api/v1/api-keys",
                "/api/v1/api-keys/{id}",
                "/api/v1/signing-secret",
                "/api/v1/signing-secret/rotate",
                "/api/v1/task-types",
                "/api/v1/task-types/{name}",
                "/api/v1/tenants"));
    assertThat(paths.keySet()).allMatch(p -> p.startsWith("/api/v1/"));
  }

  private static Map<String, Object> storedKey(String id) {
    try (var c = TestDatabase.shared().dataSource().getConnection();
        var s =
            c.prepareStatement(
                "SELECT prefix, encode(key_hash, 'hex') AS key_hash"
                    + " FROM api_key WHERE id = ?::uuid")) {
      s.setString(1, id);
      try (var r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        return Map.of("prefix", r.getString(1), "key_hash", r.getString(2));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
