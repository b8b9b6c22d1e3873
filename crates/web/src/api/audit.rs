//! The audit log (system administrators).

use super::{Page, PageParams};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Params;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use store::audit::AuditEntry;

/// Filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entity kind (`person`, `org_unit`, `membership`, …); with `entity_id`.
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
    /// Items per page, 1–200.
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Changes, newest first: who, what, when (UTC), before and after.
#[utoipa::path(get, path = "/api/v1/audit", tag = "access", params(AuditParams), responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Params(params): Params<AuditParams>,
) -> Result<Json<Page<AuditEntry>>, AppError> {
    if !auth.viewer.is_admin {
        return Err(AppError::Forbidden);
    }
    let (limit, offset) = PageParams {
        limit: params.limit,
        offset: params.offset,
    }
    .checked()?;
    let entity = match (&params.entity, &params.entity_id) {
        (Some(kind), Some(id)) => Some((kind.as_str(), id.as_str())),
        (None, None) => None,
        (Some(_), None) => return Err(AppError::invalid("entity_id", "is required with entity")),
        (None, Some(_)) => return Err(AppError::invalid("entity", "is required with entity_id")),
    };
    let items = state.app.db.audit_entries(entity, limit, offset).await?;
    let total = state.app.db.audit_count(entity).await?;
    Ok(Json(Page {
        items,
        total,
        limit,
        offset,
    }))
}
