-- Every rotated-out signing secret keeps signing until its own expiry: a list instead of the one
-- previous secret (a second rotation within the grace cut receivers of the first one off). The list
-- is on the tenant row, which the claim reads anyway: [{"secret": "whsec_…", "expiresAt": "…Z"}].
-- Executors that predate this migration cannot claim until they are upgraded (their claim reads the
-- dropped columns); they retry, and nothing is lost.
ALTER TABLE tenant ADD COLUMN retired_signing_secrets jsonb NOT NULL DEFAULT '[]';

UPDATE tenant
   SET retired_signing_secrets = jsonb_build_array(jsonb_build_object(
           'secret', previous_signing_secret,
           'expiresAt', to_char(previous_secret_expires_at AT TIME ZONE 'UTC',
                                'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
 WHERE previous_signing_secret IS NOT NULL AND previous_secret_expires_at > now();

ALTER TABLE tenant
    DROP CONSTRAINT tenant_previous_secret_format,
    DROP CONSTRAINT tenant_previous_secret_expires,
    DROP COLUMN previous_signing_secret,
    DROP COLUMN previous_secret_expires_at,
    ADD CONSTRAINT tenant_retired_secrets_list CHECK (jsonb_typeof(retired_signing_secrets) = 'array');
