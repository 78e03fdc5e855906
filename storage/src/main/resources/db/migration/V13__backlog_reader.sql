-- The due backlog, readable by an autoscaler that can read nothing else.
--
-- KEDA (the prod overlay) counts due schedules with its own login role, a member of the group role
-- scheduleman_backlog. That role is created by whoever runs the database, before this migration
-- (CloudNativePG's postInitApplicationSQL in the prod overlay); the schema's owner cannot create
-- roles, but may grant on its own tables. Where no such role exists (the local suite, tests), there
-- is nothing to grant. The grant is by column: the five the backlog query reads. No URL, body,
-- header, key or secret.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'scheduleman_backlog') THEN
        GRANT SELECT (state, flow_limited, claim_rank, next_fire_at, lease_until)
            ON schedule TO scheduleman_backlog;
    END IF;
END
$$;
