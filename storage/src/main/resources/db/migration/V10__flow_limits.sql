-- Flow limits: a tenant caps the rate (a token bucket) and the concurrency of deliveries per flow
-- key, across all executors together. A schedule's key is target_flow_key when it names one, else
-- 'host:' and its target's host; flow_key holds the key that applies, whichever it is.
--
-- flow_limited marks the schedules whose key has a limit: they leave the claim's index
-- (schedule_claim) for one of their own, by tenant and key (schedule_flow), which the flow claim
-- reads one key at a time for as many as the key's limit allows. So a throttled backlog never
-- stands in front of unlimited work, and the unlimited claim reads exactly what it read before.
-- The API keeps the mark true to the limits: declaring or removing a limit marks or unmarks the
-- key's schedules, and a schedule written takes the mark of its key (under a lock on the tenant row
-- that the two take in opposite modes, so neither misses the other).

ALTER TABLE schedule
    ADD COLUMN target_flow_key text,
    ADD COLUMN flow_key text,
    ADD COLUMN flow_limited boolean NOT NULL DEFAULT false;

UPDATE schedule
   SET flow_key = 'host:' || lower(substring(target_url
                                    FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]]*\]|[^:/?#]*)'));

ALTER TABLE schedule
    ALTER COLUMN flow_key SET NOT NULL,
    ADD CONSTRAINT schedule_target_flow_key_format CHECK (target_flow_key ~ '^[A-Za-z0-9._:@-]{1,200}$'),
    ADD CONSTRAINT schedule_flow_key_applies CHECK (flow_key = coalesce(target_flow_key, flow_key)
                                                    AND char_length(flow_key) BETWEEN 1 AND 300);

DROP INDEX schedule_claim;
CREATE INDEX schedule_claim ON schedule (claim_rank, next_fire_at)
    WHERE state = 'ACTIVE' AND NOT flow_limited;
CREATE INDEX schedule_flow ON schedule (tenant_id, flow_key, claim_rank, next_fire_at)
    WHERE state = 'ACTIVE' AND flow_limited;

CREATE TABLE flow_limit (
    tenant_id        uuid             NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    flow_key         text             NOT NULL,
    -- The token bucket: rate_per_second tokens a second, up to burst; a delivery takes one.
    rate_per_second  double precision,
    burst            integer,
    -- At most this many deliveries of the key in flight (leased) at once.
    max_concurrency  integer,
    -- The bucket as of refilled_at (the last claim that took from it).
    tokens           double precision NOT NULL,
    refilled_at      timestamptz      NOT NULL,
    -- The schedules the flow claim leased, some maybe since completed: the key's live leases are
    -- those of them still leased (so a lease that ran out, or a trigger completed, frees its slot).
    leased           uuid[]           NOT NULL DEFAULT '{}',
    -- The last claim that left due deliveries of the key waiting: a delivery due before it waited
    -- for the limit (is throttled).
    exhausted_at     timestamptz,
    created_at       timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, flow_key),
    CONSTRAINT flow_limit_key_format CHECK (flow_key ~ '^[A-Za-z0-9._:@\[\]-]+$' AND char_length(flow_key) <= 300),
    CONSTRAINT flow_limit_declares_one CHECK (rate_per_second IS NOT NULL OR max_concurrency IS NOT NULL),
    CONSTRAINT flow_limit_rate_positive CHECK (rate_per_second > 0 AND rate_per_second <= 100000),
    CONSTRAINT flow_limit_burst_with_rate CHECK ((burst IS NULL) = (rate_per_second IS NULL)
                                                 AND burst BETWEEN 1 AND 100000),
    CONSTRAINT flow_limit_concurrency_positive CHECK (max_concurrency BETWEEN 1 AND 10000),
    CONSTRAINT flow_limit_tokens_bounded CHECK (tokens >= 0)
);

-- An attempt of a paced trigger names the flow key that paced it and, when the trigger waited for
-- the key's limit, for how long (from when it fell due to when it was claimed).
ALTER TABLE execution
    ADD COLUMN flow_key text,
    ADD COLUMN throttled_ms bigint,
    ADD CONSTRAINT execution_throttled_non_negative CHECK (throttled_ms >= 0);
