//! Accounts, sessions, tokens, CSRF and sign-in throttling (C16).
//!
//! - Passwords: argon2id, hashed and checked by `app::accounts`.
//! - Sessions live in the database so several servers share them; the cookie holds a random
//!   token, the table only its SHA-256. A new token is issued at every sign-in (rotation), and
//!   a session ends after an idle period or an absolute lifetime, whichever comes first.
//! - Cookies are `HttpOnly`, `SameSite=Lax`, and `Secure` when served behind https.
//! - Forms carry a CSRF token bound to the session (the sign-in form: bound to a pre-session
//!   cookie, double-submit).
//! - API clients send `Authorization: Bearer <personal access token>`; no cookies, so no CSRF.
//! - API tokens may expire and may be revoked; either is refused with 401 and a code saying
//!   which (`token_expired`, `token_revoked`). A token's last use is written at most once per
//!   `store::accounts::TOKEN_USE_GRANULARITY_SECONDS`, so a client's burst is not a write each.
//! - Failed sign-ins are counted per account and per client address in the database, the
//!   address with a much higher limit (a hospital's staff share one address behind NAT). The
//!   client address is the socket peer; `X-Forwarded-For` is read only from the number of
//!   trusted proxy hops configured, counting from the right, so a client cannot reset its
//!   count by sending its own header. An attempt is counted before its password is checked
//!   (`Db::reserve_login_attempt`), so attempts sent at once cannot race past the limit.

use crate::AppState;
use crate::error::AppError;
pub use crate::extract::cookie;
use app::accounts::{random_token, token_hash, verify_password};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use domain::access::Viewer;
use std::net::SocketAddr;
use store::accounts::{Account, TokenCheck};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tandem_session";
/// Name of the pre-session cookie that protects the sign-in form.
pub const LOGIN_CSRF_COOKIE: &str = "tandem_login";

/// Session and throttling settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// A session unused this long ends.
    pub idle_timeout: chrono::Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: chrono::Duration,
    /// Set the `Secure` cookie attribute (serving behind https).
    pub secure_cookies: bool,
    /// Proxies in front of us whose `X-Forwarded-For` entries we trust (0: none).
    pub trusted_proxy_hops: usize,
    /// Failures per account within the window before sign-in is refused.
    pub max_failures_per_account: i64,
    /// Failures per client address within the window before sign-in is refused: much higher
    /// than per account, since everyone behind a hospital's NAT shares one address.
    pub max_failures_per_address: i64,
    /// The throttling window.
    pub failure_window: chrono::Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            idle_timeout: chrono::Duration::hours(2),
            absolute_timeout: chrono::Duration::hours(12),
            secure_cookies: false,
            trusted_proxy_hops: 0,
            max_failures_per_account: 5,
            max_failures_per_address: 100,
            failure_window: chrono::Duration::minutes(15),
        }
    }
}

impl AuthConfig {
    /// The sign-in throttle's limits.
    pub fn throttle(&self) -> app::accounts::Throttle {
        app::accounts::Throttle {
            per_account: self.max_failures_per_account,
            per_address: self.max_failures_per_address,
            window: self.failure_window,
        }
    }

    /// How stale a session's stored last-seen time may grow before a request writes it again:
    /// a tenth of the idle time-out, at most a minute. Coarser than the time-out itself, a
    /// session used more often than its time-out would still end (at a one-minute time-out,
    /// one used every 30 seconds never had its clock restarted).
    pub fn touch_granularity(&self) -> chrono::Duration {
        (self.idle_timeout / 10).min(chrono::Duration::minutes(1))
    }
}

/// A `Set-Cookie` value with our attributes; `max_age` of zero deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<chrono::Duration>,
    secure: bool,
) -> String {
    let mut built = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure);
    if let Some(age) = max_age {
        built = built.max_age(cookie::time::Duration::seconds(age.num_seconds()));
    }
    built.build().to_string()
}

/// The client address for throttling (see the module comment).
pub fn client_address(
    parts_headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted_hops: usize,
) -> String {
    let peer = peer.map_or_else(|| "unknown".to_owned(), |p| p.ip().to_string());
    if trusted_hops == 0 {
        return peer;
    }
    let forwarded: Vec<String> = parts_headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    // The last `trusted_hops` entries were appended by our proxies; the one they saw as
    // their client is at position len - trusted_hops. Entries left of it are the client's
    // own claims and are ignored.
    forwarded
        .len()
        .checked_sub(trusted_hops)
        .and_then(|i| forwarded.get(i).cloned())
        .unwrap_or(peer)
}

/// The signed-in party of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Their access grants.
    pub viewer: Viewer,
    /// Their account.
    pub account: Account,
    /// The session's CSRF token, for cookie sessions (none for bearer tokens).
    pub csrf: Option<String>,
    /// The session row, for sign-out.
    pub session_id: Option<i64>,
}

impl Auth {
    /// The audit actor for changes made by this party.
    pub fn actor(&self) -> store::Actor {
        store::Actor::account(self.account.id, &self.account.username)
    }

    /// Checks a submitted form's CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        match &self.csrf {
            // Bearer-token clients carry no ambient credentials to forge.
            None => Ok(()),
            Some(expected) if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) => Ok(()),
            Some(_) => Err(AppError::Csrf),
        }
    }

    /// The CSRF token to put in forms.
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Loads the viewer for an account.
pub async fn viewer_for(state: &AppState, account: &Account) -> Result<Viewer, AppError> {
    let grants = match account.person {
        Some(person) => state.app.db.grants_of(person).await?,
        None => Vec::new(),
    };
    Ok(Viewer {
        account: account.id,
        person: account.person,
        is_admin: account.is_admin,
        grants,
    })
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<Auth>() {
            return Ok(cached.clone());
        }
        let auth = authenticate(parts, state).await?;
        parts.extensions.insert(auth.clone());
        Ok(auth)
    }
}

/// The signed-in party, if any (pages that also serve visitors).
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Auth::from_request_parts(parts, state).await {
            Ok(auth) => Ok(MaybeAuth(Some(auth))),
            Err(AppError::Unauthorized) => Ok(MaybeAuth(None)),
            Err(other) => Err(other),
        }
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Auth, AppError> {
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let checked = state
            .app
            .db
            .check_api_token(&token_hash(token.trim()), store::now())
            .await?;
        let account_id = match checked {
            TokenCheck::Live(account) => account,
            TokenCheck::Expired => return Err(AppError::TokenExpired),
            TokenCheck::Revoked => return Err(AppError::TokenRevoked),
            TokenCheck::Unknown => return Err(AppError::Unauthorized),
        };
        let account = state.app.db.account(account_id).await?;
        let viewer = viewer_for(state, &account).await?;
        return Ok(Auth {
            viewer,
            account,
            csrf: None,
            session_id: None,
        });
    }
    let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
    let session = state
        .app
        .db
        .session(&token_hash(&token))
        .await?
        .ok_or(AppError::Unauthorized)?;
    let now = store::now();
    if session_expired(&state.auth, session.last_seen_at, session.expires_at, now) {
        state.app.db.delete_session(session.id).await?;
        return Err(AppError::Unauthorized);
    }
    // Write the idle clock only when it has grown stale: a page view should not always be a
    // write.
    if now - session.last_seen_at >= state.auth.touch_granularity() {
        state.app.db.touch_session(session.id, now).await?;
    }
    let account = state.app.db.account(session.account).await?;
    let viewer = viewer_for(state, &account).await?;
    Ok(Auth {
        viewer,
        account,
        csrf: Some(session.csrf_token),
        session_id: Some(session.id.0),
    })
}

/// Whether a session is past its idle or absolute limit.
pub fn session_expired(
    config: &AuthConfig,
    last_seen: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now >= expires_at || now - last_seen >= config.idle_timeout
}

/// Outcome of a sign-in attempt.
pub enum SignIn {
    /// Signed in: the new session's cookie token.
    Ok { token: String, account: Account },
    /// Wrong username or password.
    Refused,
}

/// Checks credentials with throttling, and on success opens a new session.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<SignIn, AppError> {
    let config = &state.auth;
    let now = store::now();
    let since = now - config.failure_window;
    let account_key = app::accounts::account_key(username);
    let address_key = app::accounts::address_key(address);
    let minutes = config.failure_window.num_minutes();
    // The attempt is counted before the password is checked, so that attempts sent at once
    // cannot all pass a count taken before any of them failed.
    let reserved = state
        .app
        .db
        .reserve_login_attempt(&[&account_key, &address_key], now, since)
        .await?;
    let ids: Vec<i64> = reserved.iter().map(|(id, _)| *id).collect();
    let within = match reserved.as_slice() {
        [(_, by_account), (_, by_address)] => {
            *by_account <= config.max_failures_per_account
                && *by_address <= config.max_failures_per_address
        }
        _ => {
            return Err(AppError::internal(
                "a sign-in reserved other than two attempts",
            ));
        }
    };
    if !within {
        state.app.db.release_login_attempt(&ids).await?;
        return Err(AppError::Throttled(minutes));
    }
    let account = state.app.db.account_by_username(username).await?;
    // Verify against a fixed hash when the account does not exist, so response time does not
    // reveal which usernames exist.
    let hash = account
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |a| a.password_hash.clone());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::caused("signing in", e))?;
    let Some(account) = account.filter(|_| matches) else {
        // The reserved attempts stand as the failures.
        return Ok(SignIn::Refused);
    };
    state.app.db.release_login_attempt(&ids).await?;
    state.app.db.clear_login_failures(&account_key).await?;
    let token = random_token()?;
    let csrf = random_token()?;
    state
        .app
        .db
        .create_session(
            account.id,
            &token_hash(&token),
            &csrf,
            now,
            now + config.absolute_timeout,
        )
        .await?;
    Ok(SignIn::Ok { token, account })
}

/// An argon2id hash of a random string nobody knows, for constant-time refusals.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wvq2bnmcY8ItrL2XiyXjWl8wlmvn0Qy4ZDZv9dDZ0P8";
