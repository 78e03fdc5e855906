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
 * at the same instant: every trigger is delivered, and exactly once (no executor dies here, so a
 * duplicate could only come from a broken claim).
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
    try (Receiver receiver = new Receiver(vertx);
        Nodes nodes = new Nodes(vertx, ds)) {
      Instant due = Instant.now().plusSeconds(1);
      List<ScheduleRow> rows = new ArrayList<>(TRIGGERS);
      for (int i = 0; i < TRIGGERS; i++) {
        rows.add(aSchedule(tenant.id()).withUrl(receiver.url("/race")).dueAt(due).build());
      }
      new ScheduleRepository(ds).insert(rows);
      List<ExecutorNode> executors =
          List.of(nodes.start("race-a"), nodes.start("race-b"), nodes.start("race-c"));

      await().atMost(Duration.ofSeconds(90)).until(() -> completed(db) == TRIGGERS);

      Map<String, AtomicInteger> received = receiver.byId();
      assertThat(received).hasSize(TRIGGERS);
      assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      assertThat(rows)
          .allSatisfy(r -> assertThat(received).containsKey(r.pending().executionId().toString()));
      Map<String, Long> byExecutor = attemptsByExecutor(db);
      assertThat(byExecutor.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(TRIGGERS);
      // Every executor took part: the claim spreads work instead of serialising it.
      assertThat(byExecutor.keySet()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(executors).allSatisfy(e -> assertThat(e.loop().running()).isTrue());
    } finally {
      vertx.close();
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

  private static Map<String, Long> attemptsByExecutor(TestDatabase db) {
    try (var c = db.dataSource().getConnection();
        var s = c.createStatement();
        var r = s.executeQuery("SELECT executor, count(*) FROM execution GROUP BY executor")) {
      Map<String, Long> out = new java.util.HashMap<>();
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
      return out.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
