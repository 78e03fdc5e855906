package dev.scheduleman.api;

import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/v1/flow-limits}: declaring, reading and removing limits, and what they pace. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class FlowLimitsTest {

  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  private static String paced(String name, String flowKey) {
    String target =
        flowKey == null
            ? "{\"url\": \"https://partner.example.com/hook\"}"
            : "{\"url\": \"https://partner.example.com/hook\", \"flowKey\": \"" + flowKey + "\"}";
    return "{\"name\": \""
        + name
        + "\", \"schedule\": {\"every\": \"1h\"}, \"target\": "
        + target
        + "}";
  }

  @Test
  void aLimitIsDeclaredChangedListedAndRemovedAndMarksTheSchedulesItPaces() {
    String named = create(key, paced("named", "partner-api"));
    String byHost = create(key, paced("by-host", null));
    create(key, paced("other", "elsewhere"));
    as(key).get("/api/v1/schedules/" + named).then().body("target.flowKey", equalTo("partner-api"));
    as(key).get("/api/v1/schedules/" + byHost).then().body("target.flowKey", nullValue());

    as(key)
        .body("{\"ratePerSecond\": 50, \"maxConcurrency\": 10}")
        .put("/api/v1/flow-limits/partner-api")
        .then()
        .statusCode(201)
        .body("key", equalTo("partner-api"))
        .body("ratePerSecond", equalTo(50.0f))
        .body("burst", equalTo(50))
        .body("maxConcurrency", equalTo(10))
        .body("schedules", equalTo(1));
    assertThat(limited(named)).isTrue();
    assertThat(limited(byHost)).isFalse();

    as(key)
        .body("{\"ratePerSecond\": 0.5, \"burst\": 3}")
        .put("/api/v1/flow-limits/partner-api")
        .then()
        .statusCode(200)
        .body("ratePerSecond", equalTo(0.5f))
        .body("burst", equalTo(3))
        .body("maxConcurrency", nullValue());
    as(key)
        .body("{\"maxConcurrency\": 2}")
        .put("/api/v1/flow-limits/host:partner.example.com")
        .then()
        .statusCode(201)
        .body("schedules", equalTo(1));
    assertThat(limited(byHost)).isTrue();

    as(key)
        .get("/api/v1/flow-limits")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("items.key", equalTo(java.util.List.of("host:partner.example.com", "partner-api")));
    as(key)
        .get("/api/v1/flow-limits/host:partner.example.com")
        .then()
        .statusCode(200)
        .body("maxConcurrency", equalTo(2));

    // A schedule written after the limit takes its mark; one moved to another key loses it.
    String later = create(key, paced("later", "partner-api"));
    assertThat(limited(later)).isTrue();
    as(key)
        .body(paced("later", "elsewhere"))
        .put("/api/v1/schedules/" + later)
        .then()
        .statusCode(200);
    assertThat(limited(later)).isFalse();

    as(key).delete("/api/v1/flow-limits/partner-api").then().statusCode(204);
    assertThat(limited(named)).isFalse();
    as(key)
        .get("/api/v1/flow-limits/partner-api")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    as(key).delete("/api/v1/flow-limits/partner-api").then().statusCode(404);
  }

  @Test
  void anotherTenantNeitherSeesNorIsPacedByTheLimit() {
    String other = Api.newTenant();
    String theirs = create(other, paced("theirs", "partner-api"));
    as(key)
        .body("{\"maxConcurrency\": 1}")
        .put("/api/v1/flow-limits/partner-api")
        .then()
        .statusCode(201)
        .body("schedules", equalTo(0));

    assertThat(limited(theirs)).isFalse();
    as(other).get("/api/v1/flow-limits").then().body("items", hasSize(0));
    as(other).get("/api/v1/flow-limits/partner-api").then().statusCode(404);
  }

  static Stream<Arguments> badLimits() {
    return Stream.of(
        Arguments.of("nothing declared", "partner", "{}", 422, ""),
        Arguments.of("burst alone", "partner", "{\"burst\": 5}", 422, "burst"),
        Arguments.of("zero rate", "partner", "{\"ratePerSecond\": 0}", 422, "ratePerSecond"),
        Arguments.of("negative rate", "partner", "{\"ratePerSecond\": -1}", 422, "ratePerSecond"),
        Arguments.of("rate too high", "partner", "{\"ratePerSecond\": 1e9}", 422, "ratePerSecond"),
        Arguments.of(
            "burst too small", "partner", "{\"ratePerSecond\": 5, \"burst\": 0}", 422, "burst"),
        Arguments.of("no concurrency", "partner", "{\"maxConcurrency\": 0}", 422, "maxConcurrency"),
        Arguments.of(
            "concurrency too high",
            "partner",
            "{\"maxConcurrency\": 10001}",
            422,
            "maxConcurrency"),
        Arguments.of("unknown field", "partner", "{\"rate\": 5}", 400, "rate"),
        Arguments.of(
            "not a number", "partner", "{\"ratePerSecond\": \"fast\"}", 400, "ratePerSecond"),
        Arguments.of("bad key", "two%20words", "{\"maxConcurrency\": 1}", 400, "key"),
        Arguments.of(
            "host key in capitals", "host:Example.COM", "{\"maxConcurrency\": 1}", 400, "key"),
        Arguments.of("key too long", "k".repeat(201), "{\"maxConcurrency\": 1}", 400, "key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLimits")
  void aBadLimitIsRefusedWithAProblemNamingTheFieldAndNothingIsWritten(
      String why, String flowKey, String body, int status, String field) {
    as(key)
        .body(body)
        .put("/api/v1/flow-limits/" + flowKey)
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("errors.field", hasItem(field))
        .body(not(containsString("Exception")));
    as(key).get("/api/v1/flow-limits").then().body("items", hasSize(0));
  }

  private static boolean limited(String scheduleId) {
    try (var c = TestDatabase.shared().dataSource().getConnection();
        var s = c.prepareStatement("SELECT flow_limited FROM schedule WHERE id = ?::uuid")) {
      s.setString(1, scheduleId);
      try (var r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
