-- What a recurring schedule does with occurrences it missed (executors down or far behind): NULL
-- columns are the default, one catch-up for the latest occurrence due (policy 'latest', a threshold
-- of a minute, at most 100 caught up). A one-off has no misfire policy.
ALTER TABLE schedule
    ADD COLUMN misfire_policy text,
    ADD COLUMN misfire_threshold_ms bigint,
    ADD COLUMN misfire_max_catch_up integer;

ALTER TABLE schedule
    ADD CONSTRAINT schedule_misfire_complete CHECK (
        (misfire_policy IS NULL AND misfire_threshold_ms IS NULL AND misfire_max_catch_up IS NULL)
        OR (misfire_policy IN ('latest', 'skip', 'all')
            AND misfire_threshold_ms BETWEEN 1 AND 31622400000
            AND misfire_max_catch_up BETWEEN 1 AND 1000
            AND spec_kind IN ('CRON', 'EVERY')));
