//! The JSON API under `/api/v1`, described by utoipa; `/api/openapi.json` serves the document
//! and a test keeps `docs/openapi.json` in step with it.
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

use crate::error::AppError;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "tandem API", version = "1", description = "Health-workforce mentorship programs: programs, org units, people, memberships, matching, research projects and outputs, scheduling and participation."),
    paths(
        me::me,
        programs::list, programs::create, programs::get,
        memberships::list, memberships::create, memberships::delete,
        org_units::list, org_units::create, org_units::get,
        people::list, people::create, people::get, people::update,
        audit::list,
        matching::get_settings, matching::put_settings, matching::set_capacity,
        matching::list_rules, matching::create_rule, matching::delete_rule,
        matching::set_preferences, matching::get_preferences,
        matching::list_proposals, matching::create_proposal, matching::get_proposal,
        matching::approve_proposal, matching::mentor_left,
        research::list_projects, research::create_project, research::get_project,
        research::move_project, research::add_roles, research::add_task, research::set_task_done,
        research::list_outputs, research::create_output, research::export_bibtex,
        research::export_csl_json,
        scheduling::get_availability, scheduling::put_availability, scheduling::find_slots,
        scheduling::plan_series, scheduling::list_sessions, scheduling::create_sessions,
        scheduling::record_attendance, scheduling::reschedule, scheduling::cancel,
        scheduling::invite, scheduling::new_feed, scheduling::participation,
        scheduling::queue_nudges,
        field::record_activity, field::list_activities, field::get_activity, field::update_action,
        field::list_courses, field::create_course, field::record_completion,
        field::activate_pairing, field::override_gate,
        field::list_sites, field::add_site, field::record_assessment, field::activate_site,
        field::dose, field::dose_csv,
        indicators::list_data_elements, indicators::create_data_element, indicators::save_values,
        indicators::completeness, indicators::list_indicators, indicators::create_indicator,
        indicators::list_targets, indicators::propose_target, indicators::sign_target,
        indicators::dhis2_export,
        facility_matching::get_settings, facility_matching::put_settings,
        facility_matching::propose_coupling, facility_matching::propose_teams,
        facility_matching::list_proposals, facility_matching::get_proposal,
        facility_matching::approve_proposal,
        facility_matching::list_couplings, facility_matching::list_teams,
    ),
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

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
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
