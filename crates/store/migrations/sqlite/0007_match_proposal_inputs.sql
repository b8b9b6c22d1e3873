-- Mentee matching proposals fingerprint what they were solved from (the solver's problem and
-- rules: people, capacities, settings, pins, forbids, exclusions, current pairings), as
-- facility proposals do, so that approving a draft whose inputs changed since it was run is
-- refused instead of writing a stale answer (a forbid added after the run would be ignored).
-- NULL for proposals stored before this column: they approve as before.
ALTER TABLE match_proposals ADD COLUMN inputs_sha256 TEXT;
