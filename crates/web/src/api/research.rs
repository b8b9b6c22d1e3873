//! Research projects and outputs (C11): any member of the program reads them; managers,
//! mentors and mentees (in a peer collaborative: everyone) add and change them.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::{ContributableProgram, VisibleProgram};
use crate::extract::{ApiJson, PathId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ids::{PersonId, ProjectId, TaskId};
use serde::Deserialize;
use store::research::{NewOutput, ProjectRole, ProjectTask, ResearchOutput, ResearchProject};

/// The program's research projects.
#[utoipa::path(get, path = "/api/v1/programs/{program}/projects", tag = "research", params(("program" = i64, Path)), responses((status = 200, body = Vec<ResearchProject>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_projects(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<ResearchProject>>, AppError> {
    Ok(Json(state.app.db.projects(program.id).await?))
}

/// A new project.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Title.
    pub title: String,
    /// What it is about.
    #[serde(default)]
    pub summary: String,
    /// Starting stage (default `idea`).
    #[serde(default)]
    pub stage: Option<String>,
}

/// Starts a project.
#[utoipa::path(post, path = "/api/v1/programs/{program}/projects", tag = "research", params(("program" = i64, Path)), request_body = ProjectInput, responses((status = 201, body = ResearchProject), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_project(
    State(state): State<AppState>,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<ResearchProject>), AppError> {
    let project = state
        .app
        .db
        .create_project(
            &auth.actor(),
            program.id,
            &input.title,
            &input.summary,
            input.stage.as_deref().unwrap_or("idea"),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// A project with its roles, tasks and outputs.
#[utoipa::path(get, path = "/api/v1/projects/{project}", tag = "research", params(("project" = i64, Path)), responses((status = 200, body = app::research::ProjectDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<app::research::ProjectDetail>, AppError> {
    let project = app::scope::visible_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    Ok(Json(
        app::research::project_detail(&state.app.db, project).await?,
    ))
}

/// A move along the pipeline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// The stage to move to: the next one, or an earlier one for a revision.
    pub stage: String,
}

/// Moves a project to another stage.
#[utoipa::path(post, path = "/api/v1/projects/{project}/stage", tag = "research", params(("project" = i64, Path)), request_body = StageInput, responses((status = 200, body = ResearchProject), (status = 422, body = crate::error::ErrorBody)))]
pub async fn move_project(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<ResearchProject>, AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    Ok(Json(
        state
            .app
            .db
            .move_project(&auth.actor(), ProjectId(id), &input.stage)
            .await?,
    ))
}

/// One CRediT role.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// CRediT role, as a slug (`formal_analysis`) or its name (`Formal analysis`).
    pub role: String,
    /// `lead`, `equal` or `supporting` (optional).
    #[serde(default)]
    pub degree: String,
}

/// Roles to give one member.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesInput {
    /// The member (person id).
    pub person: i64,
    /// Their roles; none may be listed twice or already held.
    pub roles: Vec<RoleInput>,
}

/// Gives a member CRediT roles on the project.
#[utoipa::path(post, path = "/api/v1/projects/{project}/roles", tag = "research", params(("project" = i64, Path)), request_body = RolesInput, responses((status = 200, body = Vec<ProjectRole>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_roles(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<RolesInput>,
) -> Result<Json<Vec<ProjectRole>>, AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    let roles: Vec<(String, String)> = input
        .roles
        .into_iter()
        .map(|r| (r.role, r.degree))
        .collect();
    Ok(Json(
        state
            .app
            .db
            .add_project_roles(&auth.actor(), ProjectId(id), PersonId(input.person), &roles)
            .await?,
    ))
}

/// A task or milestone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// `task` or `milestone`.
    #[serde(default = "task_kind")]
    pub kind: String,
    /// What.
    pub title: String,
    /// Owner (person id, a member of the program).
    pub owner: i64,
    /// Due (`YYYY-MM-DD`).
    pub due_on: String,
}

fn task_kind() -> String {
    "task".into()
}

/// Adds a task or milestone.
#[utoipa::path(post, path = "/api/v1/projects/{project}/tasks", tag = "research", params(("project" = i64, Path)), request_body = TaskInput, responses((status = 201, body = ProjectTask), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_task(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<(StatusCode, Json<ProjectTask>), AppError> {
    app::scope::contributable_project(&state.app.db, &auth.viewer, ProjectId(id)).await?;
    let task = state
        .app
        .db
        .add_task(
            &auth.actor(),
            ProjectId(id),
            &input.kind,
            &input.title,
            PersonId(input.owner),
            &input.due_on,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// Done (a date) or reopened (null).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    /// When it was done (`YYYY-MM-DD`); null reopens it.
    pub done_on: Option<String>,
}

/// Marks a task done or reopens it.
#[utoipa::path(post, path = "/api/v1/tasks/{task}/done", tag = "research", params(("task" = i64, Path)), request_body = DoneInput, responses((status = 200, body = ProjectTask), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_task_done(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Json<ProjectTask>, AppError> {
    let task = state.app.db.task(TaskId(id)).await?;
    app::scope::contributable_project(&state.app.db, &auth.viewer, task.project).await?;
    let done_on = input
        .done_on
        .as_deref()
        .map(|d| domain::values::parse_date(d, "done_on"))
        .transpose()?;
    Ok(Json(
        state
            .app
            .db
            .set_task_done(&auth.actor(), TaskId(id), done_on)
            .await?,
    ))
}

/// The program's outputs, newest first.
#[utoipa::path(get, path = "/api/v1/programs/{program}/outputs", tag = "research", params(("program" = i64, Path)), responses((status = 200, body = Vec<ResearchOutput>)))]
pub async fn list_outputs(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Vec<ResearchOutput>>, AppError> {
    Ok(Json(state.app.db.outputs(program.id).await?))
}

/// Records a publication, presentation or training.
#[utoipa::path(post, path = "/api/v1/programs/{program}/outputs", tag = "research", params(("program" = i64, Path)), request_body = NewOutput, responses((status = 201, body = ResearchOutput), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_output(
    State(state): State<AppState>,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    ApiJson(input): ApiJson<NewOutput>,
) -> Result<(StatusCode, Json<ResearchOutput>), AppError> {
    let output = state
        .app
        .db
        .add_output(&auth.actor(), program.id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(output)))
}

/// The program's outputs as BibTeX.
#[utoipa::path(get, path = "/api/v1/programs/{program}/outputs.bib", tag = "research", params(("program" = i64, Path)), responses((status = 200, content_type = "application/x-bibtex", body = String)))]
pub async fn export_bibtex(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    let outputs = app::research::citable_outputs(&state.app.db.outputs(program.id).await?)?;
    let body = research::bibtex::to_bibtex(&outputs);
    Ok(crate::download::download(
        body,
        "application/x-bibtex; charset=utf-8",
        &format!("{}-outputs.bib", program.code),
    ))
}

/// The program's outputs as CSL-JSON (for Zotero, Pandoc, citeproc).
#[utoipa::path(get, path = "/api/v1/programs/{program}/outputs.csl.json", tag = "research", params(("program" = i64, Path)), responses((status = 200, content_type = "application/vnd.citationstyles.csl+json", body = String)))]
pub async fn export_csl_json(
    State(state): State<AppState>,
    _auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    let outputs = app::research::citable_outputs(&state.app.db.outputs(program.id).await?)?;
    let body = research::csl::to_csl_json(&outputs);
    Ok(crate::download::download(
        body,
        "application/vnd.citationstyles.csl+json",
        &format!("{}-outputs.csl.json", program.code),
    ))
}
