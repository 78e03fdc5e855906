package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.cronSchedule;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Another tenant's schedule does not exist for a caller: 404 on every verb, absent everywhere. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TenantIsolationTest {

  private String owner;
  private String stranger;
  private String id;

  @BeforeEach
  void twoTenants() {
    owner = Api.newTenant();
    stranger = Api.newTenant();
    id = create(owner, cronSchedule("private-job"));
  }

  static Stream<Arguments> everyVerbOnASchedule() {
    String body = cronSchedule("private-job");
    return Stream.of(
        Arguments.of("GET", "", null),
        Arguments.of("PUT", "", body),
        Arguments.of("PATCH", "", "{\"description\": \"mine now\"}"),
        Arguments.of("DELETE", "", null),
        Arguments.of("POST", "/pause", null),
        Arguments.of("POST", "/resume", null),
        Arguments.of("POST", "/trigger", null),
        Arguments.of("POST", "/rearm", null),
        Arguments.of("GET", "/next", null),
        Arguments.of("GET", "/executions", null));
  }

  @ParameterizedTest(name = "{0} /schedules/'{id}'{1}")
  @MethodSource("everyVerbOnASchedule")
  void anotherTenantsScheduleIsNotFound(String method, String suffix, String body) {
    var request = as(stranger);
    if (body != null) {
      request.body(body);
    }
    request
        .request(method, "/api/v1/schedules/" + id + suffix)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    as(owner)
        .get("/api/v1/schedules/" + id)
        .then()
        .statusCode(200)
        .body("description", org.hamcrest.Matchers.nullValue())
        .body("state", equalTo("ACTIVE"));
  }

  @Test
  void anotherTenantsSchedulesAreAbsentFromListsStatsAndDeadLetters() {
    TestDatabase db = TestDatabase.shared();
    var row =
        new ScheduleRepository(db.dataSource())
            .find(Api.tenantOf(id), ScheduleKey.byId(UUID.fromString(id)))
            .orElseThrow();
    new ExecutionRepository(db.dataSource()).append(List.of(Fixtures.anAttempt(row, 1, true)));

    as(stranger).get("/api/v1/schedules").then().body("items", empty());
    as(stranger)
        .queryParam("name", "private")
        .get("/api/v1/schedules")
        .then()
        .body("items", empty());
    as(stranger).get("/api/v1/dead-letters").then().body("items", empty());
    as(stranger).get("/api/v1/stats").then().body("schedules.ACTIVE", equalTo(0));
    as(stranger)
        .body(cronSchedule("private-job"))
        .put("/api/v1/schedules/by-name/private-job")
        .then()
        .statusCode(201); // its own schedule of the same name

    as(owner)
        .get("/api/v1/dead-letters")
        .then()
        .body("items", hasSize(1))
        .body("items[0].scheduleName", equalTo("private-job"));
    as(owner).get("/api/v1/stats").then().body("schedules.ACTIVE", equalTo(1));
  }

  @Test
  void anotherTenantsApiKeyCannotBeRevoked() {
    String keyId =
        as(owner)
            .body("{\"name\": \"ci\"}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    as(stranger).delete("/api/v1/api-keys/" + keyId).then().statusCode(404);
  }
}
