-- Scheduleman schema, version 4: the attempt history partitioned by day, and a permanent bucket for
-- every schedule.
--
-- History: `execution` becomes a table partitioned by range of fired_at, one partition per UTC day
-- (execution_pYYYYMMDD). The executors create partitions a few days ahead and drop whole
-- partitions once they are older than the retention, so pruning costs one DROP TABLE per day
-- instead of a DELETE of every old row, and the hot path appends to a small, recent partition.
-- `execution_default` takes any row no daily partition covers (housekeeping that did not run for
-- days, a clock far off); housekeeping moves such rows into their day's partition when it creates
-- it, and deletes them by age like any other.
--
-- Buckets: `bucket` is the low 10 bits of the schedule id (UUIDv7 ends in random bits, so the
-- 1024 buckets fill evenly), fixed for the life of the row. Nothing reads it yet: it is the key the
-- hot table will be hash-partitioned or distributed by when one primary no longer suffices (see
-- docs/scaling.md), and a table's distribution column cannot change afterwards, so every row has
-- it from now on.

-- The last 10 bits of the id (its 16th byte and the low 2 bits of its 15th). A plain SQL function,
-- so PostgreSQL inlines it where it is used: the CHECK costs a couple of byte reads per row.
CREATE FUNCTION schedule_bucket(id uuid) RETURNS smallint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (get_byte(uuid_send(id), 15) | ((get_byte(uuid_send(id), 14) & 3) << 8))::smallint;

ALTER TABLE schedule ADD COLUMN bucket smallint;
UPDATE schedule SET bucket = schedule_bucket(id);
ALTER TABLE schedule ALTER COLUMN bucket SET NOT NULL;
ALTER TABLE schedule ADD CONSTRAINT schedule_bucket_of_id CHECK (bucket = schedule_bucket(id));

ALTER TABLE execution RENAME TO execution_unpartitioned;
ALTER TABLE execution_unpartitioned RENAME CONSTRAINT execution_pkey TO execution_unpartitioned_pkey;
ALTER INDEX execution_schedule RENAME TO execution_unpartitioned_schedule;
ALTER INDEX execution_tenant_fired RENAME TO execution_unpartitioned_tenant_fired;
ALTER INDEX execution_dead_letter RENAME TO execution_unpartitioned_dead_letter;
DROP INDEX execution_fired_brin;

CREATE TABLE execution (
    id                bigint      NOT NULL,
    schedule_id       uuid        NOT NULL,
    tenant_id         uuid        NOT NULL,
    execution_id      uuid        NOT NULL,
    scheduled_for     timestamptz NOT NULL,
    fired_at          timestamptz NOT NULL,
    attempt           integer     NOT NULL,
    executor          text        NOT NULL,
    outcome           text        NOT NULL,
    http_status       integer,
    duration_ms       integer     NOT NULL,
    error             text,
    response_excerpt  text,
    exhausted         boolean     NOT NULL DEFAULT false,
    -- Unique keys of a partitioned table include its partition key; (fired_at, id) is also the
    -- order in which history pages are read.
    CONSTRAINT execution_pkey PRIMARY KEY (fired_at, id),
    CONSTRAINT execution_outcome_valid CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
    CONSTRAINT execution_attempt_positive CHECK (attempt >= 1),
    CONSTRAINT execution_duration_non_negative CHECK (duration_ms >= 0),
    CONSTRAINT execution_exhausted_failed CHECK (NOT exhausted OR outcome = 'FAILED'),
    CONSTRAINT execution_failure_explained CHECK (outcome = 'SUCCEEDED' OR error IS NOT NULL)
) PARTITION BY RANGE (fired_at);

-- A schedule's history, newest first.
CREATE INDEX execution_schedule ON execution (schedule_id, fired_at DESC, id DESC);
-- A tenant's recent activity (stats).
CREATE INDEX execution_tenant_fired ON execution (tenant_id, fired_at);
-- A tenant's dead letters, newest first.
CREATE INDEX execution_dead_letter ON execution (tenant_id, fired_at DESC, id DESC) WHERE exhausted;

CREATE TABLE execution_default PARTITION OF execution DEFAULT;

-- The last week (the default retention) and the next three days; housekeeping keeps it going.
DO $$
DECLARE
    day date;
BEGIN
    FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 7,
                                      (now() AT TIME ZONE 'UTC')::date + 3, interval '1 day')::date
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF execution FOR VALUES FROM (%L) TO (%L)',
            'execution_p' || to_char(day, 'YYYYMMDD'),
            day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
    END LOOP;
END
$$;

INSERT INTO execution
SELECT id, schedule_id, tenant_id, execution_id, scheduled_for, fired_at, attempt, executor,
       outcome, http_status, duration_ms, error, response_excerpt, exhausted
  FROM execution_unpartitioned;

DROP TABLE execution_unpartitioned; -- and its identity sequence, execution_id_seq

-- Identity columns on partitioned tables need PostgreSQL 17; a sequence works on every version.
CREATE SEQUENCE execution_id_seq AS bigint OWNED BY execution.id;
SELECT setval('execution_id_seq', coalesce((SELECT max(id) FROM execution), 0) + 1, false);
ALTER TABLE execution ALTER COLUMN id SET DEFAULT nextval('execution_id_seq');
