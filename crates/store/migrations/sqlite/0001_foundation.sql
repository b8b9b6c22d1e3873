-- Foundation schema (C1, C16). SQLite flavour: the same tables, columns and constraints as
-- migrations/postgres/0001_foundation.sql; only types differ (times are RFC 3339 text written
-- by the application, booleans are 0/1). Never edit an applied migration: add a new file.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    dhis2_uid   TEXT UNIQUE,
    latitude    REAL,
    longitude   REAL,
    -- Materialised path of ids, '/1/4/9/': subtree queries are prefix matches.
    path        TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE programs (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('peer_research', 'clinical_mentorship')),
    description     TEXT NOT NULL DEFAULT '',
    root_org_unit_id INTEGER REFERENCES org_units(id),
    created_at      TEXT NOT NULL
);

CREATE TABLE people (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    cadre                TEXT,
    -- Lists are stored as comma-separated validated tokens (no token can hold a comma).
    disciplines          TEXT NOT NULL DEFAULT '',
    years_experience     INTEGER CHECK (years_experience BETWEEN 0 AND 70),
    languages            TEXT NOT NULL DEFAULT '',
    time_zone            TEXT NOT NULL,
    country_of_residence TEXT,
    home_country         TEXT,
    orcid                TEXT UNIQUE,
    phone                TEXT,
    email                TEXT UNIQUE,
    contact_consent      TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX people_name ON people(name);

CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('program_manager', 'mentor', 'mentee', 'facility_leader', 'regional_viewer')),
    org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
    created_at  TEXT NOT NULL,
    UNIQUE (program_id, person_id, role, org_unit_id)
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_program ON memberships(program_id, org_unit_id);

-- Mentorship pairings. Created by matching (C5); the foundation needs them for scoping
-- (a mentee sees their own pairings, a mentor their mentees).
CREATE TABLE pairings (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    mentor_id   INTEGER NOT NULL REFERENCES people(id),
    mentee_id   INTEGER NOT NULL REFERENCES people(id),
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'ended')),
    created_at  TEXT NOT NULL,
    CHECK (mentor_id <> mentee_id)
);
CREATE INDEX pairings_mentor ON pairings(mentor_id);
CREATE INDEX pairings_mentee ON pairings(mentee_id);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    person_id     INTEGER UNIQUE REFERENCES people(id),
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    locale        TEXT NOT NULL DEFAULT '',  -- '' until the person picks a language
    created_at    TEXT NOT NULL
);

-- Server-side sessions so several servers share them. Only a SHA-256 of the cookie value is
-- stored: a leaked database does not leak live sessions.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked      INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);

-- Failed sign-ins, keyed 'account:<username>' and 'addr:<client address>'.
CREATE TABLE login_failures (
    id     INTEGER PRIMARY KEY,
    key    TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

-- Every change: who, what, when (UTC), before and after (JSON text).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  INTEGER REFERENCES accounts(id),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
