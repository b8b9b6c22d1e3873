//! Mentorship in the field through the real router: a visit with a scored checklist and a
//! debrief, action items followed up, the training gate refusing then allowing, an audited
//! override, sites activated only after an assessment, and bad input on each path.

use super::support::{Persona, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

async fn checklist(app: &TestApp) -> i64 {
    let form = forms::Form::from_xlsx_bytes(
        "surgical_mentoring_checklist.xlsx",
        include_bytes!("../../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx"),
        &forms::Limits::default(),
    )
    .expect("checklist parses");
    app.db()
        .save_form(
            &store::Actor::system("test"),
            Some(app.fixture.program),
            "checklist",
            &form,
            &"ab".repeat(32),
        )
        .await
        .expect("form stored")
        .id
        .0
}

fn answers(team_communication: &str) -> Value {
    json!({
        "visit_date": "2026-11-10", "procedure": "Caesarean section",
        "identity_confirmed": "yes", "site_marked": "yes", "anaesthesia_check": "yes",
        "pulse_oximeter": "no", "airway_assessed": "yes", "team_introduced": "yes",
        "antibiotic_given": "yes", "critical_events": ["surgeon", "anaesthetist", "nursing"],
        "imaging_displayed": "yes", "counts_correct": "yes", "specimen_labelled": "yes",
        "equipment_problems": "no", "team_communication": team_communication
    })
}

#[tokio::test]
async fn a_visit_with_a_scored_checklist_and_debrief_opens_actions_that_are_followed_up() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let form = checklist(&app).await;
    let mentor = f.person_of[&Persona::Mentor].0;
    let mentee = f.person_of[&Persona::Mentee].0;
    let visit = |team: &str, ends_on: &str, facility: i64| {
        json!({
            "kind": "visit", "facility": facility, "starts_on": "2026-11-10", "ends_on": ends_on,
            "summary": "Two days side by side in theatre",
            "participants": [
                {"person": mentor, "role": "mentor", "attended": true},
                {"person": mentee, "role": "mentee", "attended": true}
            ],
            "cases": [{"procedure": "Caesarean section", "performed_by": "together", "count": 3}],
            "checklist": {"form": form, "mentee": mentee, "answers": answers(team)},
            "debrief": {"went_well": "Time-out done every case", "to_improve": "Pulse oximetry",
                        "actions": [{"owner": mentee, "description": "Borrow a pulse oximeter from ICU", "due_on": "2026-12-01"}]}
        })
    };
    let path = format!("/api/v1/programs/{}/activities", f.program);
    let before = app
        .get(&path, Persona::Manager)
        .await
        .json()
        .as_array()
        .unwrap()
        .len();

    let out_of_range = app
        .json(
            Method::POST,
            &path,
            Persona::Mentor,
            &visit("9", "2026-11-11", f.units["F1"].0),
        )
        .await;
    assert_eq!(
        out_of_range.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        out_of_range.text()
    );
    assert_eq!(
        out_of_range.error_field(),
        "checklist.answers.team_communication"
    );
    let backwards = app
        .json(
            Method::POST,
            &path,
            Persona::Mentor,
            &visit("4", "2026-11-09", f.units["F1"].0),
        )
        .await;
    assert_eq!(backwards.error_field(), "ends_on", "{}", backwards.text());
    let unknown = app
        .json(
            Method::POST,
            &path,
            Persona::Mentor,
            &visit("4", "2026-11-11", 999_999),
        )
        .await;
    assert_eq!(unknown.error_field(), "facility", "{}", unknown.text());
    let district = app
        .json(
            Method::POST,
            &path,
            Persona::Mentor,
            &visit("4", "2026-11-11", f.units["D1"].0),
        )
        .await;
    assert_eq!(district.error_field(), "facility", "{}", district.text());
    let after_refusals = app
        .get(&path, Persona::Manager)
        .await
        .json()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after_refusals, "nothing half-written");

    let recorded = app
        .json(
            Method::POST,
            &path,
            Persona::Mentor,
            &visit("4", "2026-11-11", f.units["F1"].0),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let detail = recorded.json();
    // 22 points possible; pulse oximetry (2) missed and communication 4 of 5: 19.
    assert_eq!(detail["checklists"][0]["score_total"], 19.0);
    assert_eq!(detail["checklists"][0]["score_max"], 22.0);
    let action = detail["actions"][0]["id"].as_i64().unwrap();
    assert_eq!(detail["actions"][0]["status"], "open");

    // The leader of F1 sees it, the leader scope of another facility would not; the mentee
    // who took part sees it; the outsider does not.
    let id = detail["activity"]["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/activities/{id}"), Persona::Leader)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/activities/{id}"), Persona::Mentee)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/activities/{id}"), Persona::Outsider)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let done = app
        .json(
            Method::POST,
            &format!("/api/v1/actions/{action}"),
            Persona::Mentee,
            &json!({"status": "done", "note": "Oximeter now in theatre 2"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert_eq!(done.json()["status"], "done");
    let bad = app
        .json(
            Method::POST,
            &format!("/api/v1/actions/{action}"),
            Persona::Mentee,
            &json!({"status": "finished"}),
        )
        .await;
    assert_eq!(bad.error_field(), "status");
}

#[tokio::test]
async fn the_training_gate_refuses_then_allows_and_an_override_is_audited() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentor = f.person_of[&Persona::Mentor];
    let courses = format!("/api/v1/programs/{}/courses", f.program);
    let course = app
        .json(Method::POST, &courses, Persona::Manager, &json!({"code": "safe-surgery", "title": "Safe surgery basics", "hours": 16, "required": true}))
        .await;
    assert_eq!(course.status, StatusCode::CREATED, "{}", course.text());
    let course = course.json()["id"].as_i64().unwrap();
    let actor = store::Actor::system("test");
    let waiting = app
        .db()
        .add_gated_pairing(&actor, f.program, mentor, f.person_f2)
        .await
        .unwrap();
    assert_eq!(
        waiting.status,
        domain::matching::PairingStatus::AwaitingTraining
    );
    let refused = app
        .json(
            Method::POST,
            &format!("/api/v1/pairings/{}/activate", waiting.id),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("safe-surgery"),
        "{}",
        refused.text()
    );
    let mentee_tries = app
        .json(
            Method::POST,
            &format!("/api/v1/pairings/{}/activate", waiting.id),
            Persona::Mentee,
            &json!(null),
        )
        .await;
    assert_eq!(mentee_tries.status, StatusCode::FORBIDDEN);

    let completed = app
        .json(Method::POST, &format!("/api/v1/courses/{course}/completions"), Persona::Manager,
              &json!({"person": f.person_f2.0, "completed_on": "2026-11-02", "evidence": "certificate 118"}))
        .await;
    assert_eq!(
        completed.status,
        StatusCode::CREATED,
        "{}",
        completed.text()
    );
    assert_eq!(
        app.db().pairing(waiting.id).await.unwrap().status,
        domain::matching::PairingStatus::Active
    );

    let other = app
        .db()
        .add_gated_pairing(&actor, f.program, mentor, f.person_f3)
        .await
        .unwrap();
    let short = app
        .json(
            Method::POST,
            &format!("/api/v1/pairings/{}/override", other.id),
            Persona::Manager,
            &json!({"reason": "urgent"}),
        )
        .await;
    assert_eq!(short.error_field(), "reason");
    let overridden = app
        .json(
            Method::POST,
            &format!("/api/v1/pairings/{}/override", other.id),
            Persona::Manager,
            &json!({"reason": "Course postponed by the region; mentor supervises closely"}),
        )
        .await;
    assert_eq!(overridden.status, StatusCode::OK, "{}", overridden.text());
    assert_eq!(overridden.json()["status"], "active");
    let audit = app
        .get("/api/v1/audit?limit=200", Persona::Admin)
        .await
        .json();
    assert!(
        audit.to_string().contains("Course postponed by the region"),
        "override reason audited"
    );
}

#[tokio::test]
async fn a_site_is_activated_only_after_its_assessment() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let sites = format!("/api/v1/programs/{}/sites", f.program);
    let added = app
        .json(
            Method::POST,
            &sites,
            Persona::Manager,
            &json!({"facility": f.units["F2"].0, "wave": "pilot"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let activate = format!(
        "/api/v1/programs/{}/sites/{}/activate",
        f.program, f.units["F2"].0
    );
    let early = app
        .json(Method::POST, &activate, Persona::Manager, &json!(null))
        .await;
    assert_eq!(early.error_field(), "facility", "{}", early.text());
    let wrong_purpose = app
        .json(Method::POST, &format!("/api/v1/programs/{}/assessments", f.program), Persona::Manager,
              &json!({"facility": f.units["F2"].0, "form": checklist(&app).await, "answers": {}, "assessed_on": "2026-11-01"}))
        .await;
    assert_eq!(
        wrong_purpose.error_field(),
        "assessment.form",
        "{}",
        wrong_purpose.text()
    );
    let bad_level = app
        .json(
            Method::POST,
            &sites,
            Persona::Manager,
            &json!({"facility": f.units["R1"].0, "wave": "pilot"}),
        )
        .await;
    assert_eq!(bad_level.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_visit_form_draws_the_checklist_keeps_input_on_refusal_and_records() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    checklist(&app).await;
    let form = app
        .get(
            &format!("/programs/{}/visits/new", f.program),
            Persona::Mentor,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let html = form.text();
    assert!(
        html.contains("name=\"q.pulse_oximeter\""),
        "checklist drawn: {html}"
    );
    assert!(html.contains("type=\"radio\""), "select_one as radios");

    let mentor = f.person_of[&Persona::Mentor].0;
    let mentee = f.person_of[&Persona::Mentee].0;
    let form_id = html
        .split("name=\"form\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let base = format!(
        "facility={}&starts_on=2026-11-10&mentors={mentor}&mentees={mentee}&form={form_id}&checklist_mentee={mentee}\
         &q.visit_date=2026-11-10&q.procedure=Hernia+repair&q.identity_confirmed=yes&q.site_marked=yes\
         &q.anaesthesia_check=yes&q.pulse_oximeter=yes&q.airway_assessed=yes&q.team_introduced=yes\
         &q.antibiotic_given=yes&q.critical_events=surgeon&q.critical_events=nursing&q.imaging_displayed=yes\
         &q.counts_correct=yes&q.specimen_labelled=yes&q.equipment_problems=no&q.team_communication=5\
         &went_well=Good+time-out&action0=Order+swabs&action0_owner={mentee}&action0_due=2026-12-15",
        f.units["F1"].0
    );
    let refused = app
        .form(
            &format!("/programs/{}/visits", f.program),
            Persona::Mentor,
            &format!("{base}&ends_on=2026-11-09"),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let html = refused.text();
    assert!(
        html.contains("The last day of the visit is before its first day."),
        "{html}"
    );
    // In French, the refusal is said in French.
    let refused_fr = app
        .form_in(
            "fr",
            &format!("/programs/{}/visits", f.program),
            Persona::Mentor,
            &format!("{base}&ends_on=2026-11-09"),
        )
        .await;
    assert_eq!(refused_fr.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused_fr
            .text()
            .contains("Le dernier jour de la visite précède son premier jour."),
        "{}",
        refused_fr.text()
    );
    let no_owner = app
        .form_in(
            "fr",
            &format!("/programs/{}/visits", f.program),
            Persona::Mentor,
            &format!("{base}&ends_on=2026-11-11").replace(&format!("&action0_owner={mentee}"), ""),
        )
        .await;
    assert_eq!(no_owner.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_owner
            .text()
            .contains("Choisissez le responsable de chaque action."),
        "{}",
        no_owner.text()
    );
    assert!(
        html.contains("value=\"Hernia repair\""),
        "typed answers kept"
    );
    assert!(html.contains("value=\"Order swabs\""), "typed actions kept");

    let saved = app
        .form(
            &format!("/programs/{}/visits", f.program),
            Persona::Mentor,
            &format!("{base}&ends_on=2026-11-11"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let page = app.get(&saved.location(), Persona::Leader).await;
    assert_eq!(page.status, StatusCode::OK);
    // critical_events names two of the three roles: one point of 22 lost.
    assert!(page.text().contains("21 / 22"), "{}", page.text());
    let facility = app
        .get(
            &format!("/programs/{}/sites/{}", f.program, f.units["F1"].0),
            Persona::Leader,
        )
        .await;
    assert_eq!(facility.status, StatusCode::OK);
    assert!(
        facility.text().contains("Order swabs"),
        "open action shown on the facility page"
    );
}

#[tokio::test]
async fn a_recorded_visit_changes_the_dose_and_its_csv() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentee = f.person_of[&Persona::Mentee];
    app.db()
        .set_dose_plan(
            &store::Actor::system("test"),
            f.program,
            &store::visits::DosePlan {
                visit_days: 2,
                visit_every_months: 2,
                tele_minutes_per_week: 80,
                check_ins_per_month: 4,
            },
        )
        .await
        .unwrap();
    let dose = format!(
        "/api/v1/programs/{}/dose?from=2026-10-01&to=2026-12-31&period_type=Quarterly",
        f.program
    );
    let visit_days = |rows: &Value| -> u64 {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["subject"]["type"] == "mentee"
                    && r["subject"]["id"] == mentee.0
                    && r["modality"] == "visit"
            })
            .map(|r| r["days"].as_u64().unwrap())
            .sum()
    };
    let before = app.get(&dose, Persona::Mentee).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text());
    // The fixture's two-day visit on 2–3 November.
    assert_eq!(visit_days(&before.json()), 2, "{}", before.text());
    let recorded = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/activities", f.program),
            Persona::Mentor,
            &json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-12-07", "ends_on": "2026-12-08",
                    "participants": [{"person": f.person_of[&Persona::Mentor].0, "role": "mentor", "attended": true},
                                     {"person": mentee.0, "role": "mentee", "attended": true}]}),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let after = app.get(&dose, Persona::Mentee).await.json();
    assert_eq!(visit_days(&after), 4, "{after}");
    let csv = app
        .get(&dose.replace("/dose?", "/dose.csv?"), Persona::Manager)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text().lines().count() > 1, "{}", csv.text());
    let bad = app
        .get(&dose.replace("Quarterly", "Weekly"), Persona::Manager)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "period_type");
}

#[tokio::test]
async fn the_facility_and_mentee_pages_show_dose_and_open_actions() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentee = f.person_of[&Persona::Mentee].0;
    let page = app
        .get(
            &format!("/programs/{}/mentees/{mentee}", f.program),
            Persona::Mentor,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("Start swab counts"),
        "the fixture's open action: {html}"
    );
    let facility = app
        .get(
            &format!("/programs/{}/sites/{}", f.program, f.units["F1"].0),
            Persona::Leader,
        )
        .await
        .text();
    assert!(facility.contains("Dose this quarter"), "{facility}");
}

#[tokio::test]
async fn checklist_scores_reach_the_report_and_broken_rules_are_flagged() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let form = checklist(&app).await;
    let mentor = f.person_of[&Persona::Mentor].0;
    let mentee = f.person_of[&Persona::Mentee].0;
    for body in [
        json!({"code": "CHECKLIST_MEAN", "name": "Mean checklist score", "category": "provider_behaviour",
               "numerator": "score_sum", "denominator": "scored_visits", "factor": 1}),
        json!({"code": "SSI_CHECKED", "name": "Infections per operation (checked)", "category": "outcome",
               "numerator": "#{SSI_CASES}", "denominator": "#{OPERATIONS}", "factor": 100,
               "rules": ["NumeratorLeDenominator"]}),
    ] {
        let created = app
            .json(
                Method::POST,
                &format!("/api/v1/programs/{}/indicators", f.program),
                Persona::Manager,
                &body,
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    }
    let report = format!(
        "/programs/{}/report?quarter=2026Q4&unit={}",
        f.program, f.units["F1"].0
    );
    // Read once so the engine is built before the writes below: they must reach it.
    assert_eq!(
        app.get(&report, Persona::Manager).await.status,
        StatusCode::OK
    );
    let visit = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/activities", f.program),
            Persona::Mentor,
            &json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-10", "ends_on": "2026-11-11",
                    "participants": [{"person": mentor, "role": "mentor", "attended": true},
                                     {"person": mentee, "role": "mentee", "attended": true}],
                    "checklist": {"form": form, "mentee": mentee, "answers": answers("4")}}),
        )
        .await;
    assert_eq!(visit.status, StatusCode::CREATED, "{}", visit.text());
    let values = app
        .json(Method::POST, &format!("/api/v1/programs/{}/data-values", f.program), Persona::Manager, &json!([
            {"data_element_code": "OPERATIONS", "org_unit_code": "F1", "period": "202610", "value": 10},
            {"data_element_code": "SSI_CASES", "org_unit_code": "F1", "period": "202610", "value": 12}
        ]))
        .await;
    assert_eq!(values.status, StatusCode::OK, "{}", values.text());
    let html = app.get(&report, Persona::Manager).await.text();
    // 19 of 22 points: 86.4 %.
    assert!(html.contains("Mean checklist score"), "{html}");
    assert!(html.contains("86.4"), "{html}");
    assert!(
        html.contains("Check the data: Infections per operation (checked)"),
        "{html}"
    );
}

/// On a slow link a mentor presses Record twice, or sends the form again from history, and a
/// device retries a request whose answer it lost: each visit is recorded once, and the repeat
/// lands where the first did.
#[tokio::test]
async fn a_visit_sent_twice_is_recorded_once_from_the_page_and_the_api() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let (mentor, mentee) = (
        f.person_of[&Persona::Mentor].0,
        f.person_of[&Persona::Mentee].0,
    );
    let new_form = format!("/programs/{}/visits/new", f.program);
    let first_key = submission_key_of(&app.get(&new_form, Persona::Mentor).await.text());
    let second_key = submission_key_of(&app.get(&new_form, Persona::Mentor).await.text());
    assert_eq!(first_key.len(), 64, "{first_key:?}");
    assert_ne!(first_key, second_key, "each form gets its own key");

    let list = format!("/api/v1/programs/{}/activities", f.program);
    let count = || async {
        app.get(&list, Persona::Manager)
            .await
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = count().await;
    let visits = format!("/programs/{}/visits", f.program);
    let body = format!(
        "facility={}&starts_on=2026-11-10&ends_on=2026-11-10&mentors={mentor}&mentees={mentee}\
         &summary=Theatre+day&submission_key={first_key}",
        f.units["F1"].0
    );
    // Refused first: nothing was written, so the form comes back with the same key.
    let refused = app
        .form(
            &visits,
            Persona::Mentor,
            &body.replace("ends_on=2026-11-10", "ends_on=2026-11-09"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(submission_key_of(&refused.text()), first_key);
    let one = app.form(&visits, Persona::Mentor, &body).await;
    let two = app.form(&visits, Persona::Mentor, &body).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.text());
    assert_eq!(two.status, StatusCode::SEE_OTHER, "{}", two.text());
    assert_eq!(one.location(), two.location());
    assert_eq!(count().await, before + 1);
    let other = app
        .form(
            &visits,
            Persona::Mentor,
            &body.replace(&first_key, &second_key),
        )
        .await;
    assert_ne!(other.location(), one.location());
    assert_eq!(count().await, before + 2);

    let visit = json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-12",
                       "participants": [{"person": mentor, "role": "mentor", "attended": true},
                                        {"person": mentee, "role": "mentee", "attended": true}]});
    let send = |key: &str| {
        app.send(
            app.request(Method::POST, &list, Persona::Mentor)
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", key)
                .body(axum::body::Body::from(visit.to_string()))
                .expect("request"),
        )
    };
    let first = send("device-42/visit-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let retry = send("device-42/visit-1").await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text());
    assert!(first.json()["activity"]["id"].is_i64(), "{}", first.text());
    assert_eq!(
        retry.json()["activity"]["id"],
        first.json()["activity"]["id"]
    );
    assert_eq!(count().await, before + 3);
    for bad in ["", "two words", &"k".repeat(129)] {
        let refused = send(bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(refused.error_field(), "Idempotency-Key");
    }
    assert_eq!(count().await, before + 3);
}

/// An Idempotency-Key is its caller's: a mentee who sends a key the admin used records their
/// own visit and never gets the admin's record back; the admin sending the key again with a
/// different visit is refused with 409 naming the header, and nothing is written.
#[tokio::test]
async fn an_idempotency_key_belongs_to_its_caller_and_its_request() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentee = f.person_of[&Persona::Mentee].0;
    let list = format!("/api/v1/programs/{}/activities", f.program);
    let visit = |day: &str| {
        json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": day,
               "participants": [{"person": mentee, "role": "mentee", "attended": true}]})
    };
    let send = |persona: Persona, body: Value| {
        app.send(
            app.request(Method::POST, &list, persona)
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", "visit-1")
                .body(axum::body::Body::from(body.to_string()))
                .expect("request"),
        )
    };
    let admins = send(Persona::Admin, visit("2026-11-12")).await;
    assert_eq!(admins.status, StatusCode::CREATED, "{}", admins.text());
    let mentees = send(Persona::Mentee, visit("2026-11-12")).await;
    assert_eq!(mentees.status, StatusCode::CREATED, "{}", mentees.text());
    assert_ne!(
        mentees.json()["activity"]["id"],
        admins.json()["activity"]["id"]
    );
    let count = || async {
        app.get(&list, Persona::Manager)
            .await
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = count().await;
    let changed = send(Persona::Admin, visit("2026-11-13")).await;
    assert_eq!(changed.status, StatusCode::CONFLICT, "{}", changed.text());
    assert_eq!(changed.json()["error"]["code"], "conflict");
    assert_eq!(changed.error_field(), "Idempotency-Key");
    assert_eq!(count().await, before);
    let retried = send(Persona::Admin, visit("2026-11-12")).await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.text());
    assert_eq!(
        retried.json()["activity"]["id"],
        admins.json()["activity"]["id"]
    );
}

/// A visit form sent, then changed and sent again under its old key (from history, say), is
/// not answered with the first visit: the form comes back saying so, with a new key, and
/// recording it then adds the second visit.
#[tokio::test]
async fn a_changed_visit_form_sent_again_comes_back_with_a_new_key() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let (mentor, mentee) = (
        f.person_of[&Persona::Mentor].0,
        f.person_of[&Persona::Mentee].0,
    );
    let new_form = format!("/programs/{}/visits/new", f.program);
    let key = submission_key_of(&app.get(&new_form, Persona::Mentor).await.text());
    let visits = format!("/programs/{}/visits", f.program);
    let body = |summary: &str, key: &str| {
        format!(
            "facility={}&starts_on=2026-11-10&ends_on=2026-11-10&mentors={mentor}&mentees={mentee}\
             &summary={summary}&submission_key={key}",
            f.units["F1"].0
        )
    };
    let first = app
        .form(&visits, Persona::Mentor, &body("Theatre+day", &key))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let changed = app
        .form(&visits, Persona::Mentor, &body("Ward+round", &key))
        .await;
    assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = changed.text();
    assert!(page.contains("already sent"), "{page}");
    let new_key = submission_key_of(&page);
    assert_eq!(new_key.len(), 64);
    assert_ne!(new_key, key);
    let second = app
        .form(&visits, Persona::Mentor, &body("Ward+round", &new_key))
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text());
    assert_ne!(second.location(), first.location());
}

/// An action item is followed up by its owner, a mentor who took part, the facility's leader
/// and managers: a mentee of the same visit cannot close the mentor's action, nor can a
/// regional viewer who reads it, and the facility page offers the button only to those who may.
#[tokio::test]
async fn only_those_answerable_for_an_action_item_may_close_it() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let (mentor, mentee) = (
        f.person_of[&Persona::Mentor].0,
        f.person_of[&Persona::Mentee].0,
    );
    let visit = json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-12",
        "participants": [{"person": mentor, "role": "mentor", "attended": true},
                         {"person": mentee, "role": "mentee", "attended": true}],
        "debrief": {"went_well": "", "to_improve": "",
                    "actions": [{"owner": mentor, "description": "Order pulse oximeters",
                                 "due_on": "2026-12-01"}]}});
    let recorded = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/activities", f.program),
            Persona::Mentor,
            &visit,
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let action = recorded.json()["actions"][0]["id"]
        .as_i64()
        .expect("action id");
    let (uri, done) = (
        format!("/api/v1/actions/{action}"),
        json!({"status": "done"}),
    );
    let follow_up = |persona| app.json(Method::POST, &uri, persona, &done);
    assert_eq!(
        follow_up(Persona::Mentee).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        follow_up(Persona::Regional).await.status,
        StatusCode::FORBIDDEN
    );
    let facility = format!("/programs/{}/sites/{}", f.program, f.units["F1"].0);
    let button = format!("action=\"/actions/{action}/status\"");
    assert!(
        !app.get(&facility, Persona::Mentee)
            .await
            .text()
            .contains(&button)
    );
    assert!(
        app.get(&facility, Persona::Leader)
            .await
            .text()
            .contains(&button)
    );
    let closed = follow_up(Persona::Leader).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    assert_eq!(closed.json()["status"], "done");
}

/// Someone who does not manage the program records only activities they took part in: a
/// mentor's visit recorded for a mentee alone is refused naming `participants`, in the page's
/// language on the visit form, and nothing is written.
#[tokio::test]
async fn an_activity_is_recorded_only_by_someone_who_took_part() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let (mentor, mentee) = (
        f.person_of[&Persona::Mentor].0,
        f.person_of[&Persona::Mentee].0,
    );
    let list = format!("/api/v1/programs/{}/activities", f.program);
    let count = || async {
        app.get(&list, Persona::Manager)
            .await
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = count().await;
    let for_others = json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-12",
        "participants": [{"person": mentee, "role": "mentee", "attended": true}]});
    let refused = app
        .json(Method::POST, &list, Persona::Mentor, &for_others)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_field(), "participants");
    let page = app
        .form_in(
            "fr",
            &format!("/programs/{}/visits", f.program),
            Persona::Mentor,
            &format!(
                "facility={}&starts_on=2026-11-10&ends_on=2026-11-10&mentees={mentee}",
                f.units["F1"].0
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains("Cochez-vous parmi les participants"),
        "{}",
        page.text()
    );
    assert_eq!(count().await, before);
    // The visit form ticks the mentor recording it, so taking part is the default.
    let form = app
        .get(
            &format!("/programs/{}/visits/new", f.program),
            Persona::Mentor,
        )
        .await
        .text();
    assert!(
        form.contains(&format!("name=\"mentors\" value=\"{mentor}\" checked")),
        "{form}"
    );
    // A manager records for others (a visit reported to them), and a mentor who was there does.
    let managed = app
        .json(Method::POST, &list, Persona::Manager, &for_others)
        .await;
    assert_eq!(managed.status, StatusCode::CREATED, "{}", managed.text());
    let with_me = json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-13",
        "participants": [{"person": mentor, "role": "mentor", "attended": true},
                         {"person": mentee, "role": "mentee", "attended": true}]});
    let mine = app
        .json(Method::POST, &list, Persona::Mentor, &with_me)
        .await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.text());
}

/// The site page of an ancestor unit (the country) shows a facility leader their own area and
/// a mentee their own actions, not the whole country's open actions and visits; a manager sees
/// the country.
#[tokio::test]
async fn an_ancestor_site_page_shows_only_the_viewers_part() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let far = json!({"kind": "visit", "facility": f.units["F3"].0, "starts_on": "2026-11-12",
        "summary": "Far away theatre day",
        "participants": [{"person": f.person_f3.0, "role": "mentee", "attended": true}],
        "debrief": {"went_well": "", "to_improve": "",
                    "actions": [{"owner": f.person_f3.0, "description": "Far away action",
                                 "due_on": "2026-12-01"}]}});
    let recorded = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/activities", f.program),
            Persona::Manager,
            &far,
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let country = format!("/programs/{}/sites/{}", f.program, f.units["C"].0);
    let manager = app.get(&country, Persona::Manager).await;
    assert_eq!(manager.status, StatusCode::OK);
    assert!(manager.text().contains("Far away action"));
    for persona in [Persona::Leader, Persona::Mentee, Persona::Mentor] {
        let page = app.get(&country, persona).await;
        assert_eq!(page.status, StatusCode::OK, "{persona:?}");
        assert!(!page.text().contains("Far away action"), "{persona:?}");
    }
}

/// A span of days is bounded wherever a request chooses it: a figure is computed per period
/// over the whole span, and `0001-01-01` to `9999-12-31` once held gigabytes for one request.
#[tokio::test]
async fn a_span_longer_than_ten_years_is_refused_naming_to() {
    let app = TestApp::new().await;
    let program = app.fixture.program;
    for route in [
        "dose",
        "dose.csv",
        "completeness",
        "dhis2/dataValueSets.json",
    ] {
        let reply = app
            .get(
                &format!("/api/v1/programs/{program}/{route}?from=0001-01-01&to=9999-12-31"),
                Persona::Admin,
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{route}");
        assert_eq!(reply.error_field(), "to", "{route}");
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("ten years"),
            "{route}: {}",
            reply.text()
        );
    }
    // Ten years to the day is still answered.
    let reply = app
        .get(
            &format!("/api/v1/programs/{program}/dose?from=2016-01-01&to=2025-12-31"),
            Persona::Admin,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

/// The submission key a visit form carries, empty when none.
fn submission_key_of(html: &str) -> String {
    html.split("name=\"submission_key\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// The activity list comes a page at a time, oldest first, with a `Link` to the next page
/// while pages are full: following the links reads every activity once, and no answer grows
/// with the program's history. Page sizes outside 1–1000 are refused naming the parameter.
#[tokio::test]
async fn the_activity_list_comes_a_page_at_a_time_with_a_link_to_the_next() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentee = f.person_of[&Persona::Mentee].0;
    let list = format!("/api/v1/programs/{}/activities", f.program);
    for day in [
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
    ] {
        let recorded = app
            .json(
                Method::POST,
                &list,
                Persona::Manager,
                &json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": day,
                        "participants": [{"person": mentee, "role": "mentee", "attended": true}]}),
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    }
    let ids = |reply: &super::support::Reply| -> Vec<i64> {
        reply
            .json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|a| a["id"].as_i64().expect("an id"))
            .collect()
    };
    let everything = ids(&app.get(&list, Persona::Manager).await);
    assert!(everything.len() >= 5);

    let mut read = Vec::new();
    let mut next = Some(format!("{list}?limit=2"));
    let mut pages = 0;
    while let Some(uri) = next.take() {
        let page = app.get(&uri, Persona::Manager).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let items = ids(&page);
        assert!(items.len() <= 2);
        read.extend(items);
        pages += 1;
        next = page
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix('<'))
            .and_then(|v| v.split_once(">; rel=\"next\""))
            .map(|(uri, _)| uri.to_owned());
    }
    assert_eq!(read, everything, "every activity once, in order");
    assert!(pages >= everything.len().div_ceil(2));

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("offset=-1", "offset"),
    ] {
        let refused = app.get(&format!("{list}?{query}"), Persona::Manager).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(refused.error_field(), field, "{query}");
    }
}
