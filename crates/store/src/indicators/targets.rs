//! Targets per indicator × org unit × period, in versions, and each stakeholder group's
//! sign-off of a version: which groups must sign (those with members of the program around
//! the target's org unit) and whether all have. Apart because sign-offs follow memberships,
//! which no other part of the area reads.

use super::{finite, parse_period};
use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::ids::{IndicatorId, TargetId};
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::values::OrgUnitCode;
use domain::values::free_text;
use serde::Serialize;

/// The stakeholder groups that sign targets off, in display order.
pub const STAKEHOLDER_GROUPS: [&str; 5] = [
    "mentees",
    "mentors",
    "facility_leaders",
    "regional_authority",
    "program_managers",
];

/// The membership role that makes a person part of a stakeholder group.
fn group_role(group: &str) -> Option<&'static str> {
    Some(match group {
        "mentees" => "mentee",
        "mentors" => "mentor",
        "facility_leaders" => "facility_leader",
        "regional_authority" => "regional_viewer",
        "program_managers" => "program_manager",
        _ => return None,
    })
}

/// Whether one of two materialised paths contains the other.
fn related(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// One stakeholder group's sign-off of a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Signoff {
    /// `mentees`, `mentors`, `facility_leaders`, `regional_authority` or `program_managers`.
    pub group: String,
    /// Who signed for the group.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// When.
    pub signed_at: DateTime<Utc>,
    /// Comment.
    pub comment: String,
}

/// A target (one version) with its sign-offs.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Target {
    /// Id.
    #[schema(value_type = i64)]
    pub id: TargetId,
    /// Indicator id.
    #[schema(value_type = i64)]
    pub indicator: IndicatorId,
    /// Indicator code.
    pub indicator_code: String,
    /// Org unit (any level).
    #[schema(value_type = i64)]
    pub org_unit: OrgUnitId,
    /// Org unit code.
    pub org_unit_code: String,
    /// Period id, canonical.
    pub period: String,
    /// Target value.
    pub value: f64,
    /// Version, from 1.
    pub version: i64,
    /// Why this value.
    pub note: String,
    /// Who proposed it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether a later version exists.
    pub superseded: bool,
    /// Sign-offs, in [`STAKEHOLDER_GROUPS`] order.
    pub signoffs: Vec<Signoff>,
}

/// The latest version of a target and whether everyone who must has signed it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrentTarget {
    /// The latest version.
    pub target: Target,
    /// The groups whose sign-off it needs: every group with at least one member of the program
    /// whose membership unit contains the target's org unit or lies within it.
    pub required_groups: Vec<String>,
    /// Whether every required group has signed (and at least one has).
    pub fully_signed: bool,
}

/// id, indicator, indicator code, org unit, org unit code, period, value, version, note,
/// created by, created at, latest version of its key.
type TargetRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    f64,
    i64,
    String,
    String,
    DateTime<Utc>,
    i64,
);

const TARGET_SELECT: &str = "SELECT t.id, t.indicator_id, i.code, t.org_unit_id, o.code, t.period, t.value, t.version, t.note, \
     t.created_by, t.created_at, (SELECT MAX(l.version) FROM targets l WHERE l.indicator_id = t.indicator_id \
     AND l.org_unit_id = t.org_unit_id AND l.period = t.period) \
     FROM targets t JOIN indicator_definitions i ON i.id = t.indicator_id JOIN org_units o ON o.id = t.org_unit_id";

impl Db {
    /// Proposes a target for an indicator (by code) at an org unit (by code, any level) in a
    /// period: the next version of that target, starting at 1. Earlier versions stay, as
    /// superseded, with their sign-offs.
    #[allow(clippy::too_many_arguments)]
    pub async fn propose_target(
        &self,
        actor: &Actor,
        program: ProgramId,
        indicator: &str,
        org_unit: &str,
        period: &str,
        value: f64,
        note: &str,
    ) -> Result<Target, DbError> {
        let record = self.program(program).await?;
        let indicator_code = indicator.trim();
        let indicator = self
            .indicator_by_code(program, indicator_code)
            .await?
            .ok_or_else(|| {
                FieldError::new(
                    "indicator",
                    format!("this program has no indicator {indicator_code:?}"),
                )
            })?;
        let unit_code = org_unit.trim();
        let unit = match OrgUnitCode::parse(unit_code) {
            Ok(parsed) => match self.org_unit_by_code(&parsed).await {
                Ok(unit) => Some(unit),
                Err(DbError::NotFound { .. }) => None,
                Err(other) => return Err(other),
            },
            Err(_) => None,
        }
        .ok_or_else(|| {
            FieldError::new("org_unit", format!("no org unit has code {unit_code:?}"))
        })?;
        if let Some(root) = record.root_org_unit {
            let root = self.org_unit(root).await?;
            if !unit.path.starts_with(&root.path) {
                return Err(FieldError::new(
                    "org_unit",
                    format!("{unit_code} is outside this program's area"),
                )
                .into());
            }
        }
        let period = parse_period(period, "period")?.to_string();
        finite(value, "value")?;
        let note = free_text(note, "note", 2000, false)?;
        let mut tx = self.begin().await?;
        let latest: Option<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "SELECT MAX(version) FROM targets WHERE indicator_id = $1 AND org_unit_id = $2 AND period = $3",
            )
            .bind(indicator.id.0).bind(unit.id.0).bind(&period)
            .fetch_one(&mut *conn).await?
        });
        let version = latest.unwrap_or(0) + 1;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO targets (indicator_id, org_unit_id, period, value, version, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(indicator.id.0).bind(unit.id.0).bind(&period).bind(value).bind(version)
            .bind(&note).bind(&actor.label).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let after = serde_json::json!({
            "indicator": indicator.code, "org_unit": unit_code, "period": period,
            "value": value, "version": version, "note": note,
        });
        tx.audit::<(), _>(actor, Action::Create, "target", id, None, Some(&after))
            .await?;
        tx.commit().await?;
        self.target(TargetId(id)).await
    }

    /// One target version with its sign-offs.
    pub async fn target(&self, id: TargetId) -> Result<Target, DbError> {
        let row: TargetRow = self
            .one_by_id(format!("{TARGET_SELECT} WHERE t.id = $1"), id.0, "target")
            .await?;
        self.with_signoffs(row).await
    }

    async fn with_signoffs(&self, row: TargetRow) -> Result<Target, DbError> {
        let (id, indicator, icode, unit, ucode, period, value, version, note, by, at, latest) = row;
        let rows: Vec<(String, i64, String, DateTime<Utc>, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.stakeholder_group, s.person_id, p.name, s.signed_at, s.comment FROM target_signoffs s \
                 JOIN people p ON p.id = s.person_id WHERE s.target_id = $1",
            )
            .bind(id).fetch_all(pool).await?
        });
        let mut signoffs: Vec<Signoff> = rows
            .into_iter()
            .map(|(group, person, person_name, signed_at, comment)| Signoff {
                group,
                person: PersonId(person),
                person_name,
                signed_at,
                comment,
            })
            .collect();
        signoffs.sort_by_key(|s| STAKEHOLDER_GROUPS.iter().position(|g| *g == s.group));
        Ok(Target {
            id: TargetId(id),
            indicator: IndicatorId(indicator),
            indicator_code: icode,
            org_unit: OrgUnitId(unit),
            org_unit_code: ucode,
            period,
            value,
            version,
            note,
            created_by: by,
            created_at: at,
            superseded: version < latest,
            signoffs,
        })
    }

    /// A program's targets, every version, optionally of one indicator (by id); ordered by
    /// indicator code, org unit code, period and version.
    pub async fn targets(
        &self,
        program: ProgramId,
        indicator: Option<IndicatorId>,
    ) -> Result<Vec<Target>, DbError> {
        let sql = format!(
            "{TARGET_SELECT} WHERE i.program_id = $1 AND ($2 = 0 OR t.indicator_id = $2) \
             ORDER BY i.code, o.code, t.period, t.version"
        );
        let rows: Vec<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(indicator.map_or(0, |i| i.0))
                .fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.with_signoffs(row).await?);
        }
        Ok(out)
    }

    /// The latest version's value of every target of `program`'s indicators at `org_unit`,
    /// by indicator and period id: what a dashboard compares figures with, in one query
    /// (signatures are [`Db::current_target`]'s business).
    pub async fn target_values(
        &self,
        program: ProgramId,
        org_unit: OrgUnitId,
    ) -> Result<std::collections::HashMap<(IndicatorId, String), f64>, DbError> {
        let rows: Vec<(i64, String, f64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.indicator_id, t.period, t.value FROM targets t                  JOIN indicator_definitions i ON i.id = t.indicator_id                  WHERE i.program_id = $1 AND t.org_unit_id = $2                  ORDER BY t.version",
            )
            .bind(program.0).bind(org_unit.0).fetch_all(pool).await?
        });
        // Later versions come last and overwrite earlier ones.
        Ok(rows
            .into_iter()
            .map(|(indicator, period, value)| ((IndicatorId(indicator), period), value))
            .collect())
    }

    /// The latest version of the target for an indicator (by id), org unit and period, with
    /// whether it is fully signed: every group with at least one program member whose
    /// membership unit contains the org unit or lies within it has signed (see
    /// [`CurrentTarget::required_groups`]). `None` when no target was proposed.
    pub async fn current_target(
        &self,
        indicator: IndicatorId,
        org_unit: OrgUnitId,
        period: &str,
    ) -> Result<Option<CurrentTarget>, DbError> {
        let period = parse_period(period, "period")?.to_string();
        let sql = format!(
            "{TARGET_SELECT} WHERE t.indicator_id = $1 AND t.org_unit_id = $2 AND t.period = $3 \
             ORDER BY t.version DESC LIMIT 1"
        );
        let row: Option<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(indicator.0).bind(org_unit.0).bind(&period)
                .fetch_optional(pool).await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let target = self.with_signoffs(row).await?;
        let program = self.indicator(indicator).await?.program;
        let required_groups = self.groups_around(program, org_unit).await?;
        let fully_signed = !target.signoffs.is_empty()
            && required_groups
                .iter()
                .all(|g| target.signoffs.iter().any(|s| s.group == *g));
        Ok(Some(CurrentTarget {
            target,
            required_groups,
            fully_signed,
        }))
    }

    /// The stakeholder groups with at least one member of `program` placed at, above or
    /// below `org_unit`, in [`STAKEHOLDER_GROUPS`] order.
    async fn groups_around(
        &self,
        program: ProgramId,
        org_unit: OrgUnitId,
    ) -> Result<Vec<String>, DbError> {
        let path = self.org_unit(org_unit).await?.path;
        let held: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT m.role, o.path FROM memberships m JOIN org_units o ON o.id = m.org_unit_id WHERE m.program_id = $1",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(STAKEHOLDER_GROUPS
            .iter()
            .filter(|group| {
                held.iter().any(|(role, at)| {
                    group_role(group) == Some(role.as_str()) && related(at, &path)
                })
            })
            .map(|g| (*g).to_owned())
            .collect())
    }

    /// Records a stakeholder group's sign-off of a target version. Refused: an unknown group,
    /// a group that already signed this version (`group`), a superseded version (`target`),
    /// and a person who does not hold the group's role in the program at, above or below the
    /// target's org unit (`person`).
    pub async fn sign_target(
        &self,
        actor: &Actor,
        target: TargetId,
        group: &str,
        person: PersonId,
        comment: &str,
    ) -> Result<Target, DbError> {
        let record = self.target(target).await?;
        let group = group.trim();
        let role = group_role(group).ok_or_else(|| {
            FieldError::new(
                "group",
                format!(
                    "must be one of {}, not {group:?}",
                    STAKEHOLDER_GROUPS.join(", ")
                ),
            )
        })?;
        if record.superseded {
            return Err(FieldError::new(
                "target",
                format!(
                    "version {} is superseded by a later version: sign the current one",
                    record.version
                ),
            )
            .into());
        }
        if let Some(signed) = record.signoffs.iter().find(|s| s.group == group) {
            return Err(FieldError::new(
                "group",
                format!(
                    "already signed by {}, on {}",
                    signed.person_name,
                    signed.signed_at.date_naive()
                ),
            )
            .into());
        }
        let comment = free_text(comment, "comment", 2000, false)?;
        let program = self.indicator(record.indicator).await?.program;
        let path = self.org_unit(record.org_unit).await?.path;
        let held: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT o.path FROM memberships m JOIN org_units o ON o.id = m.org_unit_id \
                 WHERE m.program_id = $1 AND m.person_id = $2 AND m.role = $3",
            )
            .bind(program.0).bind(person.0).bind(role).fetch_all(pool).await?
        });
        if !held.iter().any(|at| related(at, &path)) {
            return Err(FieldError::new(
                "person",
                format!(
                    "person {person} is not a {} of this program at or around {}",
                    role.replace('_', " "),
                    record.org_unit_code
                ),
            )
            .into());
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO target_signoffs (target_id, stakeholder_group, person_id, signed_at, comment) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(target.0).bind(group).bind(person.0).bind(crate::now()).bind(&comment)
            .execute(&mut *conn).await?;
        });
        let after = serde_json::json!({"group": group, "person": person.0, "comment": comment});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "target_signoff",
            format!("{target}/{group}"),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.target(target).await
    }
}
