-- Bounds and exclusions for recurring schedules: a cron schedule may now start at start_at (an
-- interval schedule's start_at was already its first occurrence), either may end at end_at (after
-- it the schedule completes), and either may skip whole local dates, in the schedule's time zone
-- (which an interval schedule now names for its excluded dates).
ALTER TABLE schedule
    ADD COLUMN end_at timestamptz,
    ADD COLUMN exclude_dates date[];

ALTER TABLE schedule
    DROP CONSTRAINT schedule_exactly_one_spec,
    ADD CONSTRAINT schedule_exactly_one_spec CHECK (
        (spec_kind = 'CRON' AND cron IS NOT NULL AND timezone IS NOT NULL
            AND fire_at IS NULL AND interval_ms IS NULL)
        OR (spec_kind = 'AT' AND fire_at IS NOT NULL
            AND cron IS NULL AND timezone IS NULL AND interval_ms IS NULL AND start_at IS NULL
            AND end_at IS NULL AND exclude_dates IS NULL)
        OR (spec_kind = 'EVERY' AND interval_ms IS NOT NULL AND start_at IS NOT NULL
            AND cron IS NULL AND fire_at IS NULL
            AND (timezone IS NULL OR exclude_dates IS NOT NULL))),
    ADD CONSTRAINT schedule_bounds_ordered CHECK (end_at > start_at),
    ADD CONSTRAINT schedule_exclude_dates_bounded CHECK (
        cardinality(exclude_dates) BETWEEN 1 AND 366 AND array_position(exclude_dates, NULL) IS NULL);
