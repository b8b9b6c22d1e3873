-- Monitoring and evaluation (C2, C10): data elements and the aggregate values entered per
-- facility and period, indicator definitions over them and over recorded activity, and
-- targets per indicator, org unit and period, versioned, with each stakeholder group's
-- sign-off. Same tables as migrations/postgres/0005_indicators.sql; only types differ.
-- Periods are DHIS2 (or Ethiopian) period ids, stored as indicators::Period prints them.

CREATE TABLE data_elements (
    id                    INTEGER PRIMARY KEY,
    program_id            INTEGER NOT NULL REFERENCES programs(id),
    code                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    value_type            TEXT NOT NULL CHECK (value_type IN ('integer', 'number', 'percentage')),
    min_value             REAL,
    max_value             REAL,
    dhis2_uid             TEXT,
    dhis2_code            TEXT,
    category_option_combo TEXT,
    created_at            TEXT NOT NULL,
    UNIQUE (program_id, code),
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value)
);

-- One value per data element, facility and period. entered_by/entered_at are the latest
-- change; first_entered_at the first, which decides timeliness (a later correction does not
-- make an on-time report late).
CREATE TABLE data_values (
    data_element_id  INTEGER NOT NULL REFERENCES data_elements(id),
    org_unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    period           TEXT NOT NULL,
    value            REAL NOT NULL,
    comment          TEXT NOT NULL DEFAULT '',
    entered_by       TEXT NOT NULL,
    entered_at       TEXT NOT NULL,
    first_entered_at TEXT NOT NULL,
    PRIMARY KEY (data_element_id, org_unit_id, period)
);
CREATE INDEX data_values_org_unit ON data_values(org_unit_id, period);

-- factor x numerator / denominator; the expressions in the indicators crate's syntax
-- (#{CODE}, #{CODE.COC}, activity measures, numbers, joined by +); rules_json the
-- indicators::definitions::ValidationRule list.
CREATE TABLE indicator_definitions (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('input', 'provider_behaviour', 'outcome')),
    numerator   TEXT NOT NULL,
    denominator TEXT NOT NULL,
    factor      REAL NOT NULL,
    rules_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (program_id, code)
);

-- A target; proposing another value for the same indicator, org unit and period adds the
-- next version, and earlier versions stay as the record of what was agreed before.
CREATE TABLE targets (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicator_definitions(id),
    org_unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (indicator_id, org_unit_id, period, version)
);

CREATE TABLE target_signoffs (
    id                INTEGER PRIMARY KEY,
    target_id         INTEGER NOT NULL REFERENCES targets(id),
    stakeholder_group TEXT NOT NULL CHECK (stakeholder_group IN ('mentees', 'mentors',
                          'facility_leaders', 'regional_authority', 'program_managers')),
    person_id         INTEGER NOT NULL REFERENCES people(id),
    signed_at         TEXT NOT NULL,
    comment           TEXT NOT NULL DEFAULT '',
    UNIQUE (target_id, stakeholder_group)
);
