//! Facility coupling and mentor team formation (C5): settings, proposals, approval, and the
//! program's current couplings and teams. Program managers (and administrators) only, like
//! mentee matching. The work itself is in [`app::facility_matching`].

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::ManagedProgram;
use crate::extract::{ApiJson, PathId};
use app::facility_matching::{self, FacilityResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ids::{FacilityProposalId, ProgramId};
use matching::FacilitySettings;
use serde::Serialize;
use store::facility_matching::{
    ActiveCoupling, ActiveTeamMember, ApprovalCounts, FacilityProposalKind, StoredFacilityProposal,
};

/// The program's coupling and team settings (defaults until saved).
#[utoipa::path(get, path = "/api/v1/programs/{program}/facility-matching/settings", tag = "facility matching", params(("program" = i64, Path)), responses((status = 200, body = FacilitySettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<FacilitySettings>, AppError> {
    Ok(Json(
        state.app.db.facility_matching_settings(program.id).await?,
    ))
}

/// Replaces the program's coupling and team settings; missing fields take their defaults.
/// Threshold 0–100 (%), counts at least 1, km more than 0; a refusal names the field.
#[utoipa::path(put, path = "/api/v1/programs/{program}/facility-matching/settings", tag = "facility matching", params(("program" = i64, Path)), request_body = FacilitySettings, responses((status = 200, body = FacilitySettings), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(settings): ApiJson<FacilitySettings>,
) -> Result<Json<FacilitySettings>, AppError> {
    state
        .app
        .db
        .set_facility_matching_settings(&auth.actor(), program.id, &settings)
        .await?;
    Ok(Json(settings))
}

/// A facility proposal with its explained result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacilityProposalBody {
    /// Id.
    pub id: i64,
    /// Program.
    pub program: i64,
    /// `coupling` or `teams`.
    pub kind: FacilityProposalKind,
    /// Where it stands.
    pub status: domain::matching::ProposalStatus,
    /// Why it was run.
    pub reason: String,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The explained couplings or teams.
    pub result: FacilityResult,
}

/// The API shape of a stored proposal.
pub(crate) fn body(stored: &StoredFacilityProposal) -> Result<FacilityProposalBody, AppError> {
    Ok(FacilityProposalBody {
        id: stored.id.0,
        program: stored.program.0,
        kind: stored.kind,
        status: stored.status,
        reason: stored.reason.to_string(),
        created_by: stored.created_by.clone(),
        created_at: stored.created_at,
        result: facility_matching::result_of(stored)?,
    })
}

/// One line of the program's facility proposals (the whole result is in [`get_proposal`]).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacilityProposalSummary {
    /// Id.
    pub id: i64,
    /// `coupling` or `teams`.
    pub kind: FacilityProposalKind,
    /// Where it stands.
    pub status: domain::matching::ProposalStatus,
    /// Why it was run.
    pub reason: String,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it was approved or discarded.
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The program's facility proposals, newest first (at most 50).
#[utoipa::path(get, path = "/api/v1/programs/{program}/facility-matching/proposals", tag = "facility matching", params(("program" = i64, Path)), responses((status = 200, body = Vec<FacilityProposalSummary>), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Vec<FacilityProposalSummary>>, AppError> {
    let list = state
        .app
        .db
        .facility_proposals_of_program(program.id, 50)
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|p| FacilityProposalSummary {
                id: p.id.0,
                kind: p.kind,
                status: p.status,
                reason: p.reason.to_string(),
                created_by: p.created_by,
                created_at: p.created_at,
                decided_at: p.decided_at,
            })
            .collect(),
    ))
}

/// Couples each weak facility (readiness below the threshold) with a nearby strong one and
/// stores a draft proposal: every pair with both readiness figures and the distance, every
/// uncoupled facility with its reason.
#[utoipa::path(post, path = "/api/v1/programs/{program}/facility-matching/coupling-proposals", tag = "facility matching", params(("program" = i64, Path)), responses((status = 201, body = FacilityProposalBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn propose_coupling(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<(StatusCode, Json<FacilityProposalBody>), AppError> {
    propose(&state, &auth, program.id, FacilityProposalKind::Coupling).await
}

/// Forms a mentor team per site covering the required cadres and stores a draft proposal:
/// members with their distance, missing cadres with the reason.
#[utoipa::path(post, path = "/api/v1/programs/{program}/facility-matching/team-proposals", tag = "facility matching", params(("program" = i64, Path)), responses((status = 201, body = FacilityProposalBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn propose_teams(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<(StatusCode, Json<FacilityProposalBody>), AppError> {
    propose(&state, &auth, program.id, FacilityProposalKind::Teams).await
}

/// A proposal of `kind` run by the manager, answered with its explained body (201).
async fn propose(
    state: &AppState,
    auth: &Auth,
    program: ProgramId,
    kind: FacilityProposalKind,
) -> Result<(StatusCode, Json<FacilityProposalBody>), AppError> {
    let stored = facility_matching::propose(
        &state.app.db,
        &auth.actor(),
        program,
        kind,
        &domain::matching::ProposalReason::ByManager,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(body(&stored)?)))
}

/// One facility proposal, explained.
#[utoipa::path(get, path = "/api/v1/facility-matching/proposals/{proposal}", tag = "facility matching", params(("proposal" = i64, Path)), responses((status = 200, body = FacilityProposalBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_proposal(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<FacilityProposalBody>, AppError> {
    let stored =
        app::scope::managed_facility_proposal(&state.app.db, &auth.viewer, FacilityProposalId(id))
            .await?;
    Ok(Json(body(&stored)?))
}

/// Approves a draft: its couplings (or team members) become active and the program's previous
/// ones end. Refused (`proposal`) when it is not a draft or its inputs changed since it ran.
#[utoipa::path(post, path = "/api/v1/facility-matching/proposals/{proposal}/approve", tag = "facility matching", params(("proposal" = i64, Path)), responses((status = 200, body = ApprovalCounts), (status = 422, body = crate::error::ErrorBody)))]
pub async fn approve_proposal(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<ApprovalCounts>, AppError> {
    app::scope::managed_facility_proposal(&state.app.db, &auth.viewer, FacilityProposalId(id))
        .await?;
    Ok(Json(
        facility_matching::approve(&state.app.db, &auth.actor(), FacilityProposalId(id)).await?,
    ))
}

/// The program's active couplings.
#[utoipa::path(get, path = "/api/v1/programs/{program}/facility-matching/couplings", tag = "facility matching", params(("program" = i64, Path)), responses((status = 200, body = Vec<ActiveCoupling>)))]
pub async fn list_couplings(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Vec<ActiveCoupling>>, AppError> {
    Ok(Json(state.app.db.active_couplings(program.id).await?))
}

/// The program's active team members, by facility.
#[utoipa::path(get, path = "/api/v1/programs/{program}/facility-matching/teams", tag = "facility matching", params(("program" = i64, Path)), responses((status = 200, body = Vec<ActiveTeamMember>)))]
pub async fn list_teams(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Vec<ActiveTeamMember>>, AppError> {
    Ok(Json(state.app.db.active_team_members(program.id).await?))
}
