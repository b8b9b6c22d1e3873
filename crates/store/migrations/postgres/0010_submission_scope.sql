-- A submission key belongs to whoever sent it: two callers who happen to send the same key each
-- record their own activity (before, the second silently got the first's record, which it may
-- not even read). Beside the key, a digest of what was asked, so that the same key with a
-- different request is refused (409) instead of answered with the first activity. Keys stored
-- before this have an empty scope and no digest.
ALTER TABLE activities ADD COLUMN submission_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN submission_sha256 TEXT;
DROP INDEX activities_submission;
CREATE UNIQUE INDEX activities_submission ON activities(program_id, submission_scope, submission_key);
