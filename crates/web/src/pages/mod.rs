//! Server-rendered HTML pages. Each handler builds a `#[derive(Template)]` struct living beside
//! it; templates under `templates/<area>/` mirror these modules. Every page extends
//! `base.html` through its [`Layout`].

pub mod admin;
pub mod errors;
pub mod facility_matching;
pub mod field;
pub mod matching;
pub mod memberships;
pub mod org_units;
pub mod people;
pub mod preferences;
pub mod programs;
mod repeated_press;
pub mod reports;
pub mod research;
pub mod scheduling;
pub mod session;
mod settings_page;

use crate::AppState;
use crate::auth::{Auth, MaybeAuth};
use crate::error::AppError;
use crate::extract::FormData;
use app::i18n::{LANGUAGES, Tr};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::access::Role;
use domain::programs::ProgramKind;

/// What `base.html` needs: translator, title, the signed-in user and their CSRF token.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Translator for this request.
    pub t: Tr,
    /// Page title.
    pub title: String,
    /// Signed-in username.
    pub user: Option<String>,
    /// CSRF token for forms.
    pub csrf: String,
    /// Language switcher entries (the other languages).
    pub languages: Vec<(&'static str, &'static str)>,
    /// A system administrator is signed in (their pages are linked).
    pub admin: bool,
}

impl Layout {
    /// A layout for this request.
    pub fn new(
        state: &AppState,
        headers: &HeaderMap,
        auth: Option<&Auth>,
        title: impl Into<String>,
    ) -> Self {
        let t = translator(state, headers);
        Self {
            languages: LANGUAGES
                .iter()
                .filter(|(code, _, _)| *code != t.lang())
                .map(|(code, name, _)| (*code, *name))
                .collect(),
            t,
            title: title.into(),
            user: auth.map(|a| a.account.username.clone()),
            csrf: auth.map(|a| a.csrf_token().to_owned()).unwrap_or_default(),
            admin: auth.is_some_and(|a| a.viewer.is_admin),
        }
    }
}

/// The request's translator.
pub fn translator(state: &AppState, headers: &HeaderMap) -> Tr {
    let wanted = crate::extract::request_language(headers);
    state.app.i18n.translator(state.app.i18n.negotiate(&wanted))
}

/// The query of a page that a successful form redirects to: `done` names what the form did,
/// so the page confirms it once (on a slow link a manager otherwise cannot tell a save from a
/// reload).
#[derive(Debug, Default, serde::Deserialize)]
pub struct DoneQuery {
    /// What was done, one of the page's own values.
    #[serde(default)]
    pub done: Option<String>,
}

impl DoneQuery {
    /// The confirmation for `done` among the page's `(value, message id)` pairs; a visit
    /// without one, or with a value the page does not know, confirms nothing.
    pub fn notice(&self, t: &Tr, known: &[(&str, &str)]) -> Option<String> {
        let done = self.done.as_deref()?;
        known
            .iter()
            .find(|(value, _)| *value == done)
            .map(|(_, key)| t.get(key))
    }
}

/// Renders a template as an HTML response.
pub fn render(template: &impl Template) -> Result<Response, AppError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| AppError::caused("rendering a template", e))
}

/// Renders a page that may carry a refusal: 422 when `refused`, so browsers, clients and
/// tests see that the input was not accepted; 200 otherwise.
pub fn render_form(template: &impl Template, refused: bool) -> Result<Response, AppError> {
    let mut response = render(template)?;
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// A role's name as the program's field model calls it (peer leader / mentor…).
pub fn role_label(t: &Tr, role: Role, kind: Option<ProgramKind>) -> String {
    match (role, kind) {
        (Role::Mentor, Some(ProgramKind::PeerResearch)) => t.get("role-peer-leader"),
        (Role::Mentee, Some(ProgramKind::PeerResearch)) => t.get("role-peer-member"),
        _ => t.get(&format!("role-{}", role.as_str().replace('_', "-"))),
    }
}

/// A program kind's name.
pub fn kind_label(t: &Tr, kind: ProgramKind) -> String {
    t.get(&format!("kind-{}", kind.as_str().replace('_', "-")))
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The one stylesheet, cached for a day.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

/// The language switcher's form.
#[derive(Debug, serde::Deserialize)]
pub struct LanguageForm {
    lang: String,
}

/// `POST /language`: remembers the interface language in a cookie and goes back.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(auth): MaybeAuth,
    FormData(form): FormData<LanguageForm>,
) -> Result<Response, AppError> {
    let Some((code, _, _)) = LANGUAGES.iter().find(|(c, _, _)| *c == form.lang) else {
        return Err(AppError::invalid(
            "lang",
            format!("'{}' is not a supported language", form.lang),
        ));
    };
    if let Some(auth) = &auth {
        state
            .app
            .db
            .set_account_locale(&auth.actor(), auth.account.id, code)
            .await?;
    }
    // Only a same-site page may be returned to; anything else goes home.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_owned()))
        .filter(|p| is_local_path(p))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = crate::auth::set_cookie(
        "lang",
        code,
        Some(chrono::Duration::days(365)),
        state.auth.secure_cookies,
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}

/// Whether `target` is safe to redirect to: a path on this site. It must start with a single
/// `/`; `//host` and `/\host` are addresses on another site to a browser (which reads `\` as
/// `/`), so a backslash anywhere is refused, as are control characters (a header cannot carry
/// them, and a browser drops tabs and newlines from a URL before reading it).
pub(crate) fn is_local_path(target: &str) -> bool {
    target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control)
}

/// Any unknown path.
pub async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(uri.path().to_owned())
}
