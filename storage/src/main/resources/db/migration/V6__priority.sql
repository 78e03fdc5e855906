-- Priority: 0 (lowest) to 9 (highest), 5 by default. When more is due than the executors can send,
-- higher priority goes first, then earlier due time; a retry goes after the first attempts of its
-- priority. claim_rank puts that order in one small number (0 goes first), so that the claim reads
-- one index range per rank, in rank order, and stops as soon as it has its batch: an index scan
-- whatever the backlog, and no sort.
ALTER TABLE schedule
    ADD COLUMN priority smallint NOT NULL DEFAULT 5,
    ADD CONSTRAINT schedule_priority_valid CHECK (priority BETWEEN 0 AND 9),
    ADD COLUMN claim_rank smallint NOT NULL
        GENERATED ALWAYS AS ((9 - priority) * 2 + CASE WHEN attempt > 0 THEN 1 ELSE 0 END) STORED;

-- Replaces schedule_due (next_fire_at alone): one index to keep up to date per completion, not two.
-- Queries over every rank (the due backlog) read it rank by rank.
DROP INDEX schedule_due;
CREATE INDEX schedule_claim ON schedule (claim_rank, next_fire_at) WHERE state = 'ACTIVE';
