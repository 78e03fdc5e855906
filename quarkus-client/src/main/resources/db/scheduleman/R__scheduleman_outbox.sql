-- Scheduleman's outbox, in the application's own database: one row per schedule, replace or
-- cancel call, written in the caller's transaction and forwarded by the relay once committed.
-- A repeatable migration of idempotent statements, so that it fits beside any versioning the
-- application's own migrations use: include it with quarkus.flyway.locations=db/migration,db/scheduleman.

CREATE TABLE IF NOT EXISTS scheduleman_outbox (
    -- Also the Idempotency-Key of the request the row becomes: a relay that dies after sending and
    -- before marking the row sends it again, and the API answers with what the first one did.
    id               uuid        PRIMARY KEY,
    -- Commit-independent order of the calls; rows of one schedule_ref are sent in this order.
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    operation        text        NOT NULL,
    -- The schedule the row is about: its name, or (for an unnamed create, and the calls about it)
    -- the id of the create's row.
    schedule_ref     text        NOT NULL,
    payload          jsonb,
    state            text        NOT NULL DEFAULT 'PENDING',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    -- What the API answered: the schedule's id, the status, and why it failed (the problem's text).
    schedule_id      uuid,
    http_status      integer,
    last_error       text,
    -- The API had already applied it (Idempotent-Replayed): a resend after a crash.
    replayed         boolean     NOT NULL DEFAULT false,
    CONSTRAINT scheduleman_outbox_operation CHECK (operation IN ('CREATE', 'PUT', 'DELETE')),
    CONSTRAINT scheduleman_outbox_state CHECK (state IN ('PENDING', 'SENT', 'FAILED')),
    CONSTRAINT scheduleman_outbox_payload CHECK ((operation = 'DELETE') = (payload IS NULL))
);

CREATE INDEX IF NOT EXISTS scheduleman_outbox_pending
    ON scheduleman_outbox (seq) WHERE state = 'PENDING';
CREATE INDEX IF NOT EXISTS scheduleman_outbox_pending_ref
    ON scheduleman_outbox (schedule_ref, seq) WHERE state = 'PENDING';
CREATE INDEX IF NOT EXISTS scheduleman_outbox_sent
    ON scheduleman_outbox (sent_at) WHERE state = 'SENT';
