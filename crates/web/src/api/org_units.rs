//! The org-unit tree.

use super::{Page, PageParams};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::{ApiJson, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ids::OrgUnitId;
use domain::org_units::{OrgUnit, OrgUnitInput};
use serde::Serialize;

/// An org unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrgUnitBody {
    /// Id.
    pub id: i64,
    /// Parent id.
    pub parent: Option<i64>,
    /// `country`, `region`, `district` or `facility`.
    pub level: String,
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// DHIS2 UID.
    pub dhis2_uid: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Materialised path of ids.
    pub path: String,
}

impl From<OrgUnit> for OrgUnitBody {
    fn from(u: OrgUnit) -> Self {
        Self {
            id: u.id.0,
            parent: u.parent.map(|p| p.0),
            level: u.level.as_str().to_owned(),
            code: u.code.to_string(),
            name: u.name.to_string(),
            dhis2_uid: u.dhis2_uid.map(|d| d.to_string()),
            latitude: u.coordinates.map(|c| c.latitude),
            longitude: u.coordinates.map(|c| c.longitude),
            path: u.path,
        }
    }
}

/// The units the caller may see, in tree order.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org units", params(PageParams), responses((status = 200, body = Page<OrgUnitBody>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Params(page): Params<PageParams>,
) -> Result<Json<Page<OrgUnitBody>>, AppError> {
    let (limit, offset) = page.checked()?;
    let all = state
        .app
        .db
        .org_units()
        .await?
        .into_iter()
        .filter(|u| auth.viewer.can_view_org_unit(&u.path))
        .map(OrgUnitBody::from)
        .collect();
    Ok(Json(Page::of(all, limit, offset)))
}

/// Creates a unit under the parent its `parent_code` names (program managers).
#[utoipa::path(post, path = "/api/v1/org-units", tag = "org units", request_body = OrgUnitInput, responses((status = 201, body = OrgUnitBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<OrgUnitInput>,
) -> Result<(StatusCode, Json<OrgUnitBody>), AppError> {
    if !auth.viewer.manages_any_program() {
        return Err(AppError::Forbidden);
    }
    let new = input.validate()?;
    let unit = app::org_units::create(&state.app, &auth.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/org-units/{org_unit}", tag = "org units", params(("org_unit" = i64, Path)), responses((status = 200, body = OrgUnitBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<OrgUnitBody>, AppError> {
    let unit = state.app.db.org_unit(OrgUnitId(id)).await?;
    if !auth.viewer.can_view_org_unit(&unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(unit.into()))
}
