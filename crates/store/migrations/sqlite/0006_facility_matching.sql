-- Facility coupling and mentor team formation (C5): a program's settings, proposals a manager
-- reviews and approves, and the approved couplings and team members. Same tables as
-- migrations/postgres/0006_facility_matching.sql; only types differ.
--
-- Proposals have their own table rather than a kind in match_proposals: mentee proposals
-- carry a warm start and approve into pairings, and every query over match_proposals (the warm
-- start, discarding other drafts on approval, the list on the matching page) would otherwise
-- need a kind filter that, once forgotten, mixes the two workflows silently.

-- The program's coupling and team settings as one JSON document (matching::FacilitySettings),
-- read and validated by the application; a program without a row uses the defaults.
CREATE TABLE facility_matching_settings (
    program_id    INTEGER PRIMARY KEY REFERENCES programs(id),
    settings_json TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A coupling or team run. result_json holds the explained result by org unit and person ids
-- and names, so it reads the same later; inputs_sha256 fingerprints what it was computed from
-- (settings, sites, readiness, mentors), so approving a proposal whose inputs have changed
-- since is refused instead of writing a stale answer.
CREATE TABLE facility_proposals (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    kind          TEXT NOT NULL CHECK (kind IN ('coupling', 'teams')),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'discarded')),
    reason        TEXT NOT NULL,
    inputs_sha256 TEXT NOT NULL,
    result_json   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    decided_at    TEXT
);
CREATE INDEX facility_proposals_program ON facility_proposals(program_id, kind, id);

-- A weak facility coupled with a strong one. Approval ends the program's active couplings
-- (kept as history) and creates the proposal's.
CREATE TABLE facility_couplings (
    id                 INTEGER PRIMARY KEY,
    program_id         INTEGER NOT NULL REFERENCES programs(id),
    weak_facility_id   INTEGER NOT NULL REFERENCES org_units(id),
    strong_facility_id INTEGER NOT NULL REFERENCES org_units(id),
    km                 REAL NOT NULL CHECK (km >= 0),
    proposal_id        INTEGER NOT NULL REFERENCES facility_proposals(id),
    status             TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    approved_by        TEXT NOT NULL,
    approved_at        TEXT NOT NULL,
    ended_at           TEXT,
    CHECK (weak_facility_id <> strong_facility_id)
);
-- A weak facility has one active partner.
CREATE UNIQUE INDEX facility_couplings_active ON facility_couplings(program_id, weak_facility_id)
    WHERE status = 'active';

-- One mentor of one cadre in a facility's team.
CREATE TABLE facility_team_members (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    facility_id INTEGER NOT NULL REFERENCES org_units(id),
    cadre       TEXT NOT NULL,
    mentor_id   INTEGER NOT NULL REFERENCES people(id),
    km          REAL NOT NULL CHECK (km >= 0),
    proposal_id INTEGER NOT NULL REFERENCES facility_proposals(id),
    status      TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    ended_at    TEXT
);
-- One active mentor per facility and cadre.
CREATE UNIQUE INDEX facility_team_members_active ON facility_team_members(program_id, facility_id, cadre)
    WHERE status = 'active';
CREATE INDEX facility_team_members_mentor ON facility_team_members(mentor_id, status);
