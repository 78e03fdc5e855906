package dev.scheduleman.storage.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scheduleman.storage.sql.Sql;
import dev.scheduleman.storage.testing.TestDatabase;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The step past one primary that docs/scaling.md describes, checked on real PostgreSQL: with the
 * hot table hash-partitioned by {@code bucket}, a claim that names one bucket reads one partition
 * (the planner prunes the others), so claims of different buckets never meet, and the same
 * statement is a single-shard router query once the table is distributed by bucket.
 */
class BucketedClaimPlanTest {

  private static final String DATABASE = "bucketed_claim";
  private static final int PARTITIONS = 16;
  private static final TestDatabase db = TestDatabase.shared();
  private static DataSource ds;

  /** The product's claim, restricted to one bucket. Parameters: bucket, batch size. */
  static final String BUCKETED_CLAIM =
      """
      UPDATE schedule_by_bucket s
         SET lease_owner = 'executor-1', lease_token = gen_random_uuid(),
             lease_until = greatest(now(), s.next_fire_at) + s.timeout_ms * interval '1 ms'
       WHERE s.bucket = 17
         AND s.id IN (SELECT id
                        FROM schedule_by_bucket
                       WHERE bucket = 17
                         AND state = 'ACTIVE'
                         AND next_fire_at <= now() + interval '2 s'
                         AND (lease_until IS NULL OR lease_until < now())
                       ORDER BY next_fire_at
                       LIMIT 1000
                         FOR UPDATE SKIP LOCKED)
      RETURNING s.id
      """;

  @BeforeAll
  static void aHashPartitionedCopyOfTheHotTable() {
    db.createEmptyDatabase(DATABASE);
    db.migrate(DATABASE);
    ds = db.dataSource(DATABASE);
    run(
        """
        CREATE TABLE schedule_by_bucket
            (LIKE schedule INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)
            PARTITION BY HASH (bucket)
        """);
    for (int i = 0; i < PARTITIONS; i++) {
      run(
          "CREATE TABLE schedule_by_bucket_%d PARTITION OF schedule_by_bucket".formatted(i)
              + " FOR VALUES WITH (MODULUS %d, REMAINDER %d)".formatted(PARTITIONS, i));
    }
    run("ALTER TABLE schedule_by_bucket ADD PRIMARY KEY (bucket, id)");
    run(
        """
        CREATE INDEX schedule_by_bucket_due ON schedule_by_bucket (bucket, next_fire_at)
         WHERE state = 'ACTIVE'
        """);
    run(
        "INSERT INTO tenant (id, name, signing_secret, created_at) VALUES (gen_random_uuid(), 't', 'whsec_x', now())");
    run(
        """
        INSERT INTO schedule_by_bucket (id, bucket, tenant_id, spec_kind, fire_at, target_url,
                                        target_method, flow_key, timeout_ms, max_attempts,
                                        min_backoff_ms,
                                        max_backoff_ms, on_exhausted, state, next_fire_at,
                                        scheduled_for, execution_id, created_at, updated_at)
        SELECT g.id, schedule_bucket(g.id), (SELECT id FROM tenant), 'AT', g.at,
               'https://example.com', 'POST', 'host:example.com', 3000, 5, 1000, 300000, 'DEAD', 'ACTIVE', g.at, g.at,
               gen_random_uuid(), now(), now()
          FROM (SELECT gen_random_uuid() AS id, now() + i * interval '10 ms' AS at
                  FROM generate_series(1, 20000) i) g
        """);
    run("ANALYZE schedule_by_bucket");
  }

  private static void run(String sql) {
    Sql.update(ds, sql, s -> {});
  }

  @Test
  void aClaimOfOneBucketReadsOnePartition() {
    String plan =
        Sql.query(ds, "EXPLAIN (COSTS OFF) " + BUCKETED_CLAIM, s -> {}, r -> r.getString(1))
            .stream()
            .collect(Collectors.joining("\n"));
    System.out.println("EXPLAIN of a claim of bucket 17:\n" + plan);

    assertThat(partitionsIn(plan)).hasSize(1);
    assertThat(plan).contains("Index Cond: ((bucket = 17)");
  }

  @Test
  void theSameClaimWithoutABucketReadsEveryPartition() {
    String plan =
        Sql.query(
                ds,
                "EXPLAIN (COSTS OFF) "
                    + BUCKETED_CLAIM
                        .replace("s.bucket = 17", "true")
                        .replace("bucket = 17", "true"),
                s -> {},
                r -> r.getString(1))
            .stream()
            .collect(Collectors.joining("\n"));

    assertThat(partitionsIn(plan)).hasSizeGreaterThanOrEqualTo(PARTITIONS);
  }

  private static List<String> partitionsIn(String plan) {
    Matcher m = Pattern.compile("schedule_by_bucket_(\\d+)").matcher(plan);
    return m.results().map(r -> r.group(1)).distinct().toList();
  }
}
