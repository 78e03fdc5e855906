package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/task-types} and typed schedules: every write path checks the body against the
 * type's schema, with problems that point into the body, and writes nothing when it fails.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TaskTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String MERGE_POOLS =
      """
      {"description": "Merge an event's pools",
       "bodySchema": {
         "type": "object",
         "required": ["eventId", "email"],
         "properties": {
           "eventId": {"type": "integer", "minimum": 1},
           "email": {"type": "string"},
           "pools": {"type": "array", "items": {"$ref": "#/$defs/pool"}}
         },
         "additionalProperties": false,
         "$defs": {"pool": {"type": "string", "minLength": 1}}
       }}
      """;

  private static final String VALID = "{\"eventId\": 7, \"email\": \"ops@example.com\"}";
  private static final String WRONG_EMAIL = "{\"eventId\": 7, \"email\": 5}";

  private String key;

  @BeforeEach
  void newTenantWithAType() {
    key = Api.newTenant();
    as(key).body(MERGE_POOLS).put("/api/v1/task-types/merge-pools").then().statusCode(201);
  }

  /** A schedule of the given type and body (JSON text), as a request body. */
  static String typed(String name, String type, String body) {
    ObjectNode schedule = JSON.createObjectNode();
    if (name != null) {
      schedule.put("name", name);
    }
    schedule.putObject("schedule").put("every", "1h");
    ObjectNode target = schedule.putObject("target").put("url", Api.TARGET).put("body", body);
    if (type != null) {
      target.put("taskType", type);
    }
    return schedule.toString();
  }

  private long schedules() {
    return as(key)
        .get("/api/v1/schedules?limit=500")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items")
        .size();
  }

  @Test
  void aTypeIsDeclaredReadListedChangedAndCountsItsSchedules() {
    as(key)
        .get("/api/v1/task-types/merge-pools")
        .then()
        .statusCode(200)
        .body("name", equalTo("merge-pools"))
        .body("description", equalTo("Merge an event's pools"))
        .body("bodySchema.required", equalTo(java.util.List.of("eventId", "email")))
        .body("schedules", equalTo(0));
    create(key, typed("merge", "merge-pools", VALID));
    as(key)
        .body("{\"bodySchema\": {\"type\": \"object\"}}")
        .put("/api/v1/task-types/newsletter")
        .then()
        .statusCode(201);
    as(key)
        .get("/api/v1/task-types")
        .then()
        .statusCode(200)
        .body("items.name", equalTo(java.util.List.of("merge-pools", "newsletter")))
        .body("items[0].schedules", equalTo(1));
    as(key)
        .body("{\"bodySchema\": true}")
        .put("/api/v1/task-types/newsletter")
        .then()
        .statusCode(200)
        .body("bodySchema", equalTo(true));
  }

  @Test
  void aValidBodyIsAcceptedAndTheScheduleShowsItsType() {
    String id = create(key, typed("merge", "merge-pools", VALID));
    as(key)
        .get("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("target.taskType", equalTo("merge-pools"))
        .body("target.body", equalTo(VALID));
  }

  @Test
  void everyWritePathRefusesABodyTheSchemaRejectsWithProblemsPointingIntoIt() {
    // create
    as(key)
        .body(typed("merge", "merge-pools", WRONG_EMAIL))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", equalTo(java.util.List.of("target.body.email")))
        .body("errors[0].message", containsString("string expected"));
    // a missing required property, an unknown one and an array item are named too
    as(key)
        .body(typed("merge", "merge-pools", "{\"eventId\": 0, \"pools\": [\"a\", \"\"], \"x\": 1}"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("target.body.email"))
        .body("errors.field", hasItem("target.body.eventId"))
        .body("errors.field", hasItem("target.body.pools[1]"))
        .body("errors.field", hasItem("target.body.x"));
    // batch: the item's index leads
    as(key)
        .body(
            "{\"items\": ["
                + typed("a", "merge-pools", VALID)
                + ","
                + typed("b", "merge-pools", WRONG_EMAIL)
                + "]}")
        .post("/api/v1/schedules/batch")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("items[1].target.body.email")));
    // by name
    as(key)
        .body(typed(null, "merge-pools", WRONG_EMAIL))
        .put("/api/v1/schedules/by-name/merge")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body.email")));
    assertThat(schedules()).isZero();

    String id = create(key, typed("merge", "merge-pools", VALID));
    // replace
    as(key)
        .body(typed("merge", "merge-pools", WRONG_EMAIL))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body.email")));
    // merge patch
    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"target\": {\"body\": " + JSON.valueToTree(WRONG_EMAIL) + "}}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body.email")));
    // replace by name
    as(key)
        .body(typed(null, "merge-pools", WRONG_EMAIL))
        .put("/api/v1/schedules/by-name/merge")
        .then()
        .statusCode(422);
    as(key)
        .get("/api/v1/schedules/" + id)
        .then()
        .body("target.body", equalTo(VALID))
        .body("version", equalTo(1));
    // a patch that keeps the type checks the body it keeps, and a valid one lands
    as(key)
        .contentType("application/merge-patch+json")
        .body("{\"description\": \"merge the pools\"}")
        .patch("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("target.taskType", equalTo("merge-pools"));
  }

  @Test
  void aBodyThatIsNotJsonAnUnknownTypeAndAMissingBodyAreRefused() {
    as(key)
        .body(typed("a", "merge-pools", "not json"))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body")))
        .body("errors[0].message", startsWith("must be JSON"));
    as(key)
        .body(typed("a", "no-such-type", VALID))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.taskType")))
        .body("errors[0].message", containsString("no task type named 'no-such-type'"));
    as(key)
        .body(
            "{\"schedule\": {\"every\": \"1h\"}, \"target\": {\"url\": \""
                + Api.TARGET
                + "\", \"taskType\": \"merge-pools\"}}")
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body")));
    as(key)
        .body(typed("a", "bad name!", VALID))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("target.taskType"));
    assertThat(schedules()).isZero();
  }

  @Test
  void aSchemaChangeAppliesToLaterWritesAndTheStoredSchedulesStillRead() {
    String id = create(key, typed("merge", "merge-pools", VALID));
    as(key)
        .body("{\"bodySchema\": {\"type\": \"object\", \"required\": [\"tenantCode\"]}}")
        .put("/api/v1/task-types/merge-pools")
        .then()
        .statusCode(200)
        .body("schedules", equalTo(1));

    as(key)
        .get("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("target.body", equalTo(VALID));
    as(key).get("/api/v1/schedules").then().statusCode(200).body("items", hasSize(1));
    as(key).post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
    as(key)
        .body(typed("merge", "merge-pools", VALID))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body.tenantCode")));
    as(key).body(typed("merge", null, VALID)).put("/api/v1/schedules/" + id).then().statusCode(200);
  }

  @Test
  void aTypeInUseCannotBeDeletedAndOneNotInUseCan() {
    String id = create(key, typed("merge", "merge-pools", VALID));
    as(key)
        .delete("/api/v1/task-types/merge-pools")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", startsWith("1 schedule names task type 'merge-pools'"));
    as(key).delete("/api/v1/schedules/" + id).then().statusCode(204);
    as(key).delete("/api/v1/task-types/merge-pools").then().statusCode(204);
    as(key).get("/api/v1/task-types/merge-pools").then().statusCode(404);
    as(key).delete("/api/v1/task-types/merge-pools").then().statusCode(404);
  }

  @Test
  void anotherTenantNeitherSeesNorUsesTheType() {
    String other = Api.newTenant();
    as(other).get("/api/v1/task-types/merge-pools").then().statusCode(404);
    as(other).get("/api/v1/task-types").then().body("items", hasSize(0));
    as(other)
        .body(typed("merge", "merge-pools", VALID))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.taskType")));
  }

  @Test
  void aSchemaThatIsNotOneIsRefusedFieldByField() {
    as(key)
        .body("{\"bodySchema\": {\"type\": 5}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("bodySchema.type"));
    as(key)
        .body("{\"bodySchema\": {\"properties\": {\"a\": {\"minLength\": -1}}}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("bodySchema.properties.a.minLength"));
    as(key)
        .body("{\"bodySchema\": {\"$schema\": \"https://example.com/my-dialect\"}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema.$schema")));
    as(key)
        .body("{\"description\": \"no schema\"}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema")));
    as(key)
        .body("{\"bodySchema\": \"a string\"}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema")));
    as(key)
        .body("{\"bodySchema\": {}, \"extra\": 1}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(400);
    as(key)
        .body("{\"bodySchema\": {}}")
        .put("/api/v1/task-types/bad name")
        .then()
        .statusCode(400)
        .body("errors.field", equalTo(java.util.List.of("name")));
    as(key)
        .body("{\"description\": \"a\\u0000b\", \"bodySchema\": {}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("description")));
    as(key)
        .body("{\"bodySchema\": {\"const\": \"a\\u0000b\"}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema")));
    as(key).get("/api/v1/task-types/broken").then().statusCode(404);
  }

  @Test
  void patternsAreCheckedWhenDeclaredAndASlowOneCannotHoldTheApi() {
    as(key)
        .body("{\"bodySchema\": {\"properties\": {\"a\": {\"pattern\": \"(\"}}}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema.properties.a.pattern")));
    as(key)
        .body("{\"bodySchema\": {\"patternProperties\": {\"[\": {}}}}")
        .put("/api/v1/task-types/broken")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("bodySchema.patternProperties['[']")));
    // Names and data that look like keywords are not keywords.
    as(key)
        .body(
            "{\"bodySchema\": {\"properties\": {\"$ref\": {\"type\": \"string\"}},"
                + " \"enum\": [{\"$ref\": \"https://example.com/x\"}]}}")
        .put("/api/v1/task-types/look-alike")
        .then()
        .statusCode(201);

    as(key)
        .body(
            "{\"bodySchema\": {\"type\": \"object\","
                + " \"properties\": {\"s\": {\"type\": \"string\", \"pattern\": \"(.*a){12}!x\"}}}}")
        .put("/api/v1/task-types/backtracking")
        .then()
        .statusCode(201);
    // 8.5 s on this machine without the deadline.
    String body = "{\"s\": \"" + "a".repeat(30) + "\"}";
    as(key)
        .body(typed("slow", "backtracking", body))
        .post("/api/v1/schedules")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(java.util.List.of("target.body")))
        .body("errors[0].message", containsString("takes too long"));
    assertThat(schedules()).isZero();
  }

  @Test
  void aSchemaMayNotReferToAnythingOutsideItselfAndNothingIsFetched() throws Exception {
    AtomicInteger fetched = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          fetched.incrementAndGet();
          byte[] body = "{\"type\": \"string\"}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String remote = "http://127.0.0.1:" + server.getAddress().getPort() + "/s.json";
      as(key)
          .body("{\"bodySchema\": {\"properties\": {\"a\": {\"$ref\": \"" + remote + "\"}}}}")
          .put("/api/v1/task-types/remote")
          .then()
          .statusCode(422)
          .body("errors.field", equalTo(java.util.List.of("bodySchema.properties.a.$ref")));
      as(key)
          .body("{\"bodySchema\": {\"$schema\": \"" + remote + "\"}}")
          .put("/api/v1/task-types/remote")
          .then()
          .statusCode(422);
      // An $id does not make one tenant's schema answer another's reference.
      as(key)
          .body("{\"bodySchema\": {\"$id\": \"https://example.com/pool\", \"type\": \"string\"}}")
          .put("/api/v1/task-types/with-id")
          .then()
          .statusCode(201);
      as(key)
          .body("{\"bodySchema\": {\"$ref\": \"https://example.com/pool\"}}")
          .put("/api/v1/task-types/remote")
          .then()
          .statusCode(422);
      assertThat(fetched).hasValue(0);
    } finally {
      server.stop(0);
    }
  }
}
