package dev.scheduleman.executor;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scheduleman.sdk.model.FlowLimit;
import dev.scheduleman.storage.flow.FlowLimitRepository;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow limits hold across executors: three of them share one key's token bucket and concurrency
 * cap, as the receiver sees it. Deliveries over the limit wait; none fails, none is an attempt.
 */
class FlowLimitTest {

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private TenantRow tenant;
  private Vertx vertx;
  private Vertx receiverVertx;

  @BeforeEach
  void setUp() {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    vertx = Vertx.vertx();
    receiverVertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close();
    receiverVertx.close();
  }

  private void limit(String key, FlowLimit limit) {
    FlowLimitRepository limits = new FlowLimitRepository(ds);
    limits.lockTenant(tenant.id());
    limits.put(tenant.id(), key, limit, Instant.now());
  }

  /**
   * Has the executors send a first unpaced wave to the receiver and waits for it, so that what is
   * measured next is the limit, not a cold start: the first requests of a fresh JVM open their
   * connections and run interpreted code, and go out up to a second and a half after their claim,
   * all together (production executors warm up before they claim, for the same reason).
   */
  private void warmUp(Receiver receiver) {
    int warm = 100;
    Instant due = Instant.now();
    List<ScheduleRow> rows = new ArrayList<>(warm);
    for (int i = 0; i < warm; i++) {
      rows.add(aSchedule(tenant.id()).withUrl(receiver.url("/warm")).dueAt(due).build());
    }
    new ScheduleRepository(ds).insert(rows);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> attempts("SUCCEEDED") == warm && receiver.requests().size() == warm);
    receiver.clear();
    db.update("DELETE FROM execution");
  }

  private List<ScheduleRow> dueAtOnce(int count, Receiver receiver, String flowKey) {
    Instant due = Instant.now().plusMillis(500);
    List<ScheduleRow> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(
          aSchedule(tenant.id())
              .withUrl(receiver.url("/paced"))
              .withFlowKey(flowKey)
              .dueAt(due)
              .build());
    }
    new ScheduleRepository(ds).insert(rows);
    return rows;
  }

  @Test
  void threeHundredDueAtOnceReachTheReceiverAtTheSharedRateAndNoneFails() throws Exception {
    int count = 300;
    int burst = 20;
    double rate = 20;
    limit("partner-api", new FlowLimit(rate, burst, null));
    try (Receiver receiver = new Receiver(receiverVertx);
        Nodes nodes = new Nodes(vertx, ds)) {
      nodes.start("paced-a");
      nodes.start("paced-b");
      nodes.start("paced-c");
      warmUp(receiver);
      dueAtOnce(count, receiver, "partner-api");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> receiver.byId().size() == count && attempts("SUCCEEDED") == count);

      // The receiver never saw more than the burst plus the rate times the time it looked, for
      // every window between two arrivals, up to the jitter of sending (the bucket is taken at the
      // claim, on the database's clock; the request leaves a few milliseconds later, more on a
      // busy machine): 250 ms of it is allowed. At the claims themselves the bound is exact.
      List<Instant> arrivals =
          receiver.requests().stream().map(Receiver.Request::arrival).sorted().toList();
      double worst = mostOverBound(arrivals, burst, rate);
      List<Instant> claims = claimInstants();
      double worstAtClaims = mostOverBound(claims, burst, rate);
      double span =
          Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1)).toMillis() / 1e3;
      long throttled = throttled();
      System.out.printf(
          "flow limit %.0f/s burst %d, 3 executors, %d due at once: delivered over %.1f s; most"
              + " over burst + rate x t: %.1f at the receiver, %.1f at the claims; %d throttled,"
              + " %d failed attempts%n",
          rate, burst, count, span, worst, worstAtClaims, throttled, attempts("FAILED"));
      assertThat(worstAtClaims).as("claims over burst + rate x t").isLessThanOrEqualTo(1);
      assertThat(worst).as("deliveries over burst + rate x t").isLessThanOrEqualTo(rate * 0.25);
      assertThat(span)
          .as("the rest took their tokens' time")
          .isGreaterThanOrEqualTo((count - burst) / rate - 1);
      assertThat(attempts("FAILED")).as("waiting is not failing").isZero();
      assertThat(receiver.requests()).as("each sent once").hasSize(count);
      assertThat(throttled)
          .as("the executions of those that waited say so")
          .isGreaterThanOrEqualTo(count - 2L * burst);
    }
  }

  @Test
  void aConcurrencyCapOfFiveHoldsAgainstASlowReceiverAcrossThreeExecutors() throws Exception {
    int count = 60;
    limit("slow-partner", new FlowLimit(null, null, 5));
    try (Receiver receiver = new Receiver(receiverVertx);
        Nodes nodes = new Nodes(vertx, ds)) {
      nodes.start("capped-a");
      nodes.start("capped-b");
      nodes.start("capped-c");
      warmUp(receiver);
      receiver.delay(300);
      dueAtOnce(count, receiver, "slow-partner");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> receiver.byId().size() == count && attempts("SUCCEEDED") == count);

      System.out.printf(
          "flow limit maxConcurrency 5, 3 executors, %d due, 300 ms answers: most open %d,"
              + " %d failed attempts%n",
          count, receiver.mostOpen(), attempts("FAILED"));
      assertThat(receiver.mostOpen()).isEqualTo(5);
      assertThat(attempts("FAILED")).isZero();
      assertThat(receiver.requests()).hasSize(count);
    }
  }

  private long attempts(String outcome) {
    return count("SELECT count(*) FROM execution WHERE outcome = '" + outcome + "'");
  }

  private long throttled() {
    return count("SELECT count(*) FROM execution WHERE throttled_ms > 0");
  }

  /** The largest count of instants in a window, less what burst + rate x window allows. */
  private static double mostOverBound(List<Instant> sorted, int burst, double rate) {
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i; j < sorted.size(); j++) {
        double seconds = Duration.between(sorted.get(i), sorted.get(j)).toNanos() / 1e9;
        worst = Math.max(worst, (j - i + 1) - burst - rate * seconds);
      }
    }
    return worst;
  }

  /**
   * When each delivery was claimed, on the database's clock: its due time, plus the time it waited
   * for the limit, which the execution records (those that did not wait were claimed when due).
   */
  private List<Instant> claimInstants() {
    List<Instant> out = new ArrayList<>();
    try (var c = ds.getConnection();
        var s = c.createStatement();
        var r =
            s.executeQuery(
                "SELECT scheduled_for + coalesce(throttled_ms, 0) * interval '1 millisecond'"
                    + " FROM execution ORDER BY 1")) {
      while (r.next()) {
        out.add(r.getObject(1, java.time.OffsetDateTime.class).toInstant());
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql) {
    try (var c = ds.getConnection();
        var s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
