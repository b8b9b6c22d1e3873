//! Research projects (C11): projects through their pipeline, members' CRediT roles, tasks and
//! milestones, outputs with their authors in order, and the first time a member held a stretch
//! role. Values are checked with the `research` crate's types before anything is written.

use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::codes::Coded;
use domain::ids::{OutputId, ProjectId, TaskId};
use domain::ids::{PersonId, ProgramId};
use domain::research::{OutputKind, TaskKind};
use domain::values::free_text;
use domain::values::parse_date;
use research::credit::{CreditRole, Degree};
use research::doi::Doi;
use research::pipeline::Stage;
use serde::Serialize;

/// A research project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResearchProject {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ProjectId,
    /// Program (a peer research collaborative).
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Title.
    pub title: String,
    /// What it is about.
    pub summary: String,
    /// Pipeline stage id (`idea` … `published`).
    pub stage: String,
    /// When it entered that stage.
    pub stage_since: DateTime<Utc>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A member's CRediT role on a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProjectRole {
    /// Project.
    #[schema(value_type = i64)]
    pub project: ProjectId,
    /// Member.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// CRediT role slug (`formal_analysis`).
    pub role: String,
    /// `lead`, `equal`, `supporting` or empty.
    pub degree: String,
    /// When it was given.
    pub created_at: DateTime<Utc>,
}

/// A task or milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProjectTask {
    /// Id.
    #[schema(value_type = i64)]
    pub id: TaskId,
    /// Project.
    #[schema(value_type = i64)]
    pub project: ProjectId,
    /// Task or milestone.
    pub kind: TaskKind,
    /// What.
    pub title: String,
    /// Owner.
    #[schema(value_type = i64)]
    pub owner: PersonId,
    /// Owner's name.
    pub owner_name: String,
    /// Due.
    pub due_on: NaiveDate,
    /// Done, if it is.
    pub done_on: Option<NaiveDate>,
}

/// An author (or presenter, trainer) of an output, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OutputAuthor {
    /// The member, when the author is one.
    #[schema(value_type = Option<i64>)]
    pub person: Option<PersonId>,
    /// Family name.
    pub family: String,
    /// Given names.
    #[serde(default)]
    pub given: String,
    /// ORCID iD (`0000-0002-1825-0097`).
    #[serde(default)]
    pub orcid: Option<String>,
    /// ISO country of the affiliation on this output.
    #[serde(default)]
    pub affiliation_country: String,
}

/// A publication, conference presentation or training given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResearchOutput {
    /// Id.
    #[schema(value_type = i64)]
    pub id: OutputId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Project, if it came from one.
    #[schema(value_type = Option<i64>)]
    pub project: Option<ProjectId>,
    /// Publication, presentation or training.
    pub kind: OutputKind,
    /// Title.
    pub title: String,
    /// Journal, conference or audience.
    pub venue: String,
    /// Where (presentations, trainings).
    pub place: String,
    /// Published, presented or given on.
    pub happened_on: NaiveDate,
    /// Normalised DOI (lowercase, no resolver prefix).
    pub doi: Option<String>,
    /// Volume.
    pub volume: String,
    /// Issue.
    pub issue: String,
    /// Pages.
    pub pages: String,
    /// People trained.
    pub participants: Option<i64>,
    /// Authors in order.
    pub authors: Vec<OutputAuthor>,
}

/// A new output as submitted; checked by [`Db::add_output`].
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewOutput {
    /// Project, if any.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project: Option<ProjectId>,
    /// `publication`, `presentation` or `training`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Journal, conference or audience.
    pub venue: String,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// Date (`YYYY-MM-DD`).
    pub happened_on: String,
    /// DOI in any usual form (`https://doi.org/10.…`, `doi:10.…`).
    #[serde(default)]
    pub doi: Option<String>,
    /// Volume.
    #[serde(default)]
    pub volume: String,
    /// Issue.
    #[serde(default)]
    pub issue: String,
    /// Pages.
    #[serde(default)]
    pub pages: String,
    /// People trained.
    #[serde(default)]
    pub participants: Option<i64>,
    /// Authors in order.
    pub authors: Vec<OutputAuthor>,
}

/// The first time a member held a stretch role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StretchFirst {
    /// Member.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// `first_author`, `lead_analysis` or `lead_presenter`.
    pub role: String,
    /// On which project.
    #[schema(value_type = Option<i64>)]
    pub project: Option<ProjectId>,
    /// On which output.
    #[schema(value_type = Option<i64>)]
    pub output: Option<OutputId>,
    /// When.
    pub held_on: NaiveDate,
}

fn stored_date(text: &str) -> Result<NaiveDate, DbError> {
    parse_date(text, "date").map_err(|e| DbError::Corrupt(e.to_string()))
}

type ProjectRow = (
    i64,
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
);
const PROJECT_SELECT: &str =
    "SELECT id, program_id, title, summary, stage, stage_since, created_at FROM research_projects";

fn project_from_row(row: ProjectRow) -> ResearchProject {
    let (id, program, title, summary, stage, stage_since, created_at) = row;
    ResearchProject {
        id: ProjectId(id),
        program: ProgramId(program),
        title,
        summary,
        stage,
        stage_since,
        created_at,
    }
}

type OutputRow = (
    i64,
    i64,
    Option<i64>,
    Code<OutputKind>,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
);
const OUTPUT_SELECT: &str = "SELECT id, program_id, project_id, kind, title, venue, place, happened_on, doi, volume, issue, pages, participants FROM research_outputs";

/// id, project, kind, title, owner, owner name, due, done.
type TaskRow = (
    i64,
    i64,
    Code<TaskKind>,
    String,
    i64,
    String,
    String,
    Option<String>,
);

/// person, name, role, project, output, held on.
type FirstRow = (i64, String, String, Option<i64>, Option<i64>, String);

type AuthorRow = (i64, Option<i64>, String, String, Option<String>, String);

impl Db {
    /// Fails with a field error unless `person` is a member of the program.
    async fn check_member(
        &self,
        program: ProgramId,
        person: PersonId,
        field: &str,
    ) -> Result<(), DbError> {
        let held: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE program_id = $1 AND person_id = $2")
                .bind(program.0).bind(person.0).fetch_one(pool).await?
        });
        if held == 0 {
            return Err(FieldError::new(
                field,
                format!("person {person} is not a member of this program"),
            )
            .into());
        }
        Ok(())
    }

    /// Starts a project at a stage (usually `idea`).
    pub async fn create_project(
        &self,
        actor: &Actor,
        program: ProgramId,
        title: &str,
        summary: &str,
        stage: &str,
    ) -> Result<ResearchProject, DbError> {
        let title = free_text(title, "title", 300, true)?;
        let summary = free_text(summary, "summary", 4000, false)?;
        let stage = Stage::parse(stage)?;
        self.program(program).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO research_projects (program_id, title, summary, stage, stage_since, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id",
            )
            .bind(program.0).bind(&title).bind(&summary).bind(stage.id()).bind(now)
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({"title": title, "stage": stage.id()});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "research_project",
            id,
            None,
            Some(&record),
        )
        .await?;
        tx.commit().await?;
        self.project(ProjectId(id)).await
    }

    /// One project.
    pub async fn project(&self, id: ProjectId) -> Result<ResearchProject, DbError> {
        let row: ProjectRow = self
            .one_by_id(format!("{PROJECT_SELECT} WHERE id = $1"), id.0, "project")
            .await?;
        Ok(project_from_row(row))
    }

    /// A program's projects, oldest first.
    pub async fn projects(&self, program: ProgramId) -> Result<Vec<ResearchProject>, DbError> {
        let sql = format!("{PROJECT_SELECT} WHERE program_id = $1 ORDER BY id");
        let rows: Vec<ProjectRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(project_from_row).collect())
    }

    /// Moves a project along its pipeline (forward one stage, or back for a revision).
    pub async fn move_project(
        &self,
        actor: &Actor,
        id: ProjectId,
        to: &str,
    ) -> Result<ResearchProject, DbError> {
        let before = self.project(id).await?;
        let from = Stage::parse(&before.stage).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let to = Stage::parse(to)?;
        from.check_move(to)?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE research_projects SET stage = $1, stage_since = $2, updated_at = $2 WHERE id = $3")
                .bind(to.id()).bind(now).bind(id.0).execute(&mut *conn).await?;
        });
        let after = serde_json::json!({"stage": to.id()});
        tx.audit(
            actor,
            Action::Update,
            "research_project",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.project(id).await
    }

    /// Every CRediT role on a project.
    pub async fn project_roles(&self, project: ProjectId) -> Result<Vec<ProjectRole>, DbError> {
        self.roles_where("r.project_id = $1", project.0).await
    }

    /// Every CRediT role on the projects of a program.
    pub async fn program_roles(&self, program: ProgramId) -> Result<Vec<ProjectRole>, DbError> {
        self.roles_where(
            "r.project_id IN (SELECT id FROM research_projects WHERE program_id = $1)",
            program.0,
        )
        .await
    }

    async fn roles_where(&self, filter: &str, key: i64) -> Result<Vec<ProjectRole>, DbError> {
        let sql = format!(
            "SELECT r.project_id, r.person_id, p.name, r.role, r.degree, r.created_at FROM project_roles r \
             JOIN people p ON p.id = r.person_id WHERE {filter} ORDER BY r.project_id, p.name, r.person_id, r.role"
        );
        let rows: Vec<(i64, i64, String, String, String, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(project, person, name, role, degree, created_at)| ProjectRole {
                    project: ProjectId(project),
                    person: PersonId(person),
                    name,
                    role,
                    degree,
                    created_at,
                },
            )
            .collect())
    }

    /// Gives a member CRediT roles on a project: `(role, degree)` pairs, with the role as a
    /// slug or its NISO name and the degree `lead`, `equal`, `supporting` or empty. A role
    /// listed twice or already held is refused (the field names which), and nothing is
    /// written unless every role is valid. Leading formal analysis for the first time is
    /// recorded as a stretch first.
    pub async fn add_project_roles(
        &self,
        actor: &Actor,
        project: ProjectId,
        person: PersonId,
        roles: &[(String, String)],
    ) -> Result<Vec<ProjectRole>, DbError> {
        self.add_project_roles_on(actor, project, person, roles, crate::now())
            .await
    }

    /// [`Db::add_project_roles`] with the roles given `on` a past moment instead of now, for
    /// loading a history (the demo): a role's date counts as the member's activity in the
    /// participation figures, so replayed roles must keep theirs. Checks and audit are the same.
    pub async fn add_project_roles_on(
        &self,
        actor: &Actor,
        project: ProjectId,
        person: PersonId,
        roles: &[(String, String)],
        on: DateTime<Utc>,
    ) -> Result<Vec<ProjectRole>, DbError> {
        let record = self.project(project).await?;
        self.check_member(record.program, person, "person").await?;
        if roles.is_empty() {
            return Err(FieldError::new("roles", "give at least one CRediT role").into());
        }
        let held = self.project_roles(project).await?;
        let mut parsed: Vec<(CreditRole, Option<Degree>)> = Vec::with_capacity(roles.len());
        for (index, (role, degree)) in roles.iter().enumerate() {
            let field = format!("roles[{index}]");
            let role = CreditRole::parse(role).map_err(|e| FieldError::new(&field, e.message))?;
            let degree = match degree.trim() {
                "" => None,
                text => Some(
                    Degree::parse(text)
                        .map_err(|e| FieldError::new(format!("{field}.degree"), e.message))?,
                ),
            };
            if parsed.iter().any(|(r, _)| *r == role)
                || held
                    .iter()
                    .any(|h| h.person == person && h.role == role.slug())
            {
                return Err(FieldError::new(
                    field,
                    format!(
                        "{} is already given to this member on this project",
                        role.name()
                    ),
                )
                .into());
            }
            parsed.push((role, degree));
        }
        let mut tx = self.begin().await?;
        for (role, degree) in &parsed {
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "INSERT INTO project_roles (project_id, person_id, role, degree, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(project.0).bind(person.0).bind(role.slug()).bind(degree.map_or("", Degree::id)).bind(on)
                .execute(&mut *conn).await?;
            });
            if *role == CreditRole::FormalAnalysis && *degree == Some(Degree::Lead) {
                record_first(
                    &mut tx,
                    person,
                    "lead_analysis",
                    Some(project),
                    None,
                    on.date_naive(),
                )
                .await?;
            }
        }
        let after: Vec<(&str, &str)> = parsed
            .iter()
            .map(|(r, d)| (r.slug(), d.map_or("", Degree::id)))
            .collect();
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "project_roles",
            format!("{project}/{person}"),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.project_roles(project).await
    }

    /// Adds a task or milestone.
    pub async fn add_task(
        &self,
        actor: &Actor,
        project: ProjectId,
        kind: &str,
        title: &str,
        owner: PersonId,
        due_on: &str,
    ) -> Result<ProjectTask, DbError> {
        let record = self.project(project).await?;
        let kind = TaskKind::from_code(kind).ok_or_else(|| {
            FieldError::new("kind", format!("must be task or milestone, not {kind:?}"))
        })?;
        let title = free_text(title, "title", 300, true)?;
        let due_on = parse_date(due_on, "due_on")?;
        self.check_member(record.program, owner, "owner").await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO project_tasks (project_id, kind, title, owner_id, due_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(project.0).bind(kind.as_str()).bind(&title).bind(owner.0).bind(due_on.to_string()).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let after = serde_json::json!({"project": project, "kind": kind, "title": title, "owner": owner.0, "due_on": due_on});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "project_task",
            id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.task(TaskId(id)).await
    }

    /// Marks a task done on a date (or reopens it with `None`).
    pub async fn set_task_done(
        &self,
        actor: &Actor,
        task: TaskId,
        done_on: Option<NaiveDate>,
    ) -> Result<ProjectTask, DbError> {
        let before = self.task(task).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE project_tasks SET done_on = $1 WHERE id = $2")
                .bind(done_on.map(|d| d.to_string())).bind(task.0).execute(&mut *conn).await?;
        });
        let after = serde_json::json!({"done_on": done_on});
        tx.audit(
            actor,
            Action::Update,
            "project_task",
            task,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.task(task).await
    }

    /// One task.
    pub async fn task(&self, id: TaskId) -> Result<ProjectTask, DbError> {
        let mut tasks = self.tasks_where("t.id = $1", id.0).await?;
        tasks.pop().ok_or(DbError::NotFound {
            entity: "task",
            key: id.to_string(),
        })
    }

    /// A project's tasks and milestones by due date.
    pub async fn project_tasks(&self, project: ProjectId) -> Result<Vec<ProjectTask>, DbError> {
        self.tasks_where("t.project_id = $1", project.0).await
    }

    /// Every task of a program's projects.
    pub async fn program_tasks(&self, program: ProgramId) -> Result<Vec<ProjectTask>, DbError> {
        self.tasks_where(
            "t.project_id IN (SELECT id FROM research_projects WHERE program_id = $1)",
            program.0,
        )
        .await
    }

    async fn tasks_where(&self, filter: &str, key: i64) -> Result<Vec<ProjectTask>, DbError> {
        let sql = format!(
            "SELECT t.id, t.project_id, t.kind, t.title, t.owner_id, p.name, t.due_on, t.done_on FROM project_tasks t \
             JOIN people p ON p.id = t.owner_id WHERE {filter} ORDER BY t.due_on, t.id"
        );
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(
                |(id, project, kind, title, owner, owner_name, due_on, done_on)| {
                    Ok(ProjectTask {
                        id: TaskId(id),
                        project: ProjectId(project),
                        kind: kind.0,
                        title,
                        owner: PersonId(owner),
                        owner_name,
                        due_on: stored_date(&due_on)?,
                        done_on: done_on.as_deref().map(stored_date).transpose()?,
                    })
                },
            )
            .collect()
    }

    /// Records an output with its authors in one transaction. The DOI is normalised and
    /// checked, ORCIDs checked, member authors must belong to the program; a member first
    /// author of a publication (or first presenter) holding that role for the first time is
    /// recorded as a stretch first.
    pub async fn add_output(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewOutput,
    ) -> Result<ResearchOutput, DbError> {
        let kind = OutputKind::from_code(&new.kind).ok_or_else(|| {
            FieldError::new(
                "kind",
                format!(
                    "must be publication, presentation or training, not {:?}",
                    new.kind
                ),
            )
        })?;
        let title = free_text(&new.title, "title", 500, true)?;
        let venue = free_text(&new.venue, "venue", 300, true)?;
        let place = free_text(&new.place, "place", 200, false)?;
        let happened_on = parse_date(&new.happened_on, "happened_on")?;
        let doi = match new.doi.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Doi::parse(raw)?.as_str().to_owned()),
        };
        if let Some(participants) = new.participants
            && !(0..=100_000).contains(&participants)
        {
            return Err(FieldError::new("participants", "must be 0 to 100000").into());
        }
        if new.authors.is_empty() {
            return Err(FieldError::new("authors", "give at least one author").into());
        }
        self.program(program).await?;
        if let Some(project) = new.project {
            let record = self.project(project).await?;
            if record.program != program {
                return Err(FieldError::new("project", "belongs to another program").into());
            }
        }
        let mut authors = Vec::with_capacity(new.authors.len());
        for (index, author) in new.authors.iter().enumerate() {
            let field = |name: &str| format!("authors[{index}].{name}");
            let family = free_text(&author.family, &field("family"), 200, true)?;
            let given = free_text(&author.given, &field("given"), 200, false)?;
            let orcid = match author.orcid.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(raw) => Some(
                    domain::values::Orcid::parse(raw)
                        .map_err(|e| FieldError::new(field("orcid"), e.message))?
                        .as_str()
                        .to_owned(),
                ),
            };
            let country = author.affiliation_country.trim();
            let affiliation_country = if country.is_empty() {
                String::new()
            } else {
                domain::values::CountryCode::parse(country)
                    .map_err(|e| FieldError::new(field("affiliation_country"), e.message))?
                    .as_str()
                    .to_owned()
            };
            if let Some(person) = author.person {
                self.check_member(program, person, &field("person")).await?;
            }
            authors.push(OutputAuthor {
                person: author.person,
                family,
                given,
                orcid,
                affiliation_country,
            });
        }
        if let Some(doi) = &doi {
            let taken: i64 = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT COUNT(*) FROM research_outputs WHERE doi = $1")
                    .bind(doi).fetch_one(pool).await?
            });
            if taken > 0 {
                return Err(FieldError::new("doi", format!("{doi} is already recorded")).into());
            }
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO research_outputs (program_id, project_id, kind, title, venue, place, happened_on, doi, volume, issue, pages, participants, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(program.0).bind(new.project.map(|p| p.0)).bind(kind.as_str()).bind(&title).bind(&venue).bind(&place)
            .bind(happened_on.to_string()).bind(&doi).bind(new.volume.trim()).bind(new.issue.trim())
            .bind(new.pages.trim()).bind(new.participants).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        for (index, author) in authors.iter().enumerate() {
            let position = index as i64 + 1;
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "INSERT INTO output_authors (output_id, position, person_id, family, given, orcid, affiliation_country) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id).bind(position).bind(author.person.map(|p| p.0)).bind(&author.family)
                .bind(&author.given).bind(&author.orcid).bind(&author.affiliation_country)
                .execute(&mut *conn).await?;
            });
        }
        let stretch = match kind {
            OutputKind::Publication => Some("first_author"),
            OutputKind::Presentation => Some("lead_presenter"),
            OutputKind::Training => None,
        };
        if let (Some(role), Some(person)) = (stretch, authors.first().and_then(|a| a.person)) {
            record_first(
                &mut tx,
                person,
                role,
                new.project,
                Some(OutputId(id)),
                happened_on,
            )
            .await?;
        }
        let after = serde_json::json!({"kind": new.kind, "title": title, "doi": doi, "authors": authors.len()});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "research_output",
            id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.output(OutputId(id)).await
    }

    /// One output with its authors.
    pub async fn output(&self, id: OutputId) -> Result<ResearchOutput, DbError> {
        let mut outputs = self.outputs_where("id = $1", id.0).await?;
        outputs.pop().ok_or(DbError::NotFound {
            entity: "output",
            key: id.to_string(),
        })
    }

    /// A program's outputs, newest first.
    pub async fn outputs(&self, program: ProgramId) -> Result<Vec<ResearchOutput>, DbError> {
        self.outputs_where("program_id = $1", program.0).await
    }

    async fn outputs_where(&self, filter: &str, key: i64) -> Result<Vec<ResearchOutput>, DbError> {
        let sql = format!("{OUTPUT_SELECT} WHERE {filter} ORDER BY happened_on DESC, id DESC");
        let rows: Vec<OutputRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(pool).await?
        });
        let mut outputs = Vec::with_capacity(rows.len());
        for row in rows {
            let (
                id,
                program,
                project,
                kind,
                title,
                venue,
                place,
                happened_on,
                doi,
                volume,
                issue,
                pages,
                participants,
            ) = row;
            let author_rows: Vec<AuthorRow> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT position, person_id, family, given, orcid, affiliation_country FROM output_authors \
                     WHERE output_id = $1 ORDER BY position",
                )
                .bind(id).fetch_all(pool).await?
            });
            outputs.push(ResearchOutput {
                id: OutputId(id),
                program: ProgramId(program),
                project: project.map(ProjectId),
                kind: kind.0,
                title,
                venue,
                place,
                happened_on: stored_date(&happened_on)?,
                doi,
                volume,
                issue,
                pages,
                participants,
                authors: author_rows
                    .into_iter()
                    .map(
                        |(_, person, family, given, orcid, affiliation_country)| OutputAuthor {
                            person: person.map(PersonId),
                            family,
                            given,
                            orcid,
                            affiliation_country,
                        },
                    )
                    .collect(),
            });
        }
        Ok(outputs)
    }

    /// The stretch firsts of a program's members, oldest first.
    pub async fn stretch_firsts(&self, program: ProgramId) -> Result<Vec<StretchFirst>, DbError> {
        let rows: Vec<FirstRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.person_id, p.name, f.role, f.project_id, f.output_id, f.held_on FROM stretch_firsts f \
                 JOIN people p ON p.id = f.person_id \
                 WHERE f.person_id IN (SELECT person_id FROM memberships WHERE program_id = $1) \
                 ORDER BY f.held_on, p.name, f.role",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(person, name, role, project, output, held_on)| {
                Ok(StretchFirst {
                    person: PersonId(person),
                    name,
                    role,
                    project: project.map(ProjectId),
                    output: output.map(OutputId),
                    held_on: stored_date(&held_on)?,
                })
            })
            .collect()
    }
}

/// Records a stretch role's first holder; later holdings of the same role change nothing.
async fn record_first(
    tx: &mut crate::Tx,
    person: PersonId,
    role: &str,
    project: Option<ProjectId>,
    output: Option<OutputId>,
    held_on: NaiveDate,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO stretch_firsts (person_id, role, project_id, output_id, held_on) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (person_id, role) DO NOTHING",
        )
        .bind(person.0).bind(role).bind(project.map(|p| p.0)).bind(output.map(|o| o.0)).bind(held_on.to_string())
        .execute(&mut *conn).await?;
    });
    Ok(())
}
