-- Typed tasks: a tenant declares a task type with a JSON Schema for its body; a schedule that names
-- one (target_task_type) had its body checked against the schema when it was written, and its
-- webhooks carry the type's name. The foreign key keeps a type from being deleted while any of
-- the tenant's schedules names it, and (as every insert or update naming a type takes the type's
-- row in key-share mode) from being deleted between the check and the write.

CREATE TABLE task_type (
    tenant_id    uuid        NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    description  text,
    body_schema  jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name),
    CONSTRAINT task_type_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
    CONSTRAINT task_type_schema_shape CHECK (jsonb_typeof(body_schema) IN ('object', 'boolean'))
);

ALTER TABLE schedule
    ADD COLUMN target_task_type text,
    ADD CONSTRAINT schedule_task_type_declared FOREIGN KEY (tenant_id, target_task_type)
        REFERENCES task_type (tenant_id, name);

-- The foreign key's check on delete, and the count of a type's schedules.
CREATE INDEX schedule_task_type ON schedule (tenant_id, target_task_type)
    WHERE target_task_type IS NOT NULL;
