package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.executor.time.DatabaseClock;
import dev.scheduleman.sdk.model.ScheduleState;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The database goes away and comes back: the loop logs, counts, backs off and resumes by itself.
 */
class OutageTest {

  @Test
  void claimLoopSurvivesADatabaseOutageAndDeliversWhenItReturns() throws Exception {
    TestDatabase db = TestDatabase.shared();
    db.truncateAll();
    TenantRow tenant = aTenant();
    new TenantRepository(db.dataSource()).insert(tenant);
    FlakyDataSource flaky = new FlakyDataSource(db.dataSource());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Vertx vertx = Vertx.vertx();
    try (Receiver receiver = new Receiver(vertx)) {
      ScheduleRow row = aSchedule(tenant.id()).withUrl(receiver.url("/after-outage")).build();
      new ScheduleRepository(db.dataSource()).insert(List.of(row));
      flaky.down(true);
      ExecutorNode node =
          new ExecutorNode(
              Nodes.settings("executor-outage", true),
              flaky,
              vertx,
              registry,
              () -> true,
              new DatabaseClock(),
              new Random());
      node.start();
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> registry.counter("scheduleman.claim.errors").count() >= 3);
        assertThat(receiver.requests()).isEmpty();
        assertThat(node.loop().running()).isTrue();

        flaky.down(false);

        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    new ScheduleRepository(db.dataSource())
                            .find(tenant.id(), ScheduleKey.byId(row.id()))
                            .orElseThrow()
                            .state()
                        == ScheduleState.COMPLETED);
        assertThat(receiver.requests()).hasSize(1);
      } finally {
        node.stop(Duration.ofSeconds(5));
      }
    } finally {
      vertx.close();
    }
  }
}
