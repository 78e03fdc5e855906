-- What a receiver asked for with a 429 or 503 answer's Retry-After: the earliest instant of the
-- next attempt (which the retry honours, capped by the schedule's maxBackoff). Null otherwise.
-- Added to the partitioned parent, so every partition, present and future, has it; no rewrite.
ALTER TABLE execution ADD COLUMN retry_after timestamptz;
