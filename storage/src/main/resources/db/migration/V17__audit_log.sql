-- The audit log: every write to a tenant's schedules, keys, secrets, limits, task types and the
-- tenant itself, recorded in the write's own transaction (a write that rolls back leaves none).
-- Who (key id and name, kept though the key may be revoked), what (verb, resource, the names of the
-- fields changed, never their values), when, and from where. Pruned after the history retention.
CREATE TABLE audit_event (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL,
    key_id        uuid,                 -- null for the bootstrap admin key
    key_name      text        NOT NULL,
    action        text        NOT NULL,
    resource      text        NOT NULL,
    resource_id   text,
    changed       text[]      NOT NULL DEFAULT '{}',
    remote_addr   text,
    user_agent    text
);

CREATE INDEX audit_event_tenant   ON audit_event (tenant_id, id);
CREATE INDEX audit_event_resource ON audit_event (tenant_id, resource, resource_id, id);
CREATE INDEX audit_event_key      ON audit_event (tenant_id, key_id, id);
CREATE INDEX audit_event_at       ON audit_event (at);

-- Reading it is a scope of its own. Keys with every scope so far get it too (they are the keys
-- made before scopes existed, and those made to do everything).
ALTER TABLE api_key DROP CONSTRAINT api_key_scopes_known;
ALTER TABLE api_key ADD CONSTRAINT api_key_scopes_known CHECK (
    scopes <@ ARRAY['schedules:read', 'schedules:write', 'history:read', 'keys:manage',
                    'secrets:read', 'secrets:rotate', 'limits:manage', 'audit:read']::text[]);
UPDATE api_key
   SET scopes = scopes || ARRAY['audit:read']
 WHERE scopes @> ARRAY['schedules:read', 'schedules:write', 'history:read', 'keys:manage',
                       'secrets:read', 'secrets:rotate', 'limits:manage'];
