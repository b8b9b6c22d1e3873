//! Training before mentorship (C4): a program's courses, the ones it requires, who completed
//! which, and the gate on pairings. A gated pairing waits in `awaiting_training` until its
//! mentee has completed every required course; the completion that closes the gap activates
//! it in the same transaction. A manager may let a pairing start anyway, with a reason that is
//! kept and audited.

use crate::audit::Action;
use crate::memberships::{Pairing, PairingRow, insert_pairing_in};
use crate::{Actor, Db, DbError, Tx, on_pool, on_tx};
use chrono::NaiveDate;
use domain::FieldError;
use domain::ids::{CompletionId, CourseId};
use domain::ids::{PairingId, PersonId, ProgramId};
use domain::matching::PairingStatus;
use domain::values::parse_date;
use serde::Serialize;

/// The shortest reason accepted for overriding the training gate: long enough that "ok" or
/// "urgent" does not pass as an explanation.
pub const MIN_OVERRIDE_REASON: usize = 10;

/// A course a program offers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Course {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CourseId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Short code, unique in the program (`bemonc`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Length in hours (CPD).
    pub hours: f64,
}

/// A person's completion of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CourseCompletion {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CompletionId,
    /// Who.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Which course.
    #[schema(value_type = i64)]
    pub course: CourseId,
    /// When.
    pub completed_on: NaiveDate,
    /// What proves it (certificate number, trainer).
    pub evidence: String,
}

const COURSE_SELECT: &str = "SELECT id, program_id, code, title, hours FROM courses";

type CourseRow = (i64, i64, String, String, f64);

fn course_from_row((id, program, code, title, hours): CourseRow) -> Course {
    Course {
        id: CourseId(id),
        program: ProgramId(program),
        code,
        title,
        hours,
    }
}

/// The required courses of `program` that `mentee` has not completed, read inside `tx` so a
/// completion written earlier in the same transaction counts.
pub(crate) async fn missing_in(
    tx: &mut Tx,
    program: ProgramId,
    mentee: PersonId,
) -> Result<Vec<Course>, DbError> {
    let rows: Vec<CourseRow> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(MISSING_SQL).bind(program.0).bind(mentee.0).fetch_all(&mut *conn).await?
    });
    Ok(rows.into_iter().map(course_from_row).collect())
}

const MISSING_SQL: &str = "SELECT c.id, c.program_id, c.code, c.title, c.hours FROM program_required_courses r \
     JOIN courses c ON c.id = r.course_id \
     WHERE r.program_id = $1 AND NOT EXISTS \
       (SELECT 1 FROM course_completions k WHERE k.course_id = c.id AND k.person_id = $2) \
     ORDER BY c.code";

/// Sets a pairing's status inside `tx` with its audit row; `note` goes into the audit's after.
async fn set_status_in(
    tx: &mut Tx,
    actor: &Actor,
    pairing: &Pairing,
    status: PairingStatus,
    note: serde_json::Value,
) -> Result<Pairing, DbError> {
    on_tx!(&mut *tx, conn => {
        sqlx::query("UPDATE pairings SET status = $1 WHERE id = $2")
            .bind(status.as_str()).bind(pairing.id.0).execute(&mut *conn).await?;
    });
    let after = Pairing {
        status,
        ..pairing.clone()
    };
    let mut record = serde_json::to_value(&after).map_err(|e| DbError::Corrupt(e.to_string()))?;
    if let (Some(map), serde_json::Value::Object(extra)) = (record.as_object_mut(), note) {
        map.extend(extra);
    }
    tx.audit(
        actor,
        Action::Update,
        "pairing",
        pairing.id,
        Some(pairing),
        Some(&record),
    )
    .await?;
    Ok(after)
}

fn missing_message(missing: &[Course]) -> String {
    let names: Vec<String> = missing
        .iter()
        .map(|c| format!("{} ({})", c.title, c.code))
        .collect();
    format!(
        "has not completed the required training: {}",
        names.join(", ")
    )
}

impl Db {
    /// Adds a course to a program. The code is unique within the program.
    pub async fn create_course(
        &self,
        actor: &Actor,
        program: ProgramId,
        code: &str,
        title: &str,
        hours: f64,
    ) -> Result<Course, DbError> {
        let code = code.trim();
        if code.is_empty() || code.chars().count() > 40 {
            return Err(FieldError::new("code", "must be 1 to 40 characters").into());
        }
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 300 {
            return Err(FieldError::new("title", "must be 1 to 300 characters").into());
        }
        if !hours.is_finite() || !(0.0..=10_000.0).contains(&hours) {
            return Err(FieldError::new("hours", "must be between 0 and 10000").into());
        }
        self.program(program).await?;
        let taken: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM courses WHERE program_id = $1 AND code = $2")
                .bind(program.0).bind(code).fetch_one(pool).await?
        });
        if taken > 0 {
            return Err(FieldError::new("code", "is already taken in this program").into());
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO courses (program_id, code, title, hours, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(program.0).bind(code).bind(title).bind(hours).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let course = Course {
            id: CourseId(id),
            program,
            code: code.to_owned(),
            title: title.to_owned(),
            hours,
        };
        tx.audit::<(), _>(actor, Action::Create, "course", id, None, Some(&course))
            .await?;
        tx.commit().await?;
        Ok(course)
    }

    /// One course.
    pub async fn course(&self, id: CourseId) -> Result<Course, DbError> {
        let row: CourseRow = self
            .one_by_id(format!("{COURSE_SELECT} WHERE id = $1"), id.0, "course")
            .await?;
        Ok(course_from_row(row))
    }

    /// A program's courses, by code.
    pub async fn courses(&self, program: ProgramId) -> Result<Vec<Course>, DbError> {
        let sql = format!("{COURSE_SELECT} WHERE program_id = $1 ORDER BY code");
        let rows: Vec<CourseRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(course_from_row).collect())
    }

    /// The courses a program requires before mentorship, by code.
    pub async fn required_courses(&self, program: ProgramId) -> Result<Vec<Course>, DbError> {
        let rows: Vec<CourseRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, c.program_id, c.code, c.title, c.hours FROM program_required_courses r \
                 JOIN courses c ON c.id = r.course_id WHERE r.program_id = $1 ORDER BY c.code",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(course_from_row).collect())
    }

    /// Makes a course of the program required before mentorship. Requiring it again changes
    /// nothing. Pairings already active stay active: the gate applies when a pairing starts.
    pub async fn require_course(
        &self,
        actor: &Actor,
        program: ProgramId,
        course: CourseId,
    ) -> Result<(), DbError> {
        let record = self
            .course(course)
            .await
            .map_err(|_| FieldError::new("course", format!("no course has id {course}")))?;
        if record.program != program {
            return Err(FieldError::new("course", "belongs to another program").into());
        }
        let mut tx = self.begin().await?;
        let added = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO program_required_courses (program_id, course_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (program_id, course_id) DO NOTHING",
            )
            .bind(program.0).bind(course.0).bind(crate::now())
            .execute(&mut *conn).await?.rows_affected()
        });
        if added > 0 {
            tx.audit::<(), _>(
                actor,
                Action::Create,
                "required_course",
                format!("{program}/{course}"),
                None,
                Some(&record),
            )
            .await?;
        }
        tx.commit().await
    }

    /// Records that `person` completed `course` on `completed_on` (`YYYY-MM-DD`, not in the
    /// future). In the same transaction, each of the person's pairings in the course's program
    /// that awaits training and now lacks no required course is activated, each with its own
    /// audit row.
    pub async fn record_completion(
        &self,
        actor: &Actor,
        person: PersonId,
        course: CourseId,
        completed_on: &str,
        evidence: &str,
    ) -> Result<CourseCompletion, DbError> {
        let record = self
            .course(course)
            .await
            .map_err(|_| FieldError::new("course", format!("no course has id {course}")))?;
        self.person(person)
            .await
            .map_err(|_| FieldError::new("person", format!("no person has id {person}")))?;
        let completed_on = parse_date(completed_on, "completed_on")?;
        if completed_on > crate::now().date_naive() {
            return Err(FieldError::new("completed_on", "must not be in the future").into());
        }
        let evidence = evidence.trim();
        if evidence.chars().count() > 1000 {
            return Err(FieldError::new("evidence", "must be at most 1000 characters").into());
        }
        let done: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM course_completions WHERE person_id = $1 AND course_id = $2")
                .bind(person.0).bind(course.0).fetch_one(pool).await?
        });
        if done > 0 {
            return Err(FieldError::new("course", "is already recorded as completed").into());
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO course_completions (person_id, course_id, completed_on, evidence, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(person.0).bind(course.0).bind(completed_on.to_string()).bind(evidence).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let completion = CourseCompletion {
            id: CompletionId(id),
            person,
            course,
            completed_on,
            evidence: evidence.to_owned(),
        };
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "course_completion",
            id,
            None,
            Some(&completion),
        )
        .await?;
        let waiting: Vec<PairingRow> = on_tx!(&mut tx, conn => {
            sqlx::query_as(
                "SELECT id, program_id, mentor_id, mentee_id, status FROM pairings \
                 WHERE program_id = $1 AND mentee_id = $2 AND status = 'awaiting_training' ORDER BY id",
            )
            .bind(record.program.0).bind(person.0).fetch_all(&mut *conn).await?
        });
        if !waiting.is_empty()
            && missing_in(&mut tx, record.program, person)
                .await?
                .is_empty()
        {
            for row in waiting {
                let pairing = Pairing::from_row(row);
                let note = serde_json::json!({"activated_by": "training_complete"});
                set_status_in(&mut tx, actor, &pairing, PairingStatus::Active, note).await?;
            }
        }
        tx.commit().await?;
        Ok(completion)
    }

    /// A person's course completions, by date.
    pub async fn completions_of(&self, person: PersonId) -> Result<Vec<CourseCompletion>, DbError> {
        let rows: Vec<(i64, i64, i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, person_id, course_id, completed_on, evidence FROM course_completions \
                 WHERE person_id = $1 ORDER BY completed_on, id",
            )
            .bind(person.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, person, course, on, evidence)| {
                Ok(CourseCompletion {
                    id: CompletionId(id),
                    person: PersonId(person),
                    course: CourseId(course),
                    completed_on: parse_date(&on, "completed_on")
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    evidence,
                })
            })
            .collect()
    }

    /// The program's required courses that `mentee` has not completed, by code.
    pub async fn missing_courses(
        &self,
        program: ProgramId,
        mentee: PersonId,
    ) -> Result<Vec<Course>, DbError> {
        let rows: Vec<CourseRow> = on_pool!(self, pool => {
            sqlx::query_as(MISSING_SQL).bind(program.0).bind(mentee.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(course_from_row).collect())
    }

    /// Records a pairing behind the training gate: `active` when the mentee has completed
    /// every course the program requires, else `awaiting_training`. Decided and written in one
    /// transaction, so a completion recorded meanwhile cannot be missed.
    pub async fn add_gated_pairing(
        &self,
        actor: &Actor,
        program: ProgramId,
        mentor: PersonId,
        mentee: PersonId,
    ) -> Result<Pairing, DbError> {
        self.program(program).await?;
        for (who, field) in [(mentor, "mentor"), (mentee, "mentee")] {
            self.person(who)
                .await
                .map_err(|_| FieldError::new(field, format!("no person has id {who}")))?;
        }
        if mentor == mentee {
            return Err(FieldError::new("mentee", "must not be the mentor").into());
        }
        let mut tx = self.begin().await?;
        let status = if missing_in(&mut tx, program, mentee).await?.is_empty() {
            PairingStatus::Active
        } else {
            PairingStatus::AwaitingTraining
        };
        let pairing = insert_pairing_in(&mut tx, actor, program, mentor, mentee, status).await?;
        tx.commit().await?;
        Ok(pairing)
    }

    /// One pairing.
    pub async fn pairing(&self, id: PairingId) -> Result<Pairing, DbError> {
        let row: Option<PairingRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, program_id, mentor_id, mentee_id, status FROM pairings WHERE id = $1")
                .bind(id.0).fetch_optional(pool).await?
        });
        row.map(Pairing::from_row).ok_or(DbError::NotFound {
            entity: "pairing",
            key: id.to_string(),
        })
    }

    /// Activates a pairing that awaits training (or is proposed), refused with the missing
    /// courses named (field `mentee`) while the mentee lacks any. An active pairing is
    /// returned unchanged.
    pub async fn activate_pairing(
        &self,
        actor: &Actor,
        pairing: PairingId,
    ) -> Result<Pairing, DbError> {
        let before = self.pairing(pairing).await?;
        match before.status {
            PairingStatus::Active => return Ok(before),
            PairingStatus::Ended => return Err(FieldError::new("pairing", "has ended").into()),
            PairingStatus::Proposed | PairingStatus::AwaitingTraining => {}
        }
        let mut tx = self.begin().await?;
        let missing = missing_in(&mut tx, before.program, before.mentee).await?;
        if !missing.is_empty() {
            return Err(FieldError::new("mentee", missing_message(&missing)).into());
        }
        let after = set_status_in(
            &mut tx,
            actor,
            &before,
            PairingStatus::Active,
            serde_json::json!({"activated_by": "manual"}),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Lets a pairing awaiting training start anyway (a manager's decision, C4). The reason
    /// is required (at least [`MIN_OVERRIDE_REASON`] characters), kept in
    /// `pairing_overrides` and written into the audit row of the activation.
    pub async fn override_training_gate(
        &self,
        actor: &Actor,
        pairing: PairingId,
        reason: &str,
    ) -> Result<Pairing, DbError> {
        let reason = reason.trim();
        if reason.chars().count() < MIN_OVERRIDE_REASON {
            return Err(FieldError::new(
                "reason",
                format!("give a reason of at least {MIN_OVERRIDE_REASON} characters"),
            )
            .into());
        }
        if reason.chars().count() > 2000 {
            return Err(FieldError::new("reason", "must be at most 2000 characters").into());
        }
        let before = self.pairing(pairing).await?;
        if before.status != PairingStatus::AwaitingTraining {
            return Err(FieldError::new(
                "pairing",
                format!("is {}, not awaiting training", before.status),
            )
            .into());
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("INSERT INTO pairing_overrides (pairing_id, reason, actor, at) VALUES ($1, $2, $3, $4)")
                .bind(pairing.0).bind(reason).bind(&actor.label).bind(crate::now())
                .execute(&mut *conn).await?;
        });
        let note = serde_json::json!({"activated_by": "override", "override_reason": reason});
        let after = set_status_in(&mut tx, actor, &before, PairingStatus::Active, note).await?;
        tx.commit().await?;
        Ok(after)
    }
}
