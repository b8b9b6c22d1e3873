//! The matching workflow through the real router: propose, read the explanations, pin and
//! exclude, approve into pairings, re-match when a mentor leaves; and bad input.

use super::support::{Persona, TestApp};
use axum::http::{Method, StatusCode};
use domain::access::Role;
use domain::ids::{PersonId, ProposalId};
use domain::people::PersonInput;
use serde_json::{Value, json};
use store::Actor;

struct People {
    /// Surgeon mentor at F1 who speaks Amharic, in Addis Ababa's zone.
    near: PersonId,
    /// Surgeon mentor at F3 who speaks only English, in London.
    far: PersonId,
    /// Anesthetist mentor.
    anesthetist: PersonId,
    /// Surgeon mentees at F1.
    surgeon_a: PersonId,
    surgeon_b: PersonId,
    /// Anesthetist mentee.
    anesthesia: PersonId,
    /// OR-nurse mentee: no mentor of that cadre.
    nurse: PersonId,
}

async fn add(
    app: &TestApp,
    name: &str,
    cadre: &str,
    language: &str,
    zone: &str,
    years: i64,
    (role, unit): (Role, &str),
) -> PersonId {
    let actor = Actor::system("test");
    let input = PersonInput {
        name: name.into(),
        cadre: Some(cadre.into()),
        languages: vec![language.into()],
        time_zone: zone.into(),
        years_experience: Some(years),
        ..PersonInput::default()
    };
    let person = app
        .db()
        .create_person(&actor, &input.validate().expect("valid person"))
        .await
        .expect("person");
    app.db()
        .add_membership(
            &actor,
            app.fixture.program,
            person.id,
            role,
            app.fixture.units[unit],
        )
        .await
        .expect("membership");
    person.id
}

async fn setup(app: &TestApp) -> People {
    let addis = "Africa/Addis_Ababa";
    People {
        near: add(
            app,
            "Abebe Near",
            "surgeon",
            "am",
            addis,
            12,
            (Role::Mentor, "F1"),
        )
        .await,
        far: add(
            app,
            "Fiona Far",
            "surgeon",
            "en",
            "Europe/London",
            20,
            (Role::Mentor, "F3"),
        )
        .await,
        anesthetist: add(
            app,
            "Alem Anesthetist",
            "anesthetist",
            "am",
            addis,
            9,
            (Role::Mentor, "F2"),
        )
        .await,
        surgeon_a: add(
            app,
            "Sara Surgeon",
            "surgeon",
            "am",
            addis,
            2,
            (Role::Mentee, "F1"),
        )
        .await,
        surgeon_b: add(
            app,
            "Samuel Surgeon",
            "surgeon",
            "am",
            addis,
            3,
            (Role::Mentee, "F1"),
        )
        .await,
        anesthesia: add(
            app,
            "Tigist Anesthesia",
            "anesthetist",
            "am",
            addis,
            1,
            (Role::Mentee, "F2"),
        )
        .await,
        nurse: add(
            app,
            "Nardos Nurse",
            "or_nurse",
            "am",
            addis,
            4,
            (Role::Mentee, "F1"),
        )
        .await,
    }
}

fn url(app: &TestApp, tail: &str) -> String {
    format!("/api/v1/programs/{}/matching/{tail}", app.fixture.program)
}

async fn propose(app: &TestApp) -> Value {
    let reply = app
        .json(
            Method::POST,
            &url(app, "proposals"),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

fn pair_of(proposal: &Value, mentee: PersonId) -> Option<&Value> {
    proposal["result"]["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p["mentee"] == mentee.0)
}

fn unassigned_reason(proposal: &Value, mentee: PersonId) -> Value {
    proposal["result"]["unassigned"]
        .as_array()
        .expect("unassigned")
        .iter()
        .find(|u| u["mentee"] == mentee.0)
        .map(|u| u["reason"].clone())
        .unwrap_or(Value::Null)
}

/// Adds a manager's rule through the API.
async fn add_rule(app: &TestApp, rule: Value) {
    let reply = app
        .json(Method::POST, &url(app, "rules"), Persona::Manager, &rule)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

/// Gives `mentor` that many places through the API and expects it to pass.
async fn set_capacity(app: &TestApp, mentor: PersonId, capacity: u32) {
    let reply = app
        .json(
            Method::POST,
            &url(app, "capacities"),
            Persona::Manager,
            &json!({"mentor": mentor.0, "capacity": capacity}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

/// Every pairing of the fixture's program, whatever its status.
async fn all_pairings(app: &TestApp) -> Vec<store::memberships::Pairing> {
    app.db()
        .pairings_of_program(app.fixture.program, None)
        .await
        .expect("pairings")
}

/// Approves `proposal` through the API and expects it to pass.
async fn approves(app: &TestApp, proposal: &Value) {
    let reply = app
        .json(
            Method::POST,
            &format!("/api/v1/matching/proposals/{proposal}/approve"),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

/// POSTs `body` to the program's matching API `tail`, expects the refusal (422) and returns its
/// `(field, message)`.
async fn refused(app: &TestApp, tail: &str, body: Value) -> (String, String) {
    let reply = app
        .json(Method::POST, &url(app, tail), Persona::Manager, &body)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    let error = &reply.json()["error"];
    let text = |key: &str| error[key].as_str().unwrap_or_default().to_owned();
    (text("field"), text("message"))
}

/// Approves `proposal` through the API, expects the refusal (422 naming `proposal`) and
/// returns its message.
async fn refused_approval(app: &TestApp, proposal: &Value) -> String {
    let reply = app
        .json(
            Method::POST,
            &format!("/api/v1/matching/proposals/{proposal}/approve"),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    let error = &reply.json()["error"];
    assert_eq!(error["field"], "proposal");
    error["message"].as_str().expect("message").to_owned()
}

#[tokio::test]
async fn a_manager_proposes_adjusts_approves_and_rematches_when_a_mentor_leaves() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    // The near mentor takes one mentee only.
    set_capacity(&app, p.near, 1).await;

    let first = propose(&app).await;
    assert_eq!(first["status"], "draft");
    // One surgeon mentee gets the near mentor, the other the far one (capacity 1).
    let a = pair_of(&first, p.surgeon_a).expect("surgeon a paired");
    let b = pair_of(&first, p.surgeon_b).expect("surgeon b paired");
    let mut mentors = [a["mentor"].as_i64(), b["mentor"].as_i64()];
    mentors.sort();
    let mut want = [Some(p.near.0), Some(p.far.0)];
    want.sort();
    assert_eq!(mentors, want);
    // Each cost is explained: the components add up to it, and the far mentor pays for the
    // language and the hours of working day not shared with Addis Ababa.
    for pair in [a, b] {
        let parts: i64 = pair["breakdown"]
            .as_array()
            .expect("breakdown")
            .iter()
            .map(|c| c["cost"].as_i64().expect("cost"))
            .sum();
        assert_eq!(parts, pair["cost"].as_i64().expect("cost"));
        assert!(pair["backup"].is_object(), "a back-up is proposed: {pair}");
    }
    let far_pair = if a["mentor"] == p.far.0 { a } else { b };
    let component = |pair: &Value, name: &str| {
        pair["breakdown"]
            .as_array()
            .expect("breakdown")
            .iter()
            .find(|c| c["criterion"] == name)
            .and_then(|c| c["cost"].as_i64())
            .expect("criterion present")
    };
    assert_eq!(component(far_pair, "language"), 300);
    assert!(component(far_pair, "working_hours") > 0);
    assert_eq!(
        pair_of(&first, p.anesthesia).expect("paired")["mentor"],
        p.anesthetist.0
    );
    assert_eq!(
        unassigned_reason(&first, p.nurse),
        json!({"kind": "no_eligible_mentor"})
    );

    // Pin surgeon B to the near mentor; exclude the anesthetist for their mentee by a named
    // conflict; re-run.
    for rule in [
        json!({"kind": "pin", "mentee": p.surgeon_b.0, "mentor": p.near.0}),
        json!({"kind": "conflict", "mentee": p.anesthesia.0, "mentor": p.anesthetist.0, "reason": "direct supervisor"}),
    ] {
        let reply = app
            .json(Method::POST, &url(&app, "rules"), Persona::Manager, &rule)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    let second = propose(&app).await;
    let b = pair_of(&second, p.surgeon_b).expect("pinned pair");
    assert_eq!(b["mentor"], p.near.0);
    assert_eq!(b["pinned"], true);
    assert_eq!(pair_of(&second, p.surgeon_a).expect("a")["mentor"], p.far.0);
    assert_eq!(
        unassigned_reason(&second, p.anesthesia),
        json!({"kind": "excluded_by_rule", "reasons": ["direct supervisor"]})
    );
    // The page offers pin and forbid for the free pair, not for the pinned one (both would be
    // refused).
    let html = app
        .get(
            &format!("/matching/proposals/{}", second["id"]),
            Persona::Manager,
        )
        .await
        .text();
    let rule_for = |mentee: PersonId| {
        format!(
            "<input type=\"hidden\" name=\"mentee\" value=\"{}\">",
            mentee.0
        )
    };
    assert!(html.contains(&rule_for(p.surgeon_a)), "{html}");
    assert!(!html.contains(&rule_for(p.surgeon_b)), "{html}");

    // Approve: the pairings exist, are active and audited; the first draft is discarded.
    let approve = format!("/api/v1/matching/proposals/{}/approve", second["id"]);
    let reply = app
        .json(Method::POST, &approve, Persona::Manager, &json!(null))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let active = app
        .db()
        .pairings_of_program(
            app.fixture.program,
            Some(domain::matching::PairingStatus::Active),
        )
        .await
        .expect("pairings");
    assert!(
        active
            .iter()
            .any(|x| x.mentor == p.near && x.mentee == p.surgeon_b)
    );
    assert!(
        active
            .iter()
            .any(|x| x.mentor == p.far && x.mentee == p.surgeon_a)
    );
    let created = reply.json();
    let created_id = created[0]["id"].as_i64().expect("pairing id").to_string();
    assert_eq!(
        app.db()
            .audit_count(Some(("pairing", &created_id)))
            .await
            .expect("audit"),
        1
    );
    let old = app
        .db()
        .proposal(ProposalId(first["id"].as_i64().expect("id")))
        .await
        .expect("first");
    assert_eq!(old.status, domain::matching::ProposalStatus::Discarded);
    // Approving twice is refused and names the proposal.
    let again = app
        .json(Method::POST, &approve, Persona::Manager, &json!(null))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["error"]["field"], "proposal");

    // The near mentor leaves: their pairing ends and surgeon B is re-matched, warm-started.
    let reply = app
        .json(
            Method::POST,
            &url(&app, "mentor-left"),
            Persona::Manager,
            &json!({"mentor": p.near.0}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let rematch = reply.json();
    assert_eq!(rematch["result"]["warm_started"], true);
    assert!(
        rematch["reason"]
            .as_str()
            .expect("reason")
            .contains("Abebe Near")
    );
    let b = pair_of(&rematch, p.surgeon_b).expect("re-matched");
    assert_eq!(b["mentor"], p.far.0);
    // Its page leads with what changes: the re-matched mentee, then who is left without a
    // mentor, then the pairs kept as they are.
    let html = app
        .get(
            &format!("/matching/proposals/{}", rematch["id"]),
            Persona::Manager,
        )
        .await
        .text();
    let at = |text: &str| {
        html.find(text)
            .unwrap_or_else(|| panic!("{text} not on the page: {html}"))
    };
    assert!(at("<h2>One new pair</h2>") < at("Samuel Surgeon"), "{html}");
    assert!(at("Samuel Surgeon") < at("without a mentor"), "{html}");
    assert!(
        at("without a mentor") < at("One pair kept as it is</h2>"),
        "{html}"
    );
    assert!(
        !app.db()
            .pairings_of_program(
                app.fixture.program,
                Some(domain::matching::PairingStatus::Active)
            )
            .await
            .expect("pairings")
            .iter()
            .any(|x| x.mentor == p.near),
        "the leaving mentor's pairings ended"
    );

    // Recording the same departure again is refused, names the mentor and writes nothing:
    // no new proposal, no new audit entry.
    let proposals_before = app
        .db()
        .proposals_of_program(app.fixture.program, 100)
        .await
        .expect("proposals")
        .len();
    let audit_before = app.db().audit_count(None).await.expect("audit");
    let again = app
        .json(
            Method::POST,
            &url(&app, "mentor-left"),
            Persona::Manager,
            &json!({"mentor": p.near.0}),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text()
    );
    assert_eq!(again.json()["error"]["field"], "mentor");
    assert!(
        again.json()["error"]["message"]
            .as_str()
            .expect("message")
            .contains("already left"),
        "{}",
        again.text()
    );
    let proposals_after = app
        .db()
        .proposals_of_program(app.fixture.program, 100)
        .await
        .expect("proposals")
        .len();
    assert_eq!(proposals_after, proposals_before);
    assert_eq!(
        app.db().audit_count(None).await.expect("audit"),
        audit_before
    );
    // The matching page no longer offers the departed mentor for a departure.
    let html = app
        .get(
            &format!("/programs/{}/matching", app.fixture.program),
            Persona::Manager,
        )
        .await
        .text();
    let select = html
        .split("<select id=\"left-mentor\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the departure form");
    assert!(
        select.contains(&format!("value=\"{}\"", p.far.0)),
        "{select}"
    );
    assert!(
        !select.contains(&format!("value=\"{}\"", p.near.0)),
        "{select}"
    );
}

#[tokio::test]
async fn a_draft_superseded_by_a_newer_proposal_cannot_be_approved() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let older = propose(&app).await;
    // The manager forbids a pair and runs again: the newer draft follows the rule.
    add_rule(
        &app,
        json!({"kind": "forbid", "mentee": p.surgeon_a.0, "mentor": p.near.0}),
    )
    .await;
    let newer = propose(&app).await;
    let pairings_before = all_pairings(&app).await;
    let message = refused_approval(&app, &older["id"]).await;
    assert!(
        message.contains("out of date") && message.contains(&newer["id"].to_string()),
        "{message}"
    );
    // Nothing was written: the pairings are as they were, and the newer draft is still a
    // draft.
    assert_eq!(all_pairings(&app).await, pairings_before);
    let newer_id = newer["id"].as_i64().expect("id");
    assert_eq!(
        app.db()
            .proposal(ProposalId(newer_id))
            .await
            .expect("newer")
            .status,
        domain::matching::ProposalStatus::Draft
    );
    // The older draft's page points to the newer one instead of offering approval.
    let html = app
        .get(
            &format!("/matching/proposals/{}", older["id"]),
            Persona::Manager,
        )
        .await
        .text();
    assert!(
        html.contains(&format!("/matching/proposals/{newer_id}")),
        "{html}"
    );
    assert!(html.contains("was run after this one"), "{html}");
    assert!(!html.contains("Approve and create the pairings"), "{html}");
    approves(&app, &newer["id"]).await;
}

#[tokio::test]
async fn a_draft_whose_inputs_changed_since_it_was_run_cannot_be_approved() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let draft = propose(&app).await;
    // A forbid added without a re-run: the draft may hold the forbidden pair.
    add_rule(
        &app,
        json!({"kind": "forbid", "mentee": p.anesthesia.0, "mentor": p.anesthetist.0}),
    )
    .await;
    let pairings_before = all_pairings(&app).await;
    let message = refused_approval(&app, &draft["id"]).await;
    assert!(message.contains("changed since proposal"), "{message}");
    assert_eq!(all_pairings(&app).await, pairings_before);
    // The page's approve button says the same on the proposal itself.
    let page = app
        .form(
            &format!("/matching/proposals/{}/approve", draft["id"]),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(
        html.contains("role=\"alert\"") && html.contains("changed since proposal"),
        "{html}"
    );
    // Run again: the new draft follows the rule and approves.
    let rerun = propose(&app).await;
    assert!(pair_of(&rerun, p.anesthesia).is_none(), "{rerun}");
    approves(&app, &rerun["id"]).await;
}

#[tokio::test]
async fn a_mentor_given_no_places_who_still_has_mentees_can_leave() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let first = propose(&app).await;
    let approve = format!("/api/v1/matching/proposals/{}/approve", first["id"]);
    let reply = app
        .json(Method::POST, &approve, Persona::Manager, &json!(null))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let mentor = pair_of(&first, p.surgeon_a).expect("paired")["mentor"]
        .as_i64()
        .expect("mentor");
    // The manager first takes the mentor's places away, then records the departure: the
    // current pairing still has to end, so it is not refused as a repeat.
    set_capacity(&app, PersonId(mentor), 0).await;
    let reply = app
        .json(
            Method::POST,
            &url(&app, "mentor-left"),
            Persona::Manager,
            &json!({"mentor": mentor}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert!(
        !app.db()
            .pairings_of_program(
                app.fixture.program,
                Some(domain::matching::PairingStatus::Active)
            )
            .await
            .expect("pairings")
            .iter()
            .any(|x| x.mentor.0 == mentor),
        "the pairing ended"
    );
}

#[tokio::test]
async fn warm_and_cold_solves_agree() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let first = propose(&app).await;
    let approve = format!("/api/v1/matching/proposals/{}/approve", first["id"]);
    let reply = app
        .json(Method::POST, &approve, Persona::Manager, &json!(null))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let warm = app
        .json(
            Method::POST,
            &url(&app, "mentor-left"),
            Persona::Manager,
            &json!({"mentor": p.far.0}),
        )
        .await
        .json();
    assert_eq!(warm["result"]["warm_started"], true);
    // The same state solved from scratch.
    let db = app.db();
    let cold = app::proposals::propose_with(
        db,
        &Actor::system("test"),
        app.fixture.program,
        &domain::matching::ProposalReason::ByManager,
        app::proposals::Start::Cold,
    )
    .await
    .expect("cold");
    let cold = app::proposals::result_of(&cold).expect("result");
    assert!(!cold.warm_started);
    assert_eq!(
        cold.objective,
        warm["result"]["objective"].as_i64().expect("objective")
    );
    let pairs = |v: &Value| -> Vec<(i64, i64)> {
        v.as_array()
            .expect("pairs")
            .iter()
            .map(|p| {
                (
                    p["mentee"].as_i64().expect("mentee"),
                    p["mentor"].as_i64().expect("mentor"),
                )
            })
            .collect()
    };
    let cold_pairs: Vec<(i64, i64)> = cold.pairs.iter().map(|p| (p.mentee, p.mentor)).collect();
    assert_eq!(cold_pairs, pairs(&warm["result"]["pairs"]));
}

#[tokio::test]
async fn bad_matching_input_names_the_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let audit_before = app.db().audit_count(None).await.expect("count");
    let cases = [
        (
            Method::PUT,
            "settings",
            json!({"weights": {"language": -1}}),
            "weights.language",
        ),
        (
            Method::PUT,
            "settings",
            json!({"unassigned_cost": 0}),
            "unassigned_cost",
        ),
        (Method::PUT, "settings", json!({"weight": {}}), "weight"),
        (
            Method::POST,
            "capacities",
            json!({"mentor": p.near.0, "capacity": 5000}),
            "capacity",
        ),
        (
            Method::POST,
            "capacities",
            json!({"mentor": p.surgeon_a.0, "capacity": 2}),
            "mentor",
        ),
        (
            Method::POST,
            "rules",
            json!({"kind": "marry", "mentee": p.surgeon_a.0, "mentor": p.near.0}),
            "kind",
        ),
        (
            Method::POST,
            "rules",
            json!({"kind": "pin", "mentee": p.near.0, "mentor": p.far.0}),
            "mentee",
        ),
        (
            Method::POST,
            "rules",
            json!({"kind": "pin", "mentee": p.surgeon_a.0, "mentor": 999_999}),
            "mentor",
        ),
        (
            Method::POST,
            "rules",
            json!({"kind": "conflict", "mentee": p.surgeon_a.0, "mentor": p.near.0}),
            "reason",
        ),
        (
            Method::POST,
            "preferences",
            json!({"person": p.surgeon_a.0, "ranked": [p.near.0, p.near.0]}),
            "ranked[1]",
        ),
        (
            Method::POST,
            "mentor-left",
            json!({"mentor": p.surgeon_a.0}),
            "mentor",
        ),
    ];
    for (method, tail, body, field) in cases {
        let reply = app
            .json(method.clone(), &url(&app, tail), Persona::Manager, &body)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {tail} {body}: {}",
            reply.text()
        );
        assert_eq!(
            reply.json()["error"]["field"],
            field,
            "{method} {tail} {body}"
        );
    }
    // A pin and a forbid of the same pair contradict each other.
    let pin = json!({"kind": "pin", "mentee": p.surgeon_a.0, "mentor": p.near.0});
    let forbid = json!({"kind": "forbid", "mentee": p.surgeon_a.0, "mentor": p.near.0});
    assert_eq!(
        app.json(Method::POST, &url(&app, "rules"), Persona::Manager, &pin)
            .await
            .status,
        StatusCode::CREATED
    );
    let clash = app
        .json(Method::POST, &url(&app, "rules"), Persona::Manager, &forbid)
        .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(clash.json()["error"]["field"], "kind");
    // Only the one valid rule was written.
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        audit_before + 1
    );
    assert_eq!(
        app.db()
            .match_rules(app.fixture.program)
            .await
            .expect("rules")
            .len(),
        2
    );
    // Unknown proposals are 404.
    let missing = app
        .get("/api/v1/matching/proposals/424242", Persona::Manager)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mentee_left_out_by_full_mentors_is_shown_whose_place_would_serve_them() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    // Two surgeon mentees, one place: the near mentor takes one, the far one none.
    for (mentor, capacity) in [(p.near, 1), (p.far, 0)] {
        set_capacity(&app, mentor, capacity).await;
    }
    let proposal = propose(&app).await;
    let left_out: Vec<&Value> = proposal["result"]["unassigned"]
        .as_array()
        .expect("unassigned")
        .iter()
        .filter(|u| u["mentee"] == p.surgeon_a.0 || u["mentee"] == p.surgeon_b.0)
        .collect();
    assert_eq!(left_out.len(), 1, "{proposal}");
    let surgeon = left_out[0];
    assert_eq!(surgeon["reason"], json!({"kind": "capacity_exhausted"}));
    // The cheaper of the two full mentors: the near one (no language or hours cost).
    let best = &surgeon["best_eligible"];
    assert_eq!(best["mentor"], p.near.0, "{surgeon}");
    assert_eq!(best["mentor_name"], "Abebe Near");
    assert_eq!(best["has_room"], false);
    let cost = best["cost"].as_i64().expect("cost");
    // Nobody is eligible for the OR nurse, so nobody is named.
    let nurse = proposal["result"]["unassigned"]
        .as_array()
        .expect("unassigned")
        .iter()
        .find(|u| u["mentee"] == p.nurse.0)
        .expect("nurse unassigned");
    assert!(nurse["best_eligible"].is_null(), "{nurse}");

    let html = app
        .get(
            &format!("/matching/proposals/{}", proposal["id"]),
            Persona::Manager,
        )
        .await
        .text();
    assert!(html.contains("Every eligible mentor is full."), "{html}");
    assert!(
        html.contains(&format!(
            "Best eligible mentor: Abebe Near (full), cost {cost}"
        )),
        "{html}"
    );
}

#[tokio::test]
async fn the_proposal_page_explains_pairs_and_the_settings_form_names_bad_numbers() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let proposal = propose(&app).await;
    let page = app
        .get(
            &format!("/matching/proposals/{}", proposal["id"]),
            Persona::Manager,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Sara Surgeon") && html.contains("Nardos Nurse"));
    assert!(html.contains("No mentor of an allowed cadre."), "{html}");
    assert!(html.contains("Back-up:"));
    assert!(html.contains("Approve and create the pairings"));
    let _ = p;
    let program_page = app
        .get(
            &format!("/programs/{}/matching", app.fixture.program),
            Persona::Manager,
        )
        .await;
    assert_eq!(program_page.status, StatusCode::OK);
    let bad = app
        .form(
            &format!("/programs/{}/matching/settings", app.fixture.program),
            Persona::Manager,
            "language=lots&working_hours=40&distance=30&experience=10&preference=50&continuity=200&target_experience_gap=5&unassigned_cost=100000&default_capacity=3&cadre_pairs=",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("No shared language: enter a whole number"),
        "{}",
        bad.text()
    );
    // A negative count of places is a whole number, just not a count: said so.
    let bad = app
        .form(
            &format!("/programs/{}/matching/settings", app.fixture.program),
            Persona::Manager,
            "language=300&working_hours=41&distance=30&experience=10&preference=50&continuity=200&target_experience_gap=5&unassigned_cost=100000&default_capacity=-2&cadre_pairs=or_nurse%3Aanesthetist",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text();
    assert!(html.contains(": enter 0 or more, not -2"), "{html}");
    // The form comes back as typed, so only the bad value needs fixing.
    for typed in [
        "name=\"working_hours\" inputmode=\"numeric\" value=\"41\"",
        "name=\"default_capacity\" inputmode=\"numeric\" value=\"-2\"",
        "name=\"cadre_pairs\" value=\"or_nurse:anesthetist\"",
    ] {
        assert!(html.contains(typed), "{typed} in {html}");
    }
    assert_eq!(
        app.db()
            .matching_settings(app.fixture.program)
            .await
            .expect("settings"),
        matching::criteria::Settings::default()
    );
}

/// After each successful form the page says what was done (a manager on a slow link cannot
/// otherwise tell a save from a reload), and pressing Approve twice confirms twice rather
/// than refusing the second press or pairing anyone twice.
#[tokio::test]
async fn the_matching_pages_confirm_what_a_form_did() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let program = app.fixture.program;
    let page = format!("/programs/{program}/matching");
    let notice = |html: &str| {
        let start = html.find("role=\"status\">").map(|i| i + 14)?;
        html[start..].split("</p>").next().map(str::to_owned)
    };
    let saved = app
        .form(
            &format!("{page}/settings"),
            Persona::Manager,
            "language=300&working_hours=40&distance=30&experience=10&preference=50&continuity=200&target_experience_gap=5&unassigned_cost=100000&default_capacity=3&cadre_pairs=",
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), format!("{page}?done=settings"));
    let html = app.get(&saved.location(), Persona::Manager).await.text();
    assert_eq!(
        notice(&html).as_deref(),
        Some("Settings saved. The next proposal uses them.")
    );
    // Plain visits, and made-up values, confirm nothing.
    for address in [page.clone(), format!("{page}?done=everything")] {
        let html = app.get(&address, Persona::Manager).await.text();
        assert_eq!(notice(&html), None, "{address}");
    }

    let added = app
        .form(
            &format!("{page}/rules"),
            Persona::Manager,
            &format!("kind=forbid&mentee={}&mentor={}", p.surgeon_a.0, p.far.0),
        )
        .await;
    assert_eq!(added.location(), format!("{page}?done=rule"));
    let html = app.get(&added.location(), Persona::Manager).await.text();
    assert_eq!(
        notice(&html).as_deref(),
        Some("Rule added. Run a new proposal to apply it.")
    );

    let draft = propose(&app).await;
    let approve = format!("/matching/proposals/{}/approve", draft["id"]);
    let first = app.form(&approve, Persona::Manager, "").await;
    let second = app.form(&approve, Persona::Manager, "").await;
    let done = format!("/matching/proposals/{}?done=approved", draft["id"]);
    for reply in [&first, &second] {
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        assert_eq!(reply.location(), done);
    }
    let active = app
        .db()
        .pairings_of_program(program, Some(domain::matching::PairingStatus::Active))
        .await
        .expect("pairings");
    assert_eq!(
        active.len(),
        draft["result"]["pairs"].as_array().expect("pairs").len()
    );
    let html = app.get(&done, Persona::Manager).await.text();
    assert_eq!(
        notice(&html),
        Some(format!(
            "Approved. The program now has {} active pairings.",
            active.len()
        ))
    );
    let french = app.get_in("fr", &done, Persona::Manager).await.text();
    assert_eq!(
        notice(&french),
        Some(format!(
            "Approuvée. Le programme compte maintenant {} binômes actifs.",
            active.len()
        ))
    );
    // A discarded draft is still refused on its page: there nothing was done.
    let later = propose(&app).await;
    let newest = propose(&app).await;
    approves(&app, &newest["id"]).await;
    let refused = app
        .form(
            &format!("/matching/proposals/{}/approve", later["id"]),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The refusals of the matching workflow name the people involved, and a French manager reads
/// them in French on the pages (the API keeps its English text and the field).
#[tokio::test]
async fn matching_refusals_name_the_people_and_speak_the_page_language() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let program = app.fixture.program;
    // The alert's text, with the page's HTML escapes undone.
    let alert = |html: &str| {
        let start = html.find("role=\"alert\">").map(|i| i + 13)?;
        html[start..]
            .split("</p>")
            .next()
            .map(|text| text.replace("&#39;", "'").replace("&amp;", "&"))
    };

    // Two mentees pinned to a mentor on the program's default places, which then drop to
    // one: the solver cannot honour both pins.
    let settings = |places: u32| json!({"default_capacity": places});
    let put = |body: Value| {
        let request = app
            .request(Method::PUT, &url(&app, "settings"), Persona::Manager)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .expect("request");
        async { assert_eq!(app.send(request).await.status, StatusCode::OK) }
    };
    put(settings(2)).await;
    for mentee in [p.surgeon_a, p.surgeon_b] {
        add_rule(
            &app,
            json!({"kind": "pin", "mentee": mentee.0, "mentor": p.near.0}),
        )
        .await;
    }
    put(settings(1)).await;
    assert_eq!(
        refused(&app, "proposals", json!(null)).await,
        (
            "rules".to_owned(),
            "Samuel Surgeon cannot be pinned to Abebe Near: more mentees are pinned to Abebe Near than they have places; remove a pin or give them more places".to_owned()
        )
    );
    let page = app
        .form_in(
            "fr",
            &format!("/programs/{program}/matching/proposals"),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        alert(&page.text()).as_deref(),
        Some(
            "Samuel Surgeon ne peut pas être imposé(e) à Abebe Near : plus de mentorés sont imposés à Abebe Near qu'il ou elle n'a de places ; retirez une règle ou donnez-lui plus de places."
        )
    );

    // A pin the store refuses, said on the program page in French.
    let page = app
        .form_in(
            "fr",
            &format!("/programs/{program}/matching/rules"),
            Persona::Manager,
            &format!("kind=forbid&mentee={}&mentor={}", p.surgeon_a.0, p.near.0),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        alert(&page.text()).as_deref(),
        Some("Ce binôme est déjà imposé ; retirez d'abord cette règle.")
    );

    // An approval refused because the inputs changed, on the proposal in French.
    set_capacity(&app, p.near, 2).await;
    let draft = propose(&app).await;
    set_capacity(&app, p.near, 3).await;
    let page = app
        .form_in(
            "fr",
            &format!("/matching/proposals/{}/approve", draft["id"]),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        alert(&page.text()),
        Some(format!(
            "Les personnes, les places, les paramètres, les règles ou les binômes du programme ont changé depuis le calcul de la proposition {} ; lancez-en une nouvelle.",
            draft["id"]
        ))
    );
    // The same refusal in English on the page reads as a sentence; the API keeps its text.
    let english = app
        .form(
            &format!("/matching/proposals/{}/approve", draft["id"]),
            Persona::Manager,
            "",
        )
        .await;
    assert_eq!(
        alert(&english.text()),
        Some(format!(
            "The program's people, capacities, settings, rules or pairings changed since proposal {} was run; run a new one.",
            draft["id"]
        ))
    );
    let message = refused_approval(&app, &draft["id"]).await;
    assert!(message.starts_with("the program's people"), "{message}");
}

/// A proposal downloads as a workbook for a committee: new pairs first, then kept ones, then
/// mentees without a mentor with the reason, every cost broken down by criterion as numbers;
/// a name that looks like a formula stays text.
#[tokio::test]
async fn a_proposal_downloads_as_a_workbook_in_the_readers_language() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let app = TestApp::new().await;
    let p = setup(&app).await;
    add(
        &app,
        "=HYPERLINK(\"http://example.org\")",
        "or_nurse",
        "en",
        "Africa/Addis_Ababa",
        1,
        (Role::Mentee, "F1"),
    )
    .await;
    let first = propose(&app).await;
    approves(&app, &first["id"]).await;
    // The far mentor takes no one any more: the surgeon placed with them moves.
    set_capacity(&app, p.far, 0).await;
    let draft = propose(&app).await;
    let address = format!("/matching/proposals/{}/pairs.xlsx", draft["id"]);
    let file_name = format!("-proposal-{}.xlsx\"", draft["id"]);
    let (file_name, address, app) = (&file_name, &address, &app);
    let sheet = |language: &'static str| async move {
        let download = app.get_in(language, address, Persona::Manager).await;
        assert_eq!(download.status, StatusCode::OK);
        assert!(
            download.headers["content-disposition"]
                .to_str()
                .expect("header")
                .ends_with(file_name.as_str())
        );
        let mut book: Xlsx<_> =
            open_workbook_from_rs(std::io::Cursor::new(download.body)).expect("workbook");
        let name = book.sheet_names()[0].clone();
        book.worksheet_range(&name).expect("sheet")
    };
    let english = sheet("en").await;
    let text = |row: usize, col: usize| match english.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    };
    let number = |row: usize, col: usize| match english.get((row, col)) {
        Some(Data::Float(v)) => *v as i64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    };
    assert_eq!(
        (0..4).map(|c| text(0, c)).collect::<Vec<_>>(),
        ["Mentee", "Mentor", "Change", "Cost"]
    );
    assert_eq!(english.width(), 4 + 6 + 2);
    let changes: Vec<String> = (1..english.height()).map(|r| text(r, 2)).collect();
    let first_kept = changes.iter().position(|c| c == "kept").expect("kept");
    let first_none = changes.iter().position(|c| c == "no mentor").expect("none");
    assert!(
        changes[..first_kept].iter().all(|c| c == "new pair") && first_kept < first_none,
        "new pairs, then kept ones, then none: {changes:?}"
    );
    // Each pair's criteria add up to its cost.
    for row in (1..english.height()).filter(|&r| text(r, 2) != "no mentor") {
        let parts: i64 = (4..10).map(|c| number(row, c)).sum();
        assert_eq!(parts, number(row, 3), "row {row}");
    }
    let formula_row = (1..english.height())
        .find(|&r| text(r, 0) == "=HYPERLINK(\"http://example.org\")")
        .expect("the name, as text");
    assert_eq!(text(formula_row, 2), "no mentor");
    assert_eq!(text(formula_row, 11), "No mentor of an allowed cadre.");

    // An unknown proposal is a 404, not an empty workbook.
    let missing = app
        .get("/matching/proposals/424242/pairs.xlsx", Persona::Manager)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let french = sheet("fr").await;
    assert_eq!(
        french.get((0, 0)),
        Some(&Data::String("Mentoré".to_owned()))
    );
    assert!(
        (1..french.height())
            .any(|r| french.get((r, 2)) == Some(&Data::String("sans mentor".to_owned())))
    );
}

/// A pin beyond the mentor's places is refused when it is added, naming the mentor and their
/// places, rather than when the next proposal is run.
#[tokio::test]
async fn a_pin_beyond_the_mentors_places_is_refused_when_added() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    set_capacity(&app, p.near, 1).await;
    add_rule(
        &app,
        json!({"kind": "pin", "mentee": p.surgeon_a.0, "mentor": p.near.0}),
    )
    .await;
    let rules_before = app
        .db()
        .match_rules(app.fixture.program)
        .await
        .expect("rules");
    let pin = json!({"kind": "pin", "mentee": p.surgeon_b.0, "mentor": p.near.0});
    assert_eq!(
        refused(&app, "rules", pin).await,
        (
            "mentor".to_owned(),
            "Abebe Near has 1 place and 1 mentee pinned already; give them more places or remove a pin".to_owned()
        )
    );
    assert_eq!(
        app.db()
            .match_rules(app.fixture.program)
            .await
            .expect("rules"),
        rules_before
    );
    // On the page, in French.
    let page = app
        .form_in(
            "fr",
            &format!("/programs/{}/matching/rules", app.fixture.program),
            Persona::Manager,
            &format!("kind=pin&mentee={}&mentor={}", p.surgeon_b.0, p.near.0),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains(
            "Abebe Near a une place et un mentoré déjà imposé ; donnez-lui plus de places ou retirez une règle."
        ),
        "{}",
        page.text()
    );
    // With a second place the pin is taken.
    set_capacity(&app, p.near, 2).await;
    add_rule(
        &app,
        json!({"kind": "pin", "mentee": p.surgeon_b.0, "mentor": p.near.0}),
    )
    .await;
    // And the places cannot drop below the pins: refused, naming them, nothing changed.
    let fewer = json!({"mentor": p.near.0, "capacity": 1});
    assert_eq!(
        refused(&app, "capacities", fewer).await,
        (
            "capacity".to_owned(),
            "Abebe Near has 2 mentees pinned; remove pins before giving them fewer than 2 places"
                .to_owned()
        )
    );
    assert_eq!(
        app.db()
            .mentor_capacities(app.fixture.program)
            .await
            .expect("capacities")
            .get(&p.near),
        Some(&2)
    );
}

/// "Record the departure" pressed twice: the second press lands on the same re-match, saying
/// the departure was already recorded, instead of on a refusal; nothing is recorded twice.
#[tokio::test]
async fn a_departure_recorded_twice_from_the_page_leads_to_its_rematch() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let first = propose(&app).await;
    approves(&app, &first["id"]).await;
    let address = format!("/programs/{}/matching/mentor-left", app.fixture.program);
    let body = format!("mentor={}", p.near.0);
    let once = app.form(&address, Persona::Manager, &body).await;
    assert_eq!(once.status, StatusCode::SEE_OTHER, "{}", once.text());
    let rematch = once.location();
    assert!(rematch.starts_with("/matching/proposals/"), "{rematch}");
    let audit = app.db().audit_count(None).await.expect("audit");
    let twice = app.form(&address, Persona::Manager, &body).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER, "{}", twice.text());
    assert_eq!(
        twice.location(),
        format!("{rematch}?done=departure-recorded")
    );
    assert_eq!(app.db().audit_count(None).await.expect("audit"), audit);
    let html = app.get(&twice.location(), Persona::Manager).await.text();
    assert!(
        html.contains(
            "role=\"status\">This departure was already recorded: this is the re-match run with it."
        ),
        "{html}"
    );
    // Once that re-match is approved there is no draft to lead to: the refusal is shown.
    let id = rematch
        .trim_start_matches("/matching/proposals/")
        .to_owned();
    approves(&app, &json!(id.parse::<i64>().expect("id"))).await;
    let after = app.form(&address, Persona::Manager, &body).await;
    assert_eq!(after.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        after.text().contains("has already left this program"),
        "{}",
        after.text()
    );
}

/// Why each proposal was run reads in the page's language; the API keeps the stored sentence.
#[tokio::test]
async fn proposal_reasons_read_in_the_page_language() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let first = propose(&app).await;
    assert_eq!(first["reason"], "requested by a manager");
    approves(&app, &first["id"]).await;
    let left = app
        .json(
            Method::POST,
            &url(&app, "mentor-left"),
            Persona::Manager,
            &json!({"mentor": p.near.0}),
        )
        .await;
    assert_eq!(left.json()["reason"], "Abebe Near left the program");
    let proposal = app
        .get_in(
            "fr",
            &format!("/matching/proposals/{}", left.json()["id"]),
            Persona::Manager,
        )
        .await
        .text();
    assert!(
        proposal.contains("Abebe Near a quitté le programme"),
        "{proposal}"
    );
    let program = app
        .get_in(
            "fr",
            &format!("/programs/{}/matching", app.fixture.program),
            Persona::Manager,
        )
        .await
        .text();
    assert!(
        program.contains("demandée par un gestionnaire")
            && program.contains("Abebe Near a quitté le programme")
            && !program.contains("left the program"),
        "{program}"
    );
}
