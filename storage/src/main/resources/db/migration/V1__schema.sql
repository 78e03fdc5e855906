-- Scheduleman schema, version 1.
--
-- One row of `schedule` is both the definition a user wrote and the queue entry of its single
-- pending trigger (next_fire_at, execution_id, attempt, lease). Executors claim due rows with one
-- UPDATE … FOR UPDATE SKIP LOCKED over the partial index `schedule_due`, which holds only active
-- rows, so the cost of a claim depends on what is due, not on how many schedules are stored.
-- Every rule a row must obey is a named CHECK constraint: a bad row is impossible, not unlikely.

CREATE TABLE tenant (
    id                          uuid        PRIMARY KEY,
    name                        text        NOT NULL,
    signing_secret              text        NOT NULL,
    -- After a rotation the old secret keeps signing (beside the new one) until it expires.
    previous_signing_secret     text,
    previous_secret_expires_at  timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenant_name_unique UNIQUE (name),
    CONSTRAINT tenant_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT tenant_secret_format CHECK (signing_secret LIKE 'whsec\_%'),
    CONSTRAINT tenant_previous_secret_format CHECK (previous_signing_secret LIKE 'whsec\_%'),
    CONSTRAINT tenant_previous_secret_expires CHECK (
        (previous_signing_secret IS NULL) = (previous_secret_expires_at IS NULL))
);

CREATE TABLE api_key (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    -- The start of the key, shown in lists and used to find the row; the key itself is never stored.
    prefix        text        NOT NULL,
    key_hash      bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT api_key_prefix_unique UNIQUE (prefix),
    CONSTRAINT api_key_hash_is_sha256 CHECK (octet_length(key_hash) = 32),
    CONSTRAINT api_key_name_length CHECK (char_length(name) BETWEEN 1 AND 200)
);

CREATE INDEX api_key_tenant ON api_key (tenant_id, created_at);

CREATE TABLE schedule (
    id                uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    -- Byte order (C collation) so that the unique index also serves name-prefix filters.
    name              text        COLLATE "C",
    description       text,
    labels            jsonb       NOT NULL DEFAULT '{}',

    -- When it fires: exactly one kind of spec.
    spec_kind         text        NOT NULL,
    cron              text,
    timezone          text,
    fire_at           timestamptz,
    interval_ms       bigint,
    start_at          timestamptz,

    -- What it calls.
    target_url        text        NOT NULL,
    target_method     text        NOT NULL,
    target_headers    jsonb       NOT NULL DEFAULT '{}',
    target_body       text,
    timeout_ms        integer     NOT NULL,

    -- How it retries.
    max_attempts      integer     NOT NULL,
    min_backoff_ms    bigint      NOT NULL,
    max_backoff_ms    bigint      NOT NULL,
    on_exhausted      text        NOT NULL,

    state             text        NOT NULL,

    -- The pending trigger. execution_id is the webhook-id: it stays the same across the retries of
    -- one occurrence and changes for every new occurrence and whenever the trigger is replaced (a
    -- reschedule, pause or resume), which is what guards completions against lost updates.
    next_fire_at      timestamptz,
    scheduled_for     timestamptz,
    execution_id      uuid,
    attempt           integer     NOT NULL DEFAULT 0,
    lease_owner       text,
    lease_until       timestamptz,

    -- The last attempt, for lists and dashboards.
    last_fired_at     timestamptz,
    last_outcome      text,
    last_http_status  integer,
    last_error        text,

    version           bigint      NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,

    CONSTRAINT schedule_name_unique UNIQUE (tenant_id, name),
    CONSTRAINT schedule_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    CONSTRAINT schedule_state_valid CHECK (state IN ('ACTIVE', 'PAUSED', 'COMPLETED', 'DEAD')),
    CONSTRAINT schedule_spec_kind_valid CHECK (spec_kind IN ('CRON', 'AT', 'EVERY')),
    CONSTRAINT schedule_exactly_one_spec CHECK (
        (spec_kind = 'CRON' AND cron IS NOT NULL AND timezone IS NOT NULL
            AND fire_at IS NULL AND interval_ms IS NULL AND start_at IS NULL)
        OR (spec_kind = 'AT' AND fire_at IS NOT NULL
            AND cron IS NULL AND timezone IS NULL AND interval_ms IS NULL AND start_at IS NULL)
        OR (spec_kind = 'EVERY' AND interval_ms IS NOT NULL AND start_at IS NOT NULL
            AND cron IS NULL AND timezone IS NULL AND fire_at IS NULL)),
    CONSTRAINT schedule_interval_positive CHECK (interval_ms > 0),
    CONSTRAINT schedule_method_valid CHECK (target_method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    CONSTRAINT schedule_timeout_positive CHECK (timeout_ms > 0),
    CONSTRAINT schedule_max_attempts_positive CHECK (max_attempts >= 1),
    CONSTRAINT schedule_backoff_ordered CHECK (min_backoff_ms >= 0 AND min_backoff_ms <= max_backoff_ms),
    CONSTRAINT schedule_on_exhausted_valid CHECK (on_exhausted IN ('DEAD', 'CONTINUE')),
    CONSTRAINT schedule_labels_object CHECK (jsonb_typeof(labels) = 'object'),
    CONSTRAINT schedule_headers_object CHECK (jsonb_typeof(target_headers) = 'object'),
    -- Exactly the active schedules have a trigger waiting to fire.
    CONSTRAINT schedule_active_iff_pending CHECK ((state = 'ACTIVE') = (next_fire_at IS NOT NULL)),
    CONSTRAINT schedule_pending_is_complete CHECK (
        next_fire_at IS NULL OR (scheduled_for IS NOT NULL AND execution_id IS NOT NULL)),
    CONSTRAINT schedule_attempt_non_negative CHECK (attempt >= 0),
    CONSTRAINT schedule_lease_complete CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
    CONSTRAINT schedule_last_outcome_valid CHECK (last_outcome IN ('SUCCEEDED', 'FAILED')),
    CONSTRAINT schedule_version_positive CHECK (version >= 1)
) WITH (fillfactor = 80); -- room on each page for HOT updates of the lease columns

-- The claim query's index: only active rows, in due order.
CREATE INDEX schedule_due ON schedule (next_fire_at) WHERE state = 'ACTIVE';

-- Keyset pagination of a tenant's schedules (ids are time-ordered UUIDv7).
CREATE INDEX schedule_tenant ON schedule (tenant_id, id);

-- Every attempt of every trigger, appended by executors. There is deliberately no foreign key to
-- schedule: a schedule may be deleted while one of its triggers is in flight, and the attempt is
-- still recorded instead of failing the executor's whole completion batch. Rows are pruned by age.
CREATE TABLE execution (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    -- The last attempt of a trigger that ran out of retries: a dead letter.
    exhausted         boolean     NOT NULL DEFAULT false,
    CONSTRAINT execution_outcome_valid CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
    CONSTRAINT execution_attempt_positive CHECK (attempt >= 1),
    CONSTRAINT execution_duration_non_negative CHECK (duration_ms >= 0),
    CONSTRAINT execution_exhausted_failed CHECK (NOT exhausted OR outcome = 'FAILED'),
    CONSTRAINT execution_failure_explained CHECK (outcome = 'SUCCEEDED' OR error IS NOT NULL)
);

-- A schedule's history, newest first.
CREATE INDEX execution_schedule ON execution (schedule_id, fired_at DESC, id DESC);
-- A tenant's recent activity (stats).
CREATE INDEX execution_tenant_fired ON execution (tenant_id, fired_at);
-- A tenant's dead letters, newest first.
CREATE INDEX execution_dead_letter ON execution (tenant_id, fired_at DESC, id DESC) WHERE exhausted;
-- Pruning by age, cheaply: rows arrive in fired_at order.
CREATE INDEX execution_fired_brin ON execution USING brin (fired_at);
