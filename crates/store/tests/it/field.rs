//! Field work of the clinical mentorship program (C3, C4, C6) on both backends: stored forms,
//! the training gate on pairings, activities with checklists and debriefs, site readiness and
//! the dose inputs. Every refused input names its field and leaves nothing written.

use super::field_of;
use super::{actor, person, tree, unit};
use chrono::NaiveDate;
use domain::access::Role;
use domain::ids::{FormId, OrgUnitId, PersonId, ProgramId};
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, OrgUnitCode, Slug};
use forms::{Form, GroupScore, Scores, Translated};
use store::Actor;
use store::readiness::NewAssessment;
use store::testing::fresh_db;
use store::visits::Submission;
use store::visits::{
    ActivityFilter, DosePlan, NewAction, NewActivity, NewCase, NewChecklist, NewDebrief,
    NewParticipant,
};
use store::{Db, DbError};

const SHA: &str = "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7";

struct Field {
    db: Db,
    program: ProgramId,
    facility: OrgUnitId,
    facility_path: String,
    district: OrgUnitId,
    mentor: PersonId,
    mentee: PersonId,
    outsider: PersonId,
}

fn checklist_form() -> Form {
    Form::from_xlsx_bytes(
        "surgical_mentoring_checklist.xlsx",
        include_bytes!("../../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx"),
        &forms::Limits::default(),
    )
    .expect("the demo checklist parses")
}

async fn field() -> Field {
    let db = fresh_db().await.expect("db");
    tree(&db).await;
    let _ = unit;
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
    let code = |c: &str| OrgUnitCode::parse(c).expect("fixture");
    let facility = db
        .org_unit_by_code(&code("ET-AM-NG-GH"))
        .await
        .expect("fixture");
    let district = db
        .org_unit_by_code(&code("ET-AM-NG"))
        .await
        .expect("fixture")
        .id;
    let mut people = Vec::new();
    for (name, email, role) in [
        ("Almaz Tesfaye", "almaz@example.org", Some(Role::Mentor)),
        ("Dawit Bekele", "dawit@example.org", Some(Role::Mentee)),
        ("Out Sider", "out@example.org", None),
    ] {
        let p = db
            .create_person(&actor(), &person(name, email))
            .await
            .expect("fixture");
        if let Some(role) = role {
            db.add_membership(&actor(), program, p.id, role, facility.id)
                .await
                .expect("fixture");
        }
        people.push(p.id);
    }
    Field {
        db,
        program,
        facility: facility.id,
        facility_path: facility.path,
        district,
        mentor: people[0],
        mentee: people[1],
        outsider: people[2],
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("fixture date")
}

fn scores(total: f64, max: f64) -> Scores {
    Scores {
        total,
        max,
        percent: Some(total / max * 100.0),
        by_group: vec![GroupScore {
            name: "sign_in".into(),
            label: Translated::default(),
            earned: total,
            possible: max,
        }],
    }
}

/// A two-day visit with a checklist, cases and a debrief with two actions.
fn visit(f: &Field, form: i64) -> NewActivity {
    NewActivity {
        kind: "visit".into(),
        facility: Some(f.facility),
        starts_on: Some("2026-03-02".into()),
        ends_on: Some("2026-03-03".into()),
        summary: "Side-by-side coaching in theatre".into(),
        participants: vec![
            NewParticipant {
                person: f.mentor,
                role: "mentor".into(),
                attended: true,
            },
            NewParticipant {
                person: f.mentee,
                role: "mentee".into(),
                attended: true,
            },
        ],
        cases: vec![NewCase {
            procedure: "caesarean section".into(),
            performed_by: "together".into(),
            count: 3,
        }],
        checklist: Some(NewChecklist {
            form: FormId(form),
            mentee: Some(f.mentee),
            answers: serde_json::json!({"sign_in": "yes", "count_done": "no"}),
            scores: scores(7.0, 10.0),
        }),
        debrief: Some(NewDebrief {
            went_well: "Safe surgery checklist used at every case".into(),
            to_improve: "Swab count before closure".into(),
            actions: vec![
                NewAction {
                    owner: f.mentee,
                    description: "Lead the swab count at every closure".into(),
                    due_on: "2026-04-30".into(),
                },
                NewAction {
                    owner: f.mentor,
                    description: "Send the WHO count poster".into(),
                    due_on: "2026-03-10".into(),
                },
            ],
        }),
        ..NewActivity::default()
    }
}

/// The checklist form stored for the fixture's program.
async fn stored_checklist(f: &Field) -> i64 {
    f.db.save_form(
        &actor(),
        Some(f.program),
        "checklist",
        &checklist_form(),
        SHA,
    )
    .await
    .expect("form stored")
    .id
    .0
}

/// Rows that a refused activity must not have added.
async fn written(f: &Field) -> (usize, usize, i64) {
    let activities =
        f.db.activities(f.program, &ActivityFilter::default())
            .await
            .expect("list");
    let actions =
        f.db.open_actions(f.program, None, None)
            .await
            .expect("actions");
    let audit = f.db.audit_count(None).await.expect("count");
    (activities.len(), actions.len(), audit)
}

#[tokio::test]
async fn forms_are_stored_whole_once_per_version() {
    let f = field().await;
    let form = checklist_form();
    let stored =
        f.db.save_form(&actor(), Some(f.program), "checklist", &form, SHA)
            .await
            .unwrap();
    assert_eq!(stored.model, form);
    assert_eq!(stored.form_key, "surgical_mentoring_checklist");
    assert_eq!(stored.version, "2025.1");
    assert_eq!(f.db.form(stored.id).await.unwrap(), stored);
    assert_eq!(f.db.forms_of_program(f.program).await.unwrap(), [stored]);

    let err =
        f.db.save_form(&actor(), None, "checklist", &form, SHA)
            .await
            .unwrap_err();
    assert_eq!(field_of(&err), "version");
    let err =
        f.db.save_form(&actor(), None, "survey", &form, SHA)
            .await
            .unwrap_err();
    assert_eq!(field_of(&err), "purpose");
    let err =
        f.db.save_form(&actor(), None, "checklist", &form, "abc")
            .await
            .unwrap_err();
    assert_eq!(field_of(&err), "source_sha256");
}

#[tokio::test]
async fn the_training_gate_holds_a_pairing_until_every_required_course_is_done() {
    let f = field().await;
    let db = &f.db;
    let safe = db
        .create_course(&actor(), f.program, "safe-surgery", "Safe surgery", 16.0)
        .await
        .unwrap();
    let anaesthesia = db
        .create_course(&actor(), f.program, "anaesthesia", "Basic anaesthesia", 8.5)
        .await
        .unwrap();
    let err = db
        .create_course(&actor(), f.program, "anaesthesia", "Again", 1.0)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "code");
    db.require_course(&actor(), f.program, safe.id)
        .await
        .unwrap();
    db.require_course(&actor(), f.program, anaesthesia.id)
        .await
        .unwrap();

    // Existing callers keep choosing the status themselves.
    let plain = db
        .add_pairing(
            &actor(),
            f.program,
            f.mentor,
            f.mentee,
            domain::matching::PairingStatus::Proposed,
        )
        .await
        .unwrap();
    assert_eq!(plain.status, domain::matching::PairingStatus::Proposed);

    let pairing = db
        .add_gated_pairing(&actor(), f.program, f.mentor, f.mentee)
        .await
        .unwrap();
    assert_eq!(
        pairing.status,
        domain::matching::PairingStatus::AwaitingTraining
    );
    let err = db.activate_pairing(&actor(), pairing.id).await.unwrap_err();
    assert_eq!(field_of(&err), "mentee");
    assert!(err.to_string().contains("anaesthesia"), "{err}");
    assert!(err.to_string().contains("safe-surgery"), "{err}");

    db.record_completion(&actor(), f.mentee, safe.id, "2026-01-15", "cert 118")
        .await
        .unwrap();
    assert_eq!(
        db.pairing(pairing.id).await.unwrap().status,
        domain::matching::PairingStatus::AwaitingTraining
    );
    assert_eq!(
        db.missing_courses(f.program, f.mentee).await.unwrap(),
        std::slice::from_ref(&anaesthesia)
    );
    let err = db
        .record_completion(&actor(), f.mentee, safe.id, "2026-01-16", "")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "course");
    let err = db
        .record_completion(&actor(), f.mentee, anaesthesia.id, "16/01/2026", "")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "completed_on");

    db.record_completion(&actor(), f.mentee, anaesthesia.id, "2026-02-01", "")
        .await
        .unwrap();
    assert_eq!(
        db.pairing(pairing.id).await.unwrap().status,
        domain::matching::PairingStatus::Active
    );
    assert!(
        db.missing_courses(f.program, f.mentee)
            .await
            .unwrap()
            .is_empty()
    );
    let log = db
        .audit_entries(Some(("pairing", &pairing.id.to_string())), 10, 0)
        .await
        .unwrap();
    let activation = log[0].after.as_ref().expect("after");
    assert_eq!(log[0].action, "update");
    assert_eq!(activation["status"], "active");
    assert_eq!(activation["activated_by"], "training_complete");
    assert_eq!(db.completions_of(f.mentee).await.unwrap().len(), 2);

    // Trained now, so a new gated pairing starts at once.
    let again = db
        .add_gated_pairing(&actor(), f.program, f.mentor, f.mentee)
        .await
        .unwrap();
    assert_eq!(again.status, domain::matching::PairingStatus::Active);
}

#[tokio::test]
async fn overriding_the_gate_needs_a_reason_that_is_audited() {
    let f = field().await;
    let db = &f.db;
    let course = db
        .create_course(&actor(), f.program, "safe-surgery", "Safe surgery", 16.0)
        .await
        .unwrap();
    db.require_course(&actor(), f.program, course.id)
        .await
        .unwrap();
    let pairing = db
        .add_gated_pairing(&actor(), f.program, f.mentor, f.mentee)
        .await
        .unwrap();
    let before = db.audit_count(None).await.unwrap();
    let err = db
        .override_training_gate(&actor(), pairing.id, "  urgent ")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "reason");
    assert_eq!(db.audit_count(None).await.unwrap(), before);
    assert_eq!(
        db.pairing(pairing.id).await.unwrap().status,
        domain::matching::PairingStatus::AwaitingTraining
    );

    let reason = "Course postponed to June; mentee already trained abroad";
    let active = db
        .override_training_gate(&actor(), pairing.id, reason)
        .await
        .unwrap();
    assert_eq!(active.status, domain::matching::PairingStatus::Active);
    let log = db
        .audit_entries(Some(("pairing", &pairing.id.to_string())), 10, 0)
        .await
        .unwrap();
    let after = log[0].after.as_ref().expect("after");
    assert_eq!(after["override_reason"], reason);
    assert_eq!(after["activated_by"], "override");
    assert_eq!(log[0].actor, "test");
    let err = db
        .override_training_gate(&actor(), pairing.id, reason)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "pairing");
}

#[tokio::test]
async fn a_visit_with_checklist_debrief_and_actions_round_trips() {
    let f = field().await;
    let db = &f.db;
    let detail = db
        .record_activity(&actor(), f.program, &visit(&f, stored_checklist(&f).await))
        .await
        .unwrap();
    assert_eq!(db.activity(detail.activity.id).await.unwrap(), detail);
    let a = &detail.activity;
    assert_eq!((a.kind.as_str(), a.facility), ("visit", Some(f.facility)));
    assert_eq!(
        (a.starts_on, a.ends_on),
        (date("2026-03-02"), date("2026-03-03"))
    );
    assert_eq!(a.facility_name.as_deref(), Some("Gondar Hospital"));
    assert_eq!(a.created_by, "test");
    let names: Vec<&str> = detail
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Almaz Tesfaye", "Dawit Bekele"]);
    assert_eq!(detail.cases[0].count, 3);
    let checklist = &detail.checklists[0];
    assert_eq!((checklist.score_total, checklist.score_max), (7.0, 10.0));
    assert_eq!(checklist.by_group[0].name, "sign_in");
    assert_eq!(checklist.answers["sign_in"], "yes");
    assert_eq!(checklist.mentee, Some(f.mentee));
    assert_eq!(
        detail.debrief.as_ref().map(|d| d.to_improve.as_str()),
        Some("Swab count before closure")
    );
    assert_eq!(detail.actions.len(), 2);
    assert_eq!(
        db.audit_count(Some(("activity", &a.id.to_string())))
            .await
            .unwrap(),
        1
    );

    // A tele-mentoring case session and a WhatsApp check-in, away from the facility.
    let tele = db
        .record_activity(
            &actor(),
            f.program,
            &NewActivity {
                kind: "tele_session".into(),
                starts_at: Some("2026-03-09T07:00:00Z".into()),
                duration_minutes: Some(60),
                patient_identifiers_removed: true,
                participants: vec![NewParticipant {
                    person: f.mentee,
                    role: "mentee".into(),
                    attended: true,
                }],
                cases: vec![NewCase {
                    procedure: "ruptured uterus".into(),
                    performed_by: "mentee".into(),
                    count: 1,
                }],
                ..NewActivity::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tele.activity.starts_on, date("2026-03-09"));
    db.record_activity(
        &actor(),
        f.program,
        &NewActivity {
            kind: "check_in".into(),
            starts_at: Some("2026-03-20T12:30:00+03:00".into()),
            channel: Some("whatsapp".into()),
            participants: vec![
                NewParticipant {
                    person: f.mentor,
                    role: "mentor".into(),
                    attended: true,
                },
                NewParticipant {
                    person: f.mentee,
                    role: "mentee".into(),
                    attended: false,
                },
            ],
            ..NewActivity::default()
        },
    )
    .await
    .unwrap();

    // Filters: subtree, person, dates.
    let all = db
        .activities(f.program, &ActivityFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let at_facility = db
        .activities(
            f.program,
            &ActivityFilter {
                under_path: Some(f.facility_path.clone()),
                ..ActivityFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(at_facility.len(), 1);
    let elsewhere = db
        .activities(
            f.program,
            &ActivityFilter {
                under_path: Some("/999/".into()),
                ..ActivityFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(elsewhere.is_empty());
    let march_third_to_tenth = db
        .activities(
            f.program,
            &ActivityFilter {
                person: Some(f.mentee),
                from: Some(date("2026-03-03")),
                to: Some(date("2026-03-10")),
                ..ActivityFilter::default()
            },
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = march_third_to_tenth
        .iter()
        .map(|a| a.kind.as_str())
        .collect();
    assert_eq!(kinds, ["visit", "tele_session"]);
    // A list page reads only the newest it shows, newest first.
    let newest = db
        .activities(
            f.program,
            &ActivityFilter {
                newest_first: true,
                limit: Some(2),
                ..ActivityFilter::default()
            },
        )
        .await
        .unwrap();
    let expected: Vec<_> = all.iter().rev().take(2).map(|a| a.id).collect();
    assert_eq!(newest.iter().map(|a| a.id).collect::<Vec<_>>(), expected);
    assert!(newest[0].starts_on >= newest[1].starts_on);

    // Contact rows: two visit days of 8 hours for each attendee, the hour of tele-mentoring,
    // the check-in only for the mentor who took part.
    let rows = db
        .contact_rows(f.program, date("2026-03-01"), date("2026-03-31"))
        .await
        .unwrap();
    let mentee_minutes: i64 = rows
        .iter()
        .filter(|r| r.person == f.mentee)
        .map(|r| r.minutes)
        .sum();
    assert_eq!(mentee_minutes, 2 * 480 + 60);
    assert_eq!(
        rows.iter()
            .filter(|r| r.kind == domain::field::ActivityKind::Visit)
            .count(),
        4
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.kind == domain::field::ActivityKind::CheckIn)
            .count(),
        1
    );
    let clipped = db
        .contact_rows(f.program, date("2026-03-03"), date("2026-03-03"))
        .await
        .unwrap();
    assert_eq!(clipped.len(), 2);
    assert!(clipped.iter().all(|r| r.date == date("2026-03-03")));

    // Open actions, by due date, then one closed with a note.
    let open = db.open_actions(f.program, None, None).await.unwrap();
    let due: Vec<&str> = open.iter().map(|x| x.description.as_str()).collect();
    assert_eq!(
        due,
        [
            "Send the WHO count poster",
            "Lead the swab count at every closure"
        ]
    );
    let mine = db
        .open_actions(f.program, Some(&f.facility_path), Some(f.mentee))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    let done = db
        .update_action(&actor(), mine[0].id, "done", "Counted at 12 closures")
        .await
        .unwrap();
    assert_eq!(done.status, domain::field::ActionStatus::Done);
    assert!(done.closed_on.is_some());
    assert_eq!(db.action_item(done.id).await.unwrap(), done);
    assert!(
        db.open_actions(f.program, None, Some(f.mentee))
            .await
            .unwrap()
            .is_empty()
    );
    let err = db
        .update_action(&actor(), done.id, "finished", "")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "status");
    let reopened = db
        .update_action(&actor(), done.id, "open", "")
        .await
        .unwrap();
    assert_eq!(
        (reopened.closed_on, reopened.follow_up_note.as_str()),
        (None, "Counted at 12 closures")
    );
}

#[tokio::test]
async fn bad_activities_are_refused_by_field_and_write_nothing() {
    let f = field().await;
    let form = stored_checklist(&f).await;
    let before = written(&f).await;
    type Break = Box<dyn Fn(&mut NewActivity)>;
    let district = f.district;
    let outsider = f.outsider;
    let cases: Vec<(&str, Break)> = vec![
        (
            "ends_on",
            Box::new(|a| a.ends_on = Some("2026-03-01".into())),
        ),
        (
            "facility",
            Box::new(|a| a.facility = Some(OrgUnitId(999_999))),
        ),
        ("facility", Box::new(move |a| a.facility = Some(district))),
        ("facility", Box::new(|a| a.facility = None)),
        ("kind", Box::new(|a| a.kind = "party".into())),
        (
            "checklist.score",
            Box::new(|a| {
                if let Some(c) = a.checklist.as_mut() {
                    c.scores = scores(11.0, 10.0);
                }
            }),
        ),
        (
            "checklist.score",
            Box::new(|a| {
                if let Some(c) = a.checklist.as_mut() {
                    c.scores.total = -1.0;
                }
            }),
        ),
        (
            "checklist.form",
            Box::new(|a| {
                if let Some(c) = a.checklist.as_mut() {
                    c.form = FormId(999_999);
                }
            }),
        ),
        (
            "debrief.actions[1].due_on",
            Box::new(|a| {
                if let Some(d) = a.debrief.as_mut() {
                    d.actions[1].due_on = "2026-03-01".into();
                }
            }),
        ),
        (
            "debrief.actions[0].owner",
            Box::new(move |a| {
                if let Some(d) = a.debrief.as_mut() {
                    d.actions[0].owner = outsider;
                }
            }),
        ),
        (
            "participants[1].person",
            Box::new(move |a| a.participants[1].person = outsider),
        ),
        (
            "participants[1].person",
            Box::new(|a| a.participants[1].person = a.participants[0].person),
        ),
        (
            "participants[0].role",
            Box::new(|a| a.participants[0].role = "boss".into()),
        ),
        ("cases[0].count", Box::new(|a| a.cases[0].count = 0)),
        (
            "cases[0].performed_by",
            Box::new(|a| a.cases[0].performed_by = "nobody".into()),
        ),
        (
            "patient_identifiers_removed",
            Box::new(|a| {
                a.kind = "tele_session".into();
                a.facility = None;
                a.starts_on = None;
                a.ends_on = None;
                a.starts_at = Some("2026-03-09T07:00:00Z".into());
                a.duration_minutes = Some(60);
            }),
        ),
        (
            "channel",
            Box::new(|a| {
                a.kind = "check_in".into();
                a.starts_on = None;
                a.ends_on = None;
                a.starts_at = Some("2026-03-09T07:00:00Z".into());
            }),
        ),
        (
            "starts_at",
            Box::new(|a| {
                a.kind = "tele_session".into();
                a.starts_on = None;
                a.ends_on = None;
                a.starts_at = Some("next Monday".into());
            }),
        ),
        (
            "checklist.mentee",
            Box::new(move |a| {
                if let Some(c) = a.checklist.as_mut() {
                    c.mentee = Some(outsider);
                }
            }),
        ),
    ];
    for (field, break_it) in cases {
        let mut activity = visit(&f, form);
        break_it(&mut activity);
        let err =
            f.db.record_activity(&actor(), f.program, &activity)
                .await
                .unwrap_err();
        assert_eq!(field_of(&err), field, "{err}");
        assert_eq!(written(&f).await, before, "{field} wrote something");
    }
    // The unbroken visit is accepted, so each refusal above was for its one fault.
    f.db.record_activity(&actor(), f.program, &visit(&f, form))
        .await
        .unwrap();
    assert_eq!(written(&f).await.0, before.0 + 1);
}

#[tokio::test]
async fn a_site_is_activated_only_after_an_assessment() {
    let f = field().await;
    let db = &f.db;
    let site = db
        .add_site(&actor(), f.program, f.facility, "pilot")
        .await
        .unwrap();
    assert_eq!(
        (site.status.as_str(), site.wave.as_str()),
        ("assessing", "pilot")
    );
    let err = db
        .add_site(&actor(), f.program, f.facility, "pilot")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "facility");
    let err = db
        .add_site(&actor(), f.program, f.district, "pilot")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "facility");
    let err = db
        .add_site(&actor(), f.program, f.facility, "Wave 1!")
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "wave");

    let before = db.audit_count(None).await.unwrap();
    let err = db
        .activate_site(&actor(), f.program, f.facility)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "facility");
    assert!(err.to_string().contains("has no assessment yet"), "{err}");
    assert_eq!(
        db.site(f.program, f.facility).await.unwrap().status,
        domain::field::SiteStatus::Assessing
    );
    assert_eq!(db.audit_count(None).await.unwrap(), before);

    let checklist = db
        .save_form(&actor(), None, "checklist", &checklist_form(), SHA)
        .await
        .unwrap();
    let mut questionnaire = checklist_form();
    questionnaire.id = "facility_readiness".into();
    let questionnaire = db
        .save_form(&actor(), None, "assessment", &questionnaire, SHA)
        .await
        .unwrap();
    let mut new = NewAssessment {
        facility: f.facility,
        form: checklist.id,
        answers: serde_json::json!({"theatre": "yes"}),
        scores: scores(30.0, 40.0),
        priorities: "Oxygen supply; a second anaesthetist".into(),
        assessed_on: "2026-01-10".into(),
        baseline: true,
    };
    let err = db
        .record_assessment(&actor(), f.program, &new)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "form");
    new.form = questionnaire.id;
    new.scores = scores(41.0, 40.0);
    let err = db
        .record_assessment(&actor(), f.program, &new)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "scores.total");
    new.scores = scores(30.0, 40.0);
    let assessment = db
        .record_assessment(&actor(), f.program, &new)
        .await
        .unwrap();
    assert_eq!(assessment.total_percent, Some(75.0));
    assert_eq!(
        db.site_assessments(f.program, f.facility).await.unwrap(),
        [assessment]
    );
    let err = db
        .record_assessment(&actor(), f.program, &new)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "baseline");

    let active = db
        .activate_site(&actor(), f.program, f.facility)
        .await
        .unwrap();
    assert_eq!(active.status, domain::field::SiteStatus::Active);
    assert!(active.activated_on.is_some());
    assert_eq!(db.sites(f.program).await.unwrap(), [active]);
    let paused = db
        .set_site_status(&actor(), f.program, f.facility, "paused")
        .await
        .unwrap();
    assert_eq!(paused.status, domain::field::SiteStatus::Paused);
}

#[tokio::test]
async fn the_dose_plan_is_kept_per_program() {
    let f = field().await;
    let db = &f.db;
    assert_eq!(db.dose_plan(f.program).await.unwrap(), None);
    let plan = DosePlan {
        visit_days: 2,
        visit_every_months: 2,
        tele_minutes_per_week: 60,
        check_ins_per_month: 4,
    };
    db.set_dose_plan(&actor(), f.program, &plan).await.unwrap();
    let weekly = DosePlan {
        tele_minutes_per_week: 90,
        ..plan.clone()
    };
    db.set_dose_plan(&actor(), f.program, &weekly)
        .await
        .unwrap();
    assert_eq!(db.dose_plan(f.program).await.unwrap(), Some(weekly));
    let err = db
        .set_dose_plan(
            &actor(),
            f.program,
            &DosePlan {
                visit_every_months: 0,
                ..plan
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "visit_every_months");
    assert_eq!(
        db.audit_count(Some(("dose_plan", &f.program.to_string())))
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn an_approved_matching_proposal_respects_the_training_gate() {
    let f = field().await;
    let db = &f.db;
    let course = db
        .create_course(&actor(), f.program, "safe-surgery", "Safe surgery", 16.0)
        .await
        .unwrap();
    db.require_course(&actor(), f.program, course.id)
        .await
        .unwrap();
    let proposal = db
        .insert_proposal(
            &actor(),
            f.program,
            &domain::matching::ProposalReason::ByManager,
            0,
            &serde_json::json!({}),
            "",
        )
        .await
        .unwrap();
    let created = db
        .approve_proposal(&actor(), proposal.id, &[(f.mentor, f.mentee)], "")
        .await
        .unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].status,
        domain::matching::PairingStatus::AwaitingTraining
    );
    db.record_completion(&actor(), f.mentee, course.id, "2026-11-01", "certificate")
        .await
        .unwrap();
    assert_eq!(
        db.pairing(created[0].id).await.unwrap().status,
        domain::matching::PairingStatus::Active
    );

    // Approving the same pair again keeps the pairing rather than adding a second one.
    let again = db
        .insert_proposal(
            &actor(),
            f.program,
            &domain::matching::ProposalReason::ByManager,
            0,
            &serde_json::json!({}),
            "",
        )
        .await
        .unwrap();
    let created = db
        .approve_proposal(&actor(), again.id, &[(f.mentor, f.mentee)], "")
        .await
        .unwrap();
    assert!(created.is_empty());
}

/// Of two attempts at once, exactly one passes: its value and the other's refusal.
fn one_passes<T: std::fmt::Debug>(
    first: Result<T, DbError>,
    second: Result<T, DbError>,
) -> (T, DbError) {
    match (first, second) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        other => panic!("expected one to pass and one to be refused, got {other:?}"),
    }
}

/// A manager on a slow connection presses Approve twice: the two requests race, and the
/// program must still end up with each pairing once.
#[tokio::test]
async fn approving_one_draft_twice_at_once_creates_its_pairings_once() {
    let f = field().await;
    let db = &f.db;
    let proposal = db
        .insert_proposal(
            &actor(),
            f.program,
            &domain::matching::ProposalReason::ByManager,
            0,
            &serde_json::json!({}),
            "",
        )
        .await
        .unwrap();
    let pairs = [(f.mentor, f.mentee)];
    let (one, other) = (actor(), actor());
    let (first, second) = tokio::join!(
        db.approve_proposal(&one, proposal.id, &pairs, ""),
        db.approve_proposal(&other, proposal.id, &pairs, ""),
    );
    let (won, lost) = one_passes(first, second);
    assert_eq!(won.len(), 1);
    assert_eq!(field_of(&lost), "proposal");
    assert!(lost.to_string().contains("approved"), "{lost}");
    let current = db.pairings_of_program(f.program, None).await.unwrap();
    assert_eq!(current.len(), 1, "{current:?}");
}

/// A departure recorded twice at once (two managers, or a double submit) ends the mentor's
/// pairing once, with one audit row, and the second is refused.
#[tokio::test]
async fn a_departure_recorded_twice_at_once_is_recorded_once() {
    let f = field().await;
    let db = &f.db;
    let proposal = db
        .insert_proposal(
            &actor(),
            f.program,
            &domain::matching::ProposalReason::ByManager,
            0,
            &serde_json::json!({}),
            "",
        )
        .await
        .unwrap();
    let created = db
        .approve_proposal(&actor(), proposal.id, &[(f.mentor, f.mentee)], "")
        .await
        .unwrap();
    let (one, other) = (actor(), actor());
    let (first, second) = tokio::join!(
        db.mentor_leaves(&one, f.program, f.mentor),
        db.mentor_leaves(&other, f.program, f.mentor),
    );
    let (orphans, refused) = one_passes(first, second);
    assert_eq!(orphans, vec![f.mentee]);
    assert_eq!(field_of(&refused), "mentor");
    // Created, then ended once.
    assert_eq!(
        db.audit_count(Some(("pairing", &created[0].id.0.to_string())))
            .await
            .unwrap(),
        2
    );
}

/// A visit submitted twice with one key — a double press on a slow link, a retry after a lost
/// answer, or both at the same moment — is recorded once with one audit row, and the repeat
/// answers with the first; a bad key is refused by name with nothing written.
#[tokio::test]
async fn an_activity_submitted_twice_with_one_key_is_recorded_once() {
    let f = field().await;
    let db = &f.db;
    let new = visit(&f, stored_checklist(&f).await);
    let once = |key| Submission {
        key,
        request_sha256: "same request",
    };
    let before = written(&f).await;
    let first = db
        .record_activity_once(&actor(), f.program, &new, once("visit-7f3a"))
        .await
        .unwrap();
    assert!(!first.repeated);
    let again = db
        .record_activity_once(&actor(), f.program, &new, once("visit-7f3a"))
        .await
        .unwrap();
    assert!(again.repeated);
    assert_eq!(again.detail, first.detail);

    let (a, b) = (actor(), actor());
    let (one, other) = tokio::join!(
        db.record_activity_once(&a, f.program, &new, once("visit-9c1e")),
        db.record_activity_once(&b, f.program, &new, once("visit-9c1e")),
    );
    let (one, other) = (one.unwrap(), other.unwrap());
    assert_eq!(one.detail, other.detail);
    assert_ne!(one.detail.activity.id, first.detail.activity.id);
    assert!(one.repeated != other.repeated, "{one:?} / {other:?}");
    // Two keys, two visits (each with its two action items and one audit row).
    let after = written(&f).await;
    assert_eq!(after, (before.0 + 2, before.1 + 4, before.2 + 2));

    for bad in ["", "with space", "é", &"k".repeat(129)] {
        let err = db
            .record_activity_once(&actor(), f.program, &new, once(bad))
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "submission_key", "{bad:?}");
    }
    assert_eq!(written(&f).await, after);
}

/// A key is its caller's: another caller sending the same key records their own activity
/// (and never gets the first caller's back), and the same caller sending the key with a
/// different request is refused as a conflict naming the key, with nothing written.
#[tokio::test]
async fn a_submission_key_belongs_to_its_caller_and_its_request() {
    let f = field().await;
    let db = &f.db;
    let new = visit(&f, stored_checklist(&f).await);
    let submission = |request_sha256| Submission {
        key: "shared-key",
        request_sha256,
    };
    let mut callers = Vec::new();
    for name in ["admin", "mentee"] {
        let account = db
            .create_account(&actor(), name, "not-a-real-hash", None, false)
            .await
            .unwrap();
        callers.push(Actor::account(account.id, name));
    }
    let (admin, mentee) = (&callers[0], &callers[1]);
    let first = db
        .record_activity_once(admin, f.program, &new, submission("request a"))
        .await
        .unwrap();
    let theirs = db
        .record_activity_once(mentee, f.program, &new, submission("request a"))
        .await
        .unwrap();
    assert!(!theirs.repeated, "another caller's key is another key");
    assert_ne!(theirs.detail.activity.id, first.detail.activity.id);

    let before = written(&f).await;
    let clash = db
        .record_activity_once(admin, f.program, &new, submission("request b"))
        .await
        .unwrap_err();
    assert!(matches!(clash, DbError::Conflict(_)), "{clash:?}");
    assert_eq!(field_of(&clash), "submission_key");
    assert_eq!(written(&f).await, before);
}
