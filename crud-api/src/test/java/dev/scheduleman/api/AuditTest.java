package dev.scheduleman.api;

import static dev.scheduleman.api.Api.ADMIN_KEY;
import static dev.scheduleman.api.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.scheduleman.api.Api.Tenant;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit log: every write to schedules, keys, secrets, limits, task types and tenants is one
 * event naming the key, the verb, the resource, the fields written (never their values), when and
 * from where; refused writes leave none; pages and filters; tenants see only their own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AuditTest {

  static Tenant newTenant() {
    return Api.newTenantWithId();
  }

  /** The tenant's whole log, oldest first, read page by page. */
  static List<Map<String, Object>> log(String key, String query) {
    List<Map<String, Object>> all = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 100; page++) {
      var request = as(key).queryParam("limit", 3);
      if (cursor != null) {
        request = request.queryParam("cursor", cursor);
      }
      JsonPath body =
          request.get("/api/v1/audit" + query).then().statusCode(200).extract().jsonPath();
      all.addAll(body.getList("items"));
      cursor = body.getString("nextCursor");
      if (cursor == null) {
        break;
      }
    }
    java.util.Collections.reverse(all);
    return all;
  }

  static String summary(Map<String, Object> event) {
    return event.get("action") + " " + event.get("resource") + " " + event.get("changed");
  }

  @Test
  void everyWriteIsOneEventWithWhoWhatWhenAndWhere() {
    Tenant t = newTenant();
    String keyId =
        as(t.key()).get("/api/v1/api-keys/current").then().statusCode(200).extract().path("id");
    String id =
        as(t.key())
            .header("User-Agent", "audit-test/1.0")
            .body(Api.cronSchedule("audited"))
            .post("/api/v1/schedules")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"changed\"}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200);
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"schedule\": {\"cron\": \"0 4 * * *\"}}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200);
    as(t.key()).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
    // Pausing a paused schedule changes nothing, and is not a write.
    as(t.key()).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
    as(t.key())
        .body("{\"items\": [" + Api.cronSchedule("b1") + ", " + Api.cronSchedule("b2") + "]}")
        .post("/api/v1/schedules/batch")
        .then()
        .statusCode(201);
    String newKey =
        as(t.key())
            .body("{\"name\": \"ci\", \"scopes\": [\"schedules:read\"]}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    as(t.key()).delete("/api/v1/api-keys/" + newKey).then().statusCode(204);
    as(t.key())
        .body("{\"overlap\": \"1h\"}")
        .post("/api/v1/signing-secret/rotate")
        .then()
        .statusCode(200);
    as(t.key())
        .body("{\"maxConcurrency\": 3}")
        .put("/api/v1/flow-limits/partner")
        .then()
        .statusCode(201);
    as(t.key()).delete("/api/v1/flow-limits/partner").then().statusCode(204);
    as(t.key())
        .body("{\"bodySchema\": {\"type\": \"object\"}}")
        .put("/api/v1/task-types/report")
        .then()
        .statusCode(201);
    as(t.key()).delete("/api/v1/task-types/report").then().statusCode(204);
    as(ADMIN_KEY)
        .body("{\"quotas\": {\"maxSchedules\": 100}}")
        .patch("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(200);
    as(t.key()).delete("/api/v1/schedules/" + id).then().statusCode(204);

    List<Map<String, Object>> log = log(t.key(), "");
    assertThat(log)
        .extracting(AuditTest::summary)
        .containsExactly(
            "create tenant [name]",
            "create api-key [name, scopes]",
            "create schedule [labels, name, priority, retry.maxAttempts,"
                + " retry.maxBackoff, retry.minBackoff, retry.onExhausted, schedule.cron,"
                + " schedule.timezone, target.body, target.method, target.timeout, target.url]",
            "patch schedule [description]",
            // A schedule object naming a kind replaces the whole spec: the zone went too.
            "patch schedule [schedule.cron, schedule.timezone]",
            "pause schedule [state]",
            "create schedule " + log.get(6).get("changed"),
            "create schedule " + log.get(7).get("changed"),
            "create api-key [name, scopes]",
            "revoke api-key [revokedAt]",
            "rotate signing-secret [signingSecret, overlap]",
            "create flow-limit [maxConcurrency]",
            "delete flow-limit []",
            "create task-type [bodySchema]",
            "delete task-type []",
            "patch tenant [quotas.maxSchedules]",
            "delete schedule []");
    Map<String, Object> created = log.get(2);
    assertThat(created.get("keyId")).isEqualTo(keyId);
    assertThat(created.get("keyName")).isEqualTo("first key");
    assertThat(created.get("resourceId")).isEqualTo(id);
    assertThat(created.get("remoteAddress")).isEqualTo("127.0.0.1");
    assertThat(created.get("userAgent")).isEqualTo("audit-test/1.0");
    assertThat(created.get("at")).isNotNull();
    assertThat(log.get(0).get("keyName")).isEqualTo("admin");
    assertThat(log.get(0).get("keyId")).isNull();
    assertThat(log.get(15).get("keyName")).isEqualTo("admin");

    // Filters: by resource and id, by key.
    assertThat(log(t.key(), "?resource=schedule&resourceId=" + id))
        .extracting(e -> e.get("action"))
        .containsExactly("create", "patch", "patch", "pause", "delete");
    assertThat(log(t.key(), "?keyId=" + keyId)).hasSize(log.size() - 3);
    // Another tenant sees none of it.
    assertThat(log(newTenant().key(), "?resource=schedule")).isEmpty();
  }

  @Test
  void theLogHoldsNoSecretNoBodyNoHeaderValue() {
    Tenant t = newTenant();
    String id =
        Api.create(
            t.key(),
            """
            {"name": "secretive", "schedule": {"every": "1h"},
             "target": {"url": "https://example.com/hook", "body": "{\\"card\\": \\"4111-BODY\\"}",
                        "headers": {"X-Token": "tok-HEADER-VALUE"}}}
            """);
    as(t.key())
        .contentType("application/merge-patch+json")
        .body("{\"target\": {\"body\": \"{\\\"card\\\": \\\"4222-BODY\\\"}\"}}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200);
    String newKey =
        as(t.key())
            .body("{\"name\": \"k\"}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("key");
    as(t.key()).post("/api/v1/signing-secret/rotate").then().statusCode(200);
    List<String> secrets =
        as(t.key())
            .get("/api/v1/signing-secret")
            .then()
            .extract()
            .jsonPath()
            .getList("active.secret");

    String text = as(t.key()).queryParam("limit", 500).get("/api/v1/audit").asString();
    assertThat(text).contains("target.body", "target.headers");
    assertThat(text).doesNotContain("4111", "4222", "HEADER-VALUE", "X-Token", newKey, t.key());
    for (String secret : secrets) {
      assertThat(text).doesNotContain(secret);
    }
  }

  @Test
  void aRefusedWriteLeavesNoEvent() {
    Tenant t = newTenant();
    int before = log(t.key(), "").size();
    as(t.key())
        .body(Api.schedule("bad", "{\"cron\": \"61 * * * *\"}"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422);
    Api.create(t.key(), Api.cronSchedule("taken"));
    as(t.key()).body(Api.cronSchedule("taken")).post("/api/v1/schedules").then().statusCode(409);
    as(t.key())
        .body("{\"bodySchema\": {\"type\": \"object\"}}")
        .put("/api/v1/task-types/used")
        .then()
        .statusCode(201);
    Api.create(
        t.key(),
        """
        {"name": "typed", "schedule": {"every": "1h"},
         "target": {"url": "https://example.com/hook", "taskType": "used", "body": "{}"}}
        """);
    as(t.key()).delete("/api/v1/task-types/used").then().statusCode(409);
    as(ADMIN_KEY)
        .body("{\"quotas\": {\"maxSchedules\": 2}}")
        .patch("/api/v1/tenants/" + t.id())
        .then()
        .statusCode(200);
    as(t.key()).body(Api.cronSchedule("over")).post("/api/v1/schedules").then().statusCode(422);

    assertThat(log(t.key(), "").subList(before, before + 4))
        .extracting(AuditTest::summary)
        .containsExactly(
            "create schedule " + log(t.key(), "").get(before).get("changed"),
            "create task-type [bodySchema]",
            "create schedule " + log(t.key(), "").get(before + 2).get("changed"),
            "patch tenant [quotas.maxSchedules]");
    assertThat(log(t.key(), "")).hasSize(before + 4);
  }

  @Test
  void pagesNeverRepeatAndBadQueriesAreRefused() {
    Tenant t = newTenant();
    for (int i = 0; i < 8; i++) {
      Api.create(t.key(), Api.cronSchedule("p" + i));
    }
    List<Map<String, Object>> log = log(t.key(), "?resource=schedule");
    assertThat(log).hasSize(8);
    Set<Object> ids = new HashSet<>();
    log.forEach(e -> ids.add(e.get("id")));
    assertThat(ids).hasSize(8);
    for (String bad :
        List.of(
            "?resource=nothing",
            "?resourceId=x",
            "?keyId=not-a-uuid",
            "?cursor=bm90LWEtY3Vyc29y",
            "?limit=0",
            "?limit=501")) {
      as(t.key())
          .get("/api/v1/audit" + bad)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo(bad.substring(1, bad.indexOf('='))));
    }
  }
}
