//! Recorded activities read back: one with everything recorded about it ([`ActivityDetail`]:
//! names joined in, checklist scores per group, its debrief and action items), or a filtered
//! list. Apart from the write because the shapes read are not the shapes submitted.

use super::actions::{ACTION_SELECT, ActionItem, ActionRow, action_from_row};
use super::{corrupt, stored_date};
use crate::codes::Code;
use crate::{Db, DbError, on_pool};
use ::forms::scoring::GroupScore;
use chrono::{DateTime, NaiveDate, Utc};
use domain::field::{ActivityKind, CheckInChannel, ParticipantRole, PerformedBy};
use domain::ids::{ActivityId, CaseId, ChecklistSubmissionId, FormId};
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use serde::Serialize;

/// A recorded activity (without its parts; see [`ActivityDetail`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Activity {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ActivityId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// What kind of contact it was.
    pub kind: ActivityKind,
    /// Facility, if any.
    #[schema(value_type = Option<i64>)]
    pub facility: Option<OrgUnitId>,
    /// Its name.
    pub facility_name: Option<String>,
    /// Its materialised path.
    pub facility_path: Option<String>,
    /// First day (for sessions, the UTC date of the start).
    pub starts_on: NaiveDate,
    /// Last day (for sessions, the first).
    pub ends_on: NaiveDate,
    /// Start of a session or check-in.
    pub starts_at: Option<DateTime<Utc>>,
    /// Length in minutes, if given.
    pub duration_minutes: Option<i64>,
    /// Check-in channel.
    pub channel: Option<CheckInChannel>,
    /// What happened.
    pub summary: String,
    /// Whether patient identifiers were removed from presented cases.
    pub patient_identifiers_removed: bool,
    /// Who recorded it (actor label).
    pub created_by: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// A participant with their name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Participant {
    /// Who.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// Their part.
    pub role: ParticipantRole,
    /// Whether they attended.
    pub attended: bool,
}

/// Cases of one procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Case {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CaseId,
    /// The procedure.
    pub procedure: String,
    /// `mentee`, `together` or `observed`.
    pub performed_by: PerformedBy,
    /// How many.
    pub count: i64,
}

/// A filled checklist.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChecklistSubmission {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ChecklistSubmissionId,
    /// Activity.
    #[schema(value_type = i64)]
    pub activity: ActivityId,
    /// Stored form.
    #[schema(value_type = i64)]
    pub form: FormId,
    /// The mentee it is about.
    #[schema(value_type = Option<i64>)]
    pub mentee: Option<PersonId>,
    /// The answers.
    #[schema(value_type = std::collections::BTreeMap<String, domain::field::AnswerInput>)]
    pub answers: serde_json::Value,
    /// Points earned.
    pub score_total: f64,
    /// Points possible.
    pub score_max: f64,
    /// Per-group (domain) scores.
    pub by_group: Vec<GroupScore>,
    /// When it was stored.
    pub submitted_at: DateTime<Utc>,
}

/// A debrief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Debrief {
    /// What went well.
    pub went_well: String,
    /// What to improve.
    pub to_improve: String,
}

/// An activity with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActivityDetail {
    /// The activity.
    pub activity: Activity,
    /// Participants, by name.
    pub participants: Vec<Participant>,
    /// Cases.
    pub cases: Vec<Case>,
    /// Checklists filled.
    pub checklists: Vec<ChecklistSubmission>,
    /// The debrief, if held.
    pub debrief: Option<Debrief>,
    /// Actions agreed at the debrief.
    pub actions: Vec<ActionItem>,
}

/// Which activities to list; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Only at facilities in this org-unit subtree (a path prefix such as `/1/4/`).
    pub under_path: Option<String>,
    /// Only with this participant.
    pub person: Option<PersonId>,
    /// Only those ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Only those starting on or before this day.
    pub to: Option<NaiveDate>,
    /// Newest first (by first day, then most recently recorded) instead of oldest first.
    pub newest_first: bool,
    /// At most this many, after skipping `offset`: a list reads what it shows, not the
    /// program's whole history.
    pub limit: Option<u32>,
    /// How many to skip, in the order asked for.
    pub offset: u32,
}

type ActivityRow = (
    i64,
    i64,
    Code<ActivityKind>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<Code<CheckInChannel>>,
    String,
    bool,
    String,
    DateTime<Utc>,
);

const ACTIVITY_SELECT: &str = "SELECT a.id, a.program_id, a.kind, a.facility_id, o.name, o.path, a.starts_on, a.ends_on, \
     a.starts_at, a.duration_minutes, a.channel, a.summary, a.patient_identifiers_removed, a.created_by, a.created_at \
     FROM activities a LEFT JOIN org_units o ON o.id = a.facility_id";

fn activity_from_row(row: ActivityRow) -> Result<Activity, DbError> {
    let (
        id,
        program,
        kind,
        facility,
        facility_name,
        facility_path,
        starts_on,
        ends_on,
        starts_at,
        duration_minutes,
        channel,
        summary,
        patient_identifiers_removed,
        created_by,
        created_at,
    ) = row;
    Ok(Activity {
        id: ActivityId(id),
        program: ProgramId(program),
        kind: kind.0,
        facility: facility.map(OrgUnitId),
        facility_name,
        facility_path,
        starts_on: stored_date(&starts_on)?,
        ends_on: stored_date(&ends_on)?,
        starts_at,
        duration_minutes,
        channel: channel.map(|c| c.0),
        summary,
        patient_identifiers_removed,
        created_by,
        created_at,
    })
}

/// id, form, mentee, answers, total, max, per-group scores, submitted.
type ChecklistRow = (
    i64,
    i64,
    Option<i64>,
    String,
    f64,
    f64,
    String,
    DateTime<Utc>,
);

impl Db {
    /// One activity with everything recorded about it.
    pub async fn activity(&self, id: ActivityId) -> Result<ActivityDetail, DbError> {
        let row: ActivityRow = self
            .one_by_id(
                format!("{ACTIVITY_SELECT} WHERE a.id = $1"),
                id.0,
                "activity",
            )
            .await?;
        let activity = activity_from_row(row)?;
        let participants: Vec<(i64, String, Code<ParticipantRole>, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.person_id, p.name, a.role, a.attended FROM activity_participants a \
                 JOIN people p ON p.id = a.person_id WHERE a.activity_id = $1 ORDER BY p.name, a.person_id",
            )
            .bind(id.0).fetch_all(pool).await?
        });
        let cases: Vec<(i64, String, Code<PerformedBy>, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, procedure, performed_by, count FROM activity_cases WHERE activity_id = $1 ORDER BY id")
                .bind(id.0).fetch_all(pool).await?
        });
        let checklists: Vec<ChecklistRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, form_id, mentee_id, answers_json, score_total, score_max, scores_json, submitted_at \
                 FROM checklist_submissions WHERE activity_id = $1 ORDER BY id",
            )
            .bind(id.0).fetch_all(pool).await?
        });
        let debrief: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT went_well, to_improve FROM debriefs WHERE activity_id = $1")
                .bind(id.0).fetch_optional(pool).await?
        });
        let sql = format!("{ACTION_SELECT} WHERE x.activity_id = $1 ORDER BY x.id");
        let actions: Vec<ActionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_all(pool).await?
        });
        Ok(ActivityDetail {
            activity,
            participants: participants
                .into_iter()
                .map(|(person, name, Code(role), attended)| Participant {
                    person: PersonId(person),
                    name,
                    role,
                    attended,
                })
                .collect(),
            cases: cases
                .into_iter()
                .map(|(id, procedure, Code(performed_by), count)| Case {
                    id: CaseId(id),
                    procedure,
                    performed_by,
                    count,
                })
                .collect(),
            checklists: checklists
                .into_iter()
                .map(
                    |(sub, form, mentee, answers, total, max, groups, submitted_at)| {
                        Ok(ChecklistSubmission {
                            id: ChecklistSubmissionId(sub),
                            activity: id,
                            form: FormId(form),
                            mentee: mentee.map(PersonId),
                            answers: serde_json::from_str(&answers).map_err(corrupt)?,
                            score_total: total,
                            score_max: max,
                            by_group: serde_json::from_str(&groups).map_err(corrupt)?,
                            submitted_at,
                        })
                    },
                )
                .collect::<Result<_, DbError>>()?,
            debrief: debrief.map(|(went_well, to_improve)| Debrief {
                went_well,
                to_improve,
            }),
            actions: actions
                .into_iter()
                .map(action_from_row)
                .collect::<Result<_, _>>()?,
        })
    }

    /// The activities `condition` selects (SQL over `a`, with `$1` and `$2` bound to
    /// `first` and `second`), by id: the change log's reads of what it names.
    pub(crate) async fn activities_where(
        &self,
        condition: &str,
        first: i64,
        second: i64,
    ) -> Result<Vec<Activity>, DbError> {
        let sql = format!("{ACTIVITY_SELECT} WHERE {condition} ORDER BY a.id");
        let rows: Vec<ActivityRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(first)
                .bind(second)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(activity_from_row).collect()
    }

    /// A program's activities, by first day (newest first with `filter.newest_first`), narrowed
    /// and paged by `filter`.
    pub async fn activities(
        &self,
        program: ProgramId,
        filter: &ActivityFilter,
    ) -> Result<Vec<Activity>, DbError> {
        let under = filter.under_path.clone().unwrap_or_default();
        let order = if filter.newest_first {
            "ORDER BY a.starts_on DESC, a.id DESC"
        } else {
            "ORDER BY a.starts_on, a.id"
        };
        let page = match (filter.limit, filter.offset) {
            (None, 0) => String::new(),
            // SQLite wants a LIMIT before an OFFSET, and PostgreSQL refuses -1 for none: the
            // largest number is "none" to both.
            (limit, offset) => format!(
                " LIMIT {} OFFSET {offset}",
                limit.map_or(i64::MAX, i64::from)
            ),
        };
        let sql = format!(
            "{ACTIVITY_SELECT} WHERE a.program_id = $1 AND ($2 = '' OR o.path LIKE $3) \
             AND ($4 = 0 OR EXISTS (SELECT 1 FROM activity_participants p WHERE p.activity_id = a.id AND p.person_id = $4)) \
             AND ($5 = '' OR a.ends_on >= $5) AND ($6 = '' OR a.starts_on <= $6) {order}{page}"
        );
        let rows: Vec<ActivityRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(program.0)
                .bind(&under)
                .bind(format!("{under}%"))
                .bind(filter.person.map_or(0, |p| p.0))
                .bind(filter.from.map(|d| d.to_string()).unwrap_or_default())
                .bind(filter.to.map(|d| d.to_string()).unwrap_or_default())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(activity_from_row).collect()
    }
}
