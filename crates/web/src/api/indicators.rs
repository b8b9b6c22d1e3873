//! Monitoring and evaluation (C2, C10): data elements, aggregate values per facility and
//! period, indicator definitions, completeness and timeliness of reporting, targets with the
//! sign-off of each stakeholder group, and the DHIS2 `dataValueSets` export. Members read;
//! managers define; managers, facility leaders and mentors enter values; stakeholders sign.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::{ManagedProgram, VisibleProgram};
use crate::extract::{ApiJson, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ids::{PersonId, TargetId};
use domain::indicators::NewValue;
use serde::Deserialize;
use store::indicators::{
    CompletenessRow, DataElementRecord, IndicatorRecord, NewDataElement, NewIndicator, SaveCounts,
    Target,
};

/// The program's data elements.
#[utoipa::path(get, path = "/api/v1/programs/{program}/data-elements", tag = "indicators", params(("program" = i64, Path)), responses((status = 200, body = Vec<DataElementRecord>)))]
pub async fn list_data_elements(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<DataElementRecord>>, AppError> {
    Ok(Json(state.app.db.data_elements(program.id).await?))
}

/// Defines a data element (managers).
#[utoipa::path(post, path = "/api/v1/programs/{program}/data-elements", tag = "indicators", params(("program" = i64, Path)), request_body = NewDataElement, responses((status = 201, body = DataElementRecord), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_data_element(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<NewDataElement>,
) -> Result<(StatusCode, Json<DataElementRecord>), AppError> {
    let element =
        app::indicators::create_data_element(&state.app, &auth.actor(), &program, &input).await?;
    Ok((StatusCode::CREATED, Json(element)))
}

/// Saves aggregate values (all or nothing; each error names `values[i].<field>`).
#[utoipa::path(post, path = "/api/v1/programs/{program}/data-values", tag = "indicators", params(("program" = i64, Path)), request_body = Vec<NewValue>, responses((status = 200, body = SaveCounts), (status = 422, body = crate::error::ErrorBody)))]
pub async fn save_values(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    ApiJson(input): ApiJson<Vec<NewValue>>,
) -> Result<Json<SaveCounts>, AppError> {
    Ok(Json(
        app::indicators::save_values(&state.app, &auth.actor(), &auth.viewer, &program, &input)
            .await?,
    ))
}

/// Which periods a report covers.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Span {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`), at most ten years after the first.
    pub to: String,
    /// Period type for completeness (`Monthly`, `Quarterly`…; default `Monthly`).
    #[serde(default)]
    pub period_type: Option<String>,
    /// Days after a period's end a report still counts as on time (default 15, at most 366).
    #[serde(default)]
    pub deadline_days: Option<u32>,
}

/// The longest a report may be late and still count as on time: a year.
const MAX_DEADLINE_DAYS: u32 = 366;

fn span(span: &Span) -> Result<(chrono::NaiveDate, chrono::NaiveDate), AppError> {
    let span = domain::values::DateSpan::parse(&span.from, &span.to)?;
    Ok((span.from, span.to))
}

/// Completeness and timeliness of reporting per facility and period.
#[utoipa::path(get, path = "/api/v1/programs/{program}/completeness", tag = "indicators", params(("program" = i64, Path), Span), responses((status = 200, body = Vec<CompletenessRow>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn completeness(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
    Params(query): Params<Span>,
) -> Result<Json<Vec<CompletenessRow>>, AppError> {
    let (from, to) = span(&query)?;
    let deadline_days = query
        .deadline_days
        .unwrap_or(store::indicators::DEFAULT_DEADLINE_DAYS);
    if deadline_days > MAX_DEADLINE_DAYS {
        return Err(AppError::invalid(
            "deadline_days",
            format!("must be at most {MAX_DEADLINE_DAYS}"),
        ));
    }
    let period_type = query
        .period_type
        .as_deref()
        .unwrap_or("Monthly")
        .parse::<indicators::periods::PeriodType>()
        .map_err(|e| AppError::invalid("period_type", e.to_string()))?;
    Ok(Json(
        state
            .app
            .db
            .completeness(program.id, period_type, from, to, deadline_days)
            .await?,
    ))
}

/// The program's indicator definitions.
#[utoipa::path(get, path = "/api/v1/programs/{program}/indicators", tag = "indicators", params(("program" = i64, Path)), responses((status = 200, body = Vec<IndicatorRecord>)))]
pub async fn list_indicators(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<IndicatorRecord>>, AppError> {
    Ok(Json(state.app.db.indicators(program.id).await?))
}

/// Defines an indicator (managers); every data element it names must exist.
#[utoipa::path(post, path = "/api/v1/programs/{program}/indicators", tag = "indicators", params(("program" = i64, Path)), request_body = NewIndicator, responses((status = 201, body = IndicatorRecord), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_indicator(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<NewIndicator>,
) -> Result<(StatusCode, Json<IndicatorRecord>), AppError> {
    let record = state
        .app
        .db
        .create_indicator(&auth.actor(), program.id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// The program's targets, every version, with their sign-offs.
#[utoipa::path(get, path = "/api/v1/programs/{program}/targets", tag = "indicators", params(("program" = i64, Path)), responses((status = 200, body = Vec<Target>)))]
pub async fn list_targets(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<Target>>, AppError> {
    Ok(Json(state.app.db.targets(program.id, None).await?))
}

/// A target to propose: a new version for this indicator, org unit and period.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// Indicator code.
    pub indicator: String,
    /// Org unit code.
    pub org_unit: String,
    /// DHIS2 period id (`2026Q3`, `2026July`…).
    pub period: String,
    /// The agreed value.
    pub value: f64,
    /// Why this value.
    #[serde(default)]
    pub note: String,
}

/// Proposes a target (managers); earlier versions stay, superseded.
#[utoipa::path(post, path = "/api/v1/programs/{program}/targets", tag = "indicators", params(("program" = i64, Path)), request_body = TargetInput, responses((status = 201, body = Target), (status = 422, body = crate::error::ErrorBody)))]
pub async fn propose_target(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<(StatusCode, Json<Target>), AppError> {
    let target = state
        .app
        .db
        .propose_target(
            &auth.actor(),
            program.id,
            &input.indicator,
            &input.org_unit,
            &input.period,
            input.value,
            &input.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(target)))
}

/// A sign-off.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInput {
    /// `mentees`, `mentors`, `facility_leaders`, `regional_authority` or `program_managers`.
    pub group: String,
    /// Optional comment.
    #[serde(default)]
    pub comment: String,
}

/// Signs a target for the caller's stakeholder group (once per group).
#[utoipa::path(post, path = "/api/v1/targets/{target}/sign", tag = "indicators", params(("target" = i64, Path)), request_body = SignInput, responses((status = 200, body = Target), (status = 422, body = crate::error::ErrorBody)))]
pub async fn sign_target(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<SignInput>,
) -> Result<Json<Target>, AppError> {
    let target = state.app.db.target(TargetId(id)).await?;
    let indicator = state.app.db.indicator(target.indicator).await?;
    app::scope::visible_program(&state.app.db, &auth.viewer, indicator.program).await?;
    let person: PersonId = auth.viewer.person.ok_or_else(|| {
        AppError::invalid(
            "person",
            "this account is not linked to a person who can sign",
        )
    })?;
    Ok(Json(
        state
            .app
            .db
            .sign_target(
                &auth.actor(),
                TargetId(id),
                &input.group,
                person,
                &input.comment,
            )
            .await?,
    ))
}

/// The values of a span as a DHIS2 `dataValueSets` JSON document (data elements and org
/// units by code; values without a DHIS2 mapping are left out), ready to import in DHIS2.
#[utoipa::path(get, path = "/api/v1/programs/{program}/dhis2/dataValueSets.json", tag = "indicators", params(("program" = i64, Path), Span), responses((status = 200, content_type = "application/json", body = dhis2::payload::Body), (status = 422, body = crate::error::ErrorBody)))]
pub async fn dhis2_export(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
    Params(query): Params<Span>,
) -> Result<Response, AppError> {
    let (from, to) = span(&query)?;
    let set = app::dhis2::data_value_set(&state.app.db, program.id, from, to).await?;
    Ok(crate::download::download(
        String::from_utf8_lossy(&set.to_json()).into_owned(),
        "application/json",
        &format!("{}-dataValueSets.json", program.code),
    ))
}
