//! An activity as submitted (participants, cases, checklist, debrief with actions) and its
//! whole check against the program: kind, facility, dates and times, channel, members,
//! roles, cases, the checklist's scores and the actions' owners and due dates; the first bad
//! field is named. Apart from the write so that every refusal comes from this one file and
//! the write takes only a checked activity.

use crate::{Db, DbError, on_pool};
use ::forms::scoring::Scores;
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::field::{ActivityKind, CheckInChannel, ParticipantRole, PerformedBy};
use domain::ids::{FormId, OrgUnitId, PersonId, ProgramId};
use domain::org_units::{OrgUnit, OrgUnitLevel};
use domain::values::free_text;
use domain::values::parse_date;
use serde::{Deserialize, Serialize};

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
    #[schema(value_type = i64)]
    pub form: FormId,
    /// The mentee it was filled about; must be a participant.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub mentee: Option<PersonId>,
    /// The answers as a JSON object (question name → value).
    #[schema(value_type = std::collections::BTreeMap<String, domain::field::AnswerInput>)]
    pub answers: serde_json::Value,
    /// Total, maximum and per-group scores.
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

/// An activity as submitted; checked whole by [`Db::record_activity`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewActivity {
    /// An [`ActivityKind`] code (`visit`, `tele_session`, `check_in`, `joint_session`,
    /// `training_session`).
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

/// An activity that passed every check, ready to write.
#[derive(Debug, Serialize)]
pub(super) struct Checked {
    pub(super) kind: ActivityKind,
    pub(super) facility: Option<i64>,
    pub(super) starts_on: NaiveDate,
    pub(super) ends_on: NaiveDate,
    pub(super) starts_at: Option<DateTime<Utc>>,
    pub(super) duration_minutes: Option<i64>,
    pub(super) channel: Option<CheckInChannel>,
    pub(super) summary: String,
    pub(super) patient_identifiers_removed: bool,
    pub(super) participants: Vec<NewParticipant>,
    pub(super) cases: Vec<NewCase>,
    pub(super) checklist: Option<NewChecklist>,
    pub(super) debrief: Option<CheckedDebrief>,
}

/// A checked debrief: what went well, what to improve, actions as (owner, what, due).
#[derive(Debug, Serialize)]
pub(super) struct CheckedDebrief {
    pub(super) went_well: String,
    pub(super) to_improve: String,
    pub(super) actions: Vec<(PersonId, String, NaiveDate)>,
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

    pub(super) async fn check_activity(
        &self,
        program: ProgramId,
        new: &NewActivity,
    ) -> Result<Checked, DbError> {
        self.program(program).await?;
        let kind = ActivityKind::parse(&new.kind, "kind")?;
        let is_visit = kind == ActivityKind::Visit;
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
            if new.duration_minutes.is_none() && kind != ActivityKind::CheckIn {
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
            (ActivityKind::CheckIn, Some(channel)) => {
                Some(CheckInChannel::parse(channel, "channel")?)
            }
            (ActivityKind::CheckIn, None) => {
                return Err(FieldError::new("channel", "give whatsapp, sms or phone").into());
            }
            (_, Some(_)) => {
                return Err(FieldError::new("channel", "only check-ins have a channel").into());
            }
            (_, None) => None,
        };
        let summary = free_text(&new.summary, "summary", 4000, false)?;

        if new.participants.is_empty() {
            return Err(
                FieldError::new("participants", "give at least one participant")
                    .phrased("field-error-no-participant", &[])
                    .into(),
            );
        }
        for (index, p) in new.participants.iter().enumerate() {
            let field = format!("participants[{index}]");
            ParticipantRole::parse(&p.role, &format!("{field}.role"))?;
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
            let procedure = free_text(&case.procedure, &format!("{field}.procedure"), 200, true)?;
            let performed_by =
                PerformedBy::parse(&case.performed_by, &format!("{field}.performed_by"))?;
            if !(1..=1000).contains(&case.count) {
                return Err(FieldError::new(format!("{field}.count"), "must be 1 to 1000").into());
            }
            cases.push(NewCase {
                procedure,
                performed_by: performed_by.as_str().to_owned(),
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
            self.usable_form(
                program,
                checklist.form,
                domain::field::FormPurpose::Checklist,
                "checklist.form",
            )
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
                let went_well = free_text(&debrief.went_well, "debrief.went_well", 4000, false)?;
                let to_improve = free_text(&debrief.to_improve, "debrief.to_improve", 4000, false)?;
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
                    let description = free_text(
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
            kind,
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
}
