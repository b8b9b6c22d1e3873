//! Mentoring activities (C6): side-by-side coaching visits at facilities, tele-mentoring case
//! sessions, WhatsApp/SMS/phone check-ins, joint learning sessions and trainings, each with its
//! participants and attendance, the cases done or presented, an optional checklist filled
//! during it, and a debrief with action items followed up later. Also the program's planned
//! dose and the contact rows the dose computation aggregates.
//!
//! An activity arrives whole ([`NewActivity`]) and is checked whole before anything is
//! written: the error names the first bad field (`debrief.actions[1].due_on`), and a refused
//! activity leaves no row behind.

use crate::audit::Action;
use crate::research::parse_date;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use ::forms::scoring::{GroupScore, Scores};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::org_units::{OrgUnit, OrgUnitLevel};
use serde::{Deserialize, Serialize};

/// The kinds of activity.
pub const ACTIVITY_KINDS: [&str; 5] = [
    "visit",
    "tele_session",
    "check_in",
    "joint_session",
    "training_session",
];
/// How a check-in was made.
pub const CHANNELS: [&str; 3] = ["whatsapp", "sms", "phone"];
/// A participant's part in an activity.
pub const PARTICIPANT_ROLES: [&str; 4] = ["mentor", "mentee", "facilitator", "participant"];
/// Who did a case: the mentee alone (supervised), mentor and mentee together, or the mentee
/// observed the mentor.
pub const PERFORMED_BY: [&str; 3] = ["mentee", "together", "observed"];
/// An action item's states.
pub const ACTION_STATUSES: [&str; 3] = ["open", "done", "dropped"];
/// Contact minutes a visit day counts for when the visit gives no duration: a working day.
pub const VISIT_DAY_MINUTES: i64 = 8 * 60;

/// A person taking part, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewParticipant {
    /// Who; must be a member of the program.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// `mentor`, `mentee`, `facilitator` or `participant`.
    pub role: String,
    /// Whether they attended (invited people who did not come are recorded too).
    pub attended: bool,
}

/// Procedures done or a case presented, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewCase {
    /// The procedure (`caesarean section`).
    pub procedure: String,
    /// `mentee`, `together` or `observed`.
    pub performed_by: String,
    /// How many, at least 1.
    pub count: i64,
}

/// A checklist filled during the activity, scored by the caller with the `forms` crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewChecklist {
    /// A stored form of purpose `checklist` that the program may use.
    pub form: i64,
    /// The mentee it was filled about; must be a participant.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub mentee: Option<PersonId>,
    /// The answers as a JSON object (question name → value).
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// Total, maximum and per-group scores.
    #[schema(value_type = Object)]
    pub scores: Scores,
}

/// An action agreed at the debrief, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewAction {
    /// Who does it; must be a member of the program.
    #[schema(value_type = i64)]
    pub owner: PersonId,
    /// What.
    pub description: String,
    /// By when (`YYYY-MM-DD`), not before the activity starts.
    pub due_on: String,
}

/// The debrief at the end of an activity, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDebrief {
    /// What went well.
    #[serde(default)]
    pub went_well: String,
    /// What to improve.
    #[serde(default)]
    pub to_improve: String,
    /// Actions agreed.
    #[serde(default)]
    pub actions: Vec<NewAction>,
}

/// Longest submission key [`Db::record_activity_once`] takes; a UUID, a ULID or the pages'
/// 64 hex characters fit with room to spare.
pub const SUBMISSION_KEY_MAX: usize = 128;

/// Checks that a submission key is 1 to [`SUBMISSION_KEY_MAX`] visible ASCII characters; the
/// error names `field`, where the key came from (a form field, an HTTP header).
pub fn check_submission_key(key: &str, field: &str) -> Result<(), FieldError> {
    if key.is_empty()
        || key.len() > SUBMISSION_KEY_MAX
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(FieldError::new(
            field,
            format!("must be 1 to {SUBMISSION_KEY_MAX} visible ASCII characters"),
        ));
    }
    Ok(())
}

/// What [`Db::record_activity_once`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// The activity: the one recorded now, or the one the key's first request recorded.
    pub detail: ActivityDetail,
    /// Whether the key had been used already (nothing was written this time).
    pub repeated: bool,
}

/// An activity as submitted; checked whole by [`Db::record_activity`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewActivity {
    /// One of [`ACTIVITY_KINDS`].
    pub kind: String,
    /// The facility (a facility-level org unit): required for visits, optional otherwise.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub facility: Option<OrgUnitId>,
    /// Visits: first day (`YYYY-MM-DD`).
    #[serde(default)]
    pub starts_on: Option<String>,
    /// Visits: last day, the first day when absent.
    #[serde(default)]
    pub ends_on: Option<String>,
    /// Sessions and check-ins: start (RFC 3339).
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Sessions: length in minutes (required, except for check-ins). Visits: total contact
    /// minutes, when not a full working day per visit day.
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    /// Check-ins: `whatsapp`, `sms` or `phone`.
    #[serde(default)]
    pub channel: Option<String>,
    /// What happened.
    #[serde(default)]
    pub summary: String,
    /// Remote case presentations: the presenter confirms patient identifiers were removed.
    #[serde(default)]
    pub patient_identifiers_removed: bool,
    /// Who took part.
    pub participants: Vec<NewParticipant>,
    /// Cases done or presented.
    #[serde(default)]
    pub cases: Vec<NewCase>,
    /// A checklist filled during it.
    #[serde(default)]
    pub checklist: Option<NewChecklist>,
    /// The debrief.
    #[serde(default)]
    pub debrief: Option<NewDebrief>,
}

/// A recorded activity (without its parts; see [`ActivityDetail`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Activity {
    /// Id.
    pub id: i64,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// One of [`ACTIVITY_KINDS`].
    pub kind: String,
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
    pub channel: Option<String>,
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
    pub role: String,
    /// Whether they attended.
    pub attended: bool,
}

/// Cases of one procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// The procedure.
    pub procedure: String,
    /// `mentee`, `together` or `observed`.
    pub performed_by: String,
    /// How many.
    pub count: i64,
}

/// A filled checklist.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChecklistSubmission {
    /// Id.
    pub id: i64,
    /// Activity.
    pub activity: i64,
    /// Stored form.
    pub form: i64,
    /// The mentee it is about.
    #[schema(value_type = Option<i64>)]
    pub mentee: Option<PersonId>,
    /// The answers.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// Points earned.
    pub score_total: f64,
    /// Points possible.
    pub score_max: f64,
    /// Per-group (domain) scores.
    #[schema(value_type = Object)]
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

/// An action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    /// Id.
    pub id: i64,
    /// The activity whose debrief agreed it.
    pub activity: i64,
    /// Who does it.
    #[schema(value_type = i64)]
    pub owner: PersonId,
    /// Their name.
    pub owner_name: String,
    /// What.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// `open`, `done` or `dropped`.
    pub status: String,
    /// When it was closed.
    pub closed_on: Option<NaiveDate>,
    /// What the follow-up found.
    pub follow_up_note: String,
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
}

/// One person's contact on one day of one activity, for the dose computation (C6). Only
/// attended participations count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContactRow {
    /// Activity.
    pub activity: i64,
    /// Its kind (the modality).
    pub kind: String,
    /// The day. A visit gives one row per visit day in the range.
    pub date: NaiveDate,
    /// Facility, if any.
    #[schema(value_type = Option<i64>)]
    pub facility: Option<OrgUnitId>,
    /// Who.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their part.
    pub role: String,
    /// Contact minutes that day: a visit's duration spread over its days, else
    /// [`VISIT_DAY_MINUTES`] a day; a session's duration; 0 for a check-in without one.
    pub minutes: i64,
}

/// The dose a program plans per mentee (C6), compared by the dose computation with what was
/// recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DosePlan {
    /// Days of side-by-side coaching per visit (the surgical program: 2).
    pub visit_days: i64,
    /// A visit every this many months (the surgical program: 2).
    pub visit_every_months: i64,
    /// Tele-mentoring minutes a week.
    #[serde(default)]
    pub tele_minutes_per_week: i64,
    /// WhatsApp/SMS/phone check-ins a month.
    #[serde(default)]
    pub check_ins_per_month: i64,
}

impl DosePlan {
    /// Checks the ranges; the error names the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        let check = |value: i64, field: &str, max: i64| {
            if (0..=max).contains(&value) {
                Ok(())
            } else {
                Err(FieldError::new(field, format!("must be 0 to {max}")))
            }
        };
        check(self.visit_days, "visit_days", 31)?;
        if !(1..=24).contains(&self.visit_every_months) {
            return Err(FieldError::new("visit_every_months", "must be 1 to 24"));
        }
        check(
            self.tele_minutes_per_week,
            "tele_minutes_per_week",
            7 * 24 * 60,
        )?;
        check(self.check_ins_per_month, "check_ins_per_month", 100)
    }
}

/// An activity that passed every check, ready to write.
#[derive(Debug, Serialize)]
struct Checked {
    kind: String,
    facility: Option<i64>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    starts_at: Option<DateTime<Utc>>,
    duration_minutes: Option<i64>,
    channel: Option<String>,
    summary: String,
    patient_identifiers_removed: bool,
    participants: Vec<NewParticipant>,
    cases: Vec<NewCase>,
    checklist: Option<NewChecklist>,
    debrief: Option<CheckedDebrief>,
}

/// A checked debrief: what went well, what to improve, actions as (owner, what, due).
#[derive(Debug, Serialize)]
struct CheckedDebrief {
    went_well: String,
    to_improve: String,
    actions: Vec<(PersonId, String, NaiveDate)>,
}

fn text(value: &str, field: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn one_of(value: &str, allowed: &[&str], field: &str) -> Result<(), FieldError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("must be one of {}, not {value:?}", allowed.join(", ")),
        ))
    }
}

fn stored_date(raw: &str) -> Result<NaiveDate, DbError> {
    parse_date(raw, "date").map_err(|e| DbError::Corrupt(e.to_string()))
}

fn corrupt(error: serde_json::Error) -> DbError {
    DbError::Corrupt(error.to_string())
}

/// Checks scores the caller computed: finite, earned within 0..=possible.
fn check_scores(scores: &Scores, field: &str) -> Result<(), FieldError> {
    let within = |earned: f64, possible: f64| {
        earned.is_finite()
            && possible.is_finite()
            && possible >= 0.0
            && (0.0..=possible).contains(&earned)
    };
    if !within(scores.total, scores.max) {
        return Err(FieldError::new(
            format!("{field}.score"),
            format!("{} is outside 0 to {}", scores.total, scores.max),
        ));
    }
    for (index, group) in scores.by_group.iter().enumerate() {
        if !within(group.earned, group.possible) {
            return Err(FieldError::new(
                format!("{field}.by_group[{index}]"),
                format!("{} is outside 0 to {}", group.earned, group.possible),
            ));
        }
    }
    Ok(())
}

type ActivityRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<String>,
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
        id,
        program: ProgramId(program),
        kind,
        facility: facility.map(OrgUnitId),
        facility_name,
        facility_path,
        starts_on: stored_date(&starts_on)?,
        ends_on: stored_date(&ends_on)?,
        starts_at,
        duration_minutes,
        channel,
        summary,
        patient_identifiers_removed,
        created_by,
        created_at,
    })
}

type ActionRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

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

/// activity, kind, facility, starts on, ends on, minutes, person, role.
type ContactSourceRow = (
    i64,
    String,
    Option<i64>,
    String,
    String,
    Option<i64>,
    i64,
    String,
);

const ACTION_SELECT: &str = "SELECT x.id, x.activity_id, x.owner_id, p.name, x.description, x.due_on, x.status, x.closed_on, x.follow_up_note \
     FROM action_items x JOIN people p ON p.id = x.owner_id";

fn action_from_row(row: ActionRow) -> Result<ActionItem, DbError> {
    let (id, activity, owner, owner_name, description, due_on, status, closed_on, note) = row;
    Ok(ActionItem {
        id,
        activity,
        owner: PersonId(owner),
        owner_name,
        description,
        due_on: stored_date(&due_on)?,
        status,
        closed_on: closed_on.as_deref().map(stored_date).transpose()?,
        follow_up_note: note,
    })
}

impl Db {
    /// Whether `person` holds any role in `program`.
    pub(crate) async fn is_member(
        &self,
        program: ProgramId,
        person: PersonId,
    ) -> Result<bool, DbError> {
        let held: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE program_id = $1 AND person_id = $2")
                .bind(program.0).bind(person.0).fetch_one(pool).await?
        });
        Ok(held > 0)
    }

    /// The facility-level org unit `id`; the error names `field`.
    pub(crate) async fn require_facility(
        &self,
        id: OrgUnitId,
        field: &str,
    ) -> Result<OrgUnit, DbError> {
        let unit = self.org_unit(id).await.map_err(|_| {
            FieldError::new(field, format!("no org unit has id {id}"))
                .phrased("field-error-no-such-facility", &[])
        })?;
        if unit.level != OrgUnitLevel::Facility {
            return Err(FieldError::new(
                field,
                format!("{} is not a facility", unit.name.as_str()),
            )
            .phrased(
                "field-error-not-a-facility",
                &[("name", &unit.name.as_str())],
            )
            .into());
        }
        Ok(unit)
    }

    async fn check_activity(
        &self,
        program: ProgramId,
        new: &NewActivity,
    ) -> Result<Checked, DbError> {
        self.program(program).await?;
        let kind = new.kind.trim();
        one_of(kind, &ACTIVITY_KINDS, "kind")?;
        let is_visit = kind == "visit";
        match new.facility {
            Some(id) => {
                self.require_facility(id, "facility").await?;
            }
            None if is_visit => {
                return Err(FieldError::new("facility", "a visit happens at a facility")
                    .phrased("field-error-visit-facility", &[])
                    .into());
            }
            None => {}
        }
        let (starts_on, ends_on, starts_at) = if is_visit {
            if new.starts_at.is_some() {
                return Err(FieldError::new(
                    "starts_at",
                    "a visit has days (starts_on, ends_on), not a start time",
                )
                .into());
            }
            let starts = parse_date(new.starts_on.as_deref().unwrap_or_default(), "starts_on")
                .map_err(|e| e.phrased("field-error-first-day", &[]))?;
            let ends = match new.ends_on.as_deref() {
                Some(raw) => parse_date(raw, "ends_on")
                    .map_err(|e| e.phrased("field-error-last-day", &[]))?,
                None => starts,
            };
            if ends < starts {
                return Err(FieldError::new("ends_on", "must not be before starts_on")
                    .phrased("field-error-ends-before-starts", &[])
                    .into());
            }
            if (ends - starts).num_days() > 31 {
                return Err(FieldError::new("ends_on", "a visit lasts at most a month")
                    .phrased("field-error-visit-too-long", &[])
                    .into());
            }
            (starts, ends, None)
        } else {
            if new.starts_on.is_some() || new.ends_on.is_some() {
                return Err(
                    FieldError::new("starts_on", "only visits have days; give starts_at").into(),
                );
            }
            let raw = new.starts_at.as_deref().unwrap_or_default();
            let at = DateTime::parse_from_rfc3339(raw.trim())
                .map_err(|_| {
                    FieldError::new(
                        "starts_at",
                        format!("{raw:?} is not a time (RFC 3339, 2026-03-02T09:00:00Z)"),
                    )
                })?
                .with_timezone(&Utc);
            // Microseconds, as crate::now(), so both backends hold the same value.
            let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
            if new.duration_minutes.is_none() && kind != "check_in" {
                return Err(
                    FieldError::new("duration_minutes", "give the length in minutes").into(),
                );
            }
            (at.date_naive(), at.date_naive(), Some(at))
        };
        if let Some(minutes) = new.duration_minutes {
            let days = (ends_on - starts_on).num_days() + 1;
            if minutes < 1 || minutes > days * 24 * 60 {
                return Err(FieldError::new(
                    "duration_minutes",
                    format!("must be 1 to {}", days * 24 * 60),
                )
                .into());
            }
        }
        let channel = match (kind, new.channel.as_deref().map(str::trim)) {
            ("check_in", Some(channel)) => {
                one_of(channel, &CHANNELS, "channel")?;
                Some(channel.to_owned())
            }
            ("check_in", None) => {
                return Err(FieldError::new("channel", "give whatsapp, sms or phone").into());
            }
            (_, Some(_)) => {
                return Err(FieldError::new("channel", "only check-ins have a channel").into());
            }
            (_, None) => None,
        };
        let summary = text(&new.summary, "summary", 4000, false)?;

        if new.participants.is_empty() {
            return Err(
                FieldError::new("participants", "give at least one participant")
                    .phrased("field-error-no-participant", &[])
                    .into(),
            );
        }
        for (index, p) in new.participants.iter().enumerate() {
            let field = format!("participants[{index}]");
            one_of(p.role.trim(), &PARTICIPANT_ROLES, &format!("{field}.role"))?;
            if new.participants[..index]
                .iter()
                .any(|q| q.person == p.person)
            {
                return Err(
                    FieldError::new(format!("{field}.person"), "is listed twice")
                        .phrased("field-error-participant-twice", &[])
                        .into(),
                );
            }
            if !self.is_member(program, p.person).await? {
                return Err(FieldError::new(
                    format!("{field}.person"),
                    format!("person {} is not a member of this program", p.person),
                )
                .into());
            }
        }
        let participants: Vec<NewParticipant> = new
            .participants
            .iter()
            .map(|p| NewParticipant {
                role: p.role.trim().to_owned(),
                ..p.clone()
            })
            .collect();

        let mut cases = Vec::with_capacity(new.cases.len());
        for (index, case) in new.cases.iter().enumerate() {
            let field = format!("cases[{index}]");
            let procedure = text(&case.procedure, &format!("{field}.procedure"), 200, true)?;
            let performed_by = case.performed_by.trim();
            one_of(
                performed_by,
                &PERFORMED_BY,
                &format!("{field}.performed_by"),
            )?;
            if !(1..=1000).contains(&case.count) {
                return Err(FieldError::new(format!("{field}.count"), "must be 1 to 1000").into());
            }
            cases.push(NewCase {
                procedure,
                performed_by: performed_by.to_owned(),
                count: case.count,
            });
        }
        // A case presented away from the patient's bedside travels over video and chat: it may
        // only be recorded once the presenter confirms identifiers were removed.
        if !is_visit && !cases.is_empty() && !new.patient_identifiers_removed {
            return Err(FieldError::new(
                "patient_identifiers_removed",
                "confirm that patient identifiers were removed from the presented cases",
            )
            .into());
        }

        if let Some(checklist) = &new.checklist {
            self.usable_form(program, checklist.form, "checklist", "checklist.form")
                .await?;
            if let Some(mentee) = checklist.mentee
                && !participants.iter().any(|p| p.person == mentee)
            {
                return Err(FieldError::new(
                    "checklist.mentee",
                    "must be a participant of this activity",
                )
                .phrased("field-error-checklist-mentee", &[])
                .into());
            }
            if !checklist.answers.is_object() {
                return Err(FieldError::new("checklist.answers", "must be a JSON object").into());
            }
            check_scores(&checklist.scores, "checklist")?;
        }

        let debrief = match &new.debrief {
            None => None,
            Some(debrief) => {
                let went_well = text(&debrief.went_well, "debrief.went_well", 4000, false)?;
                let to_improve = text(&debrief.to_improve, "debrief.to_improve", 4000, false)?;
                if went_well.is_empty() && to_improve.is_empty() && debrief.actions.is_empty() {
                    return Err(FieldError::new(
                        "debrief.went_well",
                        "write what went well, what to improve, or an action",
                    )
                    .phrased("field-error-debrief-empty", &[])
                    .into());
                }
                let mut actions = Vec::with_capacity(debrief.actions.len());
                for (index, action) in debrief.actions.iter().enumerate() {
                    let field = format!("debrief.actions[{index}]");
                    let description = text(
                        &action.description,
                        &format!("{field}.description"),
                        1000,
                        true,
                    )?;
                    let due_on = parse_date(&action.due_on, &format!("{field}.due_on"))?;
                    if due_on < starts_on {
                        return Err(FieldError::new(
                            format!("{field}.due_on"),
                            format!("must not be before the activity ({starts_on})"),
                        )
                        .phrased("field-error-action-due-early", &[("date", &starts_on)])
                        .into());
                    }
                    if !self.is_member(program, action.owner).await? {
                        return Err(FieldError::new(
                            format!("{field}.owner"),
                            format!("person {} is not a member of this program", action.owner),
                        )
                        .into());
                    }
                    actions.push((action.owner, description, due_on));
                }
                Some(CheckedDebrief {
                    went_well,
                    to_improve,
                    actions,
                })
            }
        };

        Ok(Checked {
            kind: kind.to_owned(),
            facility: new.facility.map(|f| f.0),
            starts_on,
            ends_on,
            starts_at,
            duration_minutes: new.duration_minutes,
            channel,
            summary,
            patient_identifiers_removed: new.patient_identifiers_removed,
            participants,
            cases,
            checklist: new.checklist.clone(),
            debrief,
        })
    }

    /// Records an activity with its participants, cases, checklist and debrief with action
    /// items, in one transaction with one audit row. Everything is checked first; the error
    /// names the first bad field, and nothing is written.
    pub async fn record_activity(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewActivity,
    ) -> Result<ActivityDetail, DbError> {
        match self.insert_activity(actor, program, new, None).await? {
            Some(id) => self.activity(id).await,
            // Cannot happen: only a submission key can collide.
            None => Err(DbError::Corrupt(
                "an activity without a submission key collided".into(),
            )),
        }
    }

    /// [`Db::record_activity`] once per `key`, a token the client made up for this one
    /// activity (see [`SUBMISSION_KEY_MAX`]): a second call with the same key in the same
    /// program — a double press, a retry after a lost answer, even at the same moment —
    /// records nothing and answers with the activity the first one recorded, without checking
    /// the activity again. What the repeat carried is not compared with the first.
    pub async fn record_activity_once(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewActivity,
        key: &str,
    ) -> Result<Recorded, DbError> {
        if let Some(detail) = self.activity_submitted(program, key).await? {
            return Ok(Recorded {
                detail,
                repeated: true,
            });
        }
        let (id, repeated) = match self.insert_activity(actor, program, new, Some(key)).await? {
            Some(id) => (Some(id), false),
            // The other request with this key committed between the look and the insert.
            None => (self.activity_by_submission(program, key).await?, true),
        };
        let id = id.ok_or_else(|| DbError::NotFound {
            entity: "activity with submission key",
            key: key.to_owned(),
        })?;
        Ok(Recorded {
            detail: self.activity(id).await?,
            repeated,
        })
    }

    /// The activity recorded in `program` with submission key `key`, if any.
    pub async fn activity_submitted(
        &self,
        program: ProgramId,
        key: &str,
    ) -> Result<Option<ActivityDetail>, DbError> {
        match self.activity_by_submission(program, key).await? {
            Some(id) => Ok(Some(self.activity(id).await?)),
            None => Ok(None),
        }
    }

    async fn activity_by_submission(
        &self,
        program: ProgramId,
        key: &str,
    ) -> Result<Option<i64>, DbError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM activities WHERE program_id = $1 AND submission_key = $2")
                .bind(program.0).bind(key)
                .fetch_optional(pool).await?
        }))
    }

    /// Writes a checked activity whole; `None` when `key` is already taken in the program
    /// (then nothing is written).
    async fn insert_activity(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewActivity,
        key: Option<&str>,
    ) -> Result<Option<i64>, DbError> {
        if let Some(key) = key {
            check_submission_key(key, "submission_key")?;
        }
        let checked = self.check_activity(program, new).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        // `DO NOTHING` rather than a unique-violation error: on PostgreSQL it waits for a
        // concurrent insert of the same key to commit and then returns no row, which leaves
        // this transaction usable; SQLite's `BEGIN IMMEDIATE` has serialised the two already.
        let id: Option<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO activities (program_id, kind, facility_id, starts_on, ends_on, starts_at, duration_minutes, \
                 channel, summary, patient_identifiers_removed, created_by, created_at, submission_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (program_id, submission_key) DO NOTHING RETURNING id",
            )
            .bind(program.0).bind(&checked.kind).bind(checked.facility)
            .bind(checked.starts_on.to_string()).bind(checked.ends_on.to_string())
            .bind(checked.starts_at).bind(checked.duration_minutes).bind(&checked.channel)
            .bind(&checked.summary).bind(checked.patient_identifiers_removed)
            .bind(&actor.label).bind(now).bind(key)
            .fetch_optional(&mut *conn).await?
        });
        let Some(id) = id else {
            return Ok(None);
        };
        for p in &checked.participants {
            on_tx!(&mut tx, conn => {
                sqlx::query("INSERT INTO activity_participants (activity_id, person_id, role, attended) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(p.person.0).bind(&p.role).bind(p.attended)
                    .execute(&mut *conn).await?;
            });
        }
        for case in &checked.cases {
            on_tx!(&mut tx, conn => {
                sqlx::query("INSERT INTO activity_cases (activity_id, procedure, performed_by, count) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(&case.procedure).bind(&case.performed_by).bind(case.count)
                    .execute(&mut *conn).await?;
            });
        }
        if let Some(checklist) = &checked.checklist {
            let answers = serde_json::to_string(&checklist.answers).map_err(corrupt)?;
            let groups = serde_json::to_string(&checklist.scores.by_group).map_err(corrupt)?;
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "INSERT INTO checklist_submissions (activity_id, form_id, mentee_id, answers_json, score_total, score_max, scores_json, submitted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id).bind(checklist.form).bind(checklist.mentee.map(|m| m.0)).bind(&answers)
                .bind(checklist.scores.total).bind(checklist.scores.max).bind(&groups).bind(now)
                .execute(&mut *conn).await?;
            });
        }
        if let Some(CheckedDebrief {
            went_well,
            to_improve,
            actions,
        }) = &checked.debrief
        {
            on_tx!(&mut tx, conn => {
                sqlx::query("INSERT INTO debriefs (activity_id, went_well, to_improve, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(went_well).bind(to_improve).bind(now)
                    .execute(&mut *conn).await?;
            });
            for (owner, description, due_on) in actions {
                on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "INSERT INTO action_items (activity_id, owner_id, description, due_on, status, created_at) \
                         VALUES ($1, $2, $3, $4, 'open', $5)",
                    )
                    .bind(id).bind(owner.0).bind(description).bind(due_on.to_string()).bind(now)
                    .execute(&mut *conn).await?;
                });
            }
        }
        tx.audit::<(), _>(actor, Action::Create, "activity", id, None, Some(&checked))
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// One activity with everything recorded about it.
    pub async fn activity(&self, id: i64) -> Result<ActivityDetail, DbError> {
        let sql = format!("{ACTIVITY_SELECT} WHERE a.id = $1");
        let row: Option<ActivityRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let activity = activity_from_row(row.ok_or(DbError::NotFound {
            entity: "activity",
            key: id.to_string(),
        })?)?;
        let participants: Vec<(i64, String, String, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.person_id, p.name, a.role, a.attended FROM activity_participants a \
                 JOIN people p ON p.id = a.person_id WHERE a.activity_id = $1 ORDER BY p.name, a.person_id",
            )
            .bind(id).fetch_all(pool).await?
        });
        let cases: Vec<(i64, String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, procedure, performed_by, count FROM activity_cases WHERE activity_id = $1 ORDER BY id")
                .bind(id).fetch_all(pool).await?
        });
        let checklists: Vec<ChecklistRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, form_id, mentee_id, answers_json, score_total, score_max, scores_json, submitted_at \
                 FROM checklist_submissions WHERE activity_id = $1 ORDER BY id",
            )
            .bind(id).fetch_all(pool).await?
        });
        let debrief: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT went_well, to_improve FROM debriefs WHERE activity_id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        let sql = format!("{ACTION_SELECT} WHERE x.activity_id = $1 ORDER BY x.id");
        let actions: Vec<ActionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(pool).await?
        });
        Ok(ActivityDetail {
            activity,
            participants: participants
                .into_iter()
                .map(|(person, name, role, attended)| Participant {
                    person: PersonId(person),
                    name,
                    role,
                    attended,
                })
                .collect(),
            cases: cases
                .into_iter()
                .map(|(id, procedure, performed_by, count)| Case {
                    id,
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
                            id: sub,
                            activity: id,
                            form,
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

    /// A program's activities, by first day, narrowed by `filter`.
    pub async fn activities(
        &self,
        program: ProgramId,
        filter: &ActivityFilter,
    ) -> Result<Vec<Activity>, DbError> {
        let under = filter.under_path.clone().unwrap_or_default();
        let sql = format!(
            "{ACTIVITY_SELECT} WHERE a.program_id = $1 AND ($2 = '' OR o.path LIKE $3) \
             AND ($4 = 0 OR EXISTS (SELECT 1 FROM activity_participants p WHERE p.activity_id = a.id AND p.person_id = $4)) \
             AND ($5 = '' OR a.ends_on >= $5) AND ($6 = '' OR a.starts_on <= $6) \
             ORDER BY a.starts_on, a.id"
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

    /// A program's open action items by due date, optionally only at facilities under a
    /// path prefix and/or owned by one person.
    pub async fn open_actions(
        &self,
        program: ProgramId,
        under_path: Option<&str>,
        owner: Option<PersonId>,
    ) -> Result<Vec<ActionItem>, DbError> {
        let under = under_path.unwrap_or_default();
        let sql = format!(
            "{ACTION_SELECT} JOIN activities a ON a.id = x.activity_id LEFT JOIN org_units o ON o.id = a.facility_id \
             WHERE a.program_id = $1 AND x.status = 'open' AND ($2 = '' OR o.path LIKE $3) AND ($4 = 0 OR x.owner_id = $4) \
             ORDER BY x.due_on, x.id"
        );
        let rows: Vec<ActionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(program.0)
                .bind(under)
                .bind(format!("{under}%"))
                .bind(owner.map_or(0, |p| p.0))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(action_from_row).collect()
    }

    /// One action item.
    pub async fn action_item(&self, id: i64) -> Result<ActionItem, DbError> {
        let sql = format!("{ACTION_SELECT} WHERE x.id = $1");
        let row: Option<ActionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        action_from_row(row.ok_or(DbError::NotFound {
            entity: "action item",
            key: id.to_string(),
        })?)
    }

    /// Follows up an action item: `done` or `dropped` closes it today (UTC), `open` reopens
    /// it. A non-empty `note` replaces the follow-up note; an empty one keeps it.
    pub async fn update_action(
        &self,
        actor: &Actor,
        id: i64,
        status: &str,
        note: &str,
    ) -> Result<ActionItem, DbError> {
        let status = status.trim();
        one_of(status, &ACTION_STATUSES, "status")?;
        let note = text(note, "note", 2000, false)?;
        let before = self.action_item(id).await?;
        let closed_on = (status != "open").then(|| {
            before
                .closed_on
                .filter(|_| before.status == status)
                .unwrap_or_else(|| crate::now().date_naive())
        });
        let note = if note.is_empty() {
            before.follow_up_note.clone()
        } else {
            note
        };
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE action_items SET status = $1, closed_on = $2, follow_up_note = $3 WHERE id = $4")
                .bind(status).bind(closed_on.map(|d| d.to_string())).bind(&note).bind(id)
                .execute(&mut *conn).await?;
        });
        let after = ActionItem {
            status: status.to_owned(),
            closed_on,
            follow_up_note: note,
            ..before.clone()
        };
        tx.audit(
            actor,
            Action::Update,
            "action_item",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets the program's planned dose, replacing any earlier plan.
    pub async fn set_dose_plan(
        &self,
        actor: &Actor,
        program: ProgramId,
        plan: &DosePlan,
    ) -> Result<DosePlan, DbError> {
        plan.validate()?;
        self.program(program).await?;
        let before = self.dose_plan(program).await?;
        let json = serde_json::to_string(plan).map_err(corrupt)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO program_dose_plans (program_id, plan_json, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (program_id) DO UPDATE SET plan_json = excluded.plan_json, updated_at = excluded.updated_at",
            )
            .bind(program.0).bind(&json).bind(crate::now())
            .execute(&mut *conn).await?;
        });
        let action = if before.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        tx.audit(
            actor,
            action,
            "dose_plan",
            program,
            before.as_ref(),
            Some(plan),
        )
        .await?;
        tx.commit().await?;
        Ok(plan.clone())
    }

    /// The program's planned dose, if one was set.
    pub async fn dose_plan(&self, program: ProgramId) -> Result<Option<DosePlan>, DbError> {
        let raw: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT plan_json FROM program_dose_plans WHERE program_id = $1")
                .bind(program.0).fetch_optional(pool).await?
        });
        raw.map(|r| serde_json::from_str(&r).map_err(corrupt))
            .transpose()
    }

    /// Each checklist filled in the program's activities as (activity, percent of the points
    /// possible), for the indicator engine's score measures; a checklist with nothing
    /// scorable is left out.
    pub async fn checklist_percents(&self, program: ProgramId) -> Result<Vec<(i64, f64)>, DbError> {
        let rows: Vec<(i64, f64, f64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.activity_id, c.score_total, c.score_max FROM checklist_submissions c \
                 JOIN activities a ON a.id = c.activity_id WHERE a.program_id = $1 ORDER BY c.id",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter(|(_, _, max)| *max > 0.0)
            .map(|(activity, total, max)| (activity, 100.0 * total / max))
            .collect())
    }

    /// Every attended contact of the program between `from` and `to` (inclusive), one row per
    /// person, activity and day, by date: the input the dose computation aggregates by
    /// mentee, facility, period and modality. A visit's days outside the range are left out.
    pub async fn contact_rows(
        &self,
        program: ProgramId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ContactRow>, DbError> {
        let rows: Vec<ContactSourceRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.id, a.kind, a.facility_id, a.starts_on, a.ends_on, a.duration_minutes, p.person_id, p.role \
                 FROM activities a JOIN activity_participants p ON p.activity_id = a.id \
                 WHERE a.program_id = $1 AND p.attended = $2 AND a.ends_on >= $3 AND a.starts_on <= $4 \
                 ORDER BY a.starts_on, a.id, p.person_id",
            )
            .bind(program.0).bind(true).bind(from.to_string()).bind(to.to_string())
            .fetch_all(pool).await?
        });
        let mut out = Vec::new();
        for (activity, kind, facility, starts_on, ends_on, minutes, person, role) in rows {
            let starts = stored_date(&starts_on)?;
            let ends = stored_date(&ends_on)?;
            let days = (ends - starts).num_days() + 1;
            let mut day = starts;
            let mut index = 0;
            while day <= ends {
                let day_minutes = match (kind.as_str(), minutes) {
                    // A given visit duration is spread over its days, the remainder on the
                    // first, so the rows add up to exactly what was recorded.
                    ("visit", Some(total)) => {
                        total / days + if index == 0 { total % days } else { 0 }
                    }
                    ("visit", None) => VISIT_DAY_MINUTES,
                    (_, total) => total.unwrap_or(0),
                };
                if day >= from && day <= to {
                    out.push(ContactRow {
                        activity,
                        kind: kind.clone(),
                        date: day,
                        facility: facility.map(OrgUnitId),
                        person: PersonId(person),
                        role: role.clone(),
                        minutes: day_minutes,
                    });
                }
                index += 1;
                day = match day.checked_add_days(Days::new(1)) {
                    Some(next) => next,
                    None => break,
                };
            }
        }
        out.sort_by_key(|r| (r.date, r.activity, r.person));
        Ok(out)
    }
}
