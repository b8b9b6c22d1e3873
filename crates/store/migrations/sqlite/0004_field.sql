-- Field work of a clinical mentorship program (C3, C4, C6): stored XLSForm forms, courses and
-- the training gate on pairings, activities (visits, tele-mentoring sessions, check-ins, joint
-- and training sessions) with participants, cases, checklists, debriefs and action items,
-- site readiness and waves, and the program's planned dose. Same tables as
-- migrations/postgres/0004_field.sql; only types differ. Calendar dates are ISO 8601 text
-- (YYYY-MM-DD) on both backends so they compare and bind the same way.

-- Pairings gain the state 'awaiting_training' (C4: a mentee starts only after the required
-- courses). SQLite cannot alter a CHECK constraint, so the table is rebuilt; no table
-- references pairings yet, so dropping the old one breaks no foreign key.
CREATE TABLE pairings_rebuilt (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    mentor_id   INTEGER NOT NULL REFERENCES people(id),
    mentee_id   INTEGER NOT NULL REFERENCES people(id),
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'awaiting_training', 'active', 'ended')),
    created_at  TEXT NOT NULL,
    CHECK (mentor_id <> mentee_id)
);
INSERT INTO pairings_rebuilt (id, program_id, mentor_id, mentee_id, status, created_at)
    SELECT id, program_id, mentor_id, mentee_id, status, created_at FROM pairings;
DROP TABLE pairings;
ALTER TABLE pairings_rebuilt RENAME TO pairings;
CREATE INDEX pairings_mentor ON pairings(mentor_id);
CREATE INDEX pairings_mentee ON pairings(mentee_id);
CREATE INDEX pairings_program ON pairings(program_id, status);

-- Forms imported from XLSForm: the parsed forms::Form as JSON, so a stored form never needs
-- its workbook again. version is '' when the settings sheet gives none (NULLs would let the
-- same form be stored twice under the UNIQUE key). A NULL program means every program's.
CREATE TABLE forms (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER REFERENCES programs(id),
    form_key      TEXT NOT NULL,
    version       TEXT NOT NULL,
    title         TEXT NOT NULL,
    purpose       TEXT NOT NULL CHECK (purpose IN ('checklist', 'assessment')),
    model_json    TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (form_key, version)
);
CREATE INDEX forms_program ON forms(program_id);

-- Courses a program offers, those it requires before mentorship, and who completed which.
CREATE TABLE courses (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    code       TEXT NOT NULL,
    title      TEXT NOT NULL,
    hours      REAL NOT NULL CHECK (hours >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (program_id, code)
);

CREATE TABLE program_required_courses (
    program_id INTEGER NOT NULL REFERENCES programs(id),
    course_id  INTEGER NOT NULL REFERENCES courses(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (program_id, course_id)
);

CREATE TABLE course_completions (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    course_id    INTEGER NOT NULL REFERENCES courses(id),
    completed_on TEXT NOT NULL,
    -- Certificate number, trainer's name, a link: whatever proves it.
    evidence     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    UNIQUE (person_id, course_id)
);
CREATE INDEX course_completions_course ON course_completions(course_id);

-- A manager let a pairing start before its mentee finished the required training.
CREATE TABLE pairing_overrides (
    id         INTEGER PRIMARY KEY,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX pairing_overrides_pairing ON pairing_overrides(pairing_id);

-- One mentoring contact. starts_on/ends_on are filled for every kind (for sessions, the UTC
-- date of starts_at) so date filters are one comparison; starts_at only for sessions.
CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    program_id       INTEGER NOT NULL REFERENCES programs(id),
    kind             TEXT NOT NULL CHECK (kind IN ('visit', 'tele_session', 'check_in',
                         'joint_session', 'training_session')),
    facility_id      INTEGER REFERENCES org_units(id),
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    starts_at        TEXT,
    duration_minutes INTEGER CHECK (duration_minutes > 0),
    channel          TEXT CHECK (channel IN ('whatsapp', 'sms', 'phone')),
    summary          TEXT NOT NULL DEFAULT '',
    patient_identifiers_removed INTEGER NOT NULL DEFAULT 0
                         CHECK (patient_identifiers_removed IN (0, 1)),
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX activities_program ON activities(program_id, starts_on);
CREATE INDEX activities_facility ON activities(facility_id);

CREATE TABLE activity_participants (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'facilitator', 'participant')),
    attended    INTEGER NOT NULL CHECK (attended IN (0, 1)),
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX activity_participants_person ON activity_participants(person_id);

-- Procedures done or cases presented during an activity.
CREATE TABLE activity_cases (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    procedure    TEXT NOT NULL,
    performed_by TEXT NOT NULL CHECK (performed_by IN ('mentee', 'together', 'observed')),
    count        INTEGER NOT NULL CHECK (count >= 1)
);
CREATE INDEX activity_cases_activity ON activity_cases(activity_id);

-- A checklist filled during an activity; the scores are computed by the forms crate.
CREATE TABLE checklist_submissions (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    form_id      INTEGER NOT NULL REFERENCES forms(id),
    mentee_id    INTEGER REFERENCES people(id),
    answers_json TEXT NOT NULL,
    score_total  REAL NOT NULL,
    score_max    REAL NOT NULL,
    scores_json  TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);
CREATE INDEX checklist_submissions_activity ON checklist_submissions(activity_id);

CREATE TABLE debriefs (
    activity_id INTEGER PRIMARY KEY REFERENCES activities(id),
    went_well   TEXT NOT NULL,
    to_improve  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE action_items (
    id             INTEGER PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities(id),
    owner_id       INTEGER NOT NULL REFERENCES people(id),
    description    TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    closed_on      TEXT,
    follow_up_note TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX action_items_activity ON action_items(activity_id);
CREATE INDEX action_items_owner ON action_items(owner_id, status);

-- Facility situation analyses (C3): a questionnaire scored by domain.
CREATE TABLE site_assessments (
    id                 INTEGER PRIMARY KEY,
    program_id         INTEGER NOT NULL REFERENCES programs(id),
    facility_id        INTEGER NOT NULL REFERENCES org_units(id),
    form_id            INTEGER NOT NULL REFERENCES forms(id),
    answers_json       TEXT NOT NULL,
    domain_scores_json TEXT NOT NULL,
    total_percent      REAL,
    priorities         TEXT NOT NULL DEFAULT '',
    assessed_on        TEXT NOT NULL,
    baseline           INTEGER NOT NULL CHECK (baseline IN (0, 1)),
    created_at         TEXT NOT NULL
);
CREATE INDEX site_assessments_site ON site_assessments(program_id, facility_id, assessed_on);

-- Facilities taking part in a program, by wave (pilot, then scale-up).
CREATE TABLE sites (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id),
    facility_id  INTEGER NOT NULL REFERENCES org_units(id),
    wave         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('assessing', 'ready', 'active', 'paused')),
    activated_on TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (program_id, facility_id)
);

-- The dose a program plans (visit days every N months, weekly tele-mentoring minutes), as
-- JSON: the dose computation compares recorded contact with it.
CREATE TABLE program_dose_plans (
    program_id INTEGER PRIMARY KEY REFERENCES programs(id),
    plan_json  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
