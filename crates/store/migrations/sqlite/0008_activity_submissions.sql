-- A key the client makes up once per activity it records (the visit form's hidden field, the
-- API's Idempotency-Key header), so that a second request with the same key — a double press
-- on a slow link, a retry after a lost answer — finds the activity the first one recorded
-- instead of recording the visit twice. NULL for activities recorded without one (and before
-- this column); NULLs never collide in a unique index, on either backend.
ALTER TABLE activities ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX activities_submission ON activities(program_id, submission_key);
