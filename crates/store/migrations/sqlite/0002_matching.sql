-- Matching (C5): a program's settings, mentor capacities, manager rules, stated preferences,
-- and proposals a manager reviews and approves into pairings.
-- Same tables as migrations/postgres/0002_matching.sql; only types differ.

-- The program's weights and rules as one JSON document (matching::criteria::Settings), read
-- and validated by the application; a program without a row uses the defaults.
CREATE TABLE matching_settings (
    program_id    INTEGER PRIMARY KEY REFERENCES programs(id),
    settings_json TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- How many mentees a mentor takes in a program; 0 = not taking mentees (e.g. has left).
CREATE TABLE mentor_capacities (
    program_id INTEGER NOT NULL REFERENCES programs(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    capacity   INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 1000),
    PRIMARY KEY (program_id, person_id)
);

-- Manager decisions on pairs: pin (force), forbid, or conflict (a named hard exclusion such
-- as a direct supervisor).
CREATE TABLE match_rules (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    kind       TEXT NOT NULL CHECK (kind IN ('pin', 'forbid', 'conflict')),
    mentee_id  INTEGER NOT NULL REFERENCES people(id),
    mentor_id  INTEGER NOT NULL REFERENCES people(id),
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (program_id, kind, mentee_id, mentor_id),
    CHECK (mentee_id <> mentor_id)
);

-- Ranked preferences a mentee or mentor states about the other side (1 = first choice).
CREATE TABLE match_preferences (
    program_id   INTEGER NOT NULL REFERENCES programs(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    preferred_id INTEGER NOT NULL REFERENCES people(id),
    rank         INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 20),
    PRIMARY KEY (program_id, person_id, preferred_id)
);

-- A solver run. result_json holds the explained pairs, unassigned mentees and the warm start
-- (keyed by person ids), so a proposal reads the same later even if people change.
CREATE TABLE match_proposals (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'discarded')),
    reason      TEXT NOT NULL,
    objective   INTEGER NOT NULL,
    result_json TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    decided_at  TEXT
);
CREATE INDEX match_proposals_program ON match_proposals(program_id, id);
CREATE INDEX pairings_program ON pairings(program_id, status);
