-- The peer research collaborative (C7, C11, C12): projects through their pipeline, members
-- with CRediT roles, tasks and milestones, outputs with ordered authors, stretch-role firsts,
-- weekly availability, group sessions with attendance, private calendar feeds and nudges.
-- Same tables as migrations/postgres/0003_research.sql; only types differ. Calendar dates are
-- ISO 8601 text (YYYY-MM-DD) on both backends so they compare and bind the same way.

CREATE TABLE research_projects (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    -- research::pipeline::Stage ids; moves between them are checked by the application.
    stage      TEXT NOT NULL CHECK (stage IN ('idea', 'protocol', 'ethics_approval',
                   'data_collection', 'analysis', 'writing', 'submitted', 'published')),
    stage_since TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX research_projects_program ON research_projects(program_id, id);

-- A member's CRediT roles on a project (NISO Z39.104 slugs); one row per role, so a role
-- given twice is refused by the key.
CREATE TABLE project_roles (
    project_id INTEGER NOT NULL REFERENCES research_projects(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL,
    degree     TEXT NOT NULL DEFAULT '' CHECK (degree IN ('', 'lead', 'equal', 'supporting')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (project_id, person_id, role)
);
CREATE INDEX project_roles_person ON project_roles(person_id);

CREATE TABLE project_tasks (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES research_projects(id),
    kind       TEXT NOT NULL CHECK (kind IN ('task', 'milestone')),
    title      TEXT NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES people(id),
    due_on     TEXT NOT NULL,
    done_on    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX project_tasks_project ON project_tasks(project_id, due_on);

-- Publications, conference presentations and trainings given.
CREATE TABLE research_outputs (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id),
    project_id   INTEGER REFERENCES research_projects(id),
    kind         TEXT NOT NULL CHECK (kind IN ('publication', 'presentation', 'training')),
    title        TEXT NOT NULL,
    -- Journal, conference or audience.
    venue        TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    happened_on  TEXT NOT NULL,
    doi          TEXT UNIQUE,
    volume       TEXT NOT NULL DEFAULT '',
    issue        TEXT NOT NULL DEFAULT '',
    pages        TEXT NOT NULL DEFAULT '',
    participants INTEGER,
    created_at   TEXT NOT NULL
);
CREATE INDEX research_outputs_program ON research_outputs(program_id, happened_on);

-- Authors (or presenters, trainers) in order; person_id links members, outsiders have none.
CREATE TABLE output_authors (
    output_id       INTEGER NOT NULL REFERENCES research_outputs(id),
    position        INTEGER NOT NULL CHECK (position >= 1),
    person_id       INTEGER REFERENCES people(id),
    family          TEXT NOT NULL,
    given           TEXT NOT NULL DEFAULT '',
    orcid           TEXT,
    -- ISO country of the affiliation given on this output (brain-gain figures).
    affiliation_country TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (output_id, position)
);
CREATE INDEX output_authors_person ON output_authors(person_id);

-- The first time a member held a stretch role (first author, lead analyst, lead presenter).
CREATE TABLE stretch_firsts (
    person_id  INTEGER NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL,
    project_id INTEGER REFERENCES research_projects(id),
    output_id  INTEGER REFERENCES research_outputs(id),
    held_on    TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);

-- Weekly availability in the person's own time zone (people.time_zone); minutes from local
-- midnight, ISO weekday 1 = Monday.
CREATE TABLE availability_windows (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    kind         TEXT NOT NULL CHECK (kind IN ('preferred', 'possible')),
    CHECK (end_minute > start_minute)
);
CREATE INDEX availability_person ON availability_windows(person_id);

-- One occurrence of a group session. Occurrences of a series share series_key; each has its
-- own calendar UID (session-<id>@tandem) and a SEQUENCE bumped on every change.
CREATE TABLE group_sessions (
    id               INTEGER PRIMARY KEY,
    program_id       INTEGER NOT NULL REFERENCES programs(id),
    project_id       INTEGER REFERENCES research_projects(id),
    series_key       TEXT NOT NULL,
    title            TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
    organiser_zone   TEXT NOT NULL,
    organiser_id     INTEGER REFERENCES people(id),
    video_url        TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    sequence         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX group_sessions_program ON group_sessions(program_id, starts_at);

CREATE TABLE session_attendance (
    session_id INTEGER NOT NULL REFERENCES group_sessions(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    status     TEXT NOT NULL CHECK (status IN ('invited', 'attended', 'absent', 'excused')),
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX session_attendance_person ON session_attendance(person_id);

-- A person's private calendar feed: the URL carries a secret token; only its hash is kept.
CREATE TABLE calendar_feeds (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Nudges queued by the disengagement warning, for a person and why; sent_at is set by the
-- sender once delivered (messaging lands with its own issue).
CREATE TABLE nudges (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE UNIQUE INDEX nudges_pending ON nudges(program_id, person_id) WHERE sent_at IS NULL;
