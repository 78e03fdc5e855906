package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Several executors, each with its own claim loop and owner id, race for thousands of triggers due
 * at the same instant: every trigger is delivered, each attempt exactly once. No executor dies
 * here, so an attempt sent twice (the same execution id and attempt number) could only come from a
 * broken claim or a lease taken over while still in use. A second attempt of the same execution is
 * legitimate only after the first was recorded as failed: on a starved machine a receiver may read
 * a request only after its timeout, and the retry then reaches it too (that is what the stable
 * {@code webhook-id} is for).
 */
class RaceTest {

  private static final int TRIGGERS = 5_000;

  @Test
  void threeExecutorsDeliverFiveThousandSimultaneousTriggersExactlyOnce() throws Exception {
    TestDatabase db = TestDatabase.shared();
    DataSource ds = db.dataSource();
    db.truncateAll();
    TenantRow tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    Vertx vertx = Vertx.vertx();
    // The receiver stands for another process: its event loops are not the executors'.
    Vertx receiverVertx = Vertx.vertx();
    try (Receiver receiver = new Receiver(receiverVertx);
        Nodes nodes = new Nodes(vertx, ds)) {
      Instant due = Instant.now().plusSeconds(1);
      List<ScheduleRow> rows = new ArrayList<>(TRIGGERS);
      for (int i = 0; i < TRIGGERS; i++) {
        rows.add(aSchedule(tenant.id()).withUrl(receiver.url("/race")).dueAt(due).build());
      }
      new ScheduleRepository(ds).insert(rows);
      List<ExecutorNode> executors =
          List.of(nodes.start("race-a"), nodes.start("race-b"), nodes.start("race-c"));

      // The database is asked only once the receiver has everything: a count every 100 ms over a
      // table this busy costs PostgreSQL seconds of the 2 cores the executors are measured on.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> receiver.byId().size() == TRIGGERS && completed(db) == TRIGGERS);

      Map<String, AtomicInteger> received = receiver.byId();
      assertThat(received).hasSize(TRIGGERS);
      assertThat(rows)
          .allSatisfy(r -> assertThat(received).containsKey(r.pending().executionId().toString()));
      // No attempt went out twice: that is what a double claim or a lease overrun would send.
      Map<String, Long> sent =
          receiver.requests().stream()
              .collect(
                  Collectors.groupingBy(
                      r -> r.header("webhook-id") + "#" + r.header("scheduleman-attempt"),
                      Collectors.counting()));
      assertThat(sent.entrySet()).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1L));
      // Every execution succeeded once, and every further attempt the receiver saw follows one
      // recorded as failed.
      History history = history(db);
      assertThat(history.succeeded()).isEqualTo(TRIGGERS);
      long again = receiver.requests().size() - TRIGGERS;
      assertThat(again).isLessThanOrEqualTo(history.failed());
      System.out.printf(
          "race: %d triggers, %d attempts recorded (%d failed: %s), %d received again%n",
          TRIGGERS,
          history.succeeded() + history.failed(),
          history.failed(),
          history.errors(),
          again);
      // Every executor took part: the claim spreads work instead of serialising it.
      assertThat(history.byExecutor().keySet()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(executors).allSatisfy(e -> assertThat(e.loop().running()).isTrue());
    } finally {
      vertx.close();
      receiverVertx.close();
    }
  }

  private record History(
      long succeeded, long failed, Map<String, Long> errors, Map<String, Long> byExecutor) {}

  private static History history(TestDatabase db) {
    try (var c = db.dataSource().getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SELECT executor, outcome, error FROM execution")) {
      long succeeded = 0;
      long failed = 0;
      Map<String, Long> errors = new java.util.TreeMap<>();
      Map<String, Long> byExecutor = new java.util.TreeMap<>();
      while (r.next()) {
        byExecutor.merge(r.getString(1), 1L, Long::sum);
        if ("SUCCEEDED".equals(r.getString(2))) {
          succeeded++;
        } else {
          failed++;
          errors.merge(r.getString(3), 1L, Long::sum);
        }
      }
      return new History(succeeded, failed, errors, byExecutor);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long completed(TestDatabase db) {
    try (var c = db.dataSource().getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SELECT count(*) FROM schedule WHERE state = 'COMPLETED'")) {
      r.next();
      return r.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
