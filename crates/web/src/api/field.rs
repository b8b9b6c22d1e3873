//! Mentorship in the field (C3, C4, C6): activities with checklists, debriefs and action
//! items; courses, completions and the training gate; sites, assessments and activation.
//! Managers, mentors and mentees record activities; managers run courses, the gate and sites.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::{ContributableProgram, ManagedProgram, VisibleProgram};
use crate::extract::{ApiJson, PathId, PathIds};
use app::field::{ActivityInput, new_activity};
use app::field::{Answers, activity_filter, can_see_activity, checked_answers};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::ids::{
    ActionItemId, ActivityId, CourseId, FormId, OrgUnitId, PairingId, PersonId, ProgramId,
};
use serde::Deserialize;
use store::memberships::Pairing;
use store::readiness::{NewAssessment, Site, SiteAssessment};
use store::training::{Course, CourseCompletion};
use store::visits::{ActionItem, Activity, ActivityDetail};

/// Records an activity whole (nothing is written unless every part is valid).
///
/// With an `Idempotency-Key` header (1 to 128 visible ASCII characters the client makes up
/// once per activity), sending the same request again — a retry after a lost answer — records
/// nothing more and answers 200 with the activity the first one recorded. Keys are the
/// caller's own: another account's key is another key. The same key with a different request
/// is refused with 409.
#[utoipa::path(post, path = "/api/v1/programs/{program}/activities", tag = "field", params(("program" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "One key per activity: a repeat answers 200 with the first one's activity")), request_body = ActivityInput, responses((status = 201, body = ActivityDetail), (status = 200, description = "A repeat of a recorded Idempotency-Key", body = ActivityDetail), (status = 409, description = "The Idempotency-Key was used for a different request", body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<ActivityDetail>), AppError> {
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(value) => {
            let key = value.to_str().unwrap_or("\u{fffd}");
            store::visits::check_submission_key(key, IDEMPOTENCY_KEY)?;
            Some(key)
        }
        None => None,
    };
    let digest = app::field::request_digest(&input)?;
    let submission = key.map(|key| store::visits::Submission {
        key,
        request_sha256: &digest,
    });
    let recorded = app::field::record_activity(
        &state.app,
        &auth.actor(),
        program.id,
        submission,
        new_activity(&state.app.db, &auth.viewer, program.id, input),
    )
    .await
    .map_err(|e| match AppError::from(e) {
        // The key came in a header, so the refusal names the header.
        AppError::Conflict(clash) => AppError::Conflict(domain::FieldError {
            field: IDEMPOTENCY_KEY.to_owned(),
            ..clash
        }),
        other => other,
    })?;
    let status = if recorded.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(recorded.detail)))
}

/// The header that makes [`record_activity`] safe to retry (as in the IETF
/// `draft-ietf-httpapi-idempotency-key-header`).
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The most activities one answer of the list carries.
const ACTIVITY_PAGE_MAX: u32 = 1000;

/// Paging of the activity list: oldest first, so a device that syncs reads on from where it
/// stopped.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityPage {
    /// Activities per answer, 1–1000 (default 1000).
    pub limit: Option<i64>,
    /// Activities to skip (default 0).
    pub offset: Option<i64>,
}

/// The activities the caller may see (their subtree, or those they took part in), oldest
/// first, a page at a time: when the page is full, a `Link` header (RFC 8288) names the next
/// one, so no answer grows with the program's history.
#[utoipa::path(get, path = "/api/v1/programs/{program}/activities", tag = "field", params(("program" = i64, Path), ActivityPage), responses((status = 200, body = Vec<Activity>, headers(("Link" = String, description = "`<…?limit=N&offset=M>; rel=\"next\"` when there may be more"))), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list_activities(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    crate::extract::Params(page): crate::extract::Params<ActivityPage>,
) -> Result<axum::response::Response, AppError> {
    let limit = match page.limit {
        None => ACTIVITY_PAGE_MAX,
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=ACTIVITY_PAGE_MAX).contains(n))
            .ok_or_else(|| {
                AppError::invalid(
                    "limit",
                    format!("must be between 1 and {ACTIVITY_PAGE_MAX}"),
                )
            })?,
    };
    let offset = match page.offset {
        None => 0,
        Some(n) => {
            u32::try_from(n).map_err(|_| AppError::invalid("offset", "must be 0 or more"))?
        }
    };
    let filter = store::visits::ActivityFilter {
        limit: Some(limit),
        offset,
        ..activity_filter(&auth.viewer, program.id)
    };
    let activities = state.app.db.activities(program.id, &filter).await?;
    let full = activities.len() == limit as usize;
    let mut response = axum::response::IntoResponse::into_response(Json(activities));
    if full {
        let next = format!(
            "</api/v1/programs/{}/activities?limit={limit}&offset={}>; rel=\"next\"",
            program.id.0,
            u64::from(offset) + u64::from(limit)
        );
        if let Ok(value) = next.parse() {
            response
                .headers_mut()
                .insert(axum::http::header::LINK, value);
        }
    }
    Ok(response)
}

/// One activity with participants, cases, checklists, debrief and action items.
#[utoipa::path(get, path = "/api/v1/activities/{activity}", tag = "field", params(("activity" = i64, Path)), responses((status = 200, body = ActivityDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_activity(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<ActivityDetail>, AppError> {
    let detail = state.app.db.activity(ActivityId(id)).await?;
    if !can_see_activity(&auth.viewer, &detail) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(detail))
}

/// A follow-up on an action item.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    /// `open`, `done` or `dropped`.
    pub status: String,
    /// What was found at follow-up.
    #[serde(default)]
    pub note: String,
}

/// Updates an action item (its owner, or anyone who records activities in the program).
#[utoipa::path(post, path = "/api/v1/actions/{action}", tag = "field", params(("action" = i64, Path)), request_body = ActionUpdate, responses((status = 200, body = ActionItem), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update_action(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<ActionUpdate>,
) -> Result<Json<ActionItem>, AppError> {
    let action = state.app.db.action_item(ActionItemId(id)).await?;
    let detail = state.app.db.activity(action.activity).await?;
    if !app::scope::may_follow_up(&auth.viewer, &action, &detail) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(
        state
            .app
            .db
            .update_action(&auth.actor(), ActionItemId(id), &input.status, &input.note)
            .await?,
    ))
}

/// A course.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    /// Short code, unique in the program.
    pub code: String,
    /// Title.
    pub title: String,
    /// Hours.
    pub hours: f64,
    /// Mentees must complete it before their pairings start.
    #[serde(default)]
    pub required: bool,
}

/// The program's courses.
#[utoipa::path(get, path = "/api/v1/programs/{program}/courses", tag = "field", params(("program" = i64, Path)), responses((status = 200, body = Vec<Course>)))]
pub async fn list_courses(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<Course>>, AppError> {
    Ok(Json(state.app.db.courses(program.id).await?))
}

/// Adds a course (managers), optionally required before pairings start.
#[utoipa::path(post, path = "/api/v1/programs/{program}/courses", tag = "field", params(("program" = i64, Path)), request_body = CourseInput, responses((status = 201, body = Course), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_course(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<CourseInput>,
) -> Result<(StatusCode, Json<Course>), AppError> {
    let course = state
        .app
        .db
        .create_course(
            &auth.actor(),
            program.id,
            &input.code,
            &input.title,
            input.hours,
        )
        .await?;
    if input.required {
        state
            .app
            .db
            .require_course(&auth.actor(), program.id, course.id)
            .await?;
    }
    Ok((StatusCode::CREATED, Json(course)))
}

/// A completed course.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionInput {
    /// The person.
    pub person: i64,
    /// When (`YYYY-MM-DD`).
    pub completed_on: String,
    /// Certificate number or how it was checked.
    #[serde(default)]
    pub evidence: String,
}

/// Records a completion (managers); pairings waiting only for it start at once.
#[utoipa::path(post, path = "/api/v1/courses/{course}/completions", tag = "field", params(("course" = i64, Path)), request_body = CompletionInput, responses((status = 201, body = CourseCompletion), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_completion(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<CompletionInput>,
) -> Result<(StatusCode, Json<CourseCompletion>), AppError> {
    let course = state.app.db.course(CourseId(id)).await?;
    app::scope::managed_program(&state.app.db, &auth.viewer, course.program).await?;
    let completion = state
        .app
        .db
        .record_completion(
            &auth.actor(),
            PersonId(input.person),
            CourseId(id),
            &input.completed_on,
            &input.evidence,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(completion)))
}

/// Starts a pairing that waits for training; refused, naming the missing courses, until the
/// mentee has completed them.
#[utoipa::path(post, path = "/api/v1/pairings/{pairing}/activate", tag = "field", params(("pairing" = i64, Path)), responses((status = 200, body = Pairing), (status = 422, body = crate::error::ErrorBody)))]
pub async fn activate_pairing(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<Pairing>, AppError> {
    let pairing = state.app.db.pairing(PairingId(id)).await?;
    app::scope::managed_program(&state.app.db, &auth.viewer, pairing.program).await?;
    Ok(Json(
        state
            .app
            .db
            .activate_pairing(&auth.actor(), PairingId(id))
            .await?,
    ))
}

/// Why the gate is overridden.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// The reason, kept in the audit log (at least 10 characters).
    pub reason: String,
}

/// Starts a pairing despite missing training, with a reason (managers; audited).
#[utoipa::path(post, path = "/api/v1/pairings/{pairing}/override", tag = "field", params(("pairing" = i64, Path)), request_body = OverrideInput, responses((status = 200, body = Pairing), (status = 422, body = crate::error::ErrorBody)))]
pub async fn override_gate(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<Json<Pairing>, AppError> {
    let pairing = state.app.db.pairing(PairingId(id)).await?;
    app::scope::managed_program(&state.app.db, &auth.viewer, pairing.program).await?;
    Ok(Json(
        state
            .app
            .db
            .override_training_gate(&auth.actor(), PairingId(id), &input.reason)
            .await?,
    ))
}

/// The program's sites with their wave and status.
#[utoipa::path(get, path = "/api/v1/programs/{program}/sites", tag = "field", params(("program" = i64, Path)), responses((status = 200, body = Vec<Site>)))]
pub async fn list_sites(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<Site>>, AppError> {
    Ok(Json(state.app.db.sites(program.id).await?))
}

/// A facility joining the program.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// The facility (org unit id).
    pub facility: i64,
    /// `pilot`, `scale_up`, …
    pub wave: String,
}

/// Adds a site in a wave (managers); it is `assessing` until activated.
#[utoipa::path(post, path = "/api/v1/programs/{program}/sites", tag = "field", params(("program" = i64, Path)), request_body = SiteInput, responses((status = 201, body = Site), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_site(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<SiteInput>,
) -> Result<(StatusCode, Json<Site>), AppError> {
    let site = state
        .app
        .db
        .add_site(
            &auth.actor(),
            program.id,
            OrgUnitId(input.facility),
            &input.wave,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(site)))
}

/// A situation analysis of a facility, from an assessment form.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// The facility.
    pub facility: i64,
    /// A stored form of purpose `assessment`.
    pub form: i64,
    /// Answers by question name.
    pub answers: Answers,
    /// Priorities agreed.
    #[serde(default)]
    pub priorities: String,
    /// When (`YYYY-MM-DD`).
    pub assessed_on: String,
    /// The facility's baseline.
    #[serde(default)]
    pub baseline: bool,
}

/// Records an assessment, scored by domain (managers).
#[utoipa::path(post, path = "/api/v1/programs/{program}/assessments", tag = "field", params(("program" = i64, Path)), request_body = AssessmentInput, responses((status = 201, body = SiteAssessment), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_assessment(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> Result<(StatusCode, Json<SiteAssessment>), AppError> {
    let (answers, scores) = checked_answers(
        &state.app.db,
        program.id,
        FormId(input.form),
        domain::field::FormPurpose::Assessment,
        &input.answers,
        "assessment",
    )
    .await?;
    let assessment = state
        .app
        .db
        .record_assessment(
            &auth.actor(),
            program.id,
            &NewAssessment {
                facility: OrgUnitId(input.facility),
                form: FormId(input.form),
                answers,
                scores,
                priorities: input.priorities,
                assessed_on: input.assessed_on,
                baseline: input.baseline,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(assessment)))
}

/// Activates a site (managers); refused until it has an assessment.
#[utoipa::path(post, path = "/api/v1/programs/{program}/sites/{facility}/activate", tag = "field", params(("program" = i64, Path), ("facility" = i64, Path)), responses((status = 200, body = Site), (status = 422, body = crate::error::ErrorBody)))]
pub async fn activate_site(
    State(state): State<AppState>,
    auth: Auth,
    PathIds(program, facility): PathIds,
) -> Result<Json<Site>, AppError> {
    let program =
        app::scope::managed_program(&state.app.db, &auth.viewer, ProgramId(program)).await?;
    Ok(Json(
        state
            .app
            .db
            .activate_site(&auth.actor(), program.id, OrgUnitId(facility))
            .await?,
    ))
}

/// Which dose to compute.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DoseParams {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`), at most ten years after the first.
    pub to: String,
    /// `Monthly`, `Quarterly`, `SixMonthly` or `Yearly` (default `Quarterly`).
    #[serde(default)]
    pub period_type: Option<String>,
}

async fn dose_for(
    state: &AppState,
    auth: &Auth,
    id: i64,
    params: &DoseParams,
) -> Result<(domain::programs::Program, Vec<indicators::dose::DoseRow>), AppError> {
    let program = app::scope::visible_program(&state.app.db, &auth.viewer, ProgramId(id)).await?;
    let domain::values::DateSpan { from, to } =
        domain::values::DateSpan::parse(&params.from, &params.to)?;
    let period_type = params
        .period_type
        .as_deref()
        .unwrap_or("Quarterly")
        .parse::<indicators::periods::PeriodType>()
        .map_err(|e| AppError::invalid("period_type", e.to_string()))?;
    let mut rows = app::field::dose_rows(&state.app.db, program.id, period_type, from, to).await?;
    // Facility leaders and regional viewers see their area; mentors and mentees themselves.
    match app::scope::member_scope(&auth.viewer, program.id) {
        Some(scope) if scope.is_empty() => {}
        Some(scope) => {
            let mut inside = std::collections::BTreeSet::new();
            for unit in state.app.db.org_units().await? {
                if unit.path.starts_with(&scope) {
                    inside.insert(unit.id.0);
                }
            }
            let mut people = std::collections::BTreeSet::new();
            for m in state
                .app
                .db
                .memberships_of_program(program.id, &scope)
                .await?
            {
                people.insert(m.person.0);
            }
            rows.retain(|r| match r.subject {
                indicators::dose::Subject::Facility(f) => inside.contains(&f),
                indicators::dose::Subject::Mentee(p) => people.contains(&p),
            });
        }
        None => {
            let me = auth.viewer.person.map(|p| p.0);
            rows.retain(
                |r| matches!(r.subject, indicators::dose::Subject::Mentee(p) if Some(p) == me),
            );
        }
    }
    Ok((program, rows))
}

/// Dose delivered against the program's plan per mentee and facility, period and modality.
#[utoipa::path(get, path = "/api/v1/programs/{program}/dose", tag = "field", params(("program" = i64, Path), DoseParams), responses((status = 200, body = Vec<indicators::dose::DoseRow>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn dose(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    crate::extract::Params(params): crate::extract::Params<DoseParams>,
) -> Result<Json<Vec<indicators::dose::DoseRow>>, AppError> {
    Ok(Json(dose_for(&state, &auth, id, &params).await?.1))
}

/// The same dose rows as CSV.
#[utoipa::path(get, path = "/api/v1/programs/{program}/dose.csv", tag = "field", params(("program" = i64, Path), DoseParams), responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = crate::error::ErrorBody)))]
pub async fn dose_csv(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    crate::extract::Params(params): crate::extract::Params<DoseParams>,
) -> Result<axum::response::Response, AppError> {
    let (program, rows) = dose_for(&state, &auth, id, &params).await?;
    let mut bytes = Vec::new();
    indicators::dose::write_csv(&rows, &mut bytes)
        .map_err(|e| AppError::caused("the dose CSV", e))?;
    Ok(crate::download::download(
        String::from_utf8_lossy(&bytes).into_owned(),
        "text/csv; charset=utf-8",
        &format!("{}-dose.csv", program.code),
    ))
}
