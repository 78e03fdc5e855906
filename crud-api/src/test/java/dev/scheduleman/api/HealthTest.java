package dev.scheduleman.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class HealthTest {

  @Test
  void readyWhenTheDatabaseIsReachableAndMigrated() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("Database connections health check"));
  }

  @Test
  void startedEndpointServesTheKubernetesStartupProbe() {
    given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void alive() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }
}
