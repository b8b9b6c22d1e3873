//! Monitoring and evaluation (C2, C10) on both backends: data elements, aggregate values with
//! canonical periods, completeness and timeliness, indicator definitions checked against the
//! program's data elements, and versioned targets with one sign-off per stakeholder group.
//! Every refused input names its field and leaves nothing written.

use super::field_of;
use super::{actor, person, tree, unit};
use chrono::{Duration, NaiveDate, TimeZone as _, Utc};
use domain::access::Role;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::indicators::NewValue;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, OrgUnitCode, Slug};
use forms::{Form, GroupScore, Scores, Translated};
use indicators::definitions::{Category, ValidationRule};
use indicators::{Period, PeriodType};
use store::indicators::{
    CompletenessRow, DEFAULT_DEADLINE_DAYS, NewDataElement, NewIndicator, SaveCounts,
};
use store::readiness::NewAssessment;
use store::testing::fresh_db;
use store::{Db, DbError};

const SHA: &str = "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7";

struct Me {
    db: Db,
    program: ProgramId,
    gondar: OrgUnitId,
    debark: OrgUnitId,
    mentor: PersonId,
    mentee: PersonId,
    leader: PersonId,
    regional: PersonId,
    manager: PersonId,
    oromia_mentor: PersonId,
}

fn element(code: &str, value_type: &str, min: Option<f64>, max: Option<f64>) -> NewDataElement {
    NewDataElement {
        code: code.into(),
        name: format!("{code} name"),
        value_type: value_type.into(),
        min,
        max,
        ..NewDataElement::default()
    }
}

/// The tree with a second facility, a program, its three data elements and one member of each
/// role (the Oromia mentor placed away from the Gondar facility).
async fn me() -> Me {
    let db = fresh_db().await.expect("db");
    tree(&db).await;
    db.create_org_unit(
        &actor(),
        &unit(
            Some("ET-AM-NG"),
            "facility",
            "ET-AM-NG-DB",
            "Debark Hospital",
        ),
    )
    .await
    .expect("fixture");
    let program = db
        .create_program(
            &actor(),
            &NewProgram {
                code: Slug::parse("surgical").expect("fixture"),
                name: Name::parse("Surgical mentorship").expect("fixture"),
                kind: ProgramKind::ClinicalMentorship,
                description: String::new(),
                root_org_unit: None,
            },
        )
        .await
        .expect("fixture")
        .id;
    let id = async |code: &str| {
        db.org_unit_by_code(&OrgUnitCode::parse(code).expect("fixture"))
            .await
            .expect("fixture")
            .id
    };
    let (gondar, debark, amhara, ethiopia, oromia) = (
        id("ET-AM-NG-GH").await,
        id("ET-AM-NG-DB").await,
        id("ET-AM").await,
        id("ET").await,
        id("ET-OR").await,
    );
    let mut people = Vec::new();
    for (name, email, role, at) in [
        ("Almaz Tesfaye", "almaz@example.org", Role::Mentor, gondar),
        ("Dawit Bekele", "dawit@example.org", Role::Mentee, gondar),
        (
            "Hana Girma",
            "hana@example.org",
            Role::FacilityLeader,
            gondar,
        ),
        (
            "Yonas Alemu",
            "yonas@example.org",
            Role::RegionalViewer,
            amhara,
        ),
        (
            "Sara Tadesse",
            "sara@example.org",
            Role::ProgramManager,
            ethiopia,
        ),
        ("Kebede Ayana", "kebede@example.org", Role::Mentor, oromia),
    ] {
        let p = db
            .create_person(&actor(), &person(name, email))
            .await
            .expect("fixture");
        db.add_membership(&actor(), program, p.id, role, at)
            .await
            .expect("fixture");
        people.push(p.id);
    }
    for new in [
        element("SSI_CASES", "integer", Some(0.0), None),
        element("OPERATIONS", "integer", Some(0.0), Some(500.0)),
        element("CHECKLIST_USE", "percentage", None, None),
    ] {
        db.create_data_element(&actor(), program, &new)
            .await
            .expect("fixture");
    }
    Me {
        db,
        program,
        gondar,
        debark,
        mentor: people[0],
        mentee: people[1],
        leader: people[2],
        regional: people[3],
        manager: people[4],
        oromia_mentor: people[5],
    }
}

fn value(de: &str, ou: &str, period: &str, value: f64) -> NewValue {
    NewValue {
        data_element_code: de.into(),
        org_unit_code: ou.into(),
        period: period.into(),
        value,
        comment: String::new(),
    }
}

/// Rows a refused change must not have added: values, elements, indicators, targets, audit.
async fn written(m: &Me) -> (usize, usize, usize, usize, i64) {
    let db = &m.db;
    (
        db.values_of(m.program, None, None)
            .await
            .expect("values")
            .len(),
        db.data_elements(m.program).await.expect("elements").len(),
        db.indicators(m.program).await.expect("indicators").len(),
        db.targets(m.program, None).await.expect("targets").len(),
        db.audit_count(None).await.expect("audit"),
    )
}

fn ssi_rate() -> NewIndicator {
    NewIndicator {
        code: "SSI_RATE".into(),
        name: "Surgical site infection rate".into(),
        category: "outcome".into(),
        numerator: "#{SSI_CASES}".into(),
        denominator: "#{OPERATIONS}".into(),
        factor: 100.0,
        rules: vec![
            ValidationRule::NumeratorLeDenominator,
            ValidationRule::Range {
                min: 0.0,
                max: 100.0,
            },
        ],
    }
}

#[tokio::test]
async fn data_elements_are_checked_and_listed() {
    let m = me().await;
    let db = &m.db;
    let listed = db.data_elements(m.program).await.unwrap();
    let codes: Vec<&str> = listed.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["CHECKLIST_USE", "OPERATIONS", "SSI_CASES"]);
    assert_eq!(listed[1].max, Some(500.0));
    assert_eq!(listed[1].value_type, domain::indicators::ValueType::Integer);

    let before = written(&m).await;
    let mut with_dhis2 = element("SSI_F", "number", None, None);
    with_dhis2.dhis2_uid = Some("not-a-uid".into());
    for (new, field) in [
        (element("SSI.CASES", "integer", None, None), "code"),
        (element("SSI_CASES", "integer", None, None), "code"),
        (element("X", "boolean", None, None), "value_type"),
        (element("X", "number", Some(5.0), Some(1.0)), "max"),
        (element("X", "number", Some(f64::NAN), None), "min"),
        (with_dhis2, "dhis2_uid"),
    ] {
        let err = db
            .create_data_element(&actor(), m.program, &new)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
    }
    assert_eq!(written(&m).await, before);

    let mut full = element("SSI_FEMALE", "integer", None, None);
    full.dhis2_uid = Some("fbfJHSPpUQD".into());
    full.dhis2_code = Some("DE_SSI".into());
    full.category_option_combo = Some("FEMALE".into());
    let created = db
        .create_data_element(&actor(), m.program, &full)
        .await
        .unwrap();
    assert_eq!(created.dhis2_uid.as_deref(), Some("fbfJHSPpUQD"));
    assert_eq!(created.category_option_combo.as_deref(), Some("FEMALE"));
    assert_eq!(
        db.data_element(m.program, "SSI_FEMALE").await.unwrap(),
        Some(created)
    );
}

#[tokio::test]
async fn values_round_trip_with_canonical_periods() {
    let m = me().await;
    let db = &m.db;
    let gh = "ET-AM-NG-GH";
    let mut first = vec![
        value("SSI_CASES", gh, "2026Q1", 3.0),
        value("OPERATIONS", gh, "202603", 120.0),
        value("OPERATIONS", gh, "2026April", 1300.0 / 4.0 - 25.0),
        value("CHECKLIST_USE", gh, "ETH2018M07", 87.5),
        value("SSI_CASES", "ET-AM-NG-DB", "2026W01", 0.0),
    ];
    first[1].comment = "theatre closed one week".into();
    let counts = db.save_values(&actor(), m.program, &first).await.unwrap();
    assert_eq!(
        counts,
        SaveCounts {
            created: 5,
            updated: 0,
            unchanged: 0
        }
    );
    let stored = db.values_of(m.program, None, None).await.unwrap();
    let seen: Vec<(&str, &str, &str, f64)> = stored
        .iter()
        .map(|v| {
            (
                v.data_element_code.as_str(),
                v.org_unit_code.as_str(),
                v.period.as_str(),
                v.value,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("CHECKLIST_USE", gh, "ETH2018M07", 87.5),
            ("OPERATIONS", gh, "202603", 120.0),
            ("OPERATIONS", gh, "2026April", 300.0),
            ("SSI_CASES", gh, "2026Q1", 3.0),
            ("SSI_CASES", "ET-AM-NG-DB", "2026W1", 0.0),
        ]
    );
    let operations = &stored[1];
    assert_eq!(operations.comment, "theatre closed one week");
    assert_eq!(operations.entered_by, "test");
    assert_eq!(operations.org_unit, m.gondar);
    assert!(
        operations
            .org_unit_path
            .ends_with(&format!("/{}/", m.gondar))
    );
    assert_eq!(operations.entered_at, operations.first_entered_at);

    // The same values again change nothing; a new value replaces the old, keeping the first
    // entry time; "2026W1" and "2026W01" are one period.
    let audit = db.audit_count(None).await.unwrap();
    let counts = db.save_values(&actor(), m.program, &first).await.unwrap();
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (0, 0, 5)
    );
    let later = store::now() + Duration::days(2);
    let counts = db
        .save_values_on(
            &actor(),
            m.program,
            &[
                value("SSI_CASES", "ET-AM-NG-DB", "2026W1", 1.0),
                value("SSI_CASES", gh, "2026Q1", 3.0),
            ],
            later,
        )
        .await
        .unwrap();
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (0, 1, 1)
    );
    assert_eq!(db.audit_count(None).await.unwrap(), audit + 2);
    let week = db
        .values_of(m.program, Some("SSI_CASES"), None)
        .await
        .unwrap();
    let debark = week.iter().find(|v| v.org_unit == m.debark).unwrap();
    assert_eq!((debark.value, debark.entered_at), (1.0, later));
    assert!(debark.first_entered_at < later);

    // Periods lying wholly within a date range: March 2026 holds 202603 only, the first
    // quarter also 2026Q1 and ISO week 1 (29 Dec 2025 – 4 Jan 2026) not at all.
    let date = |y, mo, d| NaiveDate::from_ymd_opt(y, mo, d).expect("date");
    let march = db
        .values_of(m.program, None, Some((date(2026, 3, 1), date(2026, 3, 31))))
        .await
        .unwrap();
    assert_eq!(
        march.iter().map(|v| v.period.as_str()).collect::<Vec<_>>(),
        ["202603"]
    );
    let quarter = db
        .values_of(m.program, None, Some((date(2026, 1, 1), date(2026, 3, 31))))
        .await
        .unwrap();
    assert_eq!(
        quarter
            .iter()
            .map(|v| v.period.as_str())
            .collect::<Vec<_>>(),
        ["202603", "2026Q1"]
    );
    // Hamle 2018 EC is 8 July – 6 August 2026 on the Gregorian calendar.
    let ethiopian: Period = "ETH2018M11".parse().unwrap();
    let hamle = db
        .values_of(m.program, None, Some((ethiopian.start(), ethiopian.end())))
        .await
        .unwrap();
    assert!(hamle.is_empty());
    let megabit: Period = "ETH2018M07".parse().unwrap();
    let found = db
        .values_of(m.program, None, Some((megabit.start(), megabit.end())))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].value, 87.5);
}

#[tokio::test]
async fn bad_values_are_refused_by_field_and_write_nothing() {
    let m = me().await;
    let db = &m.db;
    let gh = "ET-AM-NG-GH";
    let good = value("SSI_CASES", gh, "202601", 1.0);
    let before = written(&m).await;
    for (bad, field, says) in [
        (
            value("SSI_UNKNOWN", gh, "202601", 1.0),
            "values[1].data_element",
            "SSI_UNKNOWN",
        ),
        (
            value("SSI_CASES", "ET-NOPE", "202601", 1.0),
            "values[1].org_unit",
            "ET-NOPE",
        ),
        (
            value("SSI_CASES", "ET-AM-NG", "202601", 1.0),
            "values[1].org_unit",
            "not a facility",
        ),
        (
            value("SSI_CASES", "ET", "202601", 1.0),
            "values[1].org_unit",
            "is a country",
        ),
        (
            value("SSI_CASES", gh, "2026W54", 1.0),
            "values[1].period",
            "1..=53",
        ),
        (
            value("SSI_CASES", gh, "202613", 1.0),
            "values[1].period",
            "202613",
        ),
        (
            value("SSI_CASES", gh, "2026Q5", 1.0),
            "values[1].period",
            "2026Q5",
        ),
        (
            value("SSI_CASES", gh, "January", 1.0),
            "values[1].period",
            "four-digit year",
        ),
        (
            value("SSI_CASES", gh, "202602", 1.5),
            "values[1].value",
            "whole number",
        ),
        (
            value("SSI_CASES", gh, "202602", -1.0),
            "values[1].value",
            "minimum",
        ),
        (
            value("OPERATIONS", gh, "202602", 501.0),
            "values[1].value",
            "maximum",
        ),
        (
            value("CHECKLIST_USE", gh, "202602", 120.0),
            "values[1].value",
            "percentage",
        ),
        (
            value("CHECKLIST_USE", gh, "202602", f64::NAN),
            "values[1].value",
            "finite",
        ),
        (
            value("OPERATIONS", gh, "202602", f64::INFINITY),
            "values[1].value",
            "finite",
        ),
        (
            value("SSI_CASES", gh, "202601", 2.0),
            "values[1].period",
            "repeats values[0]",
        ),
    ] {
        let err = db
            .save_values(&actor(), m.program, &[good.clone(), bad])
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(written(&m).await, before);

    // A file import: the row number wraps the row's own field.
    let file = store::indicators::ImportedFile {
        name: "values.csv".into(),
        bytes: 120,
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    };
    let rows = [
        (2, good.clone()),
        (3, value("OPERATIONS", gh, "202601", 40.0)),
        (4, value("OPERATIONS", gh, "202600", 40.0)),
    ];
    let err = db
        .save_values_at_rows(&actor(), m.program, &rows, &file)
        .await
        .unwrap_err();
    match &err {
        DbError::AtRow { row: 4, error } => assert_eq!(field_of(error), "period"),
        other => panic!("expected row 4, got {other}"),
    }
    let rows = [(2, good.clone()), (3, good.clone())];
    let err = db
        .save_values_at_rows(&actor(), m.program, &rows, &file)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("repeats row 2"), "{err}");
    assert_eq!(written(&m).await, before);

    let counts = db
        .save_values_at_rows(&actor(), m.program, &rows[..1], &file)
        .await
        .unwrap();
    assert_eq!(counts.created, 1);
    // The import's audit row names the file and its digest with the counts, not the values.
    let entry = db
        .audit_entries(Some(("data_values", &m.program.0.to_string())), 1, 0)
        .await
        .unwrap()
        .remove(0);
    let after = entry.after.expect("an after");
    assert_eq!(after["import"]["sha256"], file.sha256.as_str());
    assert_eq!(after["import"]["name"], "values.csv");
    assert_eq!(after["counts"]["created"], 1);
    assert!(after.get("changed").is_none(), "{after}");
}

async fn activate(m: &Me, facility: OrgUnitId) {
    let db = &m.db;
    let mut form = Form::from_xlsx_bytes(
        "surgical_mentoring_checklist.xlsx",
        include_bytes!("../../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx"),
        &forms::Limits::default(),
    )
    .expect("the demo checklist parses");
    form.id = "facility_readiness".into();
    let form = db
        .save_form(&actor(), None, "assessment", &form, SHA)
        .await
        .expect("fixture");
    db.add_site(&actor(), m.program, facility, "pilot")
        .await
        .expect("fixture");
    db.record_assessment(
        &actor(),
        m.program,
        &NewAssessment {
            facility,
            form: form.id,
            answers: serde_json::json!({"theatre": "yes"}),
            scores: Scores {
                total: 30.0,
                max: 40.0,
                percent: Some(75.0),
                by_group: vec![GroupScore {
                    name: "sign_in".into(),
                    label: Translated::default(),
                    earned: 30.0,
                    possible: 40.0,
                }],
            },
            priorities: String::new(),
            assessed_on: "2026-01-10".into(),
            baseline: true,
        },
    )
    .await
    .expect("fixture");
    db.activate_site(&actor(), m.program, facility)
        .await
        .expect("fixture");
}

#[tokio::test]
async fn completeness_counts_reported_and_timely_elements() {
    let m = me().await;
    let db = &m.db;
    // Gondar is an active site from today (activation dates itself today, UTC); Debark is no
    // site but reports.
    activate(&m, m.gondar).await;
    let today = store::now().date_naive();
    let this_month = Period::containing(PeriodType::Monthly, today).unwrap();
    let last_month = this_month.prev().unwrap();
    let at = |day: NaiveDate| Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).expect("noon"));
    let last = last_month.to_string();
    let db_code = "ET-AM-NG-DB";
    // Debark, last month: SSI_CASES 3 days after the month's end, OPERATIONS 20 days after.
    db.save_values_on(
        &actor(),
        m.program,
        &[value("SSI_CASES", db_code, &last, 1.0)],
        at(last_month.end() + Duration::days(3)),
    )
    .await
    .unwrap();
    db.save_values_on(
        &actor(),
        m.program,
        &[value("OPERATIONS", db_code, &last, 40.0)],
        at(last_month.end() + Duration::days(20)),
    )
    .await
    .unwrap();
    // A late correction keeps the first entry's timeliness.
    db.save_values_on(
        &actor(),
        m.program,
        &[value("SSI_CASES", db_code, &last, 2.0)],
        at(last_month.end() + Duration::days(40)),
    )
    .await
    .unwrap();
    // Gondar, this month: one element, today. A quarterly value is not a monthly report.
    db.save_values(
        &actor(),
        m.program,
        &[
            value(
                "CHECKLIST_USE",
                "ET-AM-NG-GH",
                &this_month.to_string(),
                90.0,
            ),
            value(
                "SSI_CASES",
                "ET-AM-NG-GH",
                &Period::containing(PeriodType::Quarterly, today)
                    .unwrap()
                    .to_string(),
                4.0,
            ),
        ],
    )
    .await
    .unwrap();

    let row =
        |facility, code: &str, name: &str, period: &Period, reported, on_time| CompletenessRow {
            facility,
            facility_code: code.into(),
            facility_name: name.into(),
            period: period.to_string(),
            expected: 3,
            reported,
            reported_on_time: on_time,
        };
    let report = db
        .completeness(
            m.program,
            PeriodType::Monthly,
            last_month.start(),
            this_month.end(),
            DEFAULT_DEADLINE_DAYS,
        )
        .await
        .unwrap();
    assert_eq!(
        report,
        [
            row(m.debark, db_code, "Debark Hospital", &last_month, 2, 1),
            row(
                m.gondar,
                "ET-AM-NG-GH",
                "Gondar Hospital",
                &this_month,
                1,
                1
            ),
        ]
    );
    let generous = db
        .completeness(
            m.program,
            PeriodType::Monthly,
            last_month.start(),
            this_month.end(),
            30,
        )
        .await
        .unwrap();
    assert_eq!(generous[0].reported_on_time, 2);
    // An active site that has not reported still has its row.
    let next_month = this_month.next().unwrap();
    let ahead = db
        .completeness(
            m.program,
            PeriodType::Monthly,
            next_month.start(),
            next_month.start(),
            DEFAULT_DEADLINE_DAYS,
        )
        .await
        .unwrap();
    assert_eq!(
        ahead,
        [row(
            m.gondar,
            "ET-AM-NG-GH",
            "Gondar Hospital",
            &next_month,
            0,
            0
        )]
    );
    let err = db
        .completeness(
            m.program,
            PeriodType::Daily,
            today,
            today + Duration::days(5000),
            DEFAULT_DEADLINE_DAYS,
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "to");
}

#[tokio::test]
async fn indicators_refer_only_to_known_data_elements() {
    let m = me().await;
    let db = &m.db;
    let before = written(&m).await;
    let mut bad = Vec::new();
    for (change, field, says) in [
        (
            ("numerator", "#{SSI_CASES} + #{SSI_DEEP}"),
            "numerator",
            "SSI_DEEP",
        ),
        (
            ("denominator", "#{OPERATIONS} + vists"),
            "denominator",
            "vists",
        ),
        (
            ("denominator", "#{OPERATIONS} +"),
            "denominator",
            "empty term",
        ),
        (
            ("numerator", "#{SSI_CASES.FEMALE}"),
            "numerator",
            "no category option combo",
        ),
        (("category", "impact"), "category", "impact"),
        (("code", "SSI RATE"), "code", "letters"),
        (("factor", "0"), "factor", "non-zero"),
    ] {
        let mut new = ssi_rate();
        match change.0 {
            "numerator" => new.numerator = change.1.into(),
            "denominator" => new.denominator = change.1.into(),
            "category" => new.category = change.1.into(),
            "code" => new.code = change.1.into(),
            _ => new.factor = change.1.parse().expect("number"),
        }
        bad.push((new, field, says));
    }
    let mut backwards = ssi_rate();
    backwards.rules = vec![ValidationRule::Range {
        min: 10.0,
        max: 1.0,
    }];
    bad.push((backwards, "rules[0]", "lower first"));
    for (new, field, says) in bad {
        let err = db
            .create_indicator(&actor(), m.program, &new)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(written(&m).await, before);

    let created = db
        .create_indicator(&actor(), m.program, &ssi_rate())
        .await
        .unwrap();
    assert_eq!(
        (
            created.category.as_str(),
            created.numerator.as_str(),
            created.factor
        ),
        ("outcome", "#{SSI_CASES}", 100.0)
    );
    let engine = created.to_indicator().unwrap();
    assert_eq!(engine.category, Category::Outcome);
    assert_eq!(engine.value(3.0, 120.0), Some(2.5));
    assert_eq!(engine.rules.len(), 2);
    let err = db
        .create_indicator(&actor(), m.program, &ssi_rate())
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "code");

    // Over recorded activity: no data element needed.
    let score = db
        .create_indicator(
            &actor(),
            m.program,
            &NewIndicator {
                code: "MEAN_SCORE".into(),
                name: "Mean checklist score".into(),
                category: "provider_behaviour".into(),
                numerator: " score_sum ".into(),
                denominator: "scored_visits".into(),
                factor: 1.0,
                rules: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(score.numerator, "score_sum");
    let listed = db.indicators(m.program).await.unwrap();
    assert_eq!(listed, [score, created]);
}

#[tokio::test]
async fn targets_are_versioned_and_signed_once_per_group() {
    let m = me().await;
    let db = &m.db;
    let indicator = db
        .create_indicator(&actor(), m.program, &ssi_rate())
        .await
        .unwrap();
    let gh = "ET-AM-NG-GH";
    let before = written(&m).await;
    for (ind, ou, pe, v, field) in [
        ("NOPE", gh, "2026Q3", 5.0, "indicator"),
        ("SSI_RATE", "ET-XX", "2026Q3", 5.0, "org_unit"),
        ("SSI_RATE", gh, "2026Q5", 5.0, "period"),
        ("SSI_RATE", gh, "2026Q3", f64::NAN, "value"),
    ] {
        let err = db
            .propose_target(&actor(), m.program, ind, ou, pe, v, "")
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
    }
    assert_eq!(written(&m).await, before);

    let first = db
        .propose_target(
            &actor(),
            m.program,
            "SSI_RATE",
            gh,
            "2026Q3",
            5.0,
            "from 8%",
        )
        .await
        .unwrap();
    assert_eq!((first.version, first.superseded), (1, false));
    assert_eq!(first.period, "2026Q3");
    let signed = db
        .sign_target(
            &actor(),
            first.id,
            "mentees",
            m.mentee,
            "agreed at the review",
        )
        .await
        .unwrap();
    assert_eq!(signed.signoffs.len(), 1);
    assert_eq!(signed.signoffs[0].person_name, "Dawit Bekele");

    let audit = db.audit_count(None).await.unwrap();
    let today = store::now().date_naive();
    for (group, person, field, says) in [
        (
            "mentees",
            m.mentee,
            "group",
            format!("already signed by Dawit Bekele, on {today}"),
        ),
        ("patients", m.mentee, "group", "must be one of".to_owned()),
        ("mentors", m.mentee, "person", "not a mentor".to_owned()),
        ("mentors", m.oromia_mentor, "person", gh.to_owned()),
    ] {
        let err = db
            .sign_target(&actor(), first.id, group, person, "")
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
        assert!(err.to_string().contains(&says), "{err}");
    }
    assert_eq!(db.audit_count(None).await.unwrap(), audit);

    // A new value is version 2; version 1 stays, superseded, with its signature.
    let second = db
        .propose_target(
            &actor(),
            m.program,
            "SSI_RATE",
            gh,
            "2026Q3",
            4.0,
            "revised",
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    let err = db
        .sign_target(&actor(), first.id, "mentors", m.mentor, "")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "target");
    let current = db
        .current_target(indicator.id, m.gondar, "2026Q3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.target.id, second.id);
    assert_eq!(current.required_groups.len(), 5);
    assert!(!current.fully_signed);
    for (group, person) in [
        ("mentees", m.mentee),
        ("mentors", m.mentor),
        ("facility_leaders", m.leader),
        ("regional_authority", m.regional),
    ] {
        db.sign_target(&actor(), second.id, group, person, "")
            .await
            .unwrap();
    }
    let current = db
        .current_target(indicator.id, m.gondar, "2026Q3")
        .await
        .unwrap()
        .unwrap();
    assert!(!current.fully_signed);
    db.sign_target(&actor(), second.id, "program_managers", m.manager, "")
        .await
        .unwrap();
    let current = db
        .current_target(indicator.id, m.gondar, "2026Q3")
        .await
        .unwrap()
        .unwrap();
    assert!(current.fully_signed);
    let groups: Vec<&str> = current
        .target
        .signoffs
        .iter()
        .map(|s| s.group.as_str())
        .collect();
    assert_eq!(
        groups,
        [
            "mentees",
            "mentors",
            "facility_leaders",
            "regional_authority",
            "program_managers"
        ]
    );

    let all = db.targets(m.program, Some(indicator.id)).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|t| (t.version, t.superseded, t.signoffs.len()))
            .collect::<Vec<_>>(),
        [(1, true, 1), (2, false, 5)]
    );
    assert!(
        db.current_target(indicator.id, m.gondar, "2026Q4")
            .await
            .unwrap()
            .is_none()
    );

    // In Oromia only the Oromia mentor and the country's manager are around: those two
    // groups decide.
    let oromia = db
        .propose_target(&actor(), m.program, "SSI_RATE", "ET-OR", "2026", 3.0, "")
        .await
        .unwrap();
    db.sign_target(&actor(), oromia.id, "mentors", m.oromia_mentor, "")
        .await
        .unwrap();
    db.sign_target(&actor(), oromia.id, "program_managers", m.manager, "")
        .await
        .unwrap();
    let current = db
        .current_target(indicator.id, oromia.org_unit, "2026")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.required_groups, ["mentors", "program_managers"]);
    assert!(current.fully_signed);
    let _ = PersonId(0);
}
