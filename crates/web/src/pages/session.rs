//! Sign-in, sign-out and personal access tokens.

use super::{Layout, render};
use crate::AppState;
use crate::auth::{self, Auth, LOGIN_CSRF_COOKIE, MaybeAuth, SESSION_COOKIE, SignIn};
use crate::error::AppError;
use crate::extract::csrf::{Button, CheckedForm};
use crate::extract::{FormData, Params, PathId};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{ApiTokenId, SessionId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "session/login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    username: String,
    next: String,
}

/// Where to go after signing in: only a local path, never another site.
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| super::is_local_path(n))
        .unwrap_or("/")
        .to_owned()
}

/// The sign-in page's query string.
#[derive(Debug, Deserialize)]
pub struct LoginParams {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(auth): MaybeAuth,
    Params(params): Params<LoginParams>,
) -> Result<Response, AppError> {
    let next = safe_next(params.next.as_deref());
    if auth.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    login_page(&state, &headers, None, String::new(), next, StatusCode::OK)
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    error: Option<String>,
    username: String,
    next: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, None, "");
    layout.title = layout.t.get("login-title");
    // Double-submit token for the sign-in form: reuse the visitor's if present.
    let token = match auth::cookie(headers, LOGIN_CSRF_COOKIE) {
        Some(existing) if existing.len() == 64 => existing,
        _ => app::accounts::random_token()?,
    };
    layout.csrf = token.clone();
    let cookie = auth::set_cookie(LOGIN_CSRF_COOKIE, &token, None, state.auth.secure_cookies);
    let mut response = render(&LoginPage {
        layout,
        error,
        username,
        next,
    })?;
    *response.status_mut() = status;
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: checks the credentials (throttled), opens a fresh session, and ends any
/// session the browser already had (rotation).
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::Peer(peer): crate::extract::Peer,
    FormData(form): FormData<LoginForm>,
) -> Result<Response, AppError> {
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        return Err(AppError::Csrf);
    }
    let address = auth::client_address(&headers, peer, state.auth.trusted_proxy_hops);
    match auth::sign_in(&state, &form.username, &form.password, &address).await? {
        SignIn::Refused => {
            let t = super::translator(&state, &headers);
            login_page(
                &state,
                &headers,
                Some(t.get("login-refused")),
                form.username,
                safe_next(form.next.as_deref()),
                StatusCode::UNAUTHORIZED,
            )
        }
        SignIn::Ok { token, account } => {
            if let Some(old) = auth::cookie(&headers, SESSION_COOKIE)
                && let Some(session) = state
                    .app
                    .db
                    .session(&app::accounts::token_hash(&old))
                    .await?
            {
                state.app.db.delete_session(session.id).await?;
            }
            let cookie = auth::set_cookie(SESSION_COOKIE, &token, None, state.auth.secure_cookies);
            let mut response = (
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&safe_next(form.next.as_deref())),
            )
                .into_response();
            // A language the person chose once follows them to every device.
            if !account.locale.is_empty() {
                let lang = auth::set_cookie(
                    "lang",
                    &account.locale,
                    Some(chrono::Duration::days(365)),
                    state.auth.secure_cookies,
                );
                if let Ok(value) = lang.parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            Ok(response)
        }
    }
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    auth: Auth,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    if let Some(id) = auth.session_id {
        state.app.db.delete_session(SessionId(id)).await?;
    }
    let cookie = auth::set_cookie(
        SESSION_COOKIE,
        "",
        Some(chrono::Duration::zero()),
        state.auth.secure_cookies,
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// A token as the tokens page lists it: never its secret.
struct TokenLine {
    id: i64,
    name: String,
    /// The owner's username, shown to an administrator listing everyone's.
    owner: String,
    created: String,
    expires: String,
    last_used: String,
    /// `live`, `expired` or `revoked` (a message id suffix).
    state: &'static str,
}

#[derive(Template)]
#[template(path = "session/tokens.html")]
struct TokensPage {
    layout: Layout,
    new_token: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    /// The expiry chosen in the form (days, or `never`).
    expires_days: String,
    name: String,
    tokens: Vec<TokenLine>,
    /// Whether the list holds other people's tokens too (an administrator's).
    everyone: bool,
}

/// The expiries the form offers, in days, with their message ids; `never` keeps a token until
/// it is revoked.
const EXPIRY_CHOICES: [(&str, &str); 4] = [
    ("30", "tokens-expiry-30"),
    ("90", "tokens-expiry-90"),
    ("365", "tokens-expiry-365"),
    ("never", "tokens-expiry-never"),
];

fn when(t: Option<chrono::DateTime<chrono::Utc>>, tr: &app::i18n::Tr) -> String {
    t.map_or_else(
        || tr.get("tokens-never"),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

async fn token_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    form: TokensForm,
) -> Result<TokensPage, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.get("tokens-title");
    let now = store::now();
    let tokens = app::accounts::visible_tokens(&state.app.db, &auth.viewer)
        .await?
        .into_iter()
        .map(|token| TokenLine {
            id: token.id.0,
            state: if token.revoked {
                "revoked"
            } else if token.is_live(now) {
                "live"
            } else {
                "expired"
            },
            created: when(Some(token.created_at), &layout.t),
            expires: when(token.expires_at, &layout.t),
            last_used: when(token.last_used_at, &layout.t),
            owner: token.username,
            name: token.name,
        })
        .collect();
    Ok(TokensPage {
        everyone: auth.viewer.is_admin,
        new_token: form.new_token,
        error: form.error,
        notice: form.notice,
        expires_days: form.expires_days,
        name: form.name,
        tokens,
        layout,
    })
}

/// What the tokens page shows beside the list.
#[derive(Default)]
struct TokensForm {
    new_token: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    expires_days: String,
    name: String,
}

/// `GET /account/tokens`: the person's own tokens (an administrator's list holds everyone's),
/// with the form to create one.
pub async fn tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Params(done): Params<super::DoneQuery>,
) -> Result<Response, AppError> {
    let t = super::translator(&state, &headers);
    let notice = done.notice(&t, &[("revoked", "tokens-revoked")]);
    let page = token_page(
        &state,
        &headers,
        &auth,
        TokensForm {
            notice,
            expires_days: app::accounts::DEFAULT_TOKEN_DAYS.to_string(),
            ..TokensForm::default()
        },
    )
    .await?;
    render(&page)
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    name: String,
    /// Days the token lives, or `never`; absent: the default (90 days).
    #[serde(default)]
    expires_days: Option<String>,
}

/// `POST /account/tokens`: creates a personal access token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    CheckedForm(form): CheckedForm<TokenForm>,
) -> Result<Response, AppError> {
    let t = super::translator(&state, &headers);
    let chosen = form
        .expires_days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(
            || app::accounts::DEFAULT_TOKEN_DAYS.to_string(),
            str::to_owned,
        );
    let days = match chosen.as_str() {
        "never" => Ok(None),
        other => other.parse::<i64>().map(Some).map_err(|_| ()),
    };
    let created = match days {
        Ok(days) => {
            app::accounts::create_token(
                &state.app.db,
                &auth.actor(),
                auth.account.id,
                &form.name,
                days,
                store::now(),
            )
            .await
        }
        Err(()) => Err(app::Error::invalid("expires_days", "not a number of days")),
    };
    match created {
        Ok(token) => {
            let page = token_page(
                &state,
                &headers,
                &auth,
                TokensForm {
                    new_token: Some(token.secret),
                    expires_days: chosen,
                    ..TokensForm::default()
                },
            )
            .await?;
            render(&page)
        }
        Err(app::Error::Invalid(e)) => {
            let key = if e.field == "expires_days" {
                "tokens-expiry-invalid"
            } else {
                "tokens-name-invalid"
            };
            let error = Some(format!("{}: {}", e.field, t.get(key)));
            let page = token_page(
                &state,
                &headers,
                &auth,
                TokensForm {
                    error,
                    expires_days: chosen,
                    name: form.name,
                    ..TokensForm::default()
                },
            )
            .await?;
            super::render_form(&page, true)
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /account/tokens/{token}/revoke`: its owner, or an administrator, revokes a token; it
/// is refused from then on. Anyone else's is refused (403).
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    app::accounts::revoke_token(&state.app.db, &auth.actor(), &auth.viewer, ApiTokenId(id)).await?;
    Ok(Redirect::to("/account/tokens?done=revoked").into_response())
}
