package dev.scheduleman.quarkus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scheduleman.quarkus.outbox.OutboxEntry;
import dev.scheduleman.sdk.api.ScheduleDto;
import dev.scheduleman.sdk.api.SpecDto;
import dev.scheduleman.sdk.api.TargetDto;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The library in a Quarkus application of its own: calls in the caller's transaction, the relay to
 * a stand-in API over HTTP, on a real PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(FakeApi.class)
class OutboxTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject Scheduleman scheduleman;

  @ConfigProperty(name = "scheduleman.url")
  URI api;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private static ScheduleDto hourly(String name) {
    return ScheduleDto.request(
        name,
        null,
        null,
        SpecDto.every("1h", null),
        TargetDto.post("https://example.com/hook", "{}"),
        null);
  }

  private String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  private List<String> log() throws Exception {
    JsonNode entries = JSON.readTree(get(api.resolve("/_log")).body());
    List<String> out = new ArrayList<>();
    entries.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void post(URI uri) throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private OutboxStatus status(ScheduleRef ref) {
    return scheduleman.status(ref.outboxId()).orElseThrow();
  }

  @Test
  void aCommittedCallReachesTheApiOnceAndARolledBackOneNever() throws Exception {
    String kept = unique("kept-");
    String dropped = unique("dropped-");
    ScheduleRef ref =
        QuarkusTransaction.requiringNew().call(() -> scheduleman.schedule(hourly(kept)));
    assertThat(ref.value()).isEqualTo(kept);
    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          scheduleman.schedule(hourly(dropped));
                          throw new IllegalStateException("the request fails after scheduling");
                        }))
        .isInstanceOf(IllegalStateException.class);

    await().atMost(WAIT).until(() -> status(ref).state() == OutboxEntry.State.SENT);
    assertThat(status(ref).scheduleId()).isNotNull();
    assertThat(status(ref).httpStatus()).isEqualTo(201);
    // A later commit is relayed too, so the rolled-back call had every chance to show up.
    ScheduleRef after =
        QuarkusTransaction.requiringNew()
            .call(() -> scheduleman.schedule(hourly(unique("after-"))));
    await().atMost(WAIT).until(() -> status(after).state() == OutboxEntry.State.SENT);
    assertThat(log()).filteredOn(l -> l.contains(kept)).hasSize(1);
    assertThat(log()).noneMatch(l -> l.contains(dropped));
    assertThat(
            QuarkusTransaction.requiringNew().call(() -> OutboxEntry.count("scheduleRef", dropped)))
        .isZero();
  }

  @Test
  void aCallOutsideATransactionIsRefused() {
    assertThatThrownBy(() -> scheduleman.schedule(hourly("no-transaction")))
        .isInstanceOf(TransactionalException.class);
  }

  @Test
  void callsAboutOneScheduleArriveInOrderAndAnUnnamedOneIsCancelledByItsReference()
      throws Exception {
    String name = unique("ordered-");
    ScheduleRef unnamed =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  scheduleman.schedule(hourly(name));
                  scheduleman.replace(name, hourly(null));
                  scheduleman.cancel(name);
                  return scheduleman.schedule(hourly(null));
                });
    assertThat(unnamed.value()).isEqualTo("outbox:" + unnamed.outboxId());
    ScheduleRef cancel =
        QuarkusTransaction.requiringNew().call(() -> scheduleman.cancel(unnamed.value()));

    await().atMost(WAIT).until(() -> status(cancel).state() == OutboxEntry.State.SENT);
    await().atMost(WAIT).until(() -> log().contains("DELETE name " + name));
    assertThat(log())
        .filteredOn(l -> l.contains(name))
        .containsExactly(
            "POST " + name + " key=" + ordered(name), "PUT " + name, "DELETE name " + name);
    UUID created = status(unnamed).scheduleId();
    assertThat(log()).contains("DELETE id " + created);
    assertThat(status(cancel).httpStatus()).isEqualTo(204);
  }

  @Test
  void aNameThatLooksLikeAnIdIsCancelledByName() throws Exception {
    String name = UUID.randomUUID().toString();
    ScheduleRef cancel =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  scheduleman.replace(name, hourly(null));
                  return scheduleman.cancel(name);
                });
    await().atMost(WAIT).until(() -> status(cancel).state() == OutboxEntry.State.SENT);
    assertThat(log())
        .containsSubsequence("PUT " + name, "DELETE id " + name, "DELETE name " + name);
    assertThat(status(cancel).httpStatus()).isEqualTo(204);
  }

  @Test
  void callsAboutOneScheduleFromConcurrentTransactionsArriveInCommitOrder() throws Exception {
    String name = unique("concurrent-");
    java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    var first =
        java.util.concurrent.CompletableFuture.runAsync(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          scheduleman.replace(name, hourly(null));
                          written.countDown();
                          await().atMost(WAIT).until(() -> release.getCount() == 0);
                        }));
    assertThat(written.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // The second transaction's cancel must wait for the first to commit, so it cannot overtake it.
    var second =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> QuarkusTransaction.requiringNew().run(() -> scheduleman.cancel(name)));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !second.isDone());
    release.countDown();
    first.get(20, java.util.concurrent.TimeUnit.SECONDS);
    second.get(20, java.util.concurrent.TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> log().contains("DELETE name " + name));
    assertThat(log())
        .filteredOn(l -> l.contains(name))
        .containsExactly("PUT " + name, "DELETE name " + name);
  }

  /** The idempotency key of the create of {@code name}: its outbox row's id. */
  private String ordered(String name) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                OutboxEntry.<OutboxEntry>find(
                        "scheduleRef = ?1 and operation = ?2", name, OutboxEntry.Operation.CREATE)
                    .singleResult()
                    .id
                    .toString());
  }

  @Test
  void aRefusedCallFailsVisiblyWithTheProblemAndDoesNotHoldUpTheNext() {
    ScheduleRef refused =
        QuarkusTransaction.requiringNew()
            .call(() -> scheduleman.schedule(hourly(unique("refuse-"))));
    ScheduleRef next =
        QuarkusTransaction.requiringNew().call(() -> scheduleman.schedule(hourly(unique("next-"))));

    await().atMost(WAIT).until(() -> status(next).state() == OutboxEntry.State.SENT);
    await().atMost(WAIT).until(() -> status(refused).state() == OutboxEntry.State.FAILED);
    assertThat(status(refused).httpStatus()).isEqualTo(422);
    assertThat(status(refused).error()).isEqualTo("schedule.cron: is wrong");
    assertThat(status(refused).attempts()).isEqualTo(1);
  }

  @Test
  void whileTheApiIsDownCallsWaitAndTheHealthSaysSoThenTheyArrive() throws Exception {
    URI health = URI.create("http://127.0.0.1:" + port + "/q/health/well");
    post(api.resolve("/_down"));
    List<ScheduleRef> refs = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        String name = unique("outage-");
        refs.add(QuarkusTransaction.requiringNew().call(() -> scheduleman.schedule(hourly(name))));
      }
      await().atMost(WAIT).until(() -> status(refs.get(0)).attempts() >= 2);
      await().atMost(WAIT).until(() -> get(health).statusCode() == 503);
      JsonNode check = JSON.readTree(get(health).body()).path("checks").get(0);
      assertThat(check.path("name").asText()).isEqualTo("scheduleman-outbox");
      assertThat(check.path("data").path("pending").asLong()).isGreaterThanOrEqualTo(5);
      assertThat(check.path("data").path("lastError").asText()).startsWith("503");
      assertThat(refs).allMatch(r -> status(r).state() == OutboxEntry.State.PENDING);
    } finally {
      post(api.resolve("/_up"));
    }
    await()
        .atMost(WAIT)
        .until(() -> refs.stream().allMatch(r -> status(r).state() == OutboxEntry.State.SENT));
    await().atMost(WAIT).until(() -> get(health).statusCode() == 200);
    for (ScheduleRef ref : refs) {
      assertThat(log()).filteredOn(l -> l.startsWith("POST " + ref.value())).hasSize(1);
    }
  }
}
