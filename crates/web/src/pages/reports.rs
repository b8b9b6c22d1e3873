//! The quarterly program report, printable as HTML and downloadable as PDF, CSV and XLSX
//! (C10). Managers choose the scope (the program or any org unit); everyone else gets the
//! report of their own area: a facility leader their facility, a regional viewer their region,
//! a mentor or mentee the unit of their membership.

use super::{Layout, render, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::download::download;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use crate::extract::csrf::CheckedForm;
use crate::extract::{Params, PathId};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::ids::{OrgUnitId, ProgramId, TargetId};
use domain::org_units::OrgUnit;
use domain::programs::Program;
use serde::Deserialize;

/// Which report.
#[derive(Debug, Deserialize)]
pub struct ReportParams {
    /// `2026Q3`; default: the last complete quarter.
    #[serde(default)]
    quarter: Option<String>,
    /// Org unit id (managers); default: the whole program.
    #[serde(default)]
    unit: Option<String>,
}

/// The org unit a viewer's report covers (`None`: the whole program).
async fn scope(
    state: &AppState,
    auth: &Auth,
    program: &Program,
    params: &ReportParams,
) -> Result<Option<OrgUnit>, AppError> {
    if auth.viewer.can_manage_program(program.id) {
        return match params
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => Ok(None),
            Some(text) => {
                let id: i64 = text.parse().map_err(|_| {
                    AppError::invalid("unit", format!("{text:?} is not an org unit id"))
                })?;
                Ok(Some(state.app.db.org_unit(OrgUnitId(id)).await.map_err(
                    |_| AppError::invalid("unit", format!("no org unit {id}")),
                )?))
            }
        };
    }
    // The widest area the viewer holds in the program; its unit is the path's last id.
    let path = auth
        .viewer
        .grants
        .iter()
        .filter(|g| g.program == program.id)
        .map(|g| g.org_unit_path.clone())
        .min_by_key(String::len)
        .ok_or(AppError::Forbidden)?;
    let id: i64 = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| AppError::internal(format!("grant path {path}")))?;
    Ok(Some(state.app.db.org_unit(OrgUnitId(id)).await?))
}

async fn build(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    id: i64,
    params: &ReportParams,
) -> Result<(Layout, Program, reports::Report), AppError> {
    let program = app::scope::visible_program(&state.app.db, &auth.viewer, ProgramId(id)).await?;
    let layout = Layout::new(state, headers, Some(auth), "");
    let quarter = app::reports::quarter(params.quarter.as_deref(), store::now().date_naive())?;
    let unit = scope(state, auth, &program, params).await?;
    let report = app::reports::quarterly(
        &state.app.db,
        &state.app.engines,
        &layout.t,
        &program,
        unit.as_ref(),
        &quarter,
    )
    .await?;
    Ok((layout, program, report))
}

#[derive(Template)]
#[template(path = "reports/quarterly.html")]
struct ReportPage {
    layout: Layout,
    program: Program,
    report: reports::Report,
    query: String,
}

// Askama hands values to these as owned or borrowed depending on the expression, hence
// `Borrow`.
impl ReportPage {
    fn number<T: std::borrow::Borrow<Option<f64>>>(&self, value: T) -> String {
        value
            .borrow()
            .map(|v| format!("{v:.1}"))
            .unwrap_or_else(|| "–".into())
    }
    fn category<T: std::borrow::Borrow<reports::Category>>(&self, category: T) -> &str {
        self.report.labels.category_name(*category.borrow())
    }
    fn status(&self, status: &&reports::Status) -> (&'static str, &str) {
        let status = **status;
        (status.code(), self.report.labels.status_word(status))
    }
}

/// `GET /programs/{program}/report`: the printable report.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    Params(params): Params<ReportParams>,
) -> Result<Response, AppError> {
    let (mut layout, program, report) = build(&state, &headers, &auth, id, &params).await?;
    layout.title = report.title.clone();
    let query = format!(
        "?quarter={}{}",
        report.period,
        params
            .unit
            .as_deref()
            .filter(|u| !u.is_empty())
            .map(|u| format!("&unit={u}"))
            .unwrap_or_default()
    );
    render(&ReportPage {
        layout,
        program,
        report,
        query,
    })
}

/// `GET /programs/{program}/report.pdf`.
pub async fn pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    Params(params): Params<ReportParams>,
) -> Result<Response, AppError> {
    let (_, program, report) = build(&state, &headers, &auth, id, &params).await?;
    let name = format!("{}-{}.pdf", program.code, report.period);
    Ok(download(reports::to_pdf(&report), "application/pdf", &name))
}

/// `GET /programs/{program}/report.csv`.
pub async fn csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    Params(params): Params<ReportParams>,
) -> Result<Response, AppError> {
    let (_, program, report) = build(&state, &headers, &auth, id, &params).await?;
    let body = reports::to_csv(&report).map_err(|e| AppError::caused("the quarterly report", e))?;
    let name = format!("{}-{}.csv", program.code, report.period);
    Ok(download(body, "text/csv; charset=utf-8", &name))
}

/// `GET /programs/{program}/report.xlsx`.
pub async fn xlsx(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    Params(params): Params<ReportParams>,
) -> Result<Response, AppError> {
    let (_, program, report) = build(&state, &headers, &auth, id, &params).await?;
    let body =
        reports::to_xlsx(&report).map_err(|e| AppError::caused("the quarterly report", e))?;
    let name = format!("{}-{}.xlsx", program.code, report.period);
    Ok(download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}

/// One KPI on the dashboard.
struct Tile {
    name: String,
    value: String,
    target: String,
    status: Option<(&'static str, String)>,
    chart: String,
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    program: Program,
    scope: String,
    quarter: String,
    tiles: Vec<Tile>,
}

/// `GET /programs/{program}/dashboard`: each KPI of the viewer's area this quarter against
/// its target, with the last four quarters drawn as a small SVG trend.
pub async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    Params(params): Params<ReportParams>,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    let unit = scope(&state, &auth, &program, &params).await?;
    let today = store::now().date_naive();
    let current = match params.quarter.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => app::reports::quarter(Some(q), today)?,
        None => indicators::periods::Period::containing(
            indicators::periods::PeriodType::Quarterly,
            today,
        )
        .map_err(|e| AppError::caused("the quarterly report", e))?,
    };
    let mut quarters = vec![current];
    for _ in 0..3 {
        let earlier = quarters[0]
            .prev()
            .map_err(|e| AppError::caused("the quarterly report", e))?;
        quarters.insert(0, earlier);
    }
    // The tiles need each quarter's indicator lines only, not the rest of the quarterly
    // report (dose, participation, completeness), which the report page builds.
    let quarterly = app::reports::kpi_lines(
        &state.app.db,
        &state.app.engines,
        &program,
        unit.as_ref(),
        &quarters,
    )
    .await?;
    let Some(latest) = quarterly.last() else {
        return Err(AppError::internal("no quarter"));
    };
    let labels = app::reports::labels(&layout.t);
    let tiles = latest
        .lines
        .iter()
        .map(|k| {
            let points: Vec<(String, f64)> = quarterly
                .iter()
                .filter_map(|q| {
                    q.lines
                        .iter()
                        .find(|x| x.code == k.code)
                        .and_then(|x| x.value)
                        .map(|v| (q.quarter.to_string(), v))
                })
                .collect();
            let max = points
                .iter()
                .map(|(_, v)| *v)
                .chain(k.target)
                .fold(0.0_f64, f64::max)
                .max(1.0);
            Tile {
                name: k.name.clone(),
                value: k
                    .value
                    .map(|v| format!("{v:.1}{}", k.unit))
                    .unwrap_or_else(|| "–".into()),
                target: k
                    .target
                    .map(|t| format!("{t:.1}{}", k.unit))
                    .unwrap_or_default(),
                status: k
                    .status
                    .map(|s| (s.code(), labels.status_word(s).to_owned())),
                chart: crate::charts::line_chart(&k.name, &points, (max * 1.1).ceil()),
            }
        })
        .collect();
    layout.title = layout.t.with("dashboard-title", "program", &program.name);
    render(&DashboardPage {
        scope: unit.map_or_else(|| program.name.to_string(), |u| u.name.to_string()),
        quarter: current.to_string(),
        layout,
        program,
        tiles,
    })
}

/// Which facility and period the data-entry form is for.
#[derive(Debug, Default, Deserialize)]
pub struct EntryParams {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    period: Option<String>,
}

#[derive(Template)]
#[template(path = "reports/data_entry.html")]
struct EntryPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    notice: Option<String>,
    facilities: Vec<(i64, String, String)>,
    unit: String,
    period: String,
    elements: Vec<(store::indicators::DataElementRecord, String)>,
}

/// The facilities a viewer may report for (their area; managers all of the program's).
async fn reporting_facilities(
    state: &AppState,
    auth: &Auth,
    program: &Program,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let Some(scope) = app::scope::reporting_scope(&auth.viewer, program.id) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(i64, String, String)> = state
        .app
        .db
        .org_units()
        .await?
        .into_iter()
        .filter(|u| u.level == domain::org_units::OrgUnitLevel::Facility)
        .filter(|u| u.path.starts_with(&scope))
        .map(|u| (u.id.0, u.code.as_str().to_owned(), u.name.to_string()))
        .collect();
    out.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(out)
}

async fn entry_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    unit: String,
    period: String,
    banner: (Option<String>, Option<String>),
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("entry-title", "program", &program.name);
    let facilities = reporting_facilities(state, auth, &program).await?;
    let mut elements = Vec::new();
    let current: std::collections::BTreeMap<String, f64> = if unit.is_empty() || period.is_empty() {
        Default::default()
    } else {
        state
            .app
            .db
            .values_of(program.id, None, None)
            .await?
            .into_iter()
            .filter(|v| v.org_unit_code == unit && v.period == period)
            .map(|v| (v.data_element_code, v.value))
            .collect()
    };
    for element in state.app.db.data_elements(program.id).await? {
        let value = current
            .get(&element.code)
            .map(|v| v.to_string())
            .unwrap_or_default();
        elements.push((element, value));
    }
    let refused = banner.0.is_some();
    render_form(
        &EntryPage {
            error: banner.0,
            notice: banner.1,
            layout,
            program,
            facilities,
            unit,
            period,
            elements,
        },
        refused,
    )
}

/// `GET /programs/{program}/data-entry`: a facility's values for one period.
pub async fn data_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    Params(params): Params<EntryParams>,
) -> Result<Response, AppError> {
    entry_page(
        &state,
        &headers,
        &auth,
        program,
        params.unit.unwrap_or_default(),
        params.period.unwrap_or_default(),
        (None, None),
    )
    .await
}

/// `POST /programs/{program}/data-entry`: saves the form's values (all or none) through the
/// same path as the API, so the engine is kept current.
pub async fn save_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    CheckedForm(posted): CheckedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form: std::collections::BTreeMap<String, String> = posted.into_iter().collect();
    let unit = form.get("unit").cloned().unwrap_or_default();
    let period = form.get("period").cloned().unwrap_or_default();
    let mut values = Vec::new();
    for (key, text) in &form {
        let Some(code) = key.strip_prefix("de.") else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let value: f64 = match text.trim().replace(',', ".").parse() {
            Ok(v) => v,
            Err(_) => {
                let error = format!("{code}: {text:?} is not a number");
                return entry_page(
                    &state,
                    &headers,
                    &auth,
                    program,
                    unit,
                    period,
                    (Some(error), None),
                )
                .await;
            }
        };
        values.push(domain::indicators::NewValue {
            data_element_code: code.to_owned(),
            org_unit_code: unit.clone(),
            period: period.clone(),
            value,
            comment: String::new(),
        });
    }
    let saved =
        app::indicators::save_values(&state.app, &auth.actor(), &auth.viewer, &program, &values)
            .await
            .map_err(AppError::from);
    let banner = match saved {
        Ok(counts) => (
            None,
            Some(Layout::new(&state, &headers, Some(&auth), "").t.count(
                "entry-saved",
                "count",
                (counts.created + counts.updated) as i64,
            )),
        ),
        Err(AppError::Invalid(e)) => (Some(e.to_string()), None),
        Err(e) => return Err(e),
    };
    entry_page(&state, &headers, &auth, program, unit, period, banner).await
}

#[derive(Template)]
#[template(path = "reports/targets.html")]
struct TargetsPage {
    layout: Layout,
    program: Program,
    targets: Vec<store::indicators::Target>,
    error: Option<String>,
}

/// `GET /programs/{program}/targets`: every target version with who signed for each group.
pub async fn targets(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    targets_page(&state, &headers, &auth, program, None).await
}

async fn targets_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("targets-title", "program", &program.name);
    let mut targets = state.app.db.targets(program.id, None).await?;
    targets.retain(|t| !t.superseded);
    let refused = error.is_some();
    render_form(
        &TargetsPage {
            layout,
            program,
            targets,
            error,
        },
        refused,
    )
}

/// A sign-off from the page.
#[derive(Debug, Deserialize)]
pub struct SignForm {
    group: String,
}

/// `POST /targets/{target}/sign`: signs for the chosen group (the store checks the signer
/// holds that role in the target's area, and that the group has not signed yet).
pub async fn sign(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<SignForm>,
) -> Result<Response, AppError> {
    let target = state.app.db.target(TargetId(id)).await?;
    let indicator = state.app.db.indicator(target.indicator).await?;
    let program =
        app::scope::visible_program(&state.app.db, &auth.viewer, indicator.program).await?;
    let person = auth
        .viewer
        .person
        .ok_or_else(|| AppError::invalid("person", "this account is not linked to a person"))?;
    match state
        .app
        .db
        .sign_target(&auth.actor(), TargetId(id), &form.group, person, "")
        .await
    {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/programs/{}/targets", program.id))
                .into_response(),
        ),
        Err(store::DbError::Invalid(e)) => {
            targets_page(&state, &headers, &auth, program, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}
