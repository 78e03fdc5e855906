-- Every claim of a trigger gets a token of its own. The executor's later statements on the trigger
-- (renewing the lease, fencing before a send, completing, releasing) are guarded by it, so a
-- statement of an earlier claim can never apply to a later claim of the same trigger, not even by
-- the same executor after its lease ran out.
ALTER TABLE schedule ADD COLUMN lease_token uuid;

UPDATE schedule SET lease_token = gen_random_uuid() WHERE lease_owner IS NOT NULL;

ALTER TABLE schedule DROP CONSTRAINT schedule_lease_complete;
ALTER TABLE schedule ADD CONSTRAINT schedule_lease_complete CHECK (
    (lease_owner IS NULL) = (lease_until IS NULL)
    AND (lease_owner IS NULL) = (lease_token IS NULL));
