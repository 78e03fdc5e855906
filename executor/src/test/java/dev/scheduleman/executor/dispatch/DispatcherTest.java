package dev.scheduleman.executor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.sdk.model.OnExhausted;
import dev.scheduleman.sdk.model.RetryPolicy;
import dev.scheduleman.sdk.model.Target;
import dev.scheduleman.sdk.spec.EverySpec;
import dev.scheduleman.sdk.trigger.PendingTrigger;
import dev.scheduleman.sdk.trigger.TriggerRules;
import dev.scheduleman.storage.trigger.ClaimedTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {

  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10), OnExhausted.DEAD);
  private static final Target TARGET =
      new Target("https://example.com", "POST", Map.of(), null, Duration.ofSeconds(3));

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  private final EventLoops loops = EventLoops.of(vertx, Duration.ofSeconds(10));
  private final Clock clock = Clock.systemUTC();
  private final Set<String> threads = ConcurrentHashMap.newKeySet();
  private final List<ClaimedTrigger> fired = new CopyOnWriteArrayList<>();
  private final List<ClaimedTrigger> displaced = new CopyOnWriteArrayList<>();
  private final Dispatcher dispatcher =
      new Dispatcher(
          vertx,
          loops,
          clock,
          t -> {
            threads.add(Thread.currentThread().getName());
            fired.add(t);
          },
          displaced::add);

  @AfterEach
  void close() {
    loops.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static ClaimedTrigger dueAt(Instant at) {
    return new ClaimedTrigger(
        UUID.randomUUID(),
        UUID.randomUUID(),
        PendingTrigger.restore(
            at, at, UUID.randomUUID(), 0, "e", at.plusSeconds(13), UUID.randomUUID()),
        TriggerRules.of(new EverySpec(Duration.ofMinutes(5), at), RETRY),
        TARGET,
        List.of("whsec_x"),
        at,
        Optional.empty());
  }

  private static List<ClaimedTrigger> wave(int n, Instant at) {
    List<ClaimedTrigger> wave = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      wave.add(dueAt(at));
    }
    return wave;
  }

  @Test
  void aWaveDueAtOneInstantFiresOnEveryEventLoopNotOnOne() {
    assertThat(loops.size()).isEqualTo(4);

    dispatcher.dispatch(wave(200, clock.instant().plusMillis(300)));
    dispatcher.dispatch(wave(200, clock.instant().minusMillis(1)));

    await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == 400);
    assertThat(threads).hasSize(4).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    assertThat(dispatcher.waiting()).isZero();
  }

  @Test
  void neverFiresBeforeTheInstant() {
    Instant at = clock.instant().plusMillis(200);
    List<Instant> firedAt = new CopyOnWriteArrayList<>();
    Dispatcher timed =
        new Dispatcher(vertx, loops, clock, t -> firedAt.add(clock.instant()), displaced::add);

    timed.dispatch(wave(100, at));

    await().atMost(Duration.ofSeconds(10)).until(() -> firedAt.size() == 100);
    assertThat(firedAt).allMatch(t -> !t.isBefore(at));
  }

  @Test
  void aTriggerCancelledRightAfterItsClaimNeverFiresWhetherDueOrWaiting() {
    List<ClaimedTrigger> due = wave(100, clock.instant().minusMillis(1));
    List<ClaimedTrigger> later = wave(100, clock.instant().plusMillis(100));
    List<ClaimedTrigger> all = new ArrayList<>(due);
    all.addAll(later);

    dispatcher.dispatch(all);
    List<ClaimedTrigger> cancelled = new ArrayList<>();
    for (ClaimedTrigger t : all) {
      if (dispatcher.cancel(t)) {
        cancelled.add(t);
      }
    }

    // Every waiting one is cancelled; a due one is either cancelled or fired, never both.
    assertThat(cancelled).containsAll(later);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fired.size() + cancelled.size() == all.size());
    assertThat(fired).doesNotContainAnyElementsOf(cancelled);
    assertThat(dispatcher.waiting()).isZero();
  }

  @Test
  void aNewerClaimOfTheSameTriggerDisplacesTheWaitingOne() {
    ClaimedTrigger first = dueAt(clock.instant().plusMillis(150));
    ClaimedTrigger again =
        new ClaimedTrigger(
            first.scheduleId(),
            first.tenantId(),
            first.pending(),
            first.rules(),
            first.target(),
            first.signingSecrets(),
            first.databaseNow(),
            Optional.empty());

    dispatcher.dispatch(List.of(first));
    dispatcher.dispatch(List.of(again));

    await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == 1);
    assertThat(fired).containsExactly(again);
    assertThat(displaced).containsExactly(first);
  }
}
