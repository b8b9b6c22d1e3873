//! Administrators' pages: sign-in lockouts, and lifting them.

use super::{DoneQuery, Layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Params;
use crate::extract::csrf::CheckedForm;
use app::accounts::Locked;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A lockout as the page lists it.
struct LockoutLine {
    key: String,
    /// The account's username or the address.
    who: String,
    /// Message id of what is locked (account or address).
    kind: &'static str,
    failures: i64,
    until: String,
}

#[derive(Template)]
#[template(path = "admin/lockouts.html")]
struct LockoutsPage {
    layout: Layout,
    explain: String,
    notice: Option<String>,
    lockouts: Vec<LockoutLine>,
}

fn admin_only(auth: &Auth) -> Result<(), AppError> {
    if auth.viewer.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /admin/lockouts`: the sign-in lockouts in force (accounts and client addresses), for
/// an administrator to lift.
pub async fn lockouts(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    Params(done): Params<DoneQuery>,
) -> Result<Response, AppError> {
    admin_only(&auth)?;
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("lockouts-title");
    let throttle = state.auth.throttle();
    let lockouts = app::accounts::lockouts(&state.app.db, &throttle, store::now())
        .await?
        .into_iter()
        .map(|lockout| {
            let (who, kind) = match lockout.locked {
                Locked::Account(username) => (username, "lockouts-account"),
                Locked::Address(address) => (address, "lockouts-address"),
            };
            LockoutLine {
                key: lockout.key,
                who,
                kind,
                failures: lockout.failures,
                until: lockout.until.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            }
        })
        .collect();
    let explain = layout.t.with_args(
        "lockouts-explain",
        &[
            ("account", &throttle.per_account),
            ("address", &throttle.per_address),
            ("minutes", &throttle.window.num_minutes()),
        ],
    );
    let notice = done.notice(&layout.t, &[("unlocked", "lockouts-unlocked")]);
    render(&LockoutsPage {
        layout,
        explain,
        notice,
        lockouts,
    })
}

/// The unlock button's form.
#[derive(Debug, Deserialize)]
pub struct UnlockForm {
    /// The lockout's throttle key (`account:<username>` or `addr:<address>`).
    key: String,
}

/// `POST /admin/lockouts/unlock`: an administrator forgets a key's failed sign-ins, so the
/// account (or everyone at the address) may sign in at once.
pub async fn unlock(
    State(state): State<AppState>,
    auth: Auth,
    CheckedForm(form): CheckedForm<UnlockForm>,
) -> Result<Response, AppError> {
    admin_only(&auth)?;
    let key = form.key.trim();
    if !(key.starts_with("account:") || key.starts_with("addr:")) || key.len() > 300 {
        return Err(AppError::invalid(
            "key",
            "must name an account (account:…) or an address (addr:…)",
        ));
    }
    state.app.db.unlock_login(&auth.actor(), key).await?;
    Ok(Redirect::to("/admin/lockouts?done=unlocked").into_response())
}
