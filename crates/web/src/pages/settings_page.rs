//! What the program pages of mentee matching and facility matching do alike: each holds its
//! area's settings form, which is saved and confirmed by the page (`?done=settings`) or, when
//! refused, shown again on the page with the refusal and what was typed (422); and each
//! confirms once what the form that sent the manager back to it did.

use super::DoneQuery;
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use app::i18n::Tr;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::ProgramId;
use domain::programs::Program;

/// A manager's program page that holds a settings form.
pub(super) trait SettingsPage {
    /// The settings form as typed (kept on a refusal so nothing has to be typed again).
    type Form: Send;
    /// The settings the form holds once checked.
    type Settings: Sync;
    /// The page's path below `/programs/{program}/`.
    const PATH: &'static str;
    /// What the page confirms after a successful form: `(done, message id)`.
    const DONE: &'static [(&'static str, &'static str)];

    /// The form's settings, or why they are refused in the reader's language.
    fn parse(form: &Self::Form, t: &Tr) -> Result<Self::Settings, String>;

    /// Stores the program's settings.
    fn save(
        state: &AppState,
        auth: &Auth,
        program: ProgramId,
        settings: &Self::Settings,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    /// The page, with a refusal and the form as typed (then 422) or with what was just done.
    fn show(
        state: &AppState,
        headers: &HeaderMap,
        auth: &Auth,
        program: Program,
        error: Option<String>,
        typed: Option<Self::Form>,
        notice: Option<String>,
    ) -> impl Future<Output = Result<Response, AppError>> + Send;
}

/// Where a successful form of page `P` sends the manager: back to the page, saying what was
/// done.
pub(super) fn done<P: SettingsPage>(program: ProgramId, done: &str) -> Response {
    Redirect::to(&format!("/programs/{program}/{}?done={done}", P::PATH)).into_response()
}

/// The page as a `GET` shows it, confirming what the form that led here did.
pub(super) async fn program<P: SettingsPage>(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    query: &DoneQuery,
) -> Result<Response, AppError> {
    let notice = query.notice(&super::translator(state, headers), P::DONE);
    P::show(state, headers, auth, program, None, None, notice).await
}

/// A posted settings form: saved and confirmed, or refused on the page as typed.
pub(super) async fn save_settings<P: SettingsPage>(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    form: P::Form,
) -> Result<Response, AppError> {
    let t = super::translator(state, headers);
    match P::parse(&form, &t) {
        Ok(settings) => {
            P::save(state, auth, program.id, &settings).await?;
            Ok(done::<P>(program.id, "settings"))
        }
        Err(message) => {
            P::show(
                state,
                headers,
                auth,
                program,
                Some(message),
                Some(form),
                None,
            )
            .await
        }
    }
}
