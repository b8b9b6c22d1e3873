//! Sign-in, sessions, CSRF and throttling, as a browser meets them.

use super::support::{PASSWORD, Persona, TestApp, browser_login};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use std::net::SocketAddr;
use web::auth::{AuthConfig, LOGIN_CSRF_COOKIE, SESSION_COOKIE};

async fn get_with_cookie(app: &TestApp, uri: &str, session: &str) -> super::support::Reply {
    let request = Request::builder()
        .uri(uri)
        .header(header::COOKIE, format!("{SESSION_COOKIE}={session}"))
        .body(Body::empty())
        .expect("request");
    app.send(request).await
}

#[tokio::test]
async fn sign_in_sets_a_hardened_cookie_and_rotates_the_session() {
    let app = TestApp::new().await;
    let first = browser_login(&app, "manager@example.org", PASSWORD).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let set = first
        .cookies()
        .into_iter()
        .find(|c| c.starts_with(SESSION_COOKIE))
        .expect("session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"),
        "{set}"
    );
    let token = first.cookie(SESSION_COOKIE).expect("token");
    assert_eq!(
        get_with_cookie(&app, "/", &token).await.status,
        StatusCode::OK
    );

    // Signing in again from the same browser ends the old session and issues a new token.
    let page = app.get("/login", Persona::Anonymous).await;
    let pre = page.cookie(LOGIN_CSRF_COOKIE).expect("pre-session");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            format!("{LOGIN_CSRF_COOKIE}={pre}; {SESSION_COOKIE}={token}"),
        )
        .body(Body::from(format!(
            "username=manager%40example.org&password=correct+horse+battery&csrf={pre}"
        )))
        .expect("request");
    let second = app.send(request).await;
    let rotated = second.cookie(SESSION_COOKIE).expect("new token");
    assert_ne!(rotated, token);
    assert_eq!(
        get_with_cookie(&app, "/", &token).await.location(),
        "/login?next=%2F"
    );
    assert_eq!(
        get_with_cookie(&app, "/", &rotated).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn secure_cookies_behind_https() {
    let app = TestApp::with_config(AuthConfig {
        secure_cookies: true,
        ..AuthConfig::default()
    })
    .await;
    let reply = browser_login(&app, "manager@example.org", PASSWORD).await;
    let set = reply
        .cookies()
        .into_iter()
        .find(|c| c.starts_with(SESSION_COOKIE))
        .expect("cookie");
    assert!(set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let app = TestApp::new().await;
    let token = browser_login(&app, "manager@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("token");
    let hash = app::accounts::token_hash(&token);
    let session = app.db().session(&hash).await.expect("db").expect("session");
    let config = AuthConfig::default();
    let now = store::now();
    assert!(!web::auth::session_expired(
        &config,
        session.last_seen_at,
        session.expires_at,
        now
    ));
    assert!(web::auth::session_expired(
        &config,
        now - config.idle_timeout,
        session.expires_at,
        now
    ));
    assert!(web::auth::session_expired(&config, now, now, now));

    // An idle session stored in the database is refused and removed.
    let short = TestApp::with_config(AuthConfig {
        idle_timeout: chrono::Duration::zero(),
        ..AuthConfig::default()
    })
    .await;
    let token = browser_login(&short, "manager@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("token");
    let reply = get_with_cookie(&short, "/", &token).await;
    assert_eq!(reply.location(), "/login?next=%2F");
    assert!(
        short
            .db()
            .session(&app::accounts::token_hash(&token))
            .await
            .expect("db")
            .is_none()
    );
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let token = browser_login(&app, "manager@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("token");
    let post = |body: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/people")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
            .body(Body::from(body))
            .expect("request")
    };
    let reply = app
        .send(post("name=Forged&time_zone=Africa%2FLagos&csrf=wrong"))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        app.db()
            .people(&Default::default(), 100, 0)
            .await
            .expect("db")
            .people
            .iter()
            .all(|p| p.profile.name.as_str() != "Forged")
    );

    // The token the page carries works.
    let form = get_with_cookie(&app, "/people/new", &token).await.text();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf in form")
        .to_owned();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/people")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
        .body(Body::from(format!(
            "name=Real+Person&time_zone=Africa%2FLagos&csrf={csrf}"
        )))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    // The sign-in form needs its pre-session token too.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            "username=manager%40example.org&password=correct+horse+battery&csrf=guess",
        ))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
}

async fn attempt(
    app: &TestApp,
    username: &str,
    password: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> StatusCode {
    let pre = "a".repeat(64);
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("{LOGIN_CSRF_COOKIE}={pre}"));
    if let Some(xff) = forwarded {
        builder = builder.header("x-forwarded-for", xff);
    }
    let mut request = builder
        .body(Body::from(format!(
            "username={username}&password={password}&csrf={pre}"
        )))
        .expect("request");
    let addr: SocketAddr = peer.parse().expect("addr");
    request.extensions_mut().insert(ConnectInfo(addr));
    app.send(request).await.status
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            attempt(&app, "mentor%40example.org", "wrong", "10.0.0.1:5000", None).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused now, from any address.
    assert_eq!(
        attempt(
            &app,
            "mentor%40example.org",
            "correct+horse+battery",
            "10.0.0.2:5000",
            None
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other accounts are unaffected.
    assert_eq!(
        attempt(
            &app,
            "mentee%40example.org",
            "correct+horse+battery",
            "10.0.0.2:5000",
            None
        )
        .await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_spoofed_forwarded_for_cannot_reset_the_address_count() {
    let strict = AuthConfig {
        max_failures_per_address: 20,
        ..AuthConfig::default()
    };
    let app = TestApp::with_config(strict.clone()).await;
    // One client sprays many usernames, each time claiming a new address in X-Forwarded-For.
    for i in 0..20 {
        let status = attempt(
            &app,
            &format!("user{i}%40example.org"),
            "wrong",
            "192.0.2.7:4000",
            Some(&format!("203.0.113.{i}")),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = attempt(
        &app,
        "manager%40example.org",
        "correct+horse+battery",
        "192.0.2.7:4000",
        Some("198.51.100.1"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Behind one trusted proxy, the proxy-appended entry (rightmost) is the client, and the
    // client's own prepended claims are ignored.
    let proxied = TestApp::with_config(AuthConfig {
        trusted_proxy_hops: 1,
        ..strict
    })
    .await;
    for i in 0..20 {
        let claimed = format!("203.0.113.{i}, 198.51.100.9");
        assert_eq!(
            attempt(
                &proxied,
                &format!("user{i}%40example.org"),
                "wrong",
                "127.0.0.1:4000",
                Some(&claimed)
            )
            .await,
            StatusCode::UNAUTHORIZED
        );
    }
    let status = attempt(
        &proxied,
        "manager%40example.org",
        "correct+horse+battery",
        "127.0.0.1:4000",
        Some("1.2.3.4, 198.51.100.9"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let other_client = attempt(
        &proxied,
        "manager%40example.org",
        "correct+horse+battery",
        "127.0.0.1:4000",
        Some("198.51.100.10"),
    )
    .await;
    assert_eq!(other_client, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let token = browser_login(&app, "mentee@example.org", PASSWORD)
        .await
        .cookie(SESSION_COOKIE)
        .expect("token");
    let home = get_with_cookie(&app, "/", &token).await.text();
    let csrf = home
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf")
        .to_owned();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
        .body(Body::from(format!("csrf={csrf}")))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.location(), "/login");
    assert!(
        get_with_cookie(&app, "/", &token)
            .await
            .location()
            .starts_with("/login?next=")
    );
}

/// Wrong passwords sent all at once are throttled as if sent one by one: each attempt is
/// counted before its password is checked, so of fifty at once only the account's five are
/// checked and the rest are refused as too many.
#[tokio::test]
async fn sign_ins_sent_at_once_cannot_race_the_throttle() {
    let app = TestApp::new().await;
    let attempts = (0..50).map(|i| {
        let app = &app;
        async move {
            attempt(
                app,
                "mentor%40example.org",
                "wrong",
                &format!("10.0.1.{i}:5000"),
                None,
            )
            .await
        }
    });
    let statuses = futures_join_all(attempts).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, throttled), (5, 45), "{statuses:?}");
}

/// Runs the futures concurrently on this task and answers their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
