//! Sign-in, sign-out and personal access tokens.

use super::{Layout, render};
use crate::AppState;
use crate::auth::{self, Auth, LOGIN_CSRF_COOKIE, MaybeAuth, SESSION_COOKIE, SignIn};
use crate::error::AppError;
use crate::extract::csrf::{Button, CheckedForm};
use crate::extract::{FormData, Params};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::SessionId;
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
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
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

#[derive(Template)]
#[template(path = "session/tokens.html")]
struct TokensPage {
    layout: Layout,
    new_token: Option<String>,
    error: Option<String>,
}

/// `GET /account/tokens`.
pub async fn tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("tokens-title");
    render(&TokensPage {
        layout,
        new_token: None,
        error: None,
    })
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    name: String,
}

/// `POST /account/tokens`: creates a personal access token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    CheckedForm(form): CheckedForm<TokenForm>,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("tokens-title");
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let error = Some(format!("name: {}", layout.t.get("tokens-name-invalid")));
        let mut response = render(&TokensPage {
            layout,
            new_token: None,
            error,
        })?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let token = format!("tdm_{}", app::accounts::random_token()?);
    state
        .app
        .db
        .create_api_token(
            &auth.actor(),
            auth.account.id,
            name,
            &app::accounts::token_hash(&token),
        )
        .await?;
    render(&TokensPage {
        layout,
        new_token: Some(token),
        error: None,
    })
}
