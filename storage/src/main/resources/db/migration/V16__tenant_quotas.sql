-- Quotas the admin sets per tenant; null is no limit.
ALTER TABLE tenant
    ADD COLUMN max_schedules           integer CONSTRAINT tenant_max_schedules CHECK (max_schedules > 0),
    ADD COLUMN max_fires_per_minute    integer CONSTRAINT tenant_max_fires CHECK (max_fires_per_minute > 0),
    ADD COLUMN api_requests_per_second integer CONSTRAINT tenant_api_rate CHECK (api_requests_per_second > 0);

-- Each schedule's fire rate as the maxFiresPerMinute quota counts it (the busiest hour of its next
-- day, in fires per minute). Null until a quota check needs it: tenants without that quota never
-- pay for it, and rows written before this migration are counted when it is first set.
ALTER TABLE schedule
    ADD COLUMN fires_per_minute double precision
        CONSTRAINT schedule_fires_per_minute CHECK (fires_per_minute >= 0);

-- A new spec makes the stored rate stale. The trigger is on the spec's columns only, so the
-- executors' claims and completions, which never set them, do not run it.
CREATE FUNCTION schedule_fire_rate_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.spec_kind, NEW.cron, NEW.timezone, NEW.fire_at, NEW.interval_ms, NEW.start_at,
        NEW.end_at, NEW.exclude_dates)
       IS DISTINCT FROM
       (OLD.spec_kind, OLD.cron, OLD.timezone, OLD.fire_at, OLD.interval_ms, OLD.start_at,
        OLD.end_at, OLD.exclude_dates) THEN
        NEW.fires_per_minute := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER schedule_fire_rate_stale
    BEFORE UPDATE OF spec_kind, cron, timezone, fire_at, interval_ms, start_at, end_at, exclude_dates
    ON schedule FOR EACH ROW EXECUTE FUNCTION schedule_fire_rate_stale();
