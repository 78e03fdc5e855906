-- Idempotency-Key on POST /schedules: a retried request returns the schedule its first attempt
-- created instead of creating a second one. Keys are kept at least 24 hours.
CREATE TABLE idempotency_key (
    tenant_id     uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    key           text        NOT NULL,
    -- SHA-256 of the request body: the same key with another body is an error, not a replay.
    request_hash  bytea       NOT NULL,
    schedule_id   uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key),
    CONSTRAINT idempotency_key_length CHECK (char_length(key) BETWEEN 1 AND 255),
    CONSTRAINT idempotency_request_hash_is_sha256 CHECK (octet_length(request_hash) = 32)
);

CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
