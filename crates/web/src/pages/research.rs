//! The research collaborative's pages: the project board, a project's page and the
//! participation dashboard. Members read; managers, mentors and mentees (in a peer
//! collaborative: everyone) change. The figures come from [`app::research`].

use super::{Layout, render, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::PathId;
use crate::extract::access::{ContributableProgram, ManagedProgram, VisibleProgram};
use crate::extract::csrf::{Button, CheckedForm};
use app::research::{ParticipationReport, StretchSuggestion, participation_report};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{PersonId, ProjectId, TaskId};
use domain::programs::Program;
use research::{CreditRole, Stage};
use serde::Deserialize;
use store::research::{ProjectRole, ProjectTask, ResearchOutput, ResearchProject};
use store::scheduling::Nudge;

fn stage_label(t: &app::i18n::Tr, stage: &str) -> String {
    t.get(&format!("research-stage-{stage}"))
}

/// A board column: a stage and its projects.
struct Column {
    label: String,
    projects: Vec<ResearchProject>,
}

#[derive(Template)]
#[template(path = "research/board.html")]
struct BoardPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    columns: Vec<Column>,
    outputs: Vec<ResearchOutput>,
    can_contribute: bool,
}

async fn board_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("research-title", "program", &program.name);
    let projects = state.app.db.projects(program.id).await?;
    let columns = Stage::ALL
        .iter()
        .map(|stage| Column {
            label: stage_label(&layout.t, stage.id()),
            projects: projects
                .iter()
                .filter(|p| p.stage == stage.id())
                .cloned()
                .collect(),
        })
        .collect();
    let refused = error.is_some();
    let page = BoardPage {
        columns,
        outputs: state.app.db.outputs(program.id).await?,
        can_contribute: auth.viewer.can_contribute(program.id),
        layout,
        program,
        error,
    };
    render_form(&page, refused)
}

/// `GET /programs/{program}/research`: projects by stage, and outputs with their exports.
pub async fn board(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    board_page(&state, &headers, &auth, program, None).await
}

/// A new project from the board.
#[derive(Debug, Deserialize)]
pub struct ProjectForm {
    title: String,
    #[serde(default)]
    summary: String,
}

/// `POST /programs/{program}/research/projects`.
pub async fn create_project(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    CheckedForm(form): CheckedForm<ProjectForm>,
) -> Result<Response, AppError> {
    match state
        .app
        .db
        .create_project(
            &auth.actor(),
            program.id,
            &form.title,
            &form.summary,
            "idea",
        )
        .await
    {
        Ok(project) => {
            Ok(Redirect::to(&format!("/research/projects/{}", project.id)).into_response())
        }
        Err(store::DbError::Invalid(e)) => {
            board_page(&state, &headers, &auth, program, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "research/project.html")]
struct ProjectPage {
    layout: Layout,
    program: Program,
    project: ResearchProject,
    stage: String,
    error: Option<String>,
    next_stage: Option<(String, String)>,
    earlier_stages: Vec<(String, String)>,
    roles: Vec<(String, ProjectRole)>,
    tasks: Vec<ProjectTask>,
    outputs: Vec<ResearchOutput>,
    members: Vec<(i64, String)>,
    credit_roles: Vec<(&'static str, &'static str)>,
    suggestions: Vec<(String, StretchSuggestion)>,
    can_contribute: bool,
    today: chrono::NaiveDate,
}

async fn project_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    project: ResearchProject,
    error: Option<String>,
) -> Result<Response, AppError> {
    let program = app::scope::visible_program(&state.app.db, &auth.viewer, project.program).await?;
    let layout = Layout::new(state, headers, Some(auth), project.title.clone());
    let stage =
        Stage::parse(&project.stage).map_err(|e| AppError::caused("a stored project", e))?;
    let detail = app::research::project_detail(&state.app.db, project.clone()).await?;
    let mut members: Vec<(i64, String)> = state
        .app
        .db
        .memberships_of_program(program.id, "")
        .await?
        .into_iter()
        .map(|m| (m.person.0, m.person_name))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    members.dedup();
    let role_name = |slug: &str| {
        CreditRole::parse(slug).map_or_else(|_| slug.to_owned(), |r| r.name().to_owned())
    };
    let suggestions = app::research::stretch_suggestions(&state.app.db, &project)
        .await?
        .into_iter()
        .map(|s| (layout.t.get(&format!("research-stretch-{}", s.role)), s))
        .collect();
    let refused = error.is_some();
    let page = ProjectPage {
        stage: stage_label(&layout.t, stage.id()),
        next_stage: stage
            .next()
            .map(|s| (s.id().to_owned(), stage_label(&layout.t, s.id()))),
        earlier_stages: Stage::ALL
            .iter()
            .filter(|s| s.position() < stage.position())
            .map(|s| (s.id().to_owned(), stage_label(&layout.t, s.id())))
            .collect(),
        roles: detail
            .roles
            .into_iter()
            .map(|r| (role_name(&r.role), r))
            .collect(),
        tasks: detail.tasks,
        outputs: detail.outputs,
        members,
        credit_roles: CreditRole::ALL
            .iter()
            .map(|r| (r.slug(), r.name()))
            .collect(),
        suggestions,
        can_contribute: auth.viewer.can_contribute(program.id),
        today: store::now().date_naive(),
        layout,
        program,
        project,
        error,
    };
    render_form(&page, refused)
}

/// `GET /research/projects/{project}`.
pub async fn project(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let project = app::scope::visible_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    project_page(&state, &headers, &auth, project, None).await
}

/// Runs a change from the project page: success goes back to the page, a field error
/// re-renders it with the message (422), anything else is an error page.
async fn after_change<T>(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    project: i64,
    result: Result<T, store::DbError>,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/research/projects/{project}")).into_response()),
        Err(store::DbError::Invalid(e)) => {
            let record = state.app.db.project(ProjectId(project)).await?;
            project_page(state, headers, auth, record, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A stage move.
#[derive(Debug, Deserialize)]
pub struct StageForm {
    stage: String,
}

/// `POST /research/projects/{project}/stage`.
pub async fn move_stage(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<StageForm>,
) -> Result<Response, AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    let result = state
        .app
        .db
        .move_project(&auth.actor(), ProjectId(id), &form.stage)
        .await;
    after_change(&state, &headers, &auth, id, result).await
}

/// A role for a member.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    person: String,
    role: String,
    #[serde(default)]
    degree: String,
}

/// `POST /research/projects/{project}/roles`.
pub async fn add_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<RoleForm>,
) -> Result<Response, AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    let person: i64 = form
        .person
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("person", "choose a member"))?;
    let result = state
        .app
        .db
        .add_project_roles(
            &auth.actor(),
            ProjectId(id),
            PersonId(person),
            &[(form.role, form.degree)],
        )
        .await;
    after_change(&state, &headers, &auth, id, result).await
}

/// A task or milestone.
#[derive(Debug, Deserialize)]
pub struct TaskForm {
    kind: String,
    title: String,
    owner: String,
    due_on: String,
}

/// `POST /research/projects/{project}/tasks`.
pub async fn add_task(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<TaskForm>,
) -> Result<Response, AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    let owner: i64 = form
        .owner
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("owner", "choose a member"))?;
    let result = state
        .app
        .db
        .add_task(
            &auth.actor(),
            ProjectId(id),
            &form.kind,
            &form.title,
            PersonId(owner),
            &form.due_on,
        )
        .await;
    after_change(&state, &headers, &auth, id, result).await
}

/// `POST /research/tasks/{task}/done`: done today.
pub async fn task_done(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    let task = state.app.db.task(TaskId(id)).await?;
    app::scope::contributable_project(&state.app.db, &auth.viewer, task.project).await?;
    let result = state
        .app
        .db
        .set_task_done(&auth.actor(), TaskId(id), Some(store::now().date_naive()))
        .await;
    after_change(&state, &headers, &auth, task.project.0, result).await
}

#[derive(Template)]
#[template(path = "research/participation.html")]
struct ParticipationPage {
    layout: Layout,
    program: Program,
    report: ParticipationReport,
    gini_overall: String,
    chart: String,
    nudges: Vec<Nudge>,
    firsts: Vec<(String, store::research::StretchFirst)>,
    can_manage: bool,
    notice: Option<String>,
}

/// `GET /programs/{program}/participation`: who takes part, how evenly, and who is drifting
/// (every member's lines for managers, a member's own otherwise).
pub async fn participation(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    participation_page(&state, &headers, &auth, program, false).await
}

/// `POST /programs/{program}/participation/nudges` (managers): queue nudges for the warned.
pub async fn queue_nudges(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    participation_page(&state, &headers, &auth, program, true).await
}

async fn participation_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    queue: bool,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout
        .t
        .with("participation-title", "program", &program.name);
    let today = store::now().date_naive();
    let report = app::research::as_seen_by(
        participation_report(&state.app.db, &auth.actor(), program.id, today, queue).await?,
        &auth.viewer,
        program.id,
    );
    let can_manage = auth.viewer.can_manage_program(program.id);
    let chart = crate::charts::line_chart(
        &layout.t.get("participation-gini-chart"),
        &report.gini_by_month,
        1.0,
    );
    let notice = queue.then(|| {
        layout.t.count(
            "participation-nudges-queued",
            "count",
            report.nudges_queued as i64,
        )
    });
    let firsts = state
        .app
        .db
        .stretch_firsts(program.id)
        .await?
        .into_iter()
        .map(|f| (layout.t.get(&format!("research-stretch-{}", f.role)), f))
        .collect();
    let page = ParticipationPage {
        gini_overall: layout.t.decimal(report.gini_overall, 2),
        chart,
        // Who was nudged is the managers' to know.
        nudges: if can_manage {
            state.app.db.nudges(program.id).await?
        } else {
            Vec::new()
        },
        firsts,
        can_manage,
        notice,
        report,
        layout,
        program,
    };
    render(&page)
}
