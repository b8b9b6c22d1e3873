//! Who the caller is.

use crate::auth::Auth;
use crate::error::AppError;
use axum::Json;
use serde::Serialize;

/// A role the caller holds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GrantBody {
    /// Program id.
    pub program: i64,
    /// Role name.
    pub role: String,
    /// Scope org-unit path.
    pub org_unit_path: String,
}

/// The caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeBody {
    /// Account id.
    pub account: i64,
    /// Username.
    pub username: String,
    /// Person id, if linked.
    pub person: Option<i64>,
    /// System administrator.
    pub is_admin: bool,
    /// Roles.
    pub grants: Vec<GrantBody>,
}

/// The signed-in account and its roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = MeBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(auth: Auth) -> Result<Json<MeBody>, AppError> {
    Ok(Json(MeBody {
        account: auth.account.id.0,
        username: auth.account.username.clone(),
        person: auth.account.person.map(|p| p.0),
        is_admin: auth.account.is_admin,
        grants: auth
            .viewer
            .grants
            .iter()
            .map(|g| GrantBody {
                program: g.program.0,
                role: g.role.as_str().to_owned(),
                org_unit_path: g.org_unit_path.clone(),
            })
            .collect(),
    }))
}
