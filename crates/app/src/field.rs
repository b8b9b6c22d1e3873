//! Mentorship in the field (C3, C4, C6), shared by pages and API: answers typed into a stored
//! XLSForm checked and scored with the `forms` crate before the store records the activity or
//! assessment, and who may see which activities.

use crate::Error;
use crate::scope::member_scope;
use domain::FieldError;
use domain::access::Viewer;
use domain::field::FormPurpose;
use domain::ids::{FormId, ProgramId};
use forms::{Context, RawSubmission, Scores};
use sha2::Digest as _;
use store::Db;

pub use domain::field::{AnswerInput, Answers};

/// Checks answers against a stored form of `purpose` the program may use and scores them.
/// The first problem is returned naming `<prefix>.answers.<question>`; its message says how
/// many more there are. Returns the answers as stored (JSON) and the scores.
pub async fn checked_answers(
    db: &Db,
    program: ProgramId,
    form: FormId,
    purpose: FormPurpose,
    answers: &Answers,
    prefix: &str,
) -> Result<(serde_json::Value, Scores), Error> {
    let stored = db
        .form(form)
        .await
        .map_err(|_| Error::invalid(format!("{prefix}.form"), format!("no form {form}")))?;
    if stored.purpose != purpose {
        return Err(Error::invalid(
            format!("{prefix}.form"),
            format!("form {form} is a {}, not a {purpose}", stored.purpose),
        ));
    }
    if stored.program.is_some_and(|p| p != program) {
        return Err(Error::invalid(
            format!("{prefix}.form"),
            format!("form {form} belongs to another program"),
        ));
    }
    let mut raw = RawSubmission::new();
    for (name, answer) in answers {
        match answer {
            AnswerInput::Many(values) => {
                for value in values {
                    raw.push(name.clone(), value.clone());
                }
            }
            AnswerInput::Text(value) => raw.push(name.clone(), value.clone()),
            AnswerInput::Number(value) => raw.push(name.clone(), value.to_string()),
        }
    }
    let context = Context::on(store::now().date_naive());
    match stored.model.validate(&raw, &context) {
        Ok(valid) => {
            let scores = stored.model.score(&valid);
            let json = serde_json::to_value(answers).map_err(|e| Error::internal(e.to_string()))?;
            Ok((json, scores))
        }
        Err(errors) => {
            let more = errors.len().saturating_sub(1);
            let first = errors
                .first()
                .ok_or_else(|| Error::internal("validation failed without errors"))?;
            let field = first.field().map_or_else(
                || format!("{prefix}.answers"),
                |f| format!("{prefix}.answers.{f}"),
            );
            let message = if more > 0 {
                format!("{} (and {more} more)", first.message())
            } else {
                first.message().to_owned()
            };
            Err(Error::Invalid(FieldError::new(field, message)))
        }
    }
}

/// The activities filter for this viewer: managers, facility leaders and regional viewers see
/// their subtree; mentors and mentees the activities they took part in.
pub fn activity_filter(viewer: &Viewer, program: ProgramId) -> store::visits::ActivityFilter {
    match member_scope(viewer, program) {
        Some(path) => store::visits::ActivityFilter {
            under_path: (!path.is_empty()).then_some(path),
            ..Default::default()
        },
        None => store::visits::ActivityFilter {
            person: viewer.person,
            ..Default::default()
        },
    }
}

/// Whether the viewer may see this activity.
pub fn can_see_activity(viewer: &Viewer, detail: &store::visits::ActivityDetail) -> bool {
    let program = detail.activity.program;
    if !viewer.can_view_program(program) {
        return false;
    }
    match member_scope(viewer, program) {
        Some(path) => {
            path.is_empty()
                || detail
                    .activity
                    .facility_path
                    .as_deref()
                    .is_some_and(|p| p.starts_with(&path))
        }
        None => viewer
            .person
            .is_some_and(|me| detail.participants.iter().any(|p| p.person == me)),
    }
}

/// The program's dose rows (C6) for mentees and facilities, from recorded contact, against
/// its dose plan (none saved: nothing planned, delivered figures only).
pub async fn dose_rows(
    db: &Db,
    program: ProgramId,
    period_type: indicators::periods::PeriodType,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<indicators::dose::DoseRow>, Error> {
    use indicators::dose::{Contact, DoseQuery, Modality, Plan, Role as DoseRole, compute};
    let internal = |what: &str| Error::internal(format!("stored contact row: {what}"));
    let mut contacts = Vec::new();
    for row in db.contact_rows(program, from, to).await? {
        contacts.push(Contact {
            activity: row.activity.0,
            kind: Modality::parse(row.kind.as_str()).ok_or_else(|| internal(row.kind.as_str()))?,
            date: row.date,
            facility: row.facility.map(|f| f.0),
            person: row.person.0,
            role: DoseRole::parse(row.role.as_str()).ok_or_else(|| internal(row.role.as_str()))?,
            minutes: u32::try_from(row.minutes.max(0)).unwrap_or(u32::MAX),
        });
    }
    let mentees: Vec<(i64, Option<i64>)> = db
        .memberships_of_program(program, "")
        .await?
        .into_iter()
        .filter(|m| m.role == domain::access::Role::Mentee)
        .map(|m| (m.person.0, Some(m.org_unit.0)))
        .collect();
    let plan = db.dose_plan(program).await?.map_or(
        Plan {
            visit_days: 0,
            visit_every_months: 0,
            tele_minutes_per_week: 0,
            check_ins_per_month: 0,
        },
        |p| {
            let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
            Plan {
                visit_days: n(p.visit_days),
                visit_every_months: n(p.visit_every_months),
                tele_minutes_per_week: n(p.tele_minutes_per_week),
                check_ins_per_month: n(p.check_ins_per_month),
            }
        },
    );
    compute(
        &contacts,
        &DoseQuery {
            period_type,
            from,
            to,
            mentees,
            plan,
        },
    )
    .map_err(|e| Error::invalid("period_type", e.to_string()))
}

/// The digest a repeated request is recognised by: SHA-256 (hex) of what it asked, as
/// canonical JSON (struct fields in order, maps sorted).
pub fn request_digest(request: &impl serde::Serialize) -> Result<String, Error> {
    let bytes = serde_json::to_vec(request).map_err(|e| Error::caused("a request's digest", e))?;
    Ok(hex::encode(sha2::Sha256::digest(&bytes)))
}

/// Records an activity built by `build`, once per submission key of this caller when the
/// client sent one (`Db::record_activity_once`), and catches this process's indicator
/// engines up with the store's change log when it is new. A repeat of a recorded key with the same request answers with
/// that activity before `build` runs, so it is not checked again against what has changed
/// since; the same key with a different request is a conflict.
pub async fn record_activity<E>(
    app: &crate::App,
    actor: &store::Actor,
    program: ProgramId,
    key: Option<store::visits::Submission<'_>>,
    build: impl std::future::Future<Output = Result<store::visits::NewActivity, E>>,
) -> Result<store::visits::Recorded, E>
where
    E: From<Error>,
{
    if let Some(key) = key
        && let Some(detail) = app
            .db
            .activity_submitted(actor, program, key)
            .await
            .map_err(Error::from)?
    {
        return Ok(store::visits::Recorded {
            detail,
            repeated: true,
        });
    }
    let new = build.await?;
    let recorded = match key {
        Some(key) => app
            .db
            .record_activity_once(actor, program, &new, key)
            .await
            .map_err(Error::from)?,
        None => store::visits::Recorded {
            detail: app
                .db
                .record_activity(actor, program, &new)
                .await
                .map_err(Error::from)?,
            repeated: false,
        },
    };
    if !recorded.repeated {
        app.engines.after_write(&app.db).await;
    }
    Ok(recorded)
}

/// A checklist filled during an activity: the answers are checked against the form and
/// scored by the server.
#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistInput {
    /// A stored form of purpose `checklist`.
    pub form: i64,
    /// The mentee it is about (a participant).
    #[serde(default)]
    pub mentee: Option<i64>,
    /// Answers by question name.
    pub answers: Answers,
}

/// An activity to record: a coaching visit, tele-session, check-in, joint or training
/// session, with its participants, cases, checklist and debrief.
#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// `visit`, `tele_session`, `check_in`, `joint_session` or `training_session`.
    pub kind: String,
    /// The facility (required for visits).
    #[serde(default)]
    pub facility: Option<i64>,
    /// Visits: first day (`YYYY-MM-DD`).
    #[serde(default)]
    pub starts_on: Option<String>,
    /// Visits: last day.
    #[serde(default)]
    pub ends_on: Option<String>,
    /// Sessions and check-ins: start (RFC 3339).
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Minutes.
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    /// Check-ins: `whatsapp`, `sms` or `phone`.
    #[serde(default)]
    pub channel: Option<String>,
    /// What happened.
    #[serde(default)]
    pub summary: String,
    /// Case presentations: the presenter removed patient identifiers.
    #[serde(default)]
    pub patient_identifiers_removed: bool,
    /// Who took part.
    pub participants: Vec<store::visits::NewParticipant>,
    /// Cases observed or performed together.
    #[serde(default)]
    pub cases: Vec<store::visits::NewCase>,
    /// A checklist filled during the visit.
    #[serde(default)]
    pub checklist: Option<ChecklistInput>,
    /// The end-of-visit debrief with action items.
    #[serde(default)]
    pub debrief: Option<store::visits::NewDebrief>,
}

/// Turns the input into the store's record, checking and scoring the checklist.
///
/// Someone who does not manage the program records only activities they took part in: an
/// activity recorded for others would count in their dose and the program's indicators on
/// the word of someone who was not there.
pub async fn new_activity(
    db: &Db,
    viewer: &Viewer,
    program: ProgramId,
    input: ActivityInput,
) -> Result<store::visits::NewActivity, Error> {
    let took_part = viewer
        .person
        .is_some_and(|me| input.participants.iter().any(|p| p.person == me));
    if !viewer.can_manage_program(program) && !took_part {
        return Err(Error::Invalid(
            FieldError::new(
                "participants",
                "include yourself: you can record only activities you took part in",
            )
            .phrased("field-error-not-a-participant", &[]),
        ));
    }
    let checklist = match input.checklist {
        None => None,
        Some(c) => {
            let (answers, scores) = checked_answers(
                db,
                program,
                FormId(c.form),
                FormPurpose::Checklist,
                &c.answers,
                "checklist",
            )
            .await?;
            Some(store::visits::NewChecklist {
                form: FormId(c.form),
                mentee: c.mentee.map(domain::ids::PersonId),
                answers,
                scores,
            })
        }
    };
    Ok(store::visits::NewActivity {
        kind: input.kind,
        facility: input.facility.map(domain::ids::OrgUnitId),
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        starts_at: input.starts_at,
        duration_minutes: input.duration_minutes,
        channel: input.channel,
        summary: input.summary,
        patient_identifiers_removed: input.patient_identifiers_removed,
        participants: input.participants,
        cases: input.cases,
        checklist,
        debrief: input.debrief,
    })
}
