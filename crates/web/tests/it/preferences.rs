//! Matching preferences a mentee or mentor states themself, through the real router: whom
//! the page offers (the solver's rules, a conflict's reason never shown), the saved ranking
//! deciding a tie in the next proposal, every bad input refused with its field named and
//! nothing written, and who may state whose.

use super::support::{Persona, TestApp};
use axum::http::{Method, StatusCode};
use domain::access::Role;
use domain::ids::{PersonId, ProgramId};
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, Slug};
use serde_json::{Value, json};
use store::Actor;

const SECRET_REASON: &str = "married to the mentee's sister";

struct People {
    /// The mentee persona, made a surgeon (2 years, Amharic, Addis Ababa) at F1.
    me: PersonId,
    /// Surgeon mentors at F1 alike in every criterion (7 years: the gap of 5 is the target).
    alpha: PersonId,
    beta: PersonId,
    /// A surgeon mentor alike too, excluded for the mentee by a named conflict.
    gamma: PersonId,
    /// An OR-nurse mentor: another cadre.
    nurse: PersonId,
}

async fn mentor(app: &TestApp, name: &str, cadre: &str) -> PersonId {
    let actor = Actor::system("test");
    let input = PersonInput {
        name: name.into(),
        cadre: Some(cadre.into()),
        languages: vec!["am".into()],
        time_zone: "Africa/Addis_Ababa".into(),
        years_experience: Some(7),
        ..PersonInput::default()
    };
    let person = app
        .db()
        .create_person(&actor, &input.validate().expect("valid"))
        .await
        .expect("person");
    app.db()
        .add_membership(
            &actor,
            app.fixture.program,
            person.id,
            Role::Mentor,
            app.fixture.units["F1"],
        )
        .await
        .expect("membership");
    person.id
}

async fn setup(app: &TestApp) -> People {
    let actor = Actor::system("test");
    let me = app.fixture.person_of[&Persona::Mentee];
    let input = PersonInput {
        name: "Mentee Person".into(),
        cadre: Some("surgeon".into()),
        languages: vec!["am".into()],
        time_zone: "Africa/Addis_Ababa".into(),
        years_experience: Some(2),
        email: Some(Persona::Mentee.username().into()),
        ..PersonInput::default()
    };
    app.db()
        .update_person(&actor, me, &input.validate().expect("valid"))
        .await
        .expect("update");
    let people = People {
        me,
        alpha: mentor(app, "Alpha Mentor", "surgeon").await,
        beta: mentor(app, "Beta Mentor", "surgeon").await,
        gamma: mentor(app, "Gamma Mentor", "surgeon").await,
        nurse: mentor(app, "Nardos Nurse", "or_nurse").await,
    };
    app.db()
        .add_match_rule(
            &actor,
            app.fixture.program,
            store::matching::RuleKind::Conflict,
            me,
            people.gamma,
            SECRET_REASON,
        )
        .await
        .expect("conflict");
    people
}

fn page_url(app: &TestApp) -> String {
    format!("/programs/{}/preferences", app.fixture.program)
}

fn api_url(app: &TestApp) -> String {
    format!(
        "/api/v1/programs/{}/matching/preferences",
        app.fixture.program
    )
}

/// What `person` has ranked, first choice first.
async fn stored(app: &TestApp, person: PersonId) -> Vec<PersonId> {
    app.db()
        .match_preferences(app.fixture.program)
        .await
        .expect("preferences")
        .into_iter()
        .filter(|(who, _, _)| *who == person)
        .map(|(_, whom, _)| whom)
        .collect()
}

/// A manager's new proposal, and the pair of `mentee` in it.
async fn proposal_pair(app: &TestApp, mentee: PersonId) -> (Value, Value) {
    let reply = app
        .json(
            Method::POST,
            &format!(
                "/api/v1/programs/{}/matching/proposals",
                app.fixture.program
            ),
            Persona::Manager,
            &json!(null),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let proposal = reply.json();
    let pair = proposal["result"]["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p["mentee"] == mentee.0)
        .cloned()
        .expect("the mentee is paired");
    (proposal, pair)
}

fn preference_cost(pair: &Value) -> i64 {
    pair["breakdown"]
        .as_array()
        .expect("breakdown")
        .iter()
        .find(|c| c["criterion"] == "preference")
        .and_then(|c| c["cost"].as_i64())
        .expect("preference criterion")
}

#[tokio::test]
async fn a_mentees_first_choice_decides_between_mentors_who_otherwise_tie() {
    let app = TestApp::new().await;
    let p = setup(&app).await;

    // The page offers the two surgeons with what a mentee wants to know, and nobody else.
    let page = app.get(&page_url(&app), Persona::Mentee).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    for shown in [
        "Alpha Mentor",
        "Beta Mentor",
        "surgeon · Unit F1 · am · Africa/Addis_Ababa · 7 years of experience",
        "You both speak am",
        "Same working hours",
        "5 more years of experience than you",
        &format!("name=\"rank_{}\"", p.alpha),
        &format!("name=\"rank_{}\"", p.beta),
    ] {
        assert!(html.contains(shown), "the page shows {shown:?}");
    }
    let api = app.get(&api_url(&app), Persona::Mentee).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let body = api.json();
    assert_eq!(body["side"], "mentee");
    assert_eq!(body["max_rank"], 2);
    let offered: Vec<i64> = body["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["person"].as_i64().expect("id"))
        .collect();
    assert_eq!(offered, vec![p.alpha.0, p.beta.0], "tied, so by name");

    // Beta first, Alpha second, through the page.
    let form = format!("person={}&rank_{}=2&rank_{}=1", p.me, p.alpha, p.beta);
    let saved = app.form(&page_url(&app), Persona::Mentee, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(saved.location(), format!("{}?saved=1", page_url(&app)));
    assert_eq!(stored(&app, p.me).await, vec![p.beta, p.alpha]);
    let audit = app
        .db()
        .audit_count(Some((
            "match_preferences",
            &format!("{}/{}", app.fixture.program, p.me),
        )))
        .await
        .expect("audit");
    assert_eq!(audit, 1, "the save is audited");
    let shown = app
        .get(&format!("{}?saved=1", page_url(&app)), Persona::Mentee)
        .await
        .text();
    assert!(shown.contains("Your ranking is saved."));
    let ranking = shown
        .split("<ol id=\"saved-ranking\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("the saved ranking");
    assert_eq!(
        ranking, "<li>Beta Mentor</li><li>Alpha Mentor</li>",
        "first choice first"
    );

    // By hand: both pairs cost 0 on language (am), working hours (same zone), distance (no
    // coordinates) and experience (7 − 2 = 5, the target). The preference criterion adds
    // 50 per place down the ranking: Beta 0, Alpha 50. So Beta.
    let (proposal, pair) = proposal_pair(&app, p.me).await;
    assert_eq!(pair["mentor"], p.beta.0, "{pair}");
    assert_eq!(pair["cost"], 0);
    assert_eq!(preference_cost(&pair), 0);
    assert_eq!(pair["mentee_choice"], json!({"rank": 1, "of": 2}));
    let page = app
        .get(
            &format!("/matching/proposals/{}", proposal["id"]),
            Persona::Manager,
        )
        .await;
    assert!(
        page.text().contains("mentee&#39;s 1st choice")
            || page.text().contains("mentee's 1st choice"),
        "the manager sees the preference honoured"
    );

    // The other way round, through the API: now Alpha, at cost 0, and Beta would cost 50.
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Mentee,
            &json!({"person": p.me.0, "ranked": [p.alpha.0, p.beta.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    let (_, pair) = proposal_pair(&app, p.me).await;
    assert_eq!(pair["mentor"], p.alpha.0, "{pair}");
    assert_eq!(pair["mentee_choice"], json!({"rank": 1, "of": 2}));
    let ranks: Vec<Value> = app.get(&api_url(&app), Persona::Mentee).await.json()["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["rank"].clone())
        .collect();
    assert_eq!(ranks, vec![json!(1), json!(2)]);

    // Clearing is allowed: every select blank.
    let form = format!("person={}&rank_{}=&rank_{}=", p.me, p.alpha, p.beta);
    let cleared = app.form(&page_url(&app), Persona::Mentee, &form).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.text());
    assert!(stored(&app, p.me).await.is_empty());
}

#[tokio::test]
async fn an_excluded_mentor_is_not_offered_and_refused_without_the_reason() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let html = app.get(&page_url(&app), Persona::Mentee).await.text();
    for hidden in ["Gamma Mentor", "Nardos Nurse", SECRET_REASON, "sister"] {
        assert!(!html.contains(hidden), "the page does not show {hidden:?}");
    }
    let api = app.get(&api_url(&app), Persona::Mentee).await.text();
    assert!(!api.contains("Gamma") && !api.contains("sister"), "{api}");

    let audit_before = app.db().audit_count(None).await.expect("count");
    for excluded in [p.gamma, p.nurse] {
        let form = format!("person={}&rank_{}=1&rank_{excluded}=2", p.me, p.alpha);
        let reply = app.form(&page_url(&app), Persona::Mentee, &form).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = reply.text();
        assert!(
            text.contains(&format!(
                "rank_{excluded}: person {excluded} is not among the people you can rank"
            )),
            "{text}"
        );
        assert!(
            !text.contains("sister"),
            "a conflict's reason stays private"
        );
        let reply = app
            .json(
                Method::POST,
                &api_url(&app),
                Persona::Mentee,
                &json!({"person": p.me.0, "ranked": [p.alpha.0, excluded.0]}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.error_field(), "ranked[1]");
        assert!(!reply.text().contains("sister"));
    }
    assert!(stored(&app, p.me).await.is_empty(), "nothing written");
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        audit_before
    );
}

#[tokio::test]
async fn bad_rankings_name_the_field_keep_what_was_typed_and_write_nothing() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Mentee,
            &json!({"person": p.me.0, "ranked": [p.alpha.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    let audit_before = app.db().audit_count(None).await.expect("count");
    let (me, alpha, beta) = (p.me, p.alpha, p.beta);
    let other = app.fixture.peer_f1;
    // (form, the field named, a typed value the redrawn form keeps selected)
    let cases = [
        (
            format!("person={me}&rank_{alpha}=1&rank_{beta}=1"),
            format!("rank_{beta}"),
            "<option value=\"1\" selected>".to_owned(),
        ),
        (
            format!("person={me}&rank_{alpha}=3"),
            format!("rank_{alpha}"),
            "<option value=\"3\" selected>3</option>".to_owned(),
        ),
        (
            format!("person={me}&rank_{alpha}=0"),
            format!("rank_{alpha}"),
            "<option value=\"0\" selected>0</option>".to_owned(),
        ),
        (
            format!("person={me}&rank_{alpha}=first"),
            format!("rank_{alpha}"),
            "<option value=\"first\" selected>first</option>".to_owned(),
        ),
        (
            format!("person={other}&rank_{beta}=1"),
            "person".to_owned(),
            "<option value=\"1\" selected>".to_owned(),
        ),
        (
            format!("person={me}&rank_{beta}=2&rank_999999=1"),
            "rank_999999".to_owned(),
            "<option value=\"2\" selected>".to_owned(),
        ),
    ];
    for (form, field, typed) in cases {
        let reply = app.form(&page_url(&app), Persona::Mentee, &form).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form}: {}",
            reply.text()
        );
        let html = reply.text();
        let alert = html
            .split("role=\"alert\">")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("{form}: no alert in {html}"));
        let label = match field.strip_prefix("rank_") {
            Some(id) if id == alpha.to_string() => "Your rank for Alpha Mentor".to_owned(),
            Some(id) if id == beta.to_string() => "Your rank for Beta Mentor".to_owned(),
            _ => field.clone(),
        };
        assert!(alert.starts_with(&label), "{form}: {alert}");
        assert!(html.contains(&typed), "{form}: keeps {typed}");
        if field != "person" && !field.contains("999999") {
            assert!(
                html.contains(&format!(
                    "name=\"rank_{}\" aria-invalid=\"true\"",
                    &field[5..]
                )),
                "{form}: the select is marked"
            );
        }
    }
    // A French mentee reads the refusal in French, the field named by its label.
    let french = app
        .form_in(
            "fr",
            &page_url(&app),
            Persona::Mentee,
            &format!("person={me}&rank_{alpha}=1&rank_{beta}=1"),
        )
        .await;
    assert_eq!(french.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        french
            .text()
            .contains("Votre rang pour Beta Mentor : le rang 1 est donné à deux personnes"),
        "{}",
        french.text()
    );
    // The same through the API, named by position.
    for (body, field) in [
        (
            json!({"person": me.0, "ranked": [alpha.0, alpha.0]}),
            "ranked[1]",
        ),
        (json!({"person": other.0, "ranked": []}), "person"),
        (
            json!({"person": app.fixture.person_of[&Persona::Outsider].0, "ranked": []}),
            "person",
        ),
        (json!({"person": me.0, "ranked": [999_999]}), "ranked[0]"),
    ] {
        let reply = app
            .json(Method::POST, &api_url(&app), Persona::Mentee, &body)
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.error_field(), field, "{body}");
    }
    // Not a mentee or mentor of the program: a facility leader.
    let leader = app.fixture.person_of[&Persona::Leader];
    let reply = app
        .form(
            &page_url(&app),
            Persona::Leader,
            &format!("person={leader}&rank_{alpha}=1"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("Only the program&#39;s mentees and mentors")
            || reply
                .text()
                .contains("Only the program's mentees and mentors")
    );
    let reply = app.get(&api_url(&app), Persona::Leader).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error_field(), "person");

    assert_eq!(stored(&app, me).await, vec![alpha], "unchanged");
    assert!(stored(&app, other).await.is_empty());
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        audit_before,
        "nothing written"
    );
}

#[tokio::test]
async fn people_state_only_their_own_and_only_in_their_programs() {
    let app = TestApp::new().await;
    let p = setup(&app).await;
    let actor = Actor::system("test");
    // The outsider becomes a mentee of another program: a viewer of that one, not this one.
    let other_program: ProgramId = app
        .db()
        .create_program(
            &actor,
            &NewProgram {
                code: Slug::parse("other").expect("slug"),
                name: Name::parse("Other").expect("name"),
                kind: ProgramKind::ClinicalMentorship,
                description: String::new(),
                root_org_unit: Some(app.fixture.units["C"]),
            },
        )
        .await
        .expect("program")
        .id;
    let outsider = app.fixture.person_of[&Persona::Outsider];
    app.db()
        .add_membership(
            &actor,
            other_program,
            outsider,
            Role::Mentee,
            app.fixture.units["F3"],
        )
        .await
        .expect("membership");
    assert_eq!(
        app.get(&page_url(&app), Persona::Outsider).await.status,
        StatusCode::FORBIDDEN
    );
    let reply = app
        .form(
            &page_url(&app),
            Persona::Outsider,
            &format!("person={outsider}&rank_{}=1", p.alpha),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Outsider,
            &json!({"person": p.me.0, "ranked": [p.alpha.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&api_url(&app), Persona::Outsider).await.status,
        StatusCode::FORBIDDEN
    );

    // The mentor persona cannot set the mentee's ranking…
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Mentor,
            &json!({"person": p.me.0, "ranked": [p.alpha.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error_field(), "person");
    assert!(stored(&app, p.me).await.is_empty());

    // …while a manager may state anyone's, a mentor's too: mentors rank eligible mentees.
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Manager,
            &json!({"person": p.alpha.0, "ranked": [p.me.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    assert_eq!(stored(&app, p.alpha).await, vec![p.me]);
    // A mentee without a cadre is no candidate for a surgeon.
    let reply = app
        .json(
            Method::POST,
            &api_url(&app),
            Persona::Manager,
            &json!({"person": p.alpha.0, "ranked": [p.me.0, app.fixture.peer_f1.0]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error_field(), "ranked[1]");
    assert_eq!(stored(&app, p.alpha).await, vec![p.me]);
    // And the mentor's choice shows on the proposal, as the mentor's.
    let (_, pair) = proposal_pair(&app, p.me).await;
    assert_eq!(pair["mentor"], p.alpha.0);
    assert_eq!(pair["mentor_choice"], json!({"rank": 1, "of": 1}));
    assert_eq!(pair["mentee_choice"], Value::Null);
}
