//! Facility coupling and mentor teams through the real router, on a fixture worked out by
//! hand. All facilities lie on the equator, so one degree of longitude is 111.195 km
//! (2π × 6371.0088 / 360):
//!
//! | facility      | lon  | readiness | |
//! |---------------|------|-----------|-|
//! | Alpha         | 0.00 | 80 %      | strong; a surgeon mentor is based here |
//! | Bravo         | 0.60 | 75 %      | strong; an anesthetist mentor is based here |
//! | Weak One      | 0.10 | 30 %      | Alpha 11.1 km, Bravo 55.6 km |
//! | Weak Two      | 0.20 | 40 %      | Alpha 22.2 km, Bravo 44.5 km |
//! | Weak Five     | 0.25 | 10 %      | Alpha 27.8 km, Bravo 38.9 km |
//! | Weak Three    | 3.00 | 20 %      | Bravo 266.9 km: beyond 100 km |
//! | Weak Four     | —    | 45 %      | no coordinates |
//! | Not Assessed  | 0.40 | —         | no assessment |
//!
//! Threshold 50 %, at most 100 km, one weak facility per strong one: two of the three weak
//! facilities in range can be coupled. The cheapest two pairs are Weak One → Alpha (11.1) and
//! Weak Five → Bravo (38.9), 50.0 km in all, against 55.6 (One → Alpha, Two → Bravo) and
//! 61.2 (Two → Alpha, Five → Bravo); so Weak Two is left over although both strong
//! facilities are in range (they are full), and Weak Five is told that the nearer Alpha was
//! full. With two per strong facility, One and Two go to Alpha and Five to Bravo (72.3 km,
//! less than One and Five to Alpha and Two to Bravo, 83.4).

use super::support::{Persona, TestApp};
use axum::http::{Method, StatusCode};
use domain::access::Role;
use domain::ids::{FormId, OrgUnitId, PersonId};
use domain::org_units::OrgUnitInput;
use domain::people::PersonInput;
use serde_json::{Value, json};
use std::collections::HashMap;
use store::Actor;

const KM_PER_DEGREE: f64 = 111.195;

struct Sites {
    ids: HashMap<&'static str, OrgUnitId>,
    form: i64,
}

async fn assess(app: &TestApp, form: i64, facility: OrgUnitId, percent: f64, on: &str) {
    app.db()
        .record_assessment(
            &Actor::system("test"),
            app.fixture.program,
            &store::readiness::NewAssessment {
                facility,
                form: FormId(form),
                answers: json!({}),
                scores: forms::scoring::Scores {
                    total: percent,
                    max: 100.0,
                    percent: Some(percent),
                    by_group: Vec::new(),
                },
                priorities: String::new(),
                assessed_on: on.into(),
                baseline: false,
            },
        )
        .await
        .expect("assessment");
}

async fn sites(app: &TestApp) -> Sites {
    let db = app.db();
    let actor = Actor::system("test");
    let form = forms::Form::from_xlsx_bytes(
        "surgical_mentoring_checklist.xlsx",
        include_bytes!("../../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx"),
        &forms::Limits::default(),
    )
    .expect("form parses");
    let form = db
        .save_form(
            &actor,
            Some(app.fixture.program),
            "assessment",
            &form,
            &"cd".repeat(32),
        )
        .await
        .expect("form stored")
        .id;
    let mut ids = HashMap::new();
    let table: [(&str, &str, Option<f64>, Option<f64>); 8] = [
        ("ALPHA", "Alpha", Some(0.0), Some(80.0)),
        ("BRAVO", "Bravo", Some(0.6), Some(75.0)),
        ("W1", "Weak One", Some(0.1), Some(30.0)),
        ("W2", "Weak Two", Some(0.2), Some(40.0)),
        ("W5", "Weak Five", Some(0.25), Some(10.0)),
        ("W3", "Weak Three", Some(3.0), Some(20.0)),
        ("W4", "Weak Four", None, Some(45.0)),
        ("NA", "Not Assessed", Some(0.4), None),
    ];
    for (code, name, lon, readiness) in table {
        let unit = db
            .create_org_unit(
                &actor,
                &OrgUnitInput {
                    parent_code: Some("D2".into()),
                    level: "facility".into(),
                    code: code.into(),
                    name: name.into(),
                    latitude: lon.map(|_| 0.0),
                    longitude: lon,
                    ..OrgUnitInput::default()
                }
                .validate()
                .expect("unit"),
            )
            .await
            .expect("create unit");
        db.add_site(&actor, app.fixture.program, unit.id, "pilot")
            .await
            .expect("site");
        if let Some(percent) = readiness {
            // An older, weaker assessment first: only the latest counts.
            assess(app, form.0, unit.id, 5.0, "2026-01-10").await;
            assess(app, form.0, unit.id, percent, "2026-03-10").await;
        }
        ids.insert(name, unit.id);
    }
    Sites { ids, form: form.0 }
}

async fn mentor(app: &TestApp, name: &str, cadre: &str, home: OrgUnitId) -> PersonId {
    let db = app.db();
    let actor = Actor::system("test");
    let person = db
        .create_person(
            &actor,
            &PersonInput {
                name: name.into(),
                cadre: Some(cadre.into()),
                time_zone: "Africa/Addis_Ababa".into(),
                ..PersonInput::default()
            }
            .validate()
            .expect("person"),
        )
        .await
        .expect("create person");
    db.add_membership(&actor, app.fixture.program, person.id, Role::Mentor, home)
        .await
        .expect("membership");
    person.id
}

fn settings_url(app: &TestApp) -> String {
    format!(
        "/api/v1/programs/{}/facility-matching/settings",
        app.fixture.program
    )
}

async fn put_settings(app: &TestApp, body: Value) {
    let reply = app
        .json(Method::PUT, &settings_url(app), Persona::Manager, &body)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

async fn propose(app: &TestApp, what: &str) -> Value {
    let reply = app
        .json(
            Method::POST,
            &format!(
                "/api/v1/programs/{}/facility-matching/{what}-proposals",
                app.fixture.program
            ),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

async fn approve(app: &TestApp, id: i64) -> super::support::Reply {
    app.json(
        Method::POST,
        &format!("/api/v1/facility-matching/proposals/{id}/approve"),
        Persona::Manager,
        &json!(null),
    )
    .await
}

fn pairs(proposal: &Value) -> Vec<(String, String, f64)> {
    proposal["result"]["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["weak_name"].as_str().unwrap_or_default().to_owned(),
                p["strong_name"].as_str().unwrap_or_default().to_owned(),
                p["km"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect()
}

fn unpaired(proposal: &Value) -> Vec<(String, String)> {
    proposal["result"]["unpaired"]
        .as_array()
        .expect("unpaired")
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap_or_default().to_owned(),
                u["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn assert_km(actual: f64, degrees: f64) {
    let expected = degrees * KM_PER_DEGREE;
    assert!(
        (actual - expected).abs() < 0.05,
        "{actual} km, expected {expected}"
    );
}

async fn active_couplings(app: &TestApp) -> Vec<(String, String)> {
    let reply = app
        .get(
            &format!(
                "/api/v1/programs/{}/facility-matching/couplings",
                app.fixture.program
            ),
            Persona::Manager,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply
        .json()
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            (
                c["weak_name"].as_str().unwrap_or_default().to_owned(),
                c["strong_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn coupling_follows_the_hand_worked_optimum_with_reasons_and_capacity() {
    let app = TestApp::new().await;
    sites(&app).await;
    put_settings(
        &app,
        json!({"threshold": 50, "max_per_strong": 1, "max_km": 100}),
    )
    .await;
    let proposal = propose(&app, "coupling").await;
    assert_eq!(proposal["kind"], "coupling");
    assert_eq!(proposal["status"], "draft");
    let got = pairs(&proposal);
    assert_eq!(
        got.iter()
            .map(|(w, s, _)| (w.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        vec![("Weak Five", "Bravo"), ("Weak One", "Alpha")],
        "{proposal}"
    );
    assert_km(got[0].2, 0.35);
    assert_km(got[1].2, 0.10);
    let five = &proposal["result"]["pairs"][0];
    assert_eq!(five["weak_readiness"], 10.0);
    assert_eq!(five["strong_readiness"], 75.0);
    assert_eq!(five["nearer_full"]["name"], "Alpha");
    assert_km(five["nearer_full"]["km"].as_f64().unwrap_or_default(), 0.25);
    assert!(proposal["result"]["pairs"][1]["nearer_full"].is_null());
    assert_eq!(
        unpaired(&proposal),
        vec![
            ("Not Assessed".into(), "no_assessment".into()),
            ("Weak Four".into(), "no_coordinates".into()),
            ("Weak Three".into(), "no_strong_in_range".into()),
            ("Weak Two".into(), "strong_in_range_full".into()),
        ]
    );
    let takes: Vec<(String, u64)> = proposal["result"]["strong"]
        .as_array()
        .expect("strong")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["takes"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(takes, vec![("Alpha".into(), 1), ("Bravo".into(), 1)]);

    // The page explains the same in words.
    let page = app
        .get(
            &format!(
                "/facility-matching/proposals/{}",
                proposal["id"].as_i64().unwrap_or_default()
            ),
            Persona::Manager,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Weak One (30 %)"), "{html}");
    assert!(
        html.contains("Every strong facility within 100 km is full."),
        "{html}"
    );
    assert!(html.contains("Nearer Alpha (27.8 km) was full."), "{html}");

    // Two per strong facility: Weak Two joins Alpha; Weak Five still goes to Bravo.
    put_settings(
        &app,
        json!({"threshold": 50, "max_per_strong": 2, "max_km": 100}),
    )
    .await;
    let wider = propose(&app, "coupling").await;
    let got = pairs(&wider);
    assert_eq!(
        got.iter()
            .map(|(w, s, _)| (w.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("Weak Five", "Bravo"),
            ("Weak One", "Alpha"),
            ("Weak Two", "Alpha")
        ]
    );
    let total = wider["result"]["total_km"].as_f64().unwrap_or_default();
    assert_km(total, 0.35 + 0.10 + 0.20);
}

#[tokio::test]
async fn teams_cover_cadres_and_explain_what_is_missing() {
    let app = TestApp::new().await;
    let s = sites(&app).await;
    let surgeon = mentor(&app, "Sara Surgeon", "surgeon", s.ids["Alpha"]).await;
    let anesthetist = mentor(&app, "Abel Anesthetist", "anesthetist", s.ids["Bravo"]).await;
    // No cadre required yet: forming teams is refused, naming the setting.
    let refused = app
        .json(
            Method::POST,
            &format!(
                "/api/v1/programs/{}/facility-matching/team-proposals",
                app.fixture.program
            ),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_field(), "required_cadres");

    put_settings(
        &app,
        json!({"max_km": 100, "max_teams_per_mentor": 2,
               "required_cadres": ["surgeon", "anesthetist", "or_nurse"]}),
    )
    .await;
    let proposal = propose(&app, "team").await;
    let teams = proposal["result"]["teams"].as_array().expect("teams");
    let team = |name: &str| {
        teams
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no team for {name}: {proposal}"))
    };
    let members = |name: &str| -> Vec<(String, i64, f64)> {
        team(name)["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| {
                (
                    m["cadre"].as_str().unwrap_or_default().to_owned(),
                    m["mentor"].as_i64().unwrap_or_default(),
                    m["km"].as_f64().unwrap_or(-1.0),
                )
            })
            .collect()
    };
    let missing = |name: &str| -> Vec<(String, String)> {
        team(name)["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .map(|m| {
                (
                    m["cadre"].as_str().unwrap_or_default().to_owned(),
                    m["reason"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    // The surgeon (two teams at most) serves the two nearest: Alpha itself and Weak One.
    let alpha = members("Alpha");
    assert_eq!(alpha[0].0, "surgeon");
    assert_eq!(alpha[0].1, surgeon.0);
    assert_km(alpha[0].2, 0.0);
    let one = members("Weak One");
    assert_eq!(one[0].1, surgeon.0);
    assert_km(one[0].2, 0.1);
    // The anesthetist serves Bravo and the nearest other, Not Assessed (0.2° away).
    assert_eq!(members("Bravo")[0].1, anesthetist.0);
    assert_eq!(members("Not Assessed")[0].1, anesthetist.0);
    assert_eq!(
        missing("Weak Two"),
        vec![
            ("surgeon".into(), "all_in_range_at_limit".into()),
            ("anesthetist".into(), "all_in_range_at_limit".into()),
            ("or_nurse".into(), "no_mentor_of_cadre".into()),
        ]
    );
    assert_eq!(
        missing("Weak Three"),
        vec![
            ("surgeon".into(), "none_in_range".into()),
            ("anesthetist".into(), "none_in_range".into()),
            ("or_nurse".into(), "no_mentor_of_cadre".into()),
        ]
    );
    assert_eq!(
        proposal["result"]["no_coordinates"][0]["name"], "Weak Four",
        "{proposal}"
    );

    let id = proposal["id"].as_i64().unwrap_or_default();
    let approved = approve(&app, id).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    assert_eq!(approved.json()["created"], 4);
    let listed = app
        .get(
            &format!(
                "/api/v1/programs/{}/facility-matching/teams",
                app.fixture.program
            ),
            Persona::Manager,
        )
        .await
        .json();
    assert_eq!(listed.as_array().map(Vec::len), Some(4), "{listed}");
    // The facility page shows the team.
    let page = app
        .get(
            &format!(
                "/programs/{}/sites/{}",
                app.fixture.program, s.ids["Weak One"]
            ),
            Persona::Manager,
        )
        .await;
    assert!(
        page.text().contains("surgeon: Sara Surgeon (11.1 km)"),
        "{}",
        page.text()
    );
    // The surgeon leaves the program: their two team places end with their pairings.
    let left = app
        .json(
            Method::POST,
            &format!(
                "/api/v1/programs/{}/matching/mentor-left",
                app.fixture.program
            ),
            Persona::Manager,
            &json!({"mentor": surgeon.0}),
        )
        .await;
    assert_eq!(left.status, StatusCode::CREATED, "{}", left.text());
    let teams = app
        .db()
        .active_team_members(app.fixture.program)
        .await
        .expect("teams");
    assert_eq!(teams.len(), 2, "{teams:?}");
    assert!(teams.iter().all(|m| m.mentor == anesthetist), "{teams:?}");
    // The two places the surgeon held are listed as left empty, on the facility page, and
    // the matching page (where the departure was recorded) points there.
    let facility_page = app
        .get(
            &format!("/programs/{}/facility-matching", app.fixture.program),
            Persona::Manager,
        )
        .await
        .text();
    let vacated = facility_page
        .split("Places left empty since the teams were approved")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no vacated places: {facility_page}"));
    for facility in ["Alpha", "Weak One"] {
        assert!(
            vacated.contains(&format!(
                ">{facility}</a></td><td class=\"label\">surgeon</td><td><a href=\"/people/{}\">Sara Surgeon</a>",
                surgeon.0
            )),
            "{facility} in {vacated}"
        );
    }
    assert!(!vacated.contains("Abel Anesthetist"), "{vacated}");
    let matching_page = || async {
        app.get(
            &format!("/programs/{}/matching", app.fixture.program),
            Persona::Manager,
        )
        .await
        .text()
    };
    let page = matching_page().await;
    assert!(
        page.contains(
            "Mentors who left held 2 places on approved facility teams: re-form the teams."
        ),
        "{page}"
    );
    // A new team proposal, approved, fills or re-decides every place: none is left listed.
    let again = propose(&app, "team").await;
    let approved = approve(&app, again["id"].as_i64().unwrap_or_default()).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    assert!(
        app.db()
            .vacated_team_places(app.fixture.program)
            .await
            .expect("vacated")
            .is_empty()
    );
    let page = matching_page().await;
    assert!(!page.contains("re-form the teams"), "{page}");
    let _ = s.form;
}

#[tokio::test]
async fn approval_writes_audited_rows_and_ends_the_previous_ones() {
    let app = TestApp::new().await;
    let s = sites(&app).await;
    put_settings(
        &app,
        json!({"threshold": 50, "max_per_strong": 1, "max_km": 100}),
    )
    .await;
    let first = propose(&app, "coupling").await;
    let first_id = first["id"].as_i64().unwrap_or_default();
    let audit_before = app.db().audit_count(None).await.expect("count");
    let reply = approve(&app, first_id).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json(), json!({"created": 2, "ended": 0}));
    assert_eq!(
        active_couplings(&app).await,
        vec![
            ("Weak Five".into(), "Bravo".into()),
            ("Weak One".into(), "Alpha".into())
        ]
    );
    // Two coupling rows created and the proposal marked approved, each audited.
    assert_eq!(
        app.db().audit_count(None).await.expect("count") - audit_before,
        3
    );
    assert_eq!(
        app.db()
            .audit_count(Some(("facility_proposal", &first_id.to_string())))
            .await
            .expect("count"),
        2,
        "created and approved"
    );

    // Approving twice is refused and writes nothing.
    let audit_before = app.db().audit_count(None).await.expect("count");
    let again = approve(&app, first_id).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.error_field(), "proposal");
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        audit_before
    );

    // A second run after a settings change replaces the couplings: old ones ended, not
    // deleted; a draft run before it is discarded and cannot be approved any more.
    put_settings(
        &app,
        json!({"threshold": 50, "max_per_strong": 2, "max_km": 100}),
    )
    .await;
    let older_draft = propose(&app, "coupling").await["id"]
        .as_i64()
        .unwrap_or_default();
    let second = propose(&app, "coupling").await["id"]
        .as_i64()
        .unwrap_or_default();
    let reply = approve(&app, second).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json(), json!({"created": 3, "ended": 2}));
    assert_eq!(active_couplings(&app).await.len(), 3);
    let ended = app
        .db()
        .audit_entries(None, 50, 0)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.entity == "facility_coupling" && e.action == "update")
        .count();
    assert_eq!(ended, 2);
    let stale = approve(&app, older_draft).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stale.error_field(), "proposal");
    assert!(stale.text().contains("discarded"), "{}", stale.text());

    // A proposal whose inputs changed since it ran (a new assessment) is refused, and the
    // active couplings stay as they were.
    let third = propose(&app, "coupling").await["id"]
        .as_i64()
        .unwrap_or_default();
    assess(&app, s.form, s.ids["Weak Two"], 90.0, "2026-04-01").await;
    let audit_before = app.db().audit_count(None).await.expect("count");
    let changed = approve(&app, third).await;
    assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(changed.error_field(), "proposal");
    assert!(
        changed.text().contains("changed since"),
        "{}",
        changed.text()
    );
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        audit_before
    );
    assert_eq!(active_couplings(&app).await.len(), 3);

    // The program's proposals, newest first, with what became of each.
    let list = app
        .get(
            &format!(
                "/api/v1/programs/{}/facility-matching/proposals",
                app.fixture.program
            ),
            Persona::Manager,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let list = list.json();
    let rows: Vec<(i64, &str, &str)> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap_or_default(),
                p["kind"].as_str().unwrap_or_default(),
                p["status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // Then the fixture's own draft, discarded by the first approval.
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[4],
        (app.fixture.facility_proposal.0, "coupling", "discarded")
    );
    assert_eq!(
        rows[..4],
        [
            (third, "coupling", "draft"),
            (second, "coupling", "approved"),
            (older_draft, "coupling", "discarded"),
            (first_id, "coupling", "approved"),
        ]
    );

    // The facility page shows the partner.
    let page = app
        .get(
            &format!(
                "/programs/{}/sites/{}",
                app.fixture.program, s.ids["Weak Two"]
            ),
            Persona::Leader,
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "not the leader's facility"
    );
    let page = app
        .get(
            &format!("/programs/{}/sites/{}", app.fixture.program, s.ids["Alpha"]),
            Persona::Manager,
        )
        .await;
    assert!(
        page.text()
            .contains("Supports Weak One (11.1 km), Weak Two (22.2 km)"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn only_managers_and_admins_run_and_approve() {
    let app = TestApp::new().await;
    sites(&app).await;
    let run = format!(
        "/api/v1/programs/{}/facility-matching/coupling-proposals",
        app.fixture.program
    );
    for persona in [
        Persona::Mentee,
        Persona::Mentor,
        Persona::Leader,
        Persona::Regional,
        Persona::Outsider,
    ] {
        let reply = app.json(Method::POST, &run, persona, &json!(null)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{persona:?}");
    }
    let by_admin = app
        .json(Method::POST, &run, Persona::Admin, &json!(null))
        .await;
    assert_eq!(by_admin.status, StatusCode::CREATED, "{}", by_admin.text());
    let id = by_admin.json()["id"].as_i64().unwrap_or_default();
    let by_mentor = app
        .json(
            Method::POST,
            &format!("/api/v1/facility-matching/proposals/{id}/approve"),
            Persona::Mentor,
            &json!(null),
        )
        .await;
    assert_eq!(by_mentor.status, StatusCode::FORBIDDEN);
    assert!(active_couplings(&app).await.is_empty());
    assert_eq!(approve(&app, id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_settings_and_unknown_programs_are_refused_and_nothing_is_written() {
    let app = TestApp::new().await;
    let url = settings_url(&app);
    for (body, field) in [
        (json!({"threshold": 150}), "threshold"),
        (json!({"threshold": -1}), "threshold"),
        (json!({"max_per_strong": 0}), "max_per_strong"),
        (json!({"max_km": 0}), "max_km"),
        (json!({"max_teams_per_mentor": 0}), "max_teams_per_mentor"),
        (
            json!({"required_cadres": ["surgeon", "OR Nurse"]}),
            "required_cadres[1]",
        ),
    ] {
        let reply = app.json(Method::PUT, &url, Persona::Manager, &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.error_field(), field, "{}", reply.text());
    }
    let unknown = app
        .json(
            Method::PUT,
            &url,
            Persona::Manager,
            &json!({"max_km": 10, "speed": 3}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stored = app.get(&url, Persona::Manager).await.json();
    assert_eq!(stored["threshold"], 60.0, "defaults kept: {stored}");
    assert_eq!(
        app.db()
            .audit_entries(None, 200, 0)
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.entity == "facility_matching_settings")
            .count(),
        0
    );

    let missing = app
        .json(
            Method::POST,
            "/api/v1/programs/999999/facility-matching/coupling-proposals",
            Persona::Admin,
            &json!(null),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text());
    let no_proposal = approve(&app, 999_999).await;
    assert_eq!(no_proposal.status, StatusCode::NOT_FOUND);

    // The page form keeps what was typed and names the field.
    let page = app
        .form(
            &format!(
                "/programs/{}/facility-matching/settings",
                app.fixture.program
            ),
            Persona::Manager,
            "threshold=abc&max_per_strong=2&max_km=150&max_teams_per_mentor=3&required_cadres=surgeon",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("value=\"abc\""), "{html}");
    assert!(html.contains("Readiness threshold"), "{html}");
    let page = app
        .form(
            &format!(
                "/programs/{}/facility-matching/settings",
                app.fixture.program
            ),
            Persona::Manager,
            "threshold=50&max_per_strong=2&max_km=-5&max_teams_per_mentor=3&required_cadres=surgeon",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("Farthest distance (km): must be more than 0")
    );
    assert!(page.text().contains("value=\"-5\""));
    let stored = app.get(&url, Persona::Manager).await.json();
    assert_eq!(stored["max_km"], 150.0, "nothing written: {stored}");
}

#[tokio::test]
async fn the_pages_run_and_approve_a_coupling_in_french_too() {
    let app = TestApp::new().await;
    sites(&app).await;
    let program = app.fixture.program;
    let page = app
        .get(&format!("/programs/{program}/matching"), Persona::Manager)
        .await;
    assert!(
        page.text()
            .contains(&format!("/programs/{program}/facility-matching")),
        "linked from the matching page"
    );
    let run = app
        .form(
            &format!("/programs/{program}/facility-matching/coupling-proposals"),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.text());
    let proposal_page = run.location();
    assert!(proposal_page.starts_with("/facility-matching/proposals/"));
    let fr = app
        .send(
            app.request(Method::GET, &proposal_page, Persona::Manager)
                .header("accept-language", "fr")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        fr.text().contains("Proposition de jumelage"),
        "{}",
        fr.text()
    );
    let approved = app
        .form(&format!("{proposal_page}/approve"), Persona::Manager, "")
        .await;
    assert_eq!(
        approved.status,
        StatusCode::SEE_OTHER,
        "{}",
        approved.text()
    );
    let program_page = app
        .get(
            &format!("/programs/{program}/facility-matching"),
            Persona::Manager,
        )
        .await
        .text();
    assert!(program_page.contains("Weak One"), "{program_page}");
    // The approved couplings show distances, not readiness, and their headings say so.
    let approved_table = program_page
        .split("Approved couplings")
        .nth(1)
        .expect("approved couplings");
    assert!(
        approved_table.contains("<th>Weak facility</th>")
            && !approved_table.contains("Weak facility (readiness)"),
        "{approved_table}"
    );
    // The page says what was approved, in French too.
    let done = format!("/programs/{program}/facility-matching?done=coupling");
    assert_eq!(approved.location(), done);
    let confirmed = app.get(&done, Persona::Manager).await.text();
    assert!(
        confirmed.contains("role=\"status\">Couplings approved: the ones below are now in force."),
        "{confirmed}"
    );
    let fr = app.get_in("fr", &done, Persona::Manager).await.text();
    assert!(fr.contains("Jumelages approuvés"), "{fr}");
    // French numbers have a decimal comma: the distances, and the settings form, which also
    // reads one back.
    assert!(
        fr.contains(",1 km</td>") || fr.contains(",0 km</td>"),
        "{fr}"
    );
    assert!(
        !fr.contains(".1 km</td>") && !fr.contains(".0 km</td>"),
        "{fr}"
    );
    let saved = app
        .form_in(
            "fr",
            &format!("/programs/{program}/facility-matching/settings"),
            Persona::Manager,
            "threshold=62,5&max_per_strong=2&max_km=150,5&max_teams_per_mentor=2&required_cadres=",
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let stored = app
        .db()
        .facility_matching_settings(program)
        .await
        .expect("settings");
    assert_eq!((stored.threshold, stored.max_km), (62.5, 150.5));
    let form = app
        .get_in("fr", &saved.location(), Persona::Manager)
        .await
        .text();
    assert!(
        form.contains("name=\"threshold\" inputmode=\"decimal\" value=\"62,5\"")
            && form.contains("name=\"max_km\" inputmode=\"decimal\" value=\"150,5\""),
        "{form}"
    );
    // Pressing Approve again (a double click on a slow link) confirms again and couples
    // nothing twice.
    let couplings = app.db().active_couplings(program).await.expect("couplings");
    let again = app
        .form(&format!("{proposal_page}/approve"), Persona::Manager, "")
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), done);
    assert_eq!(
        app.db().active_couplings(program).await.expect("couplings"),
        couplings
    );
}

/// Two approvals of one coupling proposal at once (a double click): one couples, the other is
/// refused saying the proposal is approved now; a stale proposal's refusal reads in French on
/// its page.
#[tokio::test]
async fn approving_a_coupling_twice_at_once_couples_once_and_says_why() {
    let app = TestApp::new().await;
    sites(&app).await;
    let proposal = propose(&app, "coupling").await;
    let id = proposal["id"].as_i64().unwrap_or_default();
    let (first, second) = tokio::join!(approve(&app, id), approve(&app, id));
    let (won, lost) = match (first.status, second.status) {
        (StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY) => (first, second),
        (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::OK) => (second, first),
        other => panic!("expected one approval and one refusal, got {other:?}"),
    };
    assert_eq!(won.json()["created"], pairs(&proposal).len());
    assert_eq!(
        lost.json()["error"]["message"],
        format!("proposal {id} is approved and cannot be approved; run a new one")
    );
    assert_eq!(active_couplings(&app).await.len(), pairs(&proposal).len());

    let stale = propose(&app, "coupling").await;
    put_settings(&app, json!({"max_per_strong": 1})).await;
    let page = app
        .form_in(
            "fr",
            &format!("/facility-matching/proposals/{}/approve", stale["id"]),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains(&format!(
            "ont changé depuis le calcul de la proposition {}",
            stale["id"]
        )),
        "{}",
        page.text()
    );
}
