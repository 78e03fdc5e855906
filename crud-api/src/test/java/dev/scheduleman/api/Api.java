package dev.scheduleman.api;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** Calls of the API as a test makes them: as the admin, or as a fresh tenant of its own. */
final class Api {

  static final String ADMIN_KEY = "sk_admin_test-bootstrap-key";
  static final String TARGET = "https://example.com/hooks/report";

  private Api() {}

  static RequestSpecification as(String key) {
    return given().auth().oauth2(key).contentType(ContentType.JSON);
  }

  /** Creates a tenant (through the API, as the admin) and returns its first API key. */
  static String newTenant() {
    return as(ADMIN_KEY)
        .body("{\"name\": \"t-" + UUID.randomUUID().toString().substring(0, 13) + "\"}")
        .post("/api/v1/tenants")
        .then()
        .statusCode(201)
        .extract()
        .path("apiKey");
  }

  /** A tenant a test made, and its first key. */
  record Tenant(String id, String key) {}

  /** Creates a tenant (through the API, as the admin) and returns it with its first key. */
  static Tenant newTenantWithId() {
    io.restassured.response.Response created =
        as(ADMIN_KEY)
            .body("{\"name\": \"t-" + UUID.randomUUID().toString().substring(0, 13) + "\"}")
            .post("/api/v1/tenants");
    created.then().statusCode(201);
    return new Tenant(created.path("tenant.id"), created.path("apiKey"));
  }

  /** A valid schedule as JSON, firing by the given spec (a JSON object). */
  static String schedule(String name, String spec) {
    return """
        {"name": %s, "schedule": %s, "target": {"url": "%s", "body": "{\\"kind\\":\\"test\\"}"}}
        """
        .formatted(name == null ? "null" : "\"" + name + "\"", spec, TARGET);
  }

  static String cronSchedule(String name) {
    return schedule(name, "{\"cron\": \"0 3 * * *\", \"timezone\": \"Europe/Berlin\"}");
  }

  /** Creates a schedule and returns its id. */
  static String create(String key, String body) {
    return as(key).body(body).post("/api/v1/schedules").then().statusCode(201).extract().path("id");
  }

  /** The tenant a schedule belongs to, read from the database (for tests that add history). */
  static UUID tenantOf(String scheduleId) {
    try (var c =
            dev.scheduleman.storage.testing.TestDatabase.shared().dataSource().getConnection();
        var s = c.prepareStatement("SELECT tenant_id FROM schedule WHERE id = ?::uuid")) {
      s.setString(1, scheduleId);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getObject(1, UUID.class);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
