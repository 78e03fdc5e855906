CREATE TABLE event (
    id                uuid        PRIMARY KEY,
    title             text        NOT NULL,
    starts_at         timestamptz NOT NULL,
    -- The references Scheduleman's calls returned, stored in the same transaction.
    merge_ref         text        NOT NULL,
    merge_outbox_id   uuid        NOT NULL,
    newsletter_ref    text        NOT NULL,
    newsletter_outbox_id uuid     NOT NULL,
    pools_merged_at   timestamptz,
    newsletters_sent  integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    CONSTRAINT event_title_unique UNIQUE (title)
);

-- Webhook ids already handled: Scheduleman may deliver a trigger twice (a retry after a timeout),
-- under the same id, so the receiver drops what it has seen.
CREATE TABLE received_webhook (
    webhook_id   text        PRIMARY KEY,
    received_at  timestamptz NOT NULL
);
