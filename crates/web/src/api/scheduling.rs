//! Scheduling (C7) and participation (C12): availability, slot and series proposals, group
//! sessions with attendance, calendar files and feeds, the participation report and nudges.

use crate::AppState;
use crate::auth::Auth;
use crate::download::download;
use crate::error::AppError;
use crate::extract::access::{ContributableProgram, ManagedProgram, VisibleProgram};
use crate::extract::{ApiJson, PathId};
use app::research::{ParticipationReport, participation_report};
use app::scheduling::{self as plan, ProposedSlot, SeriesProposal};
use app::scheduling::{WindowInput, parse_windows, window_output};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::ids::{GroupSessionId, PersonId, ProjectId};
use domain::values::TimeZone;
use serde::{Deserialize, Serialize};
use store::scheduling::{Attendance, GroupSession, NewSeries};

async fn editable_person(state: &AppState, auth: &Auth, id: i64) -> Result<PersonId, AppError> {
    let person = state.app.db.person(PersonId(id)).await?;
    if !auth
        .viewer
        .can_edit_person(&state.app.db.person_scope(person.id).await?)
    {
        return Err(AppError::Forbidden);
    }
    Ok(person.id)
}

/// A person's weekly availability, in their own zone.
#[utoipa::path(get, path = "/api/v1/people/{person}/availability", tag = "scheduling", params(("person" = i64, Path)), responses((status = 200, body = Vec<WindowInput>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_availability(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<Vec<WindowInput>>, AppError> {
    let person = editable_person(&state, &auth, id).await?;
    let windows = state.app.db.availability(person).await?;
    Ok(Json(windows.iter().map(window_output).collect()))
}

/// Replaces a person's weekly availability (all windows checked before any is saved).
#[utoipa::path(put, path = "/api/v1/people/{person}/availability", tag = "scheduling", params(("person" = i64, Path)), request_body = Vec<WindowInput>, responses((status = 200, body = Vec<WindowInput>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_availability(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<Vec<WindowInput>>,
) -> Result<Json<Vec<WindowInput>>, AppError> {
    let person = editable_person(&state, &auth, id).await?;
    let windows = parse_windows(&input)?;
    state
        .app
        .db
        .set_availability(&auth.actor(), person, &windows)
        .await?;
    Ok(Json(windows.iter().map(window_output).collect()))
}

/// What to look for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotSearch {
    /// Any day of the week to search (`YYYY-MM-DD`); the search covers Monday to Sunday.
    pub week: String,
    /// Length in minutes.
    pub duration_minutes: u32,
    /// How many slots to return (default 5, at most 20).
    #[serde(default)]
    pub top: Option<usize>,
}

/// The best slots for the whole program in a week, each with every member's local time.
#[utoipa::path(post, path = "/api/v1/programs/{program}/scheduling/slots", tag = "scheduling", params(("program" = i64, Path)), request_body = SlotSearch, responses((status = 200, body = Vec<ProposedSlot>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn find_slots(
    State(state): State<AppState>,
    _auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<SlotSearch>,
) -> Result<Json<Vec<ProposedSlot>>, AppError> {
    let week = domain::values::parse_date(&input.week, "week")?;
    let top = input.top.unwrap_or(5);
    if !(1..=20).contains(&top) {
        return Err(AppError::invalid("top", "must be 1 to 20"));
    }
    let group = plan::program_group(&state.app.db, program.id).await?;
    Ok(Json(plan::best_slots(
        &group,
        plan::monday_of(week),
        input.duration_minutes,
        top,
    )?))
}

/// A weekly series to plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesSearch {
    /// Any day of the first week (`YYYY-MM-DD`).
    pub first_week: String,
    /// Number of weekly sessions (1–52).
    pub sessions: u32,
    /// Length in minutes.
    pub duration_minutes: u32,
}

/// Plans a weekly series that rotates the out-of-hours burden fairly, with each member's
/// burden, fair share, and what the naive plan (same slot every week) would cost them.
#[utoipa::path(post, path = "/api/v1/programs/{program}/scheduling/series", tag = "scheduling", params(("program" = i64, Path)), request_body = SeriesSearch, responses((status = 200, body = SeriesProposal), (status = 422, body = crate::error::ErrorBody)))]
pub async fn plan_series(
    State(state): State<AppState>,
    _auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<SeriesSearch>,
) -> Result<Json<SeriesProposal>, AppError> {
    let week = domain::values::parse_date(&input.first_week, "first_week")?;
    let group = plan::program_group(&state.app.db, program.id).await?;
    Ok(Json(plan::plan_series(
        &group,
        plan::monday_of(week),
        input.sessions,
        input.duration_minutes,
    )?))
}

/// The program's sessions.
#[utoipa::path(get, path = "/api/v1/programs/{program}/sessions", tag = "scheduling", params(("program" = i64, Path)), responses((status = 200, body = Vec<GroupSession>)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<GroupSession>>, AppError> {
    Ok(Json(state.app.db.group_sessions(program.id).await?))
}

/// Sessions to schedule.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesInput {
    /// Title.
    pub title: String,
    /// Length in minutes.
    pub duration_minutes: u32,
    /// Start of each occurrence (RFC 3339), e.g. the slots of a planned series.
    pub starts: Vec<DateTime<Utc>>,
    /// Who is invited (person ids); default: every member of the program.
    #[serde(default)]
    pub invitees: Option<Vec<i64>>,
    /// Video link (https).
    #[serde(default)]
    pub video_url: String,
    /// Research project, if any.
    #[serde(default)]
    pub project: Option<i64>,
    /// Zone the invites are written in; default: the organiser's.
    #[serde(default)]
    pub zone: Option<String>,
}

/// Schedules sessions (one per start) and invites members. Sent again (every occurrence
/// already scheduled under this title), it writes nothing, invites nobody twice and answers
/// 200 with those sessions.
#[utoipa::path(post, path = "/api/v1/programs/{program}/sessions", tag = "scheduling", params(("program" = i64, Path)), request_body = SeriesInput, responses((status = 201, body = Vec<GroupSession>), (status = 200, description = "Every occurrence was already scheduled under this title (a repeat): nothing was written", body = Vec<GroupSession>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_sessions(
    State(state): State<AppState>,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<SeriesInput>,
) -> Result<(StatusCode, Json<Vec<GroupSession>>), AppError> {
    let organiser = auth.viewer.person;
    let zone = match (&input.zone, organiser) {
        (Some(zone), _) => TimeZone::parse(zone).map_err(|e| FieldError::new("zone", e.message))?,
        (None, Some(person)) => state.app.db.person(person).await?.profile.time_zone,
        (None, None) => TimeZone::parse("UTC").map_err(|e| AppError::caused("the UTC zone", e))?,
    };
    if let Some(project) = input.project {
        let record = state.app.db.project(ProjectId(project)).await?;
        if record.program != program.id {
            return Err(AppError::invalid("project", "belongs to another program"));
        }
    }
    let invitees = match input.invitees {
        Some(ids) => ids.into_iter().map(PersonId).collect(),
        None => plan::program_group(&state.app.db, program.id).await?.people,
    };
    let (sessions, repeated) = state
        .app
        .db
        .schedule_series(
            &auth.actor(),
            &NewSeries {
                program: program.id,
                project: input.project.map(ProjectId),
                title: input.title,
                organiser,
                organiser_zone: zone,
                video_url: input.video_url.trim().to_owned(),
                duration_minutes: input.duration_minutes,
                starts: input.starts,
                invitees,
            },
        )
        .await?;
    let status = if repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(sessions)))
}

async fn contributable_session(
    state: &AppState,
    auth: &Auth,
    id: i64,
) -> Result<GroupSession, AppError> {
    let session = state.app.db.group_session(GroupSessionId(id)).await?;
    app::scope::contributable_program(&state.app.db, &auth.viewer, session.program).await?;
    Ok(session)
}

/// One attendance mark.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMark {
    /// Person id (must have been invited).
    pub person: i64,
    /// `attended`, `absent`, `excused` or `invited`.
    pub status: String,
}

/// Records who came.
#[utoipa::path(post, path = "/api/v1/sessions/{session}/attendance", tag = "scheduling", params(("session" = i64, Path)), request_body = Vec<AttendanceMark>, responses((status = 200, body = Vec<Attendance>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_attendance(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<Vec<AttendanceMark>>,
) -> Result<Json<Vec<Attendance>>, AppError> {
    contributable_session(&state, &auth, id).await?;
    let marks: Vec<(PersonId, String)> = input
        .into_iter()
        .map(|m| (PersonId(m.person), m.status))
        .collect();
    Ok(Json(
        state
            .app
            .db
            .record_attendance(&auth.actor(), GroupSessionId(id), &marks)
            .await?,
    ))
}

/// A new start.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    /// New start (RFC 3339).
    pub starts_at: DateTime<Utc>,
}

/// Moves a session (its calendar SEQUENCE goes up).
#[utoipa::path(post, path = "/api/v1/sessions/{session}/reschedule", tag = "scheduling", params(("session" = i64, Path)), request_body = RescheduleInput, responses((status = 200, body = GroupSession), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<RescheduleInput>,
) -> Result<Json<GroupSession>, AppError> {
    contributable_session(&state, &auth, id).await?;
    Ok(Json(
        state
            .app
            .db
            .reschedule_session(&auth.actor(), GroupSessionId(id), input.starts_at)
            .await?,
    ))
}

/// Cancels a session; its invite becomes a METHOD:CANCEL.
#[utoipa::path(post, path = "/api/v1/sessions/{session}/cancel", tag = "scheduling", params(("session" = i64, Path)), responses((status = 200, body = GroupSession)))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<GroupSession>, AppError> {
    contributable_session(&state, &auth, id).await?;
    Ok(Json(
        state
            .app
            .db
            .cancel_session(&auth.actor(), GroupSessionId(id))
            .await?,
    ))
}

/// The session's calendar invite (iCalendar, METHOD:REQUEST, or CANCEL once cancelled).
#[utoipa::path(get, path = "/api/v1/sessions/{session}/invite.ics", tag = "scheduling", params(("session" = i64, Path)), responses((status = 200, content_type = "text/calendar", body = String)))]
pub async fn invite(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let session = state.app.db.group_session(GroupSessionId(id)).await?;
    app::scope::visible_program(&state.app.db, &auth.viewer, session.program).await?;
    let method = if session.status == domain::scheduling::SessionStatus::Cancelled {
        "CANCEL"
    } else {
        "REQUEST"
    };
    let body = plan::session_ics(&state.app.db, &session).await?;
    Ok(download(
        body,
        &format!("text/calendar; charset=utf-8; method={method}"),
        &format!("session-{id}.ics"),
    ))
}

/// A private feed address.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedAddress {
    /// The path to subscribe to (append to the server's address); keep it private.
    pub path: String,
}

/// Creates (or replaces) the caller's private calendar feed address; the old one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "scheduling", responses((status = 201, body = FeedAddress), (status = 422, body = crate::error::ErrorBody)))]
pub async fn new_feed(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<(StatusCode, Json<FeedAddress>), AppError> {
    let path = plan::new_feed_path(&state.app.db, &auth.actor(), &auth.viewer).await?;
    Ok((StatusCode::CREATED, Json(FeedAddress { path })))
}

/// A private calendar feed; the secret in the address is the only credential, as calendar
/// apps subscribe without signing in.
pub async fn feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let person = state
        .app
        .db
        .calendar_feed_owner(&app::accounts::token_hash(&token))
        .await?
        .ok_or_else(|| AppError::NotFound("calendar feed".into()))?;
    let body = plan::person_feed(&state.app.db, person).await?;
    let mut response = download(body, "text/calendar; charset=utf-8", "tandem.ics");
    // Inline, so calendar apps and browsers treat it as a subscription, not a download.
    response
        .headers_mut()
        .remove(axum::http::header::CONTENT_DISPOSITION);
    Ok(response)
}

/// Participation per member, the Gini of participation over time, and brain-gain figures.
#[utoipa::path(get, path = "/api/v1/programs/{program}/participation", tag = "scheduling", params(("program" = i64, Path)), responses((status = 200, body = ParticipationReport)))]
pub async fn participation(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<ParticipationReport>, AppError> {
    let today = store::now().date_naive();
    let report =
        participation_report(&state.app.db, &auth.actor(), program.id, today, false).await?;
    Ok(Json(app::research::as_seen_by(
        report,
        &auth.viewer,
        program.id,
    )))
}

/// Runs the disengagement rules and queues a nudge for each member they flag (managers).
#[utoipa::path(post, path = "/api/v1/programs/{program}/participation/nudges", tag = "scheduling", params(("program" = i64, Path)), responses((status = 200, body = ParticipationReport)))]
pub async fn queue_nudges(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<ParticipationReport>, AppError> {
    let today = store::now().date_naive();
    Ok(Json(
        participation_report(&state.app.db, &auth.actor(), program.id, today, true).await?,
    ))
}
