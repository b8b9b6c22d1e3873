//! The scheduling page (C7): best slots in each member's local time, a fair series plan,
//! upcoming sessions with their invites, the member's own availability and private calendar
//! feed. The plans come from [`app::scheduling`].

use super::{Layout, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Params;
use crate::extract::access::ContributableProgram;
use crate::extract::csrf::{Button, CheckedForm};
use app::scheduling::parse_windows;
use app::scheduling::{self as plan, ProposedSlot, SeriesProposal};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::programs::Program;
use serde::Deserialize;
use store::scheduling::GroupSession;

/// Which week and length the scheduling page plans for.
#[derive(Debug, Default, Deserialize)]
pub struct PlanParams {
    /// Any day of the week (`YYYY-MM-DD`); default: next week.
    #[serde(default)]
    week: Option<String>,
    /// Minutes; default 60.
    #[serde(default)]
    duration: Option<String>,
    /// Sessions in the series; default 12.
    #[serde(default)]
    sessions: Option<String>,
}

#[derive(Template)]
#[template(path = "scheduling/page.html")]
struct SchedulingPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    notice: Option<String>,
    week: String,
    duration: u32,
    sessions_wanted: u32,
    slots: Vec<ProposedSlot>,
    series: Option<SeriesProposal>,
    series_starts: String,
    sessions: Vec<GroupSession>,
    my_availability: String,
    has_person: bool,
}

fn number(
    text: Option<&str>,
    field: &str,
    default: u32,
    range: (u32, u32),
) -> Result<u32, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => t
            .parse()
            .ok()
            .filter(|n| (range.0..=range.1).contains(n))
            .ok_or_else(|| {
                AppError::invalid(
                    field,
                    format!("must be a whole number from {} to {}", range.0, range.1),
                )
            }),
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Availability as editable lines: `Tue 18:00-21:00 preferred`.
fn availability_lines(windows: &[store::scheduling::Window]) -> String {
    windows
        .iter()
        .map(|w| {
            format!(
                "{} {}-{} {}",
                WEEKDAYS[usize::from(w.weekday.clamp(1, 7) - 1)],
                store::scheduling::clock(w.start_minute),
                store::scheduling::clock(w.end_minute),
                w.kind.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses availability lines; errors name the line (`availability line 3`).
fn parse_availability_lines(
    text: &str,
) -> Result<Vec<store::scheduling::Window>, domain::FieldError> {
    let mut inputs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = format!("availability line {}", index + 1);
        let bad = || {
            domain::FieldError::new(
                &field,
                format!("{line:?} is not like \"Tue 18:00-21:00 preferred\""),
            )
        };
        let mut parts = line.split_whitespace();
        let (Some(day), Some(range)) = (parts.next(), parts.next()) else {
            return Err(bad());
        };
        let kind = parts.next().unwrap_or("preferred").to_lowercase();
        let weekday = WEEKDAYS
            .iter()
            .position(|d| day.to_lowercase().starts_with(&d.to_lowercase()))
            .ok_or_else(bad)?;
        let (start, end) = range.split_once('-').ok_or_else(bad)?;
        inputs.push(app::scheduling::WindowInput {
            weekday: weekday as u8 + 1,
            start: start.to_owned(),
            end: end.to_owned(),
            kind,
        });
    }
    parse_windows(&inputs).map_err(|e| {
        // Name the line the user typed rather than the API's index.
        let line = e
            .field
            .trim_start_matches("availability[")
            .split(']')
            .next()
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| {
                text.lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                    .nth(i)
                    .map(|(n, _)| n + 1)
            });
        match line {
            Some(n) => domain::FieldError::new(format!("availability line {n}"), e.message),
            None => e,
        }
    })
}

/// What the scheduling page says above its content after a form was sent.
#[derive(Default)]
struct Banner {
    error: Option<String>,
    notice: Option<String>,
    /// The availability as typed, kept when it was refused.
    typed_availability: Option<String>,
}

/// Re-draws the scheduling page after a change: its notice when `outcome` is a success, the
/// field error (keeping `typed` availability) when it was refused.
#[allow(clippy::too_many_arguments)]
async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    params: &PlanParams,
    outcome: Result<String, store::DbError>,
    typed: Option<String>,
) -> Result<Response, AppError> {
    let banner = match outcome {
        Ok(notice) => Banner {
            notice: Some(notice),
            ..Banner::default()
        },
        Err(store::DbError::Invalid(e)) => Banner {
            error: Some(e.to_string()),
            typed_availability: typed,
            ..Banner::default()
        },
        Err(e) => return Err(e.into()),
    };
    scheduling_page(state, headers, auth, program, params, banner).await
}

async fn scheduling_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    params: &PlanParams,
    banner: Banner,
) -> Result<Response, AppError> {
    let Banner {
        error,
        notice,
        typed_availability,
    } = banner;
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("scheduling-title", "program", &program.name);
    let default_week = plan::monday_of(store::now().date_naive()) + chrono::Duration::days(7);
    let week = match params
        .week
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        Some(text) => domain::values::parse_date(text, "week")?,
        None => default_week,
    };
    let week = plan::monday_of(week);
    let duration = number(params.duration.as_deref(), "duration", 60, (15, 240))?;
    let sessions_wanted = number(params.sessions.as_deref(), "sessions", 12, (1, 52))?;
    let group = plan::program_group(&state.app.db, program.id).await?;
    let slots = plan::best_slots(&group, week, duration, 5)?;
    let series = plan::plan_series(&group, week, sessions_wanted, duration).ok();
    let series_starts = series
        .as_ref()
        .map(|s| {
            s.sessions
                .iter()
                .map(|slot| slot.start.to_rfc3339())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let my_availability = match (typed_availability, auth.viewer.person) {
        (Some(text), _) => text,
        (None, Some(person)) => availability_lines(&state.app.db.availability(person).await?),
        (None, None) => String::new(),
    };
    let refused = error.is_some();
    let now = store::now();
    let page = SchedulingPage {
        week: week.to_string(),
        duration,
        sessions_wanted,
        slots,
        series,
        series_starts,
        sessions: state
            .app
            .db
            .group_sessions(program.id)
            .await?
            .into_iter()
            .filter(|s| s.starts_at >= now - chrono::Duration::days(7))
            .take(20)
            .collect(),
        my_availability,
        has_person: auth.viewer.person.is_some(),
        layout,
        program,
        error,
        notice,
    };
    render_form(&page, refused)
}

/// `GET /programs/{program}/scheduling`: best slots in each member's local time, a fair
/// series plan, upcoming sessions with their invites, my availability, my calendar feed.
pub async fn scheduling(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    Params(params): Params<PlanParams>,
) -> Result<Response, AppError> {
    scheduling_page(&state, &headers, &auth, program, &params, Banner::default()).await
}

/// My availability, as lines.
#[derive(Debug, Deserialize)]
pub struct AvailabilityForm {
    availability: String,
}

/// `POST /programs/{program}/scheduling/availability`: replaces my weekly availability.
pub async fn save_availability(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    CheckedForm(form): CheckedForm<AvailabilityForm>,
) -> Result<Response, AppError> {
    let person = auth
        .viewer
        .person
        .ok_or_else(|| AppError::invalid("account", "this account is not linked to a person"))?;
    let saved = match parse_availability_lines(&form.availability) {
        Ok(windows) => {
            state
                .app
                .db
                .set_availability(&auth.actor(), person, &windows)
                .await
        }
        Err(e) => Err(e.into()),
    };
    let outcome = saved.map(|()| {
        Layout::new(&state, &headers, Some(&auth), "")
            .t
            .get("scheduling-availability-saved")
    });
    answer(
        &state,
        &headers,
        &auth,
        program,
        &PlanParams::default(),
        outcome,
        Some(form.availability),
    )
    .await
}

/// A planned series to schedule.
#[derive(Debug, Deserialize)]
pub struct ScheduleForm {
    title: String,
    duration: String,
    /// Comma-separated RFC 3339 starts, from the plan shown.
    starts: String,
    #[serde(default)]
    video_url: String,
}

/// `POST /programs/{program}/scheduling/sessions`: schedules the planned series and invites
/// every member.
pub async fn schedule(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    CheckedForm(form): CheckedForm<ScheduleForm>,
) -> Result<Response, AppError> {
    let duration = number(Some(&form.duration), "duration", 60, (5, 600))?;
    let mut starts = Vec::new();
    for (i, text) in form
        .starts
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .enumerate()
    {
        let start = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            AppError::invalid(
                format!("starts[{i}]"),
                format!("{text:?} is not a date and time"),
            )
        })?;
        starts.push(start.with_timezone(&Utc));
    }
    let zone = match auth.viewer.person {
        Some(person) => state.app.db.person(person).await?.profile.time_zone,
        None => domain::values::TimeZone::parse("UTC")
            .map_err(|e| AppError::caused("the UTC zone", e))?,
    };
    let group = plan::program_group(&state.app.db, program.id).await?;
    let result = state
        .app
        .db
        .create_series(
            &auth.actor(),
            &store::scheduling::NewSeries {
                program: program.id,
                project: None,
                title: form.title.clone(),
                organiser: auth.viewer.person,
                organiser_zone: zone,
                video_url: form.video_url.trim().to_owned(),
                duration_minutes: duration,
                starts,
                invitees: group.people,
            },
        )
        .await;
    let params = PlanParams {
        week: None,
        duration: Some(duration.to_string()),
        sessions: None,
    };
    let outcome = result.map(|created| {
        Layout::new(&state, &headers, Some(&auth), "").t.count(
            "scheduling-scheduled",
            "count",
            created.len() as i64,
        )
    });
    answer(&state, &headers, &auth, program, &params, outcome, None).await
}

/// `POST /programs/{program}/scheduling/feed`: a new private feed address for me.
pub async fn new_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    let path = plan::new_feed_path(&state.app.db, &auth.actor(), &auth.viewer).await?;
    let layout = Layout::new(&state, &headers, Some(&auth), "");
    let notice = layout.t.with("scheduling-feed-created", "path", path);
    let banner = Banner {
        notice: Some(notice),
        ..Banner::default()
    };
    scheduling_page(
        &state,
        &headers,
        &auth,
        program,
        &PlanParams::default(),
        banner,
    )
    .await
}
