//! Recording an activity: the one transaction that writes it whole with its audit row, and
//! submission keys, which make a repeat (a double press, a retry, a race) answer with the
//! first activity instead of writing a second. Apart because this is the only path that
//! creates activities, and the invariant about repeats is kept here.

use super::activities::ActivityDetail;
use super::corrupt;
use super::new_activity::{CheckedDebrief, NewActivity};
use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use domain::FieldError;
use domain::field::CheckInChannel;
use domain::ids::{ActivityId, ProgramId};

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

/// A request that may be repeated: the key its client made up for this one activity (see
/// [`SUBMISSION_KEY_MAX`]) and a digest of what it asked (SHA-256, hex), so that a retry is
/// told apart from a different request that reuses the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Submission<'a> {
    /// The client's key.
    pub key: &'a str,
    /// The request's digest.
    pub request_sha256: &'a str,
}

/// What [`Db::record_activity_once`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// The activity: the one recorded now, or the one the key's first request recorded.
    pub detail: ActivityDetail,
    /// Whether the key had been used already (nothing was written this time).
    pub repeated: bool,
}

/// Whose keys a key is among: an account's, or a named system actor's (the command line, a
/// job). Two callers' keys never meet.
fn scope_of(actor: &Actor) -> String {
    match actor.account {
        Some(account) => format!("account {account}"),
        None => format!("system {}", actor.label),
    }
}

impl Db {
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
            Some(id) => self.activity(ActivityId(id)).await,
            // Cannot happen: only a submission key can collide.
            None => Err(DbError::Corrupt(
                "an activity without a submission key collided".into(),
            )),
        }
    }

    /// [`Db::record_activity`] once per submission key of this caller: a second call with the
    /// same key and the same request — a double press, a retry after a lost answer, even at
    /// the same moment — records nothing and answers with the activity the first one
    /// recorded, without checking the activity again. The same key with a different request
    /// is a [`DbError::Conflict`] naming `submission_key`. Another caller's key is another key.
    pub async fn record_activity_once(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewActivity,
        submission: Submission<'_>,
    ) -> Result<Recorded, DbError> {
        if let Some(detail) = self.activity_submitted(actor, program, submission).await? {
            return Ok(Recorded {
                detail,
                repeated: true,
            });
        }
        match self
            .insert_activity(actor, program, new, Some(submission))
            .await?
        {
            Some(id) => Ok(Recorded {
                detail: self.activity(ActivityId(id)).await?,
                repeated: false,
            }),
            // The caller's other request with this key committed between the look and the
            // insert: it answers, or clashes, as if it had come first.
            None => match self.activity_submitted(actor, program, submission).await? {
                Some(detail) => Ok(Recorded {
                    detail,
                    repeated: true,
                }),
                None => Err(DbError::NotFound {
                    entity: "activity with submission key",
                    key: submission.key.to_owned(),
                }),
            },
        }
    }

    /// The activity this caller recorded in `program` under the submission's key, if any; a
    /// [`DbError::Conflict`] when the key was used for a different request.
    pub async fn activity_submitted(
        &self,
        actor: &Actor,
        program: ProgramId,
        submission: Submission<'_>,
    ) -> Result<Option<ActivityDetail>, DbError> {
        let scope = scope_of(actor);
        let found: Option<(i64, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, submission_sha256 FROM activities \
                 WHERE program_id = $1 AND submission_scope = $2 AND submission_key = $3",
            )
            .bind(program.0).bind(&scope).bind(submission.key)
            .fetch_optional(pool).await?
        });
        match found {
            None => Ok(None),
            Some((_, Some(digest))) if digest != submission.request_sha256 => {
                Err(DbError::Conflict(FieldError::new(
                    "submission_key",
                    format!(
                        "{:?} was already used for a different activity; make a new key for this one",
                        submission.key
                    ),
                )))
            }
            Some((id, _)) => Ok(Some(self.activity(ActivityId(id)).await?)),
        }
    }

    /// Writes a checked activity whole; `None` when `key` is already taken in the program
    /// (then nothing is written).
    async fn insert_activity(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewActivity,
        submission: Option<Submission<'_>>,
    ) -> Result<Option<i64>, DbError> {
        if let Some(submission) = submission {
            check_submission_key(submission.key, "submission_key")?;
        }
        let scope = scope_of(actor);
        let key = submission.map(|s| s.key);
        let digest = submission.map(|s| s.request_sha256);
        let checked = self.check_activity(program, new).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        // `DO NOTHING` rather than a unique-violation error: on PostgreSQL it waits for a
        // concurrent insert of the same key to commit and then returns no row, which leaves
        // this transaction usable; SQLite's `BEGIN IMMEDIATE` has serialised the two already.
        let id: Option<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO activities (program_id, kind, facility_id, starts_on, ends_on, starts_at, duration_minutes, \
                 channel, summary, patient_identifiers_removed, created_by, created_at, submission_key, \
                 submission_scope, submission_sha256) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (program_id, submission_scope, submission_key) DO NOTHING RETURNING id",
            )
            .bind(program.0).bind(checked.kind.as_str()).bind(checked.facility)
            .bind(checked.starts_on.to_string()).bind(checked.ends_on.to_string())
            .bind(checked.starts_at).bind(checked.duration_minutes).bind(checked.channel.map(CheckInChannel::as_str))
            .bind(&checked.summary).bind(checked.patient_identifiers_removed)
            .bind(&actor.label).bind(now).bind(key).bind(&scope).bind(digest)
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
                .bind(id).bind(checklist.form.0).bind(checklist.mentee.map(|m| m.0)).bind(&answers)
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
        tx.log_engine_change(
            Some(program),
            &crate::engine_changes::EngineChange::Activity(ActivityId(id)),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}
