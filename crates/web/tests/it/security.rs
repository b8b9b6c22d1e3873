//! Safe under attack: API tokens that expire and are revoked, token use written sparingly, the
//! per-address sign-in limit and the administrator's unlock, local redirects only, session
//! idle time-outs of a minute, and page sizes with a maximum.

use super::support::{PASSWORD, Persona, TestApp, browser_login};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use std::net::SocketAddr;
use web::auth::{AuthConfig, LOGIN_CSRF_COOKIE, SESSION_COOKIE};

fn bearer(uri: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn a_person_lists_creates_and_revokes_their_own_tokens() {
    let app = TestApp::new().await;
    let page = app.get("/account/tokens", Persona::Mentor).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("spare") && html.contains("90 days"), "{html}");
    // Never a secret, and never another person's token.
    assert!(!html.contains("tdm_"), "{html}");
    assert!(!html.contains("manager@example.org"), "{html}");

    let created = app
        .form(
            "/account/tokens",
            Persona::Mentor,
            "name=phone&expires_days=30",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    let secret = created
        .text()
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the secret, shown once")
        .to_owned();
    assert!(secret.starts_with("tdm_"));
    let me = app.send(bearer("/api/v1/me", &secret)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    let tokens = app
        .db()
        .api_tokens(Some(
            app.state
                .app
                .db
                .account_by_username("mentor@example.org")
                .await
                .expect("db")
                .expect("account")
                .id,
        ))
        .await
        .expect("tokens");
    let phone = tokens.iter().find(|t| t.name == "phone").expect("phone");
    let life = phone.expires_at.expect("an end") - phone.created_at;
    assert!(
        (life - chrono::Duration::days(30)).num_seconds().abs() < 5,
        "{life}"
    );
    // Shown once: the list afterwards holds its name, not its secret.
    let again = app.get("/account/tokens", Persona::Mentor).await.text();
    assert!(again.contains("phone") && !again.contains(&secret));

    let bad = app
        .form(
            "/account/tokens",
            Persona::Mentor,
            "name=x&expires_days=forever",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("expires_days"), "{}", bad.text());

    let revoked = app
        .form(
            &format!("/account/tokens/{}/revoke", phone.id),
            Persona::Mentor,
            "",
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location(), "/account/tokens?done=revoked");
    let refused = app.send(bearer("/api/v1/me", &secret)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.json()["error"]["code"], "token_revoked");
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("revoked")),
        "{}",
        refused.text()
    );
    assert!(
        app.db()
            .audit_count(Some(("api_token", &phone.id.to_string())))
            .await
            .expect("audit")
            == 2
    );
}

#[tokio::test]
async fn only_the_owner_or_an_administrator_revokes_a_token() {
    let app = TestApp::new().await;
    let managers = app.fixture.spare_tokens[&Persona::Manager];
    let uri = format!("/account/tokens/{managers}/revoke");
    let refused = app.form(&uri, Persona::Mentor, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.db()
            .api_token(managers)
            .await
            .expect("token")
            .is_live(store::now())
    );
    // An administrator sees everyone's tokens and may revoke them.
    let list = app.get("/account/tokens", Persona::Admin).await.text();
    assert!(list.contains("manager@example.org"), "{list}");
    let done = app.form(&uri, Persona::Admin, "").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(
        !app.db()
            .api_token(managers)
            .await
            .expect("token")
            .is_live(store::now())
    );
    let missing = app
        .form("/account/tokens/999999/revoke", Persona::Admin, "")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_expired_token_is_refused_with_a_clear_error() {
    let app = TestApp::new().await;
    let account = app
        .db()
        .account_by_username("mentee@example.org")
        .await
        .expect("db")
        .expect("account");
    app.db()
        .create_api_token(
            &store::Actor::system("test"),
            account.id,
            "old",
            &app::accounts::token_hash("tdm_old"),
            Some(store::now() - chrono::Duration::minutes(1)),
        )
        .await
        .expect("token");
    let reply = app.send(bearer("/api/v1/me", "tdm_old")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["error"]["code"], "token_expired");
    let unknown = app.send(bearer("/api/v1/me", "tdm_nobody")).await;
    assert_eq!(unknown.json()["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn twenty_bearer_requests_write_last_use_once() {
    let app = TestApp::new().await;
    let id = app.fixture.spare_tokens[&Persona::Manager];
    let token = "tdm_spare_Manager";
    assert_eq!(
        app.db().api_token(id).await.expect("token").last_used_at,
        None
    );
    let mut seen = Vec::new();
    for _ in 0..20 {
        let reply = app.send(bearer("/api/v1/me", token)).await;
        assert_eq!(reply.status, StatusCode::OK);
        seen.push(app.db().api_token(id).await.expect("token").last_used_at);
    }
    // The first request wrote the time; the nineteen after it, within five minutes, did not.
    assert!(seen[0].is_some());
    assert!(seen.iter().all(|t| *t == seen[0]), "{seen:?}");
}

async fn attempt(app: &TestApp, username: &str, password: &str, peer: &str) -> StatusCode {
    let pre = "a".repeat(64);
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("{LOGIN_CSRF_COOKIE}={pre}"))
        .body(Body::from(format!(
            "username={username}&password={password}&csrf={pre}"
        )))
        .expect("request");
    let addr: SocketAddr = peer.parse().expect("addr");
    request.extensions_mut().insert(ConnectInfo(addr));
    app.send(request).await.status
}

#[tokio::test]
async fn a_hospital_behind_one_address_is_not_locked_out_by_thirty_failures() {
    let app = TestApp::new().await;
    for i in 0..30 {
        assert_eq!(
            attempt(
                &app,
                &format!("nurse{i}%40example.org"),
                "wrong",
                "192.0.2.50:1000"
            )
            .await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(
            &app,
            "mentee%40example.org",
            "correct+horse+battery",
            "192.0.2.50:1000"
        )
        .await,
        StatusCode::SEE_OTHER
    );
    // The address limit still holds, at its configured height.
    let strict = TestApp::with_config(AuthConfig {
        max_failures_per_address: 3,
        ..AuthConfig::default()
    })
    .await;
    for i in 0..3 {
        attempt(
            &strict,
            &format!("nurse{i}%40example.org"),
            "wrong",
            "192.0.2.50:1000",
        )
        .await;
    }
    assert_eq!(
        attempt(
            &strict,
            "mentee%40example.org",
            "correct+horse+battery",
            "192.0.2.50:1000"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_administrator_lists_lockouts_and_unlocks_an_account_at_once() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        attempt(&app, "mentor%40example.org", "wrong", "10.1.1.1:1").await;
    }
    assert_eq!(
        attempt(
            &app,
            "mentor%40example.org",
            "correct+horse+battery",
            "10.1.1.2:1"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let page = app.get("/admin/lockouts", Persona::Admin).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("mentor@example.org") && html.contains("Unlock"),
        "{html}"
    );
    let fr = app
        .get_in("fr", "/admin/lockouts", Persona::Admin)
        .await
        .text();
    assert!(fr.contains("Débloquer"), "{fr}");
    // Only administrators see the page, its link, or may press its button.
    assert_eq!(
        app.get("/admin/lockouts", Persona::Manager).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !app.get("/", Persona::Manager)
            .await
            .text()
            .contains("/admin/lockouts")
    );
    assert!(
        app.get("/", Persona::Admin)
            .await
            .text()
            .contains("/admin/lockouts")
    );
    let body = "key=account%3Amentor%40example.org";
    assert_eq!(
        app.form("/admin/lockouts/unlock", Persona::Manager, body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let unlocked = app
        .form("/admin/lockouts/unlock", Persona::Admin, body)
        .await;
    assert_eq!(unlocked.status, StatusCode::SEE_OTHER);
    assert_eq!(unlocked.location(), "/admin/lockouts?done=unlocked");
    assert_eq!(
        attempt(
            &app,
            "mentor%40example.org",
            "correct+horse+battery",
            "10.1.1.2:1"
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.db()
            .audit_count(Some(("login_lockout", "account:mentor@example.org")))
            .await
            .expect("audit"),
        1
    );
    let bad = app
        .form("/admin/lockouts/unlock", Persona::Admin, "key=everyone")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn redirects_after_sign_in_and_language_stay_on_this_site() {
    let app = TestApp::new().await;
    let session = browser_login(&app, "manager@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("session");
    for (next, expected) in [
        ("/%5Cevil.example", "/"),
        ("/%5C/evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/org-units", "/org-units"),
    ] {
        let request = Request::builder()
            .uri(format!("/login?next={next}"))
            .header(header::COOKIE, format!("{SESSION_COOKIE}={session}"))
            .body(Body::empty())
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.location(), expected, "next={next}");
    }
    for (referer, expected) in [
        ("http://localhost/\\evil.example", "/"),
        ("http://localhost/org-units", "/org-units"),
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/language")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::REFERER, referer)
            .body(Body::from("lang=fr"))
            .expect("request");
        assert_eq!(app.send(request).await.location(), expected, "{referer}");
    }
}

#[tokio::test]
async fn a_session_used_every_thirty_seconds_outlives_a_one_minute_idle_time_out() {
    let app = TestApp::with_config(AuthConfig {
        idle_timeout: chrono::Duration::minutes(1),
        ..AuthConfig::default()
    })
    .await;
    let token = browser_login(&app, "manager@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("session");
    let hash = app::accounts::token_hash(&token);
    for step in 0..5 {
        // Thirty seconds pass since the last request: move the stored clock back by that.
        let session = app.db().session(&hash).await.expect("db").expect("live");
        app.db()
            .touch_session(
                session.id,
                session.last_seen_at - chrono::Duration::seconds(30),
            )
            .await
            .expect("touch");
        let request = Request::builder()
            .uri("/")
            .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
            .body(Body::empty())
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "request {step}: {}",
            reply.location()
        );
    }
    // Left alone for a minute, it ends.
    let session = app.db().session(&hash).await.expect("db").expect("live");
    app.db()
        .touch_session(session.id, store::now() - chrono::Duration::minutes(1))
        .await
        .expect("touch");
    let request = Request::builder()
        .uri("/")
        .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.location(), "/login?next=%2F");
}

#[tokio::test]
async fn page_sizes_have_a_maximum_named_when_refused() {
    let app = TestApp::new().await;
    // The shared `limit`/`offset` query (programs, org units, people, audit).
    for uri in [
        "/api/v1/programs?limit=201",
        "/api/v1/org-units?limit=5000",
        "/api/v1/audit?limit=201",
    ] {
        let reply = app.get(uri, Persona::Admin).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(reply.error_field(), "limit", "{uri}");
    }
    assert_eq!(
        app.get("/api/v1/programs?limit=200", Persona::Admin)
            .await
            .status,
        StatusCode::OK
    );
    // A count in a JSON body: the best slots.
    let slots = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/scheduling/slots", app.fixture.program),
            Persona::Manager,
            &serde_json::json!({"week": "2026-03-02", "duration_minutes": 60, "top": 21}),
        )
        .await;
    assert_eq!(slots.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(slots.error_field(), "top");
    // A count in the query of a report: days a report may be late.
    let late = app
        .get(
            &format!(
                "/api/v1/programs/{}/completeness?from=2026-01-01&to=2026-03-31&deadline_days=100000",
                app.fixture.program
            ),
            Persona::Manager,
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.text()
    );
    assert_eq!(late.error_field(), "deadline_days");
}
