//! Memberships: a person's role in a program at an org unit.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use crate::extract::{ApiJson, PathId};
use app::scope::{member_scope, visible_filter};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Role;
use domain::ids::{MembershipId, OrgUnitId, PersonId};
use serde::Deserialize;
use store::memberships::Membership;

/// A membership to create.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipInput {
    /// Person id.
    pub person: i64,
    /// `program_manager`, `mentor`, `mentee`, `facility_leader` or `regional_viewer`.
    pub role: String,
    /// Scope org-unit id (a facility for facility leaders, a region for regional viewers).
    pub org_unit: i64,
}

/// The program's memberships the caller may see.
#[utoipa::path(get, path = "/api/v1/programs/{program}/memberships", tag = "memberships", params(("program" = i64, Path)), responses((status = 200, body = Vec<Membership>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<Membership>>, AppError> {
    let memberships = match member_scope(&auth.viewer, program.id) {
        Some(scope) => {
            state
                .app
                .db
                .memberships_of_program(program.id, &scope)
                .await?
        }
        None => {
            let only = visible_filter(&state.app.db, &auth.viewer, program.id)
                .await?
                .only
                .unwrap_or_default();
            state
                .app
                .db
                .memberships_of_program(program.id, "")
                .await?
                .into_iter()
                .filter(|m| only.contains(&m.person))
                .collect()
        }
    };
    Ok(Json(memberships))
}

/// Gives a person a role in the program (managers).
#[utoipa::path(post, path = "/api/v1/programs/{program}/memberships", tag = "memberships", params(("program" = i64, Path)), request_body = MembershipInput, responses((status = 201, body = Membership), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    ApiJson(input): ApiJson<MembershipInput>,
) -> Result<(StatusCode, Json<Membership>), AppError> {
    if !auth.viewer.can_manage_program(program.id) {
        return Err(AppError::Forbidden);
    }
    let role = Role::parse(&input.role)?;
    if state.app.db.person(PersonId(input.person)).await.is_err() {
        return Err(AppError::invalid(
            "person",
            format!("no person has id {}", input.person),
        ));
    }
    let membership = state
        .app
        .db
        .add_membership(
            &auth.actor(),
            program.id,
            PersonId(input.person),
            role,
            OrgUnitId(input.org_unit),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(membership)))
}

/// Removes a membership (managers of its program).
#[utoipa::path(delete, path = "/api/v1/memberships/{membership}", tag = "memberships", params(("membership" = i64, Path)), responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    let membership = state.app.db.membership(MembershipId(id)).await?;
    if !auth.viewer.can_manage_program(membership.program) {
        return Err(AppError::Forbidden);
    }
    if !auth.viewer.is_admin
        && Some(membership.person) == auth.viewer.person
        && membership.role == Role::ProgramManager
    {
        // A manager removing their own role would lock themself out of the program.
        return Err(AppError::invalid(
            "membership",
            "you cannot remove your own program-manager role; ask another manager or an administrator",
        ));
    }
    state
        .app
        .db
        .remove_membership(&auth.actor(), membership.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
