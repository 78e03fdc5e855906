package dev.scheduleman.executor.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.executor.complete.Delivery;
import dev.scheduleman.executor.metrics.ExecutorMetrics;
import dev.scheduleman.sdk.target.TargetAddresses;
import dev.scheduleman.sdk.webhook.SigningSecrets;
import dev.scheduleman.sdk.webhook.WebhookHeaders;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

  private Vertx vertx;
  private HttpServer server;
  private final Set<String> received = ConcurrentHashMap.newKeySet();
  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  private final List<ClaimedTrigger> dropped = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void receiver() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  received.add(r.getHeader(WebhookHeaders.ID));
                  r.body().onComplete(b -> r.response().setStatusCode(204).end());
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
  }

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /**
   * A process that stalls after the gate admitted a trigger (frozen, starved of CPU) wakes with its
   * lease gone, and another executor may have fired the trigger meanwhile: what it writes then is a
   * duplicate. The second, local question at the moment of writing keeps it from going out.
   */
  @Test
  void aTriggerWhoseLeaseRanOutAfterItsAdmissionIsDroppedUnsent() {
    String url = "http://127.0.0.1:" + server.actualPort() + "/hook";
    List<String> secrets = List.of(SigningSecrets.generate());
    ClaimedTrigger expired = WarmUp.trigger(url, secrets);
    ClaimedTrigger held = WarmUp.trigger(url, secrets);
    Set<UUID> stillCovered = Set.of(held.executionId());
    Gate gate =
        Gate.of(
            (trigger, decision) -> decision.accept(true),
            trigger -> stillCovered.contains(trigger.executionId()));

    try (WebhookSender sender = sender(gate)) {
      sender.send(expired);
      sender.send(held);
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() + dropped.size() == 2);
    }

    assertThat(dropped).containsExactly(expired);
    assertThat(delivered).extracting(Delivery::httpStatus).containsExactly(204);
    assertThat(received).containsExactly(held.executionId().toString());
    assertThat(registry.get("scheduleman.leases.lost").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aTriggerTheGateDoesNotAdmitIsDroppedUnsent() {
    String url = "http://127.0.0.1:" + server.actualPort() + "/hook";
    ClaimedTrigger refused = WarmUp.trigger(url, List.of(SigningSecrets.generate()));

    try (WebhookSender sender =
        sender(Gate.of((trigger, decision) -> decision.accept(false), trigger -> true))) {
      sender.send(refused);
      await().atMost(Duration.ofSeconds(10)).until(() -> dropped.size() == 1);
    }

    assertThat(dropped).containsExactly(refused);
    assertThat(delivered).isEmpty();
    assertThat(received).isEmpty();
  }

  private WebhookSender sender(Gate gate) {
    return new WebhookSender(
        vertx,
        new TargetAddresses(true),
        4,
        Clock.systemUTC(),
        gate,
        new ExecutorMetrics(registry, () -> 0),
        delivered::add,
        dropped::add);
  }
}
