//! The JSON API: its error shape, bad input on every body and parameter, pagination,
//! audit of changes.

use super::support::{Persona, Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

fn assert_error(
    reply: &super::support::Reply,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    match field {
        Some(field) => assert_eq!(body["error"]["field"], field, "{body}"),
        None => assert!(body["error"]["field"].is_null(), "{body}"),
    }
}

#[tokio::test]
async fn bad_person_bodies_name_the_field_and_write_nothing() {
    let app = TestApp::new().await;
    let before = app.db().audit_count(None).await.expect("count");
    let cases = [
        (json!({"time_zone": "Africa/Lagos"}), "name"),
        (json!({"name": "A", "time_zone": "Lagos"}), "time_zone"),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "orcid": "0000-0002-1825-0098"}),
            "orcid",
        ),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "phone": "0803"}),
            "phone",
        ),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "languages": ["english!"]}),
            "languages",
        ),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "years_experience": "ten"}),
            "years_experience",
        ),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "contact_consent": ["sms"]}),
            "contact_consent",
        ),
        (
            json!({"name": "A", "time_zone": "Africa/Lagos", "country_of_residence": "UK"}),
            "country_of_residence",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .json(Method::POST, "/api/v1/people", Persona::Manager, &body)
            .await;
        assert_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some(field),
        );
    }
    let reply = app
        .json(
            Method::POST,
            "/api/v1/people",
            Persona::Manager,
            &json!({"name": "Dup", "time_zone": "Africa/Lagos", "email": "mentor@example.org"}),
        )
        .await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("email"),
    );
    assert_eq!(
        app.db().audit_count(None).await.expect("count"),
        before,
        "nothing written"
    );

    let request = app
        .request(Method::POST, "/api/v1/people", Persona::Manager)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": "))
        .expect("request");
    // Truncated JSON is reported at the key whose value was cut off.
    assert_error(
        &app.send(request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("name"),
    );
    let request = app
        .request(Method::POST, "/api/v1/people", Persona::Manager)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .expect("request");
    assert_error(
        &app.send(request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("Content-Type"),
    );
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let request = app
        .request(Method::POST, "/api/v1/people", Persona::Manager)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(huge))
        .expect("request");
    assert_error(
        &app.send(request).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    );
}

#[tokio::test]
async fn patches_merge_and_refuse_unknown_fields() {
    let app = TestApp::new().await;
    let id = app.fixture.person_of[&Persona::Mentee];
    let uri = format!("/api/v1/people/{id}");
    let reply = app
        .json(
            Method::PATCH,
            &uri,
            Persona::Mentee,
            &json!({"languages": ["am", "en"], "time_zone": "Africa/Addis_Ababa"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["languages"], json!(["am", "en"]));
    assert_eq!(reply.json()["name"], "Mentee Person");
    let reply = app
        .json(
            Method::PATCH,
            &uri,
            Persona::Mentee,
            &json!({"shoe_size": 42}),
        )
        .await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("shoe_size"),
    );
    let reply = app
        .json(Method::PATCH, &uri, Persona::Mentee, &json!({"name": 7}))
        .await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("name"),
    );

    let audit = app
        .get(
            &format!("/api/v1/audit?entity=person&entity_id={id}"),
            Persona::Admin,
        )
        .await
        .json();
    assert_eq!(audit["total"], 2, "{audit}");
    assert_eq!(audit["items"][0]["action"], "update");
    assert_eq!(audit["items"][0]["actor"], "mentee@example.org");
    assert_eq!(audit["items"][0]["after"]["languages"], json!(["am", "en"]));
}

#[tokio::test]
async fn org_units_memberships_and_programs_reject_bad_input() {
    let app = TestApp::new().await;
    let f1 = app.fixture.units["F1"].0;
    let r1 = app.fixture.units["R1"].0;
    let program = app.fixture.program.0;
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/org-units",
            Persona::Manager,
            &json!({"parent_code": "R1", "level": "facility", "code": "FX", "name": "X"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("parent"),
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/org-units",
            Persona::Manager,
            &json!({"parent_code": "NOPE", "level": "district", "code": "DX", "name": "X"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("parent_code"),
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/org-units",
            Persona::Manager,
            &json!({"parent_code": "D1", "level": "facility", "code": "F1", "name": "X"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    assert_error(&app.json(Method::POST, "/api/v1/org-units", Persona::Manager, &json!({"parent_code": "D1", "level": "facility", "code": "FY", "name": "X", "latitude": 95.0, "longitude": 1.0})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("latitude"));
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/org-units",
            Persona::Manager,
            &json!({"level": "facility", "code": "FZ"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("name"),
    );

    let uri = format!("/api/v1/programs/{program}/memberships");
    let person = app.fixture.person_f3.0;
    assert_error(
        &app.json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "boss", "org_unit": f1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("role"),
    );
    assert_error(
        &app.json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "facility_leader", "org_unit": r1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("org_unit"),
    );
    assert_error(
        &app.json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": 999_999, "role": "mentee", "org_unit": f1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("person"),
    );
    assert_error(
        &app.json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "mentee", "org_unit": 999_999}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("org_unit"),
    );
    let unknown = app
        .json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "mentee", "org_unit": f1, "extra": 1}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("extra"),
        "{}",
        unknown.text()
    );
    let created = app
        .json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "mentee", "org_unit": f1}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_error(
        &app.json(
            Method::POST,
            &uri,
            Persona::Manager,
            &json!({"person": person, "role": "mentee", "org_unit": f1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("person"),
    );

    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/programs",
            Persona::Admin,
            &json!({"code": "x y!", "name": "X", "kind": "peer_research"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/programs",
            Persona::Admin,
            &json!({"code": "ok", "name": "X", "kind": "book_club"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("kind"),
    );
    assert_error(
        &app.json(
            Method::POST,
            "/api/v1/programs",
            Persona::Admin,
            &json!({"code": "surgery", "name": "X", "kind": "peer_research"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
}

#[tokio::test]
async fn pagination_is_checked_and_consistent() {
    let app = TestApp::new().await;
    let program = app.fixture.program.0;
    let page = app
        .get(
            &format!("/api/v1/people?program={program}&limit=2&offset=1"),
            Persona::Manager,
        )
        .await
        .json();
    assert_eq!(page["limit"], 2);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    let all = app
        .get(
            &format!("/api/v1/people?program={program}&limit=200"),
            Persona::Manager,
        )
        .await
        .json();
    assert_eq!(page["total"], all["total"]);
    assert_eq!(page["items"][0], all["items"][1]);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("limit=ten", "limit"),
    ] {
        let reply = app
            .get(
                &format!("/api/v1/people?program={program}&{query}"),
                Persona::Manager,
            )
            .await;
        assert_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some(field),
        );
    }
    let reply = app.get("/api/v1/people", Persona::Manager).await;
    assert_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("program"),
    );
    assert_error(
        &app.get("/api/v1/people/abc", Persona::Manager).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_error(
        &app.get("/api/v1/nothing", Persona::Manager).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
}

#[tokio::test]
async fn a_regional_viewer_lists_only_their_region() {
    let app = TestApp::new().await;
    let program = app.fixture.program.0;
    let page = app
        .get(
            &format!("/api/v1/people?program={program}"),
            Persona::Regional,
        )
        .await
        .json();
    let names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Mentee Ftwo") && !names.contains(&"Mentee Fthree"),
        "{names:?}"
    );
    let mentee = app
        .get(
            &format!("/api/v1/people?program={program}"),
            Persona::Mentee,
        )
        .await
        .json();
    let names: Vec<&str> = mentee["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Mentee Person", "Mentor Person"]);
    let _ = Request::<Body>::default();
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/healthz", Persona::Anonymous).await.status,
        StatusCode::OK
    );
    app.db().close().await;
    assert_eq!(
        app.get("/healthz", Persona::Anonymous).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_a_callers_own() {
    let app = TestApp::new().await;
    let first = app.get("/api/v1/me", Persona::Admin).await;
    let second = app.get("/api/v1/programs/999999", Persona::Admin).await;
    let id = |reply: &Reply| {
        reply
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(id(&first).len(), 16, "{:?}", first.headers);
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    assert_eq!(id(&second).len(), 16, "an error answer has one too");
    assert_ne!(id(&first), id(&second));
    let traced = app
        .send(
            app.request(Method::GET, "/api/v1/me", Persona::Admin)
                .header("x-request-id", "proxy-7f3a")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(id(&traced), "proxy-7f3a");
    let forged = app
        .send(
            app.request(Method::GET, "/api/v1/me", Persona::Admin)
                .header("x-request-id", "two words")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(id(&forged).len(), 16, "an id with a space is replaced");
}

/// No input path lets a control character in: a NUL was stored on SQLite and answered 500 on
/// PostgreSQL. JSON names the path of the string, forms and queries the field; line breaks and
/// tabs are text and pass.
#[tokio::test]
async fn control_characters_are_refused_by_field_on_every_input_path() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let list = format!("/api/v1/programs/{}/activities", f.program);
    let mentee = f.person_of[&Persona::Mentee].0;
    let post = |body: serde_json::Value| {
        app.send(
            app.request(Method::POST, &list, Persona::Admin)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
    };
    let visit = |summary: &str, role: &str| {
        json!({"kind": "visit", "facility": f.units["F1"].0, "starts_on": "2026-11-12",
               "summary": summary,
               "participants": [{"person": mentee, "role": role, "attended": true}]})
    };
    let refused = post(visit("Theatre\u{0}day", "mentee")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_field(), "summary");
    let nested = post(visit("Theatre day", "men\u{7}tee")).await;
    assert_eq!(nested.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nested.error_field(), "participants[0].role");
    let lines = post(visit("Theatre day\nthen\tward round", "mentee")).await;
    assert_eq!(lines.status, StatusCode::CREATED, "{}", lines.text());

    let query = app
        .get(
            &format!(
                "/api/v1/programs/{}/completeness?from=2026-01-01%00&to=2026-03-31",
                f.program
            ),
            Persona::Admin,
        )
        .await;
    assert_eq!(query.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(query.error_field(), "from");

    let people = app.get("/api/v1/people?limit=200", Persona::Admin).await;
    let before = people.json()["total"].clone();
    let form = app
        .form(
            "/people",
            Persona::Admin,
            "name=Forged%00Name&time_zone=UTC",
        )
        .await;
    assert_eq!(
        form.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        form.text()
    );
    assert_eq!(
        app.get("/api/v1/people?limit=200", Persona::Admin)
            .await
            .json()["total"],
        before
    );
}
