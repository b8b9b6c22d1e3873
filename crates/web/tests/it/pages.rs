//! Pages as a person on a small phone meets them: light, translated, forms that name the
//! field at fault.

use super::support::{Persona, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

/// Every page must stay under 60 KB transferred (gzip), stylesheet included.
const PAGE_BUDGET: usize = 60 * 1024;

async fn gzipped(app: &TestApp, uri: &str, persona: Persona) -> (StatusCode, usize) {
    let request = app
        .request(Method::GET, uri, persona)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let reply = app.send(request).await;
    (reply.status, reply.body.len())
}

#[tokio::test]
async fn every_page_is_light_on_a_slow_link() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let (_, css) = gzipped(&app, "/static/style.css", Persona::Anonymous).await;
    let pages = [
        "/login".to_owned(),
        "/".to_owned(),
        format!("/programs/{}", f.program),
        format!("/programs/{}/people", f.program),
        format!("/programs/{}/memberships", f.program),
        format!("/people/{}", f.peer_f1),
        format!("/people/{}/edit", f.peer_f1),
        "/people/new".to_owned(),
        "/org-units".to_owned(),
        format!("/org-units/{}", f.units["F1"]),
        "/account/tokens".to_owned(),
    ];
    for uri in pages {
        let persona = if uri == "/login" {
            Persona::Anonymous
        } else {
            Persona::Manager
        };
        let (status, size) = gzipped(&app, &uri, persona).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(size + css < PAGE_BUDGET, "{uri}: {size} + {css} bytes");
    }
}

#[tokio::test]
async fn pages_speak_french_when_asked() {
    let app = TestApp::new().await;
    let request = Request::builder()
        .uri("/login")
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9,en;q=0.5")
        .body(Body::empty())
        .expect("request");
    let page = app.send(request).await.text();
    assert!(
        page.contains("<html lang=\"fr\">") && page.contains("Mot de passe"),
        "{page}"
    );

    let request = app
        .request(
            Method::GET,
            &format!("/programs/{}", app.fixture.program),
            Persona::Manager,
        )
        .header(header::COOKIE, "lang=fr")
        .body(Body::empty())
        .expect("request");
    let page = app.send(request).await.text();
    assert!(page.contains("Gestionnaire de programme"), "{page}");

    let switch = app.form("/language", Persona::Anonymous, "lang=fr").await;
    assert_eq!(switch.cookie("lang").as_deref(), Some("fr"));
    let bad = app.form("/language", Persona::Anonymous, "lang=xx").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_chosen_language_follows_the_account_to_the_next_sign_in() {
    let app = TestApp::new().await;
    let first =
        super::support::browser_login(&app, "mentor@example.org", super::support::PASSWORD).await;
    assert_eq!(
        first.cookie("lang"),
        None,
        "no language chosen yet: the browser's applies"
    );
    let switch = app.form("/language", Persona::Mentor, "lang=fr").await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    let again =
        super::support::browser_login(&app, "mentor@example.org", super::support::PASSWORD).await;
    assert_eq!(again.cookie("lang").as_deref(), Some("fr"));
}

#[tokio::test]
async fn the_person_form_names_the_bad_field_and_keeps_the_input() {
    let app = TestApp::new().await;
    let reply = app
        .form(
            "/people",
            Persona::Manager,
            "name=Amina+Yusuf&time_zone=Africa%2FKano&email=amina%40example.org",
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = reply.text();
    assert!(page.contains("time_zone:"), "{page}");
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(page.contains("value=\"Amina Yusuf\""), "{page}");
    let reply = app
        .form(
            "/people",
            Persona::Manager,
            "name=Amina+Yusuf&time_zone=Africa%2FLagos&years_experience=many",
        )
        .await;
    assert!(reply.text().contains("years_experience:"));
    let ok = app
        .form(
            "/people",
            Persona::Manager,
            "name=Amina+Yusuf&time_zone=Africa%2FLagos&languages=ha%2C+en",
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let profile = app.get(&ok.location(), Persona::Manager).await.text();
    assert!(
        profile.contains("Amina Yusuf") && profile.contains("ha, en"),
        "{profile}"
    );
}

#[tokio::test]
async fn a_mentee_sees_their_mentor_but_not_other_mentees() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let own = app
        .get(
            &format!("/people/{}", f.person_of[&Persona::Mentee]),
            Persona::Mentee,
        )
        .await
        .text();
    assert!(own.contains("Mentor Person"), "pairing shown: {own}");
    let mentor = app
        .get(
            &format!("/people/{}", f.person_of[&Persona::Mentor]),
            Persona::Mentee,
        )
        .await;
    assert_eq!(mentor.status, StatusCode::OK);
    let list = app
        .get(&format!("/programs/{}/people", f.program), Persona::Mentee)
        .await
        .text();
    assert!(
        list.contains("Mentor Person") && !list.contains("Peer Fone"),
        "{list}"
    );
    let tree = app.get("/org-units", Persona::Leader).await.text();
    assert!(
        tree.contains("Unit F1") && !tree.contains("Unit F3"),
        "{tree}"
    );
}

#[tokio::test]
async fn unknown_pages_get_a_translated_404() {
    let app = TestApp::new().await;
    let request = Request::builder()
        .uri("/no/such/page")
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.text().contains("Introuvable"), "{}", reply.text());
}

/// A refused form is shown at the address it was posted to. Asking for that address by GET —
/// switching language on the refused form, or reopening it from history — lands on the page
/// the form belongs to, not on a bare 405. The API keeps its 405: a client sent the wrong
/// method.
#[tokio::test]
async fn a_form_address_opened_by_get_leads_to_the_page_of_the_form() {
    let app = TestApp::new().await;
    let p = app.fixture.program;
    let matching = format!("/programs/{p}/matching");
    for (address, page) in [
        (format!("{matching}/settings"), matching.clone()),
        (format!("{matching}/mentor-left"), matching.clone()),
        (
            "/matching/proposals/7/approve".to_owned(),
            "/matching/proposals/7".to_owned(),
        ),
        // No page above but the home page.
        ("/matching/rules/3/delete".to_owned(), "/".to_owned()),
    ] {
        let reply = app.get(&address, Persona::Manager).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "GET {address}");
        assert_eq!(reply.location(), page, "GET {address}");
    }
    let api = app.get("/api/v1/targets/1/sign", Persona::Manager).await;
    assert_eq!(api.status, StatusCode::METHOD_NOT_ALLOWED);
    // A page that does not exist is still a 404, whatever the method.
    let missing = app
        .get(&format!("{matching}/nowhere"), Persona::Manager)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The whole path a French manager takes: a refused settings form, then the language switch.
    let refused = app
        .form(
            &format!("{matching}/settings"),
            Persona::Manager,
            "language=x&working_hours=1&distance=1&experience=1&preference=1&continuity=1&target_experience_gap=1&unassigned_cost=1&default_capacity=1",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let switch = app
        .send(
            app.request(Method::POST, "/language", Persona::Manager)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(
                    header::REFERER,
                    format!("http://127.0.0.1:8080{matching}/settings"),
                )
                .body(Body::from("lang=fr"))
                .expect("request"),
        )
        .await;
    let back = app.get(&switch.location(), Persona::Manager).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location(), matching);
}
