-- A flexible window: each occurrence fires at an instant in [occurrence, occurrence + window),
-- derived from the schedule's id and the occurrence (next_fire_at holds that instant,
-- scheduled_for the occurrence). NULL for none.
ALTER TABLE schedule
    ADD COLUMN window_ms bigint,
    ADD CONSTRAINT schedule_window_bounded CHECK (window_ms BETWEEN 1000 AND 86400000);
