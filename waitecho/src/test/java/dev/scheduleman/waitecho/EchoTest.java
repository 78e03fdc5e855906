package dev.scheduleman.waitecho;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.sdk.webhook.WebhookSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EchoTest {

  @BeforeEach
  void reset() {
    given().delete("/echo/stats").then().statusCode(204);
    given().delete("/echo/signing-secret").then().statusCode(204);
  }

  private static RequestSpecification delivery(String id, Instant scheduledFor, int attempt) {
    return given()
        .header("webhook-id", id)
        .header("Scheduleman-Schedule-Id", "s-1")
        .header("Scheduleman-Scheduled-For", scheduledFor.toString())
        .header("Scheduleman-Attempt", attempt)
        .body("{}");
  }

  @Test
  void recordsDeliveriesAndCountsDuplicatesByWebhookId() {
    Instant due = Instant.now().minusMillis(40);
    delivery("a", due, 1).post("/echo/jobs/a").then().statusCode(200);
    delivery("b", due, 1).put("/echo").then().statusCode(200);
    delivery("a", due, 1).post("/echo/jobs/a").then().statusCode(200);

    given()
        .get("/echo/stats")
        .then()
        .statusCode(200)
        .body("received", equalTo(3))
        .body("uniqueIds", equalTo(2))
        .body("duplicates", equalTo(1))
        .body("lateness.samples", equalTo(2))
        .body("lateness.p50Ms", greaterThanOrEqualTo(40f))
        .body("lateness.maxMs", lessThan(60_000f));
    given()
        .get("/echo/timeline?bucket=1s")
        .then()
        .statusCode(200)
        .body("bucketMs", equalTo(1000))
        .body("counts.sum()", equalTo(3));
  }

  @Test
  void latenessCountsOnlyTheFirstArrivalOfAFirstAttempt() {
    Instant due = Instant.now().minusSeconds(30);
    delivery("retry", due, 2).post("/echo").then().statusCode(200);
    given().get("/echo/stats").then().body("lateness.samples", equalTo(0));
  }

  @Test
  void injectsStatusFailuresAndDelays() {
    given().post("/echo/x?status=503").then().statusCode(503);
    given().post("/echo/x?failRate=1").then().statusCode(503);
    given().post("/echo/x?failRate=0").then().statusCode(200);
    long started = System.nanoTime();
    given().post("/echo/x?delay=300ms").then().statusCode(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    given().get("/echo/stats").then().body("received", equalTo(4)).body("withoutId", equalTo(4));
  }

  @Test
  void hangNeverAnswers() {
    RestAssuredConfig shortTimeout =
        RestAssuredConfig.config()
            .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 500));
    try {
      given().config(shortTimeout).post("/echo/x?hang=true");
      org.junit.jupiter.api.Assertions.fail("hang=true answered");
    } catch (Exception e) {
      assertThat(e).hasMessageContaining("timed out");
    }
  }

  @Test
  void verifiesSignaturesWithTheGivenSecret() {
    String secret = SigningSecrets.generate();
    given().body(secret).put("/echo/signing-secret").then().statusCode(204);
    String id = UUID.randomUUID().toString();
    long now = Instant.now().getEpochSecond();
    String body = "{\"kind\":\"signed\"}";
    String signature = new WebhookSigner(List.of(secret)).sign(id, now, body);

    given()
        .header("webhook-id", id)
        .header("webhook-timestamp", now)
        .header("webhook-signature", signature)
        .body(body)
        .post("/echo/signed")
        .then()
        .statusCode(200);
    given()
        .header("webhook-id", id)
        .header("webhook-timestamp", now)
        .header("webhook-signature", signature)
        .body("{\"kind\":\"forged\"}")
        .post("/echo/signed")
        .then()
        .statusCode(401);

    given()
        .get("/echo/stats")
        .then()
        .body("signatures.valid", equalTo(1))
        .body("signatures.invalid", equalTo(1));
    given().body("not-a-secret").put("/echo/signing-secret").then().statusCode(400);
  }
}
