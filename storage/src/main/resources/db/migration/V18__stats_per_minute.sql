-- Per-minute figures of each tenant's attempts, so that /stats reads a row per minute instead of
-- running percentiles over a day of history on every call. The executors' housekeeping rolls each
-- minute up once it is closed (a couple of minutes after it ends, when its attempts are recorded);
-- /stats reads the minutes rolled up and the few since from the history itself.
CREATE TABLE execution_minute (
    tenant_id      uuid             NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    minute         timestamptz      NOT NULL,
    fired          bigint           NOT NULL,
    failed         bigint           NOT NULL,
    first_attempts bigint           NOT NULL,
    late_max_ms    double precision,
    -- First attempts by lateness bucket, {"<bucket>": count}: bucket b holds lateness in
    -- [1.2^b - 1, 1.2^(b+1) - 1) ms, the last one everything above (see LatenessBuckets).
    late_buckets   jsonb            NOT NULL,
    PRIMARY KEY (tenant_id, minute)
);

CREATE INDEX execution_minute_minute ON execution_minute (minute);

-- Minutes before rolled_until are rolled up. One row; the executor that rolls locks it.
CREATE TABLE stats_rollup (
    id           integer     PRIMARY KEY CONSTRAINT stats_rollup_one_row CHECK (id = 1),
    rolled_until timestamptz NOT NULL
);

-- The history already kept is rolled up from a day back.
INSERT INTO stats_rollup (id, rolled_until) VALUES (1, date_trunc('minute', now()) - interval '1 day');
