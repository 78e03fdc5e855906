package dev.scheduleman.executor.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.testing.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class StatsRollupTest {

  @Inject StatsRollup rollup;
  @Inject AgroalDataSource ds;

  @Test
  void aDayBehindIsCaughtUpInOneRunAndAFurtherRunHasNothingToDo() {
    Instant now = Instant.now();
    Sql.update(
        ds,
        "UPDATE stats_rollup SET rolled_until = ?",
        s -> Sql.setInstant(s, 1, now.minus(Duration.ofDays(1))));

    var done = rollup.rollUp(now);

    Instant closed = now.minus(StatsRollup.GRACE).truncatedTo(ChronoUnit.MINUTES);
    assertThat(done).hasValueSatisfying(d -> assertThat(d.until()).isEqualTo(closed));
    assertThat(rollup.rollUp(now)).isEmpty();
  }
}
