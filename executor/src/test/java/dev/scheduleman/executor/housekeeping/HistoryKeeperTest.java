package dev.scheduleman.executor.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scheduleman.storage.audit.AuditEvent;
import dev.scheduleman.storage.audit.AuditRepository;
import dev.scheduleman.storage.execution.HistoryPartitions;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class HistoryKeeperTest {

  @Inject HistoryKeeper keeper;
  @Inject AgroalDataSource ds;
  private HistoryPartitions partitions;

  @BeforeEach
  void partitions() {
    partitions = new HistoryPartitions(ds);
  }

  @AfterEach
  void restoreTheDaysAroundToday() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    partitions.create(today.minusDays(7), today.plusDays(HistoryKeeper.DAYS_AHEAD));
  }

  @Test
  void createsTheDaysAheadAndDropsTheDaysPastTheRetention() {
    // A month on, as if the executors had been away: the partitions around today are past the
    // retention (7 days by default), and the days ahead of that month-on today do not exist yet.
    LocalDate later = LocalDate.now(ZoneOffset.UTC).plusDays(30);

    keeper.keep(later.atTime(12, 0).toInstant(ZoneOffset.UTC));

    assertThat(partitions.days())
        .containsExactly(later, later.plusDays(1), later.plusDays(2), later.plusDays(3));
  }

  @Test
  void forgetsAuditEventsPastTheRetention() {
    TenantRow tenant = Fixtures.aTenant();
    new TenantRepository(ds).insert(tenant);
    AuditRepository audit = new AuditRepository(ds);
    Instant now = Instant.now();
    for (Instant at : List.of(now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(6)))) {
      audit.insert(
          List.of(
              new AuditEvent(
                  0,
                  tenant.id(),
                  at,
                  null,
                  "admin",
                  "create",
                  "schedule",
                  "x",
                  List.of(),
                  null,
                  null)));
    }

    keeper.keep(now);

    List<AuditEvent> kept =
        audit.page(tenant.id(), new AuditRepository.Filter(null, null, null), null, 10);
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).at())
        .isCloseTo(now.minus(Duration.ofDays(6)), within(1, ChronoUnit.MILLIS));
  }
}
