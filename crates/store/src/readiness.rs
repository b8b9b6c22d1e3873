//! Site readiness and scale-up (C3): facility situation analyses (an assessment form scored
//! by domain, with priorities and a baseline), and the program's sites grouped in waves (a
//! pilot, then scale-up) with their status. A site is activated only once it has been
//! assessed, so every active site has a baseline to measure change against.

use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use ::forms::scoring::{GroupScore, Scores};
use chrono::NaiveDate;
use domain::FieldError;
use domain::field::SiteStatus;
use domain::ids::{AssessmentId, FormId, SiteId};
use domain::ids::{OrgUnitId, ProgramId};
use domain::values::parse_date;
use serde::{Deserialize, Serialize};

/// A facility's assessment as submitted; the scores are computed by the caller with the
/// `forms` crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewAssessment {
    /// The facility (a facility-level org unit).
    #[schema(value_type = i64)]
    pub facility: OrgUnitId,
    /// A stored form of purpose `assessment`.
    #[schema(value_type = i64)]
    pub form: FormId,
    /// The answers as a JSON object.
    #[schema(value_type = std::collections::BTreeMap<String, domain::field::AnswerInput>)]
    pub answers: serde_json::Value,
    /// Total and per-domain scores.
    pub scores: Scores,
    /// Priorities agreed from the analysis.
    #[serde(default)]
    pub priorities: String,
    /// When (`YYYY-MM-DD`), not in the future.
    pub assessed_on: String,
    /// Whether this is the facility's baseline (at most one per program and facility).
    #[serde(default)]
    pub baseline: bool,
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SiteAssessment {
    /// Id.
    #[schema(value_type = i64)]
    pub id: AssessmentId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Facility.
    #[schema(value_type = i64)]
    pub facility: OrgUnitId,
    /// Form.
    #[schema(value_type = i64)]
    pub form: FormId,
    /// Answers.
    #[schema(value_type = std::collections::BTreeMap<String, domain::field::AnswerInput>)]
    pub answers: serde_json::Value,
    /// Per-domain scores.
    pub domain_scores: Vec<GroupScore>,
    /// Total as a percentage, `None` when nothing was scorable.
    pub total_percent: Option<f64>,
    /// Priorities.
    pub priorities: String,
    /// When.
    pub assessed_on: NaiveDate,
    /// Whether it is the baseline.
    pub baseline: bool,
}

/// A facility taking part in a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Site {
    /// Id.
    #[schema(value_type = i64)]
    pub id: SiteId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Facility.
    #[schema(value_type = i64)]
    pub facility: OrgUnitId,
    /// Its name.
    pub facility_name: String,
    /// Its path.
    pub facility_path: String,
    /// Wave (`pilot`, `scale_up`, `scale_up_2`, …).
    pub wave: String,
    /// Where it stands in its roll-out.
    pub status: SiteStatus,
    /// When it became active.
    pub activated_on: Option<NaiveDate>,
}

type SiteRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Code<SiteStatus>,
    Option<String>,
);

const SITE_SELECT: &str = "SELECT s.id, s.program_id, s.facility_id, o.name, o.path, s.wave, s.status, s.activated_on \
     FROM sites s JOIN org_units o ON o.id = s.facility_id";

fn site_from_row(row: SiteRow) -> Result<Site, DbError> {
    let (id, program, facility, name, path, wave, status, activated_on) = row;
    Ok(Site {
        id: SiteId(id),
        program: ProgramId(program),
        facility: OrgUnitId(facility),
        facility_name: name,
        facility_path: path,
        wave,
        status: status.0,
        activated_on: activated_on
            .as_deref()
            .map(|d| parse_date(d, "activated_on"))
            .transpose()
            .map_err(|e| DbError::Corrupt(e.to_string()))?,
    })
}

type AssessmentRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    Option<f64>,
    String,
    String,
    bool,
);

fn corrupt(error: impl ToString) -> DbError {
    DbError::Corrupt(error.to_string())
}

/// A wave name: a lowercase token so waves group and sort reliably.
fn check_wave(wave: &str) -> Result<String, FieldError> {
    let wave = wave.trim();
    let ok = !wave.is_empty()
        && wave.len() <= 40
        && wave
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(wave.to_owned())
    } else {
        Err(FieldError::new(
            "wave",
            "must be 1 to 40 lowercase letters, digits, _ or - (pilot, scale_up)",
        ))
    }
}

impl Db {
    /// Adds a facility to a program as a site in a wave, status `assessing`.
    pub async fn add_site(
        &self,
        actor: &Actor,
        program: ProgramId,
        facility: OrgUnitId,
        wave: &str,
    ) -> Result<Site, DbError> {
        let wave = check_wave(wave)?;
        self.program(program).await?;
        self.require_facility(facility, "facility").await?;
        if self.site(program, facility).await.is_ok() {
            return Err(FieldError::new("facility", "is already a site of this program").into());
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO sites (program_id, facility_id, wave, status, created_at) VALUES ($1, $2, $3, 'assessing', $4) RETURNING id",
            )
            .bind(program.0).bind(facility.0).bind(&wave).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({"program": program, "facility": facility, "wave": wave, "status": "assessing"});
        tx.audit::<(), _>(actor, Action::Create, "site", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        self.site(program, facility).await
    }

    /// The site of `program` at `facility`.
    pub async fn site(&self, program: ProgramId, facility: OrgUnitId) -> Result<Site, DbError> {
        let sql = format!("{SITE_SELECT} WHERE s.program_id = $1 AND s.facility_id = $2");
        let row: Option<SiteRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(facility.0).fetch_optional(pool).await?
        });
        site_from_row(row.ok_or_else(|| DbError::NotFound {
            entity: "site",
            key: format!("{program}/{facility}"),
        })?)
    }

    /// A program's sites, by wave and facility name.
    pub async fn sites(&self, program: ProgramId) -> Result<Vec<Site>, DbError> {
        let sql = format!("{SITE_SELECT} WHERE s.program_id = $1 ORDER BY s.wave, o.name, s.id");
        let rows: Vec<SiteRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        rows.into_iter().map(site_from_row).collect()
    }

    /// Records a facility's situation analysis. The facility need not be a site yet: sites
    /// are assessed before they join.
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewAssessment,
    ) -> Result<SiteAssessment, DbError> {
        self.program(program).await?;
        self.require_facility(new.facility, "facility").await?;
        self.usable_form(
            program,
            new.form,
            domain::field::FormPurpose::Assessment,
            "form",
        )
        .await?;
        if !new.answers.is_object() {
            return Err(FieldError::new("answers", "must be a JSON object").into());
        }
        let scores = &new.scores;
        let within = |earned: f64, possible: f64| {
            earned.is_finite()
                && possible.is_finite()
                && possible >= 0.0
                && (0.0..=possible).contains(&earned)
        };
        if !within(scores.total, scores.max) {
            return Err(FieldError::new(
                "scores.total",
                format!("{} is outside 0 to {}", scores.total, scores.max),
            )
            .into());
        }
        for (index, group) in scores.by_group.iter().enumerate() {
            if !within(group.earned, group.possible) {
                return Err(FieldError::new(
                    format!("scores.by_group[{index}]"),
                    format!("{} is outside 0 to {}", group.earned, group.possible),
                )
                .into());
            }
        }
        let priorities = new.priorities.trim();
        if priorities.chars().count() > 4000 {
            return Err(FieldError::new("priorities", "must be at most 4000 characters").into());
        }
        let assessed_on = parse_date(&new.assessed_on, "assessed_on")?;
        if assessed_on > crate::now().date_naive() {
            return Err(FieldError::new("assessed_on", "must not be in the future").into());
        }
        if new.baseline {
            let baselines: i64 = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM site_assessments WHERE program_id = $1 AND facility_id = $2 AND baseline = $3",
                )
                .bind(program.0).bind(new.facility.0).bind(true).fetch_one(pool).await?
            });
            if baselines > 0 {
                return Err(FieldError::new(
                    "baseline",
                    "this facility already has a baseline assessment",
                )
                .into());
            }
        }
        // The percentage is derived here rather than trusted from the caller.
        let percent = (scores.max > 0.0).then(|| scores.total / scores.max * 100.0);
        let answers = serde_json::to_string(&new.answers).map_err(corrupt)?;
        let domains = serde_json::to_string(&scores.by_group).map_err(corrupt)?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO site_assessments (program_id, facility_id, form_id, answers_json, domain_scores_json, total_percent, \
                 priorities, assessed_on, baseline, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(program.0).bind(new.facility.0).bind(new.form.0).bind(&answers).bind(&domains).bind(percent)
            .bind(priorities).bind(assessed_on.to_string()).bind(new.baseline).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({
            "program": program, "facility": new.facility, "form": new.form,
            "total_percent": percent, "assessed_on": assessed_on, "baseline": new.baseline,
        });
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "site_assessment",
            id,
            None,
            Some(&record),
        )
        .await?;
        tx.commit().await?;
        Ok(SiteAssessment {
            id: AssessmentId(id),
            program,
            facility: new.facility,
            form: new.form,
            answers: new.answers.clone(),
            domain_scores: scores.by_group.clone(),
            total_percent: percent,
            priorities: priorities.to_owned(),
            assessed_on,
            baseline: new.baseline,
        })
    }

    /// A facility's assessments in a program, oldest first.
    pub async fn site_assessments(
        &self,
        program: ProgramId,
        facility: OrgUnitId,
    ) -> Result<Vec<SiteAssessment>, DbError> {
        let rows: Vec<AssessmentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, program_id, facility_id, form_id, answers_json, domain_scores_json, total_percent, priorities, \
                 assessed_on, baseline FROM site_assessments WHERE program_id = $1 AND facility_id = $2 \
                 ORDER BY assessed_on, id",
            )
            .bind(program.0).bind(facility.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(
                |(
                    id,
                    program,
                    facility,
                    form,
                    answers,
                    domains,
                    percent,
                    priorities,
                    on,
                    baseline,
                )| {
                    Ok(SiteAssessment {
                        id: AssessmentId(id),
                        program: ProgramId(program),
                        facility: OrgUnitId(facility),
                        form: FormId(form),
                        answers: serde_json::from_str(&answers).map_err(corrupt)?,
                        domain_scores: serde_json::from_str(&domains).map_err(corrupt)?,
                        total_percent: percent,
                        priorities,
                        assessed_on: parse_date(&on, "assessed_on").map_err(corrupt)?,
                        baseline,
                    })
                },
            )
            .collect()
    }

    /// Activates a site (mentoring starts there today, UTC). Refused (`facility`) until the
    /// facility has an assessment in this program.
    pub async fn activate_site(
        &self,
        actor: &Actor,
        program: ProgramId,
        facility: OrgUnitId,
    ) -> Result<Site, DbError> {
        let before = self.site(program, facility).await?;
        if before.status == SiteStatus::Active {
            return Ok(before);
        }
        let mut tx = self.begin().await?;
        // Counted inside the write transaction, so the check and the change see one state.
        let assessed: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar("SELECT COUNT(*) FROM site_assessments WHERE program_id = $1 AND facility_id = $2")
                .bind(program.0).bind(facility.0).fetch_one(&mut *conn).await?
        });
        if assessed == 0 {
            return Err(FieldError::new("facility", "has no assessment yet").into());
        }
        let today = crate::now().date_naive();
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE sites SET status = 'active', activated_on = $1 WHERE id = $2")
                .bind(today.to_string()).bind(before.id.0).execute(&mut *conn).await?;
        });
        let after = Site {
            status: SiteStatus::Active,
            activated_on: Some(today),
            ..before.clone()
        };
        tx.audit(
            actor,
            Action::Update,
            "site",
            before.id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a site's status to `assessing`, `ready` or `paused` (use [`Db::activate_site`] to
    /// make it `active`, which needs an assessment).
    pub async fn set_site_status(
        &self,
        actor: &Actor,
        program: ProgramId,
        facility: OrgUnitId,
        status: &str,
    ) -> Result<Site, DbError> {
        let refused = || {
            FieldError::new(
                "status",
                format!(
                    "must be assessing, ready or paused, not {:?}",
                    status.trim()
                ),
            )
        };
        let status = match SiteStatus::parse(status, "status") {
            Ok(SiteStatus::Active) | Err(_) => return Err(refused().into()),
            Ok(status) => status,
        };
        let before = self.site(program, facility).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE sites SET status = $1 WHERE id = $2")
                .bind(status.as_str()).bind(before.id.0).execute(&mut *conn).await?;
        });
        let after = Site {
            status,
            ..before.clone()
        };
        tx.audit(
            actor,
            Action::Update,
            "site",
            before.id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
