package dev.scheduleman.storage.schema;

import static dev.scheduleman.storage.testing.Fixtures.aSchedule;
import static dev.scheduleman.storage.testing.Fixtures.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.schedule.ScheduleRow;
import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.sql.StorageException;
import dev.scheduleman.storage.tenant.TenantRepository;
import dev.scheduleman.storage.tenant.TenantRow;
import dev.scheduleman.storage.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schema itself refuses rows that break the rules, each with a constraint that names it. */
class SchemaConstraintsTest {

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource ds = db.dataSource();
  private final ScheduleRepository schedules = new ScheduleRepository(ds);
  private TenantRow tenant;
  private ScheduleRow oneOff;

  @BeforeEach
  void insertAValidSchedule() {
    db.truncateAll();
    tenant = aTenant();
    new TenantRepository(ds).insert(tenant);
    oneOff = aSchedule(tenant.id()).named("nightly").build();
    schedules.insert(oneOff);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "state = 'SLEEPING', next_fire_at = NULL              | schedule_state_valid",
        "spec_kind = 'HOURLY'                                 | schedule_exactly_one_spec",
        "cron = '* * * * *', timezone = 'UTC'                 | schedule_exactly_one_spec",
        "spec_kind = 'EVERY'                                  | schedule_exactly_one_spec",
        "next_fire_at = NULL                                  | schedule_active_iff_pending",
        "state = 'PAUSED'                                     | schedule_active_iff_pending",
        "execution_id = NULL                                  | schedule_pending_is_complete",
        "min_backoff_ms = 10000, max_backoff_ms = 5000        | schedule_backoff_ordered",
        "timeout_ms = 0                                       | schedule_timeout_positive",
        "max_attempts = 0                                     | schedule_max_attempts_positive",
        "target_method = 'TRACE'                              | schedule_method_valid",
        "on_exhausted = 'RETRY'                               | schedule_on_exhausted_valid",
        "priority = 10                                        | schedule_priority_valid",
        "labels = '[]'                                        | schedule_labels_object",
        "target_headers = '\"x\"'                             | schedule_headers_object",
        "lease_owner = 'executor-a'                           | schedule_lease_complete",
        "attempt = -1                                         | schedule_attempt_non_negative",
        "last_outcome = 'MAYBE'                               | schedule_last_outcome_valid",
        "name = ''                                            | schedule_name_length",
        "bucket = (bucket + 1) % 1024                         | schedule_bucket_of_id",
        "spec_kind = 'EVERY', fire_at = NULL, interval_ms = 0, start_at = now() | schedule_interval_positive",
        "end_at = now()                                       | schedule_exactly_one_spec",
        "spec_kind = 'EVERY', fire_at = NULL, interval_ms = 1000, start_at = now(), timezone = 'UTC' | schedule_exactly_one_spec",
        "spec_kind = 'EVERY', fire_at = NULL, interval_ms = 1000, start_at = now(), end_at = now() | schedule_bounds_ordered",
        "spec_kind = 'EVERY', fire_at = NULL, interval_ms = 1000, start_at = now(), exclude_dates = '{}' | schedule_exclude_dates_bounded",
        "spec_kind = 'EVERY', fire_at = NULL, interval_ms = 1000, start_at = now(), exclude_dates = '{2030-01-01,NULL}' | schedule_exclude_dates_bounded",
        "misfire_policy = 'skip'                              | schedule_misfire_complete",
        "window_ms = 500                                      | schedule_window_bounded",
        "window_ms = 90000000                                 | schedule_window_bounded",
        "misfire_policy = 'latest', misfire_threshold_ms = 1000, misfire_max_catch_up = 5 | schedule_misfire_complete",
        "misfire_policy = 'often', misfire_threshold_ms = 1000, misfire_max_catch_up = 1 | schedule_misfire_complete",
        "misfire_policy = 'all', misfire_threshold_ms = 0, misfire_max_catch_up = 1 | schedule_misfire_complete",
        "misfire_policy = 'all', misfire_threshold_ms = 1000, misfire_max_catch_up = 1001 | schedule_misfire_complete",
      })
  void scheduleRowsBreakingARuleAreRefused(String assignment, String constraint) {
    assertThatThrownBy(
            () ->
                Sql.update(
                    ds,
                    "UPDATE schedule SET " + assignment + " WHERE id = ?",
                    s -> s.setObject(1, oneOff.id())))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.constraint()).contains(constraint));
  }

  @Test
  void scheduleNamesAreUniquePerTenant() {
    assertThatThrownBy(() -> schedules.insert(aSchedule(tenant.id()).named("nightly").build()))
        .isInstanceOfSatisfying(
            StorageException.class,
            e -> assertThat(e.isUniqueViolation("schedule_name_unique")).isTrue());

    TenantRow other = aTenant();
    new TenantRepository(ds).insert(other);
    schedules.insert(aSchedule(other.id()).named("nightly").build());
  }

  @Test
  void theBucketIsTheLastTenBitsOfTheId() {
    for (int i = 0; i < 50; i++) {
      schedules.insert(aSchedule(tenant.id()).build());
    }
    List<long[]> rows =
        Sql.query(
            ds,
            "SELECT id, bucket FROM schedule",
            st -> {},
            r -> new long[] {r.getObject(1, UUID.class).getLeastSignificantBits(), r.getInt(2)});
    assertThat(rows).hasSize(51).allSatisfy(r -> assertThat(r[1]).isEqualTo(r[0] & 1023));
  }

  @Test
  void unnamedSchedulesMayBeMany() {
    schedules.insert(aSchedule(tenant.id()).build());
    schedules.insert(aSchedule(tenant.id()).build());
  }

  @Test
  void tenantSecretsMustBeStandardWebhooksSecrets() {
    TenantRow bad = new TenantRow(aTenant().id(), "bad", "plain-text", java.time.Instant.now());
    assertThatThrownBy(() -> new TenantRepository(ds).insert(bad))
        .isInstanceOfSatisfying(
            StorageException.class,
            e -> assertThat(e.constraint()).contains("tenant_secret_format"));
  }

  @Test
  void failedExecutionsMustSayWhy() {
    assertThatThrownBy(
            () ->
                Sql.update(
                    ds,
                    """
                    INSERT INTO execution (schedule_id, tenant_id, execution_id, scheduled_for,
                        fired_at, attempt, executor, outcome, duration_ms)
                    VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), now(),
                        1, 'executor-a', 'FAILED', 5)
                    """,
                    s -> {}))
        .isInstanceOfSatisfying(
            StorageException.class,
            e -> assertThat(e.constraint()).contains("execution_failure_explained"));
  }

  @Test
  void anEveryScheduleNeedsItsIntervalAndStart() {
    ScheduleRow every = aSchedule(tenant.id()).every(Duration.ofMinutes(5)).build();
    schedules.insert(every);
    assertThat(schedules.find(tenant.id(), ScheduleKey.byId(every.id())).orElseThrow().spec())
        .isEqualTo(every.spec());
  }
}
