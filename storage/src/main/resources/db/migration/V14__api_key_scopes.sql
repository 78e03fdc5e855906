-- API keys get scopes (what they may do) and an optional expiry. Keys made before had every power
-- of their tenant, so they get every scope; new keys state theirs.
ALTER TABLE api_key
    ADD COLUMN scopes     text[] NOT NULL DEFAULT ARRAY['schedules:read', 'schedules:write',
        'history:read', 'keys:manage', 'secrets:read', 'secrets:rotate', 'limits:manage'],
    ADD COLUMN expires_at timestamptz;

ALTER TABLE api_key ALTER COLUMN scopes DROP DEFAULT;

ALTER TABLE api_key ADD CONSTRAINT api_key_scopes_known CHECK (
    scopes <@ ARRAY['schedules:read', 'schedules:write', 'history:read', 'keys:manage',
                    'secrets:read', 'secrets:rotate', 'limits:manage']::text[]);
