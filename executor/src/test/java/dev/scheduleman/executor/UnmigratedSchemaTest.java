package dev.scheduleman.executor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An executor started before crud-api has migrated the schema waits, not ready, and then is. */
@QuarkusTest
@TestProfile(UnmigratedSchemaTest.EmptyDatabase.class)
class UnmigratedSchemaTest {

  static final String DATABASE = "unmigrated";

  public static class EmptyDatabase implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      TestDatabase db = TestDatabase.shared();
      return Map.of(
          "quarkus.datasource.jdbc.url",
          db.createEmptyDatabase(DATABASE),
          "quarkus.datasource.username",
          TestDatabase.USER,
          "quarkus.datasource.password",
          "");
    }
  }

  @Test
  void notReadyUntilTheSchemaIsMigratedThenReady() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.find { it.name == 'schema' }.status", equalTo("DOWN"));

    TestDatabase.shared().migrate(DATABASE);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200));
  }
}
