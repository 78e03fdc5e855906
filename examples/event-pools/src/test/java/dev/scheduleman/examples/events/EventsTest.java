package dev.scheduleman.examples.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.quarkus.outbox.OutboxEntry;
import dev.scheduleman.sdk.webhook.WebhookSigner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The example's promises on its side: one transaction for the event and its two calls. */
@QuarkusTest
@QuarkusTestResource(EventsDatabase.class)
class EventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ConfigProperty(name = "events.signing-secret")
  String secret;

  private static String newEvent(String title, Instant startsAt) {
    return "{\"title\": \"" + title + "\", \"startsAt\": \"" + startsAt + "\"}";
  }

  private static List<OutboxEntry> rows(String eventId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                OutboxEntry.<OutboxEntry>list("order by seq").stream()
                    .filter(r -> r.payload != null && r.payload.contains(eventId))
                    .toList());
  }

  private static long outboxSize() {
    // A lambda, not OutboxEntry::count: Panache implements the static methods on the entity.
    return QuarkusTransaction.requiringNew().call(() -> OutboxEntry.count());
  }

  @Test
  void anEventIsStoredWithItsMergeAndNewsletterInTheOutbox() throws Exception {
    Instant startsAt = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    String id =
        given()
            .contentType(ContentType.JSON)
            .body(newEvent("Spring cup " + UUID.randomUUID(), startsAt))
            .post("/events")
            .then()
            .statusCode(201)
            .body("scheduling.merge.state", equalTo("PENDING"))
            .body("scheduling.newsletter.state", equalTo("PENDING"))
            .extract()
            .path("id");

    List<OutboxEntry> rows = rows(id);
    assertThat(rows)
        .extracting(r -> r.operation)
        .containsExactly(OutboxEntry.Operation.PUT, OutboxEntry.Operation.CREATE);
    JsonNode merge = JSON.readTree(rows.get(0).payload);
    assertThat(rows.get(0).scheduleRef).isEqualTo("event-" + id + "-merge-pools");
    assertThat(merge.path("schedule").path("at").asText())
        .isEqualTo(startsAt.minus(Duration.ofDays(1)).toString());
    assertThat(merge.path("target").path("taskType").asText()).isEqualTo("merge-pools");
    JsonNode newsletter = JSON.readTree(rows.get(1).payload);
    assertThat(newsletter.path("name").isMissingNode()).isTrue();
    assertThat(newsletter.path("schedule").path("endAt").asText()).isEqualTo(startsAt.toString());
    assertThat(rows.get(1).scheduleRef).isEqualTo("outbox:" + rows.get(1).id);
    given()
        .get("/events/" + id)
        .then()
        .statusCode(200)
        .body("newsletterRef", equalTo("outbox:" + rows.get(1).id));
  }

  @Test
  void aRequestThatFailsAfterSchedulingLeavesNothingScheduled() {
    String title = "Taken " + UUID.randomUUID();
    Instant startsAt = Instant.now().plus(Duration.ofDays(10));
    given()
        .contentType(ContentType.JSON)
        .body(newEvent(title, startsAt))
        .post("/events")
        .then()
        .statusCode(201);
    long before = outboxSize();

    given()
        .contentType(ContentType.JSON)
        .body(newEvent(title, startsAt))
        .post("/events")
        .then()
        .statusCode(409)
        .body("detail", equalTo("an event titled '" + title + "' exists"));

    assertThat(outboxSize()).isEqualTo(before);
  }

  @Test
  void aSignedWebhookIsHandledOnceAndAnUnsignedOneIsRefused() {
    String id =
        given()
            .contentType(ContentType.JSON)
            .body(newEvent("Merge me " + UUID.randomUUID(), Instant.now().plus(Duration.ofDays(3))))
            .post("/events")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String body = "{\"eventId\": \"" + id + "\"}";
    String webhookId = UUID.randomUUID().toString();
    long now = Instant.now().getEpochSecond();
    String signature = new WebhookSigner(List.of(secret)).sign(webhookId, now, body);

    for (String expected : List.of("", "already handled")) {
      String answer =
          given()
              .header("webhook-id", webhookId)
              .header("webhook-timestamp", Long.toString(now))
              .header("webhook-signature", signature)
              .contentType(ContentType.JSON)
              .body(body)
              .post("/hooks/merge-pools")
              .then()
              .statusCode(200)
              .extract()
              .asString();
      assertThat(answer).isEqualTo(expected);
    }
    given().get("/events/" + id).then().body("poolsMergedAt", notNullValue());

    given()
        .header("webhook-id", UUID.randomUUID().toString())
        .header("webhook-timestamp", Long.toString(now))
        .header("webhook-signature", "v1,AAAA")
        .contentType(ContentType.JSON)
        .body(body)
        .post("/hooks/newsletter")
        .then()
        .statusCode(401);
    given().get("/events/" + id).then().body("newslettersSent", equalTo(0));
  }
}
