//! Programs.

use super::{Page, PageParams};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use crate::extract::{ApiJson, Params};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldErrors;
use domain::ids::OrgUnitId;
use domain::programs::{NewProgram, Program, ProgramKind};
use domain::values::{Name, Slug};
use serde::{Deserialize, Serialize};

/// A program.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramBody {
    /// Id.
    pub id: i64,
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `peer_research` or `clinical_mentorship`.
    pub kind: String,
    /// Goals and scope.
    pub description: String,
    /// Covered org unit.
    pub root_org_unit: Option<i64>,
}

impl From<Program> for ProgramBody {
    fn from(p: Program) -> Self {
        Self {
            id: p.id.0,
            code: p.code.to_string(),
            name: p.name.to_string(),
            kind: p.kind.as_str().to_owned(),
            description: p.description,
            root_org_unit: p.root_org_unit.map(|o| o.0),
        }
    }
}

/// A program to create.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramInput {
    /// Unique code (letters, digits, `_`).
    pub code: String,
    /// Name.
    pub name: String,
    /// `peer_research` or `clinical_mentorship`.
    pub kind: String,
    /// Goals and scope.
    #[serde(default)]
    pub description: String,
    /// Covered org unit id.
    #[serde(default)]
    pub root_org_unit: Option<i64>,
}

/// Programs the caller belongs to.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs", params(PageParams), responses((status = 200, body = Page<ProgramBody>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Params(page): Params<PageParams>,
) -> Result<Json<Page<ProgramBody>>, AppError> {
    let (limit, offset) = page.checked()?;
    let all = state
        .app
        .db
        .programs()
        .await?
        .into_iter()
        .filter(|p| auth.viewer.can_view_program(p.id))
        .map(ProgramBody::from)
        .collect();
    Ok(Json(Page::of(all, limit, offset)))
}

/// Creates a program (system administrators).
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = ProgramInput, responses((status = 201, body = ProgramBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ProgramInput>,
) -> Result<(StatusCode, Json<ProgramBody>), AppError> {
    if !auth.viewer.is_admin {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let code = errors.check(Slug::parse(&input.code).map_err(|e| e.at("code")));
    let name = errors.check(Name::parse(&input.name));
    let kind = errors.check(ProgramKind::parse(&input.kind));
    let root_org_unit = match input.root_org_unit {
        Some(id) => match state.app.db.org_unit(OrgUnitId(id)).await {
            Ok(unit) => Some(unit.id),
            Err(_) => {
                errors.0.push(domain::FieldError::new(
                    "root_org_unit",
                    format!("no org unit has id {id}"),
                ));
                None
            }
        },
        None => None,
    };
    let (Some(code), Some(name), Some(kind)) = (code, name, kind) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let program = state
        .app
        .db
        .create_program(
            &auth.actor(),
            &NewProgram {
                code,
                name,
                kind,
                description: input.description,
                root_org_unit,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(program.into())))
}

/// One program.
#[utoipa::path(get, path = "/api/v1/programs/{program}", tag = "programs", params(("program" = i64, Path)), responses((status = 200, body = ProgramBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(VisibleProgram(program): VisibleProgram) -> Result<Json<ProgramBody>, AppError> {
    Ok(Json(program.into()))
}
