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
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * One tenant's flood does not hold up another tenant's trigger due after it: while the executor is
 * behind, its fair claims take a share from every tenant with due work.
 */
class FairnessTest {

  private static final int FLOOD = 8_000;

  @Test
  void aSmallTenantsTriggerDueAfterAFloodGoesLongBeforeTheFloodHasDrained() throws Exception {
    TestDatabase db = TestDatabase.shared();
    DataSource ds = db.dataSource();
    db.truncateAll();
    TenantRow flooding = aTenant();
    TenantRow small = aTenant();
    new TenantRepository(ds).insert(flooding);
    new TenantRepository(ds).insert(small);
    Vertx vertx = Vertx.vertx();
    Vertx receiverVertx = Vertx.vertx();
    try (Receiver receiver = new Receiver(receiverVertx);
        Nodes nodes = new Nodes(vertx, ds)) {
      // Answers take 50 ms, so one executor needs seconds for the flood: it is behind throughout.
      receiver.delay(50);
      Instant due = Instant.now().plusSeconds(1);
      List<ScheduleRow> rows = new ArrayList<>(FLOOD + 1);
      for (int i = 0; i < FLOOD; i++) {
        rows.add(aSchedule(flooding.id()).withUrl(receiver.url("/flood")).dueAt(due).build());
      }
      rows.add(
          aSchedule(small.id()).withUrl(receiver.url("/small")).dueAt(due.plusMillis(500)).build());
      new ScheduleRepository(ds).insert(rows);
      nodes.start("fair");

      await().atMost(Duration.ofSeconds(120)).until(() -> receiver.byId().size() == FLOOD + 1);

      List<Receiver.Request> arrivals =
          receiver.requests().stream()
              .sorted(java.util.Comparator.comparing(Receiver.Request::arrival))
              .toList();
      int before = 0;
      Instant smallArrival = null;
      for (Receiver.Request r : arrivals) {
        if (r.path().equals("/small")) {
          smallArrival = r.arrival();
          break;
        }
        before++;
      }
      Instant lastFlood = arrivals.get(arrivals.size() - 1).arrival();
      System.out.printf(
          "fairness: %d of the other tenant's %d arrived before the small tenant's one (due 0.5 s"
              + " after them), %d ms late; the flood drained %d ms after it%n",
          before,
          FLOOD,
          Duration.between(due.plusMillis(500), smallArrival).toMillis(),
          Duration.between(smallArrival, lastFlood).toMillis());
      assertThat(before).as("flood deliveries ahead of the small tenant's").isLessThan(FLOOD / 2);
    } finally {
      vertx.close();
      receiverVertx.close();
    }
  }
}
