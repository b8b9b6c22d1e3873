-- The ordered log of changes to what the indicator engines hold. Each server keeps its own
-- engines in memory; a change written here in the same transaction as the rows it describes
-- reaches every server, which tails the log in `seq` order (woken by LISTEN/NOTIFY on
-- PostgreSQL, by polling on SQLite). Old entries are pruned: a server that starts builds its
-- engines from the rows themselves.
CREATE TABLE engine_changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL: every program (the org-unit tree changed).
    program_id   INTEGER REFERENCES programs(id),
    -- 'values' (values_json holds them), 'activity' (activity_id), 'rebuild'.
    kind         TEXT NOT NULL,
    activity_id  INTEGER REFERENCES activities(id),
    values_json  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX engine_changes_created ON engine_changes(created_at);
