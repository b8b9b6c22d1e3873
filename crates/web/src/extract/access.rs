//! The program named by a route's `{program}`, loaded once with the viewer's right to it checked:
//! a handler that takes [`ManagedProgram`] cannot run for someone who does not manage it. The
//! rules themselves live in `app::scope`.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use app::scope;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::ids::ProgramId;
use domain::programs::Program;
use std::collections::HashMap;

/// A program the viewer may see.
#[derive(Debug, Clone)]
pub struct VisibleProgram(pub Program);

/// A program the viewer manages.
#[derive(Debug, Clone)]
pub struct ManagedProgram(pub Program);

/// A program the viewer may contribute to.
#[derive(Debug, Clone)]
pub struct ContributableProgram(pub Program);

/// A program the viewer may enter aggregate values in.
#[derive(Debug, Clone)]
pub struct ReportingProgram(pub Program);

/// The signed-in party and the `{program}` of the path; a non-number is a 404, as a missing
/// program would be.
async fn program_in_path(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(Auth, ProgramId), AppError> {
    let auth = Auth::from_request_parts(parts, state).await?;
    let path = parts.uri.path().to_owned();
    let not_found = move || AppError::NotFound(path.clone());
    let axum::extract::Path(params): axum::extract::Path<HashMap<String, String>> =
        axum::extract::Path::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
    let id = params
        .get("program")
        .and_then(|raw| raw.parse().ok())
        .ok_or_else(not_found)?;
    Ok((auth, ProgramId(id)))
}

impl FromRequestParts<AppState> for VisibleProgram {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (auth, id) = program_in_path(parts, state).await?;
        Ok(Self(
            scope::visible_program(&state.app.db, &auth.viewer, id).await?,
        ))
    }
}

impl FromRequestParts<AppState> for ManagedProgram {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (auth, id) = program_in_path(parts, state).await?;
        Ok(Self(
            scope::managed_program(&state.app.db, &auth.viewer, id).await?,
        ))
    }
}

impl FromRequestParts<AppState> for ContributableProgram {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (auth, id) = program_in_path(parts, state).await?;
        Ok(Self(
            scope::contributable_program(&state.app.db, &auth.viewer, id).await?,
        ))
    }
}

impl FromRequestParts<AppState> for ReportingProgram {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (auth, id) = program_in_path(parts, state).await?;
        Ok(Self(
            scope::reporting_program(&state.app.db, &auth.viewer, id).await?,
        ))
    }
}
