//! The JSON API under `/api/v1`, described by utoipa; [`router`] registers each handler from its
//! own `#[utoipa::path]`, `/api/openapi.json` serves the document the router gathers, and a
//! test keeps `docs/openapi.json` in step with it.
//!
//! Conventions: bearer tokens (`Authorization: Bearer tdm_…`) or a browser session; lists
//! take `limit` (1–200, default 50) and `offset` and answer `{items, total, limit, offset}`;
//! every error answers `{"error":{"code","message","field"}}` with a 4xx or 5xx status.

pub mod audit;
pub mod facility_matching;
pub mod field;
pub mod indicators;
pub mod matching;
pub mod me;
pub mod memberships;
pub mod org_units;
pub mod people;
pub mod programs;
pub mod research;
pub mod scheduling;

use crate::AppState;
use crate::error::AppError;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "tandem API", version = "1", description = "Health-workforce mentorship programs: programs, org units, people, memberships, matching, research projects and outputs, scheduling and participation."),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route, each written once: its `#[utoipa::path]` is both the route the router
/// serves and the operation the document describes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::me))
        .routes(routes!(programs::list))
        .routes(routes!(programs::create))
        .routes(routes!(programs::get))
        .routes(routes!(memberships::list))
        .routes(routes!(memberships::create))
        .routes(routes!(memberships::delete))
        .routes(routes!(org_units::list))
        .routes(routes!(org_units::create))
        .routes(routes!(org_units::get))
        .routes(routes!(people::list))
        .routes(routes!(people::create))
        .routes(routes!(people::get))
        .routes(routes!(people::update))
        .routes(routes!(audit::list))
        .routes(routes!(matching::get_settings))
        .routes(routes!(matching::put_settings))
        .routes(routes!(matching::set_capacity))
        .routes(routes!(matching::list_rules))
        .routes(routes!(matching::create_rule))
        .routes(routes!(matching::delete_rule))
        .routes(routes!(matching::set_preferences))
        .routes(routes!(matching::list_proposals))
        .routes(routes!(matching::create_proposal))
        .routes(routes!(matching::get_proposal))
        .routes(routes!(matching::approve_proposal))
        .routes(routes!(matching::mentor_left))
        .routes(routes!(field::list_activities))
        .routes(routes!(field::record_activity))
        .routes(routes!(field::get_activity))
        .routes(routes!(field::update_action))
        .routes(routes!(field::list_courses))
        .routes(routes!(field::create_course))
        .routes(routes!(field::record_completion))
        .routes(routes!(field::activate_pairing))
        .routes(routes!(field::override_gate))
        .routes(routes!(field::dose))
        .routes(routes!(field::dose_csv))
        .routes(routes!(field::list_sites))
        .routes(routes!(field::add_site))
        .routes(routes!(field::record_assessment))
        .routes(routes!(field::activate_site))
        .routes(routes!(indicators::list_data_elements))
        .routes(routes!(indicators::create_data_element))
        .routes(routes!(indicators::save_values))
        .routes(routes!(indicators::completeness))
        .routes(routes!(indicators::list_indicators))
        .routes(routes!(indicators::create_indicator))
        .routes(routes!(indicators::list_targets))
        .routes(routes!(indicators::propose_target))
        .routes(routes!(indicators::sign_target))
        .routes(routes!(indicators::dhis2_export))
        .routes(routes!(research::list_projects))
        .routes(routes!(research::create_project))
        .routes(routes!(research::get_project))
        .routes(routes!(research::move_project))
        .routes(routes!(research::add_roles))
        .routes(routes!(research::add_task))
        .routes(routes!(research::set_task_done))
        .routes(routes!(research::list_outputs))
        .routes(routes!(research::create_output))
        .routes(routes!(research::export_bibtex))
        .routes(routes!(research::export_csl_json))
        .routes(routes!(scheduling::get_availability))
        .routes(routes!(scheduling::put_availability))
        .routes(routes!(scheduling::find_slots))
        .routes(routes!(scheduling::plan_series))
        .routes(routes!(scheduling::list_sessions))
        .routes(routes!(scheduling::create_sessions))
        .routes(routes!(scheduling::record_attendance))
        .routes(routes!(scheduling::reschedule))
        .routes(routes!(scheduling::cancel))
        .routes(routes!(scheduling::invite))
        .routes(routes!(scheduling::new_feed))
        .routes(routes!(scheduling::participation))
        .routes(routes!(scheduling::queue_nudges))
        .routes(routes!(matching::get_preferences))
        .routes(routes!(facility_matching::get_settings))
        .routes(routes!(facility_matching::put_settings))
        .routes(routes!(facility_matching::propose_coupling))
        .routes(routes!(facility_matching::propose_teams))
        .routes(routes!(facility_matching::list_proposals))
        .routes(routes!(facility_matching::get_proposal))
        .routes(routes!(facility_matching::approve_proposal))
        .routes(routes!(facility_matching::list_couplings))
        .routes(routes!(facility_matching::list_teams))
}

/// The OpenAPI document: the API router's description of itself.
pub fn document() -> utoipa::openapi::OpenApi {
    router().into_openapi()
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    static DOCUMENT: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(document).clone())
}

/// Pagination parameters.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl PageParams {
    /// Checked `(limit, offset)`.
    pub fn checked(self) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if !(1..=200).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 200"));
        }
        if offset < 0 {
            return Err(AppError::invalid("offset", "must be 0 or more"));
        }
        Ok((limit, offset))
    }
}

/// A page of items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many match in all.
    pub total: i64,
    /// Page size asked for.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

impl<T> Page<T> {
    /// Slices an in-memory list (small lists: programs, org units).
    pub fn of(all: Vec<T>, limit: i64, offset: i64) -> Self {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect();
        Self {
            items,
            total,
            limit,
            offset,
        }
    }
}
