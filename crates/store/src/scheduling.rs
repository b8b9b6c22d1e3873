//! Scheduling (C7) and the participation record (C12): weekly availability in each person's
//! own zone, group sessions with attendance, private calendar feeds, and queued nudges.

use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::codes::Coded;
use domain::ids::{GroupSessionId, NudgeId, ProjectId};
use domain::ids::{PersonId, ProgramId};
use domain::scheduling::{AttendanceStatus, SessionStatus};
use serde::Serialize;

/// How a person holds a window: gladly, or only if needed (out of their hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// Within their hours.
    Preferred,
    /// Possible but out of hours (late evening, early morning, weekend): a burden.
    Possible,
}

impl WindowKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowKind::Preferred => "preferred",
            WindowKind::Possible => "possible",
        }
    }

    /// Parses a stored or submitted name; the error names `field`.
    pub fn parse(text: &str, field: &str) -> Result<Self, FieldError> {
        match text {
            "preferred" => Ok(WindowKind::Preferred),
            "possible" => Ok(WindowKind::Possible),
            other => Err(FieldError::new(
                field,
                format!("must be preferred or possible, not {other:?}"),
            )),
        }
    }
}

/// One weekly availability window, in the person's own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Window {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Minutes from local midnight.
    pub start_minute: u16,
    /// Minutes from local midnight, after `start_minute`; 1440 = midnight at the day's end.
    pub end_minute: u16,
    /// Preferred or only possible.
    pub kind: WindowKind,
}

impl Window {
    /// Checks one window; errors name `availability[index].<field>`.
    pub fn validate(&self, index: usize) -> Result<(), FieldError> {
        let field = |name: &str| format!("availability[{index}].{name}");
        if !(1..=7).contains(&self.weekday) {
            return Err(FieldError::new(
                field("weekday"),
                "must be 1 (Monday) to 7 (Sunday)",
            ));
        }
        if self.start_minute >= 1440 {
            return Err(FieldError::new(
                field("start"),
                "must be a time of day before 24:00",
            ));
        }
        if self.end_minute > 1440 {
            return Err(FieldError::new(field("end"), "must be at most 24:00"));
        }
        if self.end_minute <= self.start_minute {
            return Err(FieldError::new(
                field("end"),
                format!(
                    "ends at {} but starts at {}: a window must end after it starts (split a window across midnight into two)",
                    clock(self.end_minute),
                    clock(self.start_minute)
                ),
            ));
        }
        Ok(())
    }
}

/// `HH:MM` for minutes from midnight.
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A scheduled (or cancelled) occurrence of a group session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GroupSession {
    /// Id; the calendar UID is `session-<id>@tandem`.
    #[schema(value_type = i64)]
    pub id: GroupSessionId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Research project, if the session belongs to one.
    #[schema(value_type = Option<i64>)]
    pub project: Option<ProjectId>,
    /// Shared by the occurrences of one series.
    pub series_key: String,
    /// Title.
    pub title: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// Length in minutes.
    pub duration_minutes: u32,
    /// The zone the invite is written in (the organiser's).
    pub organiser_zone: String,
    /// Organiser, when a member.
    #[schema(value_type = Option<i64>)]
    pub organiser: Option<PersonId>,
    /// Video link.
    pub video_url: String,
    /// Whether it will take place.
    pub status: SessionStatus,
    /// iCalendar SEQUENCE: bumped on every change so calendars replace the old copy.
    pub sequence: u32,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// What a new series needs; each start becomes one occurrence.
#[derive(Debug, Clone)]
pub struct NewSeries {
    /// Program.
    pub program: ProgramId,
    /// Project, if any.
    pub project: Option<ProjectId>,
    /// Title.
    pub title: String,
    /// Organiser.
    pub organiser: Option<PersonId>,
    /// Zone the invites are written in.
    pub organiser_zone: domain::values::TimeZone,
    /// Video link (may be empty).
    pub video_url: String,
    /// Length in minutes.
    pub duration_minutes: u32,
    /// Start of each occurrence.
    pub starts: Vec<DateTime<Utc>>,
    /// Who is invited.
    pub invitees: Vec<PersonId>,
}

/// One person's attendance of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Attendance {
    /// Session.
    #[schema(value_type = i64)]
    pub session: GroupSessionId,
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// Whether they came.
    pub status: AttendanceStatus,
}

/// A nudge queued for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Nudge {
    /// Id.
    #[schema(value_type = i64)]
    pub id: NudgeId,
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Delivered at.
    pub sent_at: Option<DateTime<Utc>>,
}

type SessionRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    DateTime<Utc>,
    i64,
    String,
    Option<i64>,
    String,
    Code<SessionStatus>,
    i64,
    DateTime<Utc>,
);

/// id, person, name, reason, created, sent.
type NudgeRow = (
    i64,
    i64,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

const SESSION_SELECT: &str = "SELECT s.id, s.program_id, s.project_id, s.series_key, s.title, s.starts_at, s.duration_minutes, \
     s.organiser_zone, s.organiser_id, s.video_url, s.status, s.sequence, s.updated_at FROM group_sessions s";

fn session_from_row(row: SessionRow) -> GroupSession {
    let (
        id,
        program,
        project,
        series_key,
        title,
        starts_at,
        duration,
        organiser_zone,
        organiser,
        video_url,
        status,
        sequence,
        updated_at,
    ) = row;
    GroupSession {
        id: GroupSessionId(id),
        program: ProgramId(program),
        project: project.map(ProjectId),
        series_key,
        title,
        starts_at,
        // The table's CHECK keeps these in range.
        duration_minutes: duration.clamp(0, 600) as u32,
        organiser_zone,
        organiser: organiser.map(PersonId),
        video_url,
        status: status.0,
        sequence: sequence.clamp(0, i64::from(u32::MAX)) as u32,
        updated_at,
    }
}

impl Db {
    /// A person's weekly availability, by weekday and start.
    pub async fn availability(&self, person: PersonId) -> Result<Vec<Window>, DbError> {
        let rows: Vec<(i64, i64, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT weekday, start_minute, end_minute, kind FROM availability_windows \
                 WHERE person_id = $1 ORDER BY weekday, start_minute",
            )
            .bind(person.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(weekday, start, end, kind)| {
                Ok(Window {
                    weekday: weekday.clamp(1, 7) as u8,
                    start_minute: start.clamp(0, 1439) as u16,
                    end_minute: end.clamp(1, 1440) as u16,
                    kind: WindowKind::parse(&kind, "kind")
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Replaces a person's weekly availability. Every window is checked first (an end before
    /// its start, overlapping windows on one day) and nothing is written unless all pass.
    pub async fn set_availability(
        &self,
        actor: &Actor,
        person: PersonId,
        windows: &[Window],
    ) -> Result<(), DbError> {
        self.person(person).await?;
        for (index, window) in windows.iter().enumerate() {
            window.validate(index)?;
        }
        let mut sorted: Vec<(usize, &Window)> = windows.iter().enumerate().collect();
        sorted.sort_by_key(|(_, w)| (w.weekday, w.start_minute));
        for pair in sorted.windows(2) {
            let ((_, a), (index, b)) = (pair[0], pair[1]);
            if a.weekday == b.weekday && b.start_minute < a.end_minute {
                return Err(FieldError::new(
                    format!("availability[{index}].start"),
                    format!(
                        "overlaps the window {}–{} on the same day",
                        clock(a.start_minute),
                        clock(a.end_minute)
                    ),
                )
                .into());
            }
        }
        let before = self.availability(person).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM availability_windows WHERE person_id = $1")
                .bind(person.0).execute(&mut *conn).await?;
            for window in windows {
                sqlx::query(
                    "INSERT INTO availability_windows (person_id, weekday, start_minute, end_minute, kind) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(person.0)
                .bind(i64::from(window.weekday))
                .bind(i64::from(window.start_minute))
                .bind(i64::from(window.end_minute))
                .bind(window.kind.as_str())
                .execute(&mut *conn).await?;
            }
        });
        tx.audit(
            actor,
            Action::Update,
            "availability",
            person,
            Some(&before),
            Some(&windows),
        )
        .await?;
        tx.commit().await
    }

    /// Creates the occurrences of a series and invites its members, in one transaction (see
    /// [`Db::schedule_series`]).
    pub async fn create_series(
        &self,
        actor: &Actor,
        series: &NewSeries,
    ) -> Result<Vec<GroupSession>, DbError> {
        Ok(self.schedule_series(actor, series).await?.0)
    }

    /// Creates the occurrences of a series and invites its members, in one transaction, and
    /// says whether it was a repeat: when every occurrence is already scheduled in the program
    /// under the same title at the same time (Schedule pressed twice, or a retried request,
    /// even at the same moment), nothing is written, nobody is invited twice, and the answer
    /// is those sessions. A series that meets only some of them is refused, naming the first.
    pub async fn schedule_series(
        &self,
        actor: &Actor,
        series: &NewSeries,
    ) -> Result<(Vec<GroupSession>, bool), DbError> {
        let title = series.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(FieldError::new("title", "must be 1 to 200 characters").into());
        }
        if !(5..=600).contains(&series.duration_minutes) {
            return Err(FieldError::new("duration_minutes", "must be 5 to 600 minutes").into());
        }
        if series.starts.is_empty() || series.starts.len() > 200 {
            return Err(FieldError::new("starts", "give 1 to 200 occurrences").into());
        }
        if !series.video_url.is_empty() && !series.video_url.starts_with("https://") {
            return Err(FieldError::new("video_url", "must be an https:// link").into());
        }
        self.program(series.program).await?;
        for (index, person) in series.invitees.iter().enumerate() {
            let member: i64 = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE program_id = $1 AND person_id = $2")
                    .bind(series.program.0).bind(person.0).fetch_one(pool).await?
            });
            if member == 0 {
                return Err(FieldError::new(
                    format!("invitees[{index}]"),
                    format!("person {person} is not a member of this program"),
                )
                .into());
            }
        }
        let now = crate::now();
        let series_key = format!(
            "{}-{}",
            series.program.0,
            now.timestamp_nanos_opt().unwrap_or(now.timestamp())
        );
        let mut tx = self.begin().await?;
        crate::matching::lock_program_in(&mut tx, series.program).await?;
        let mut scheduled = Vec::with_capacity(series.starts.len());
        for start in &series.starts {
            let id: Option<i64> = on_tx!(&mut tx, conn => {
                sqlx::query_scalar(
                    "SELECT id FROM group_sessions WHERE program_id = $1 AND title = $2 AND starts_at = $3 \
                     AND status = 'scheduled' ORDER BY id LIMIT 1",
                )
                .bind(series.program.0).bind(title).bind(start)
                .fetch_optional(&mut *conn).await?
            });
            scheduled.push(id);
        }
        if scheduled.iter().all(Option::is_some) {
            drop(tx);
            let mut sessions = Vec::with_capacity(scheduled.len());
            for id in scheduled.into_iter().flatten() {
                sessions.push(self.group_session(GroupSessionId(id)).await?);
            }
            return Ok((sessions, true));
        }
        if let Some(index) = scheduled.iter().position(Option::is_some) {
            return Err(FieldError::new(
                format!("starts[{index}]"),
                format!("{title:?} is already scheduled at that time"),
            )
            .into());
        }
        let mut ids = Vec::with_capacity(series.starts.len());
        for start in &series.starts {
            let id: i64 = on_tx!(&mut tx, conn => {
                sqlx::query_scalar(
                    "INSERT INTO group_sessions (program_id, project_id, series_key, title, starts_at, duration_minutes, \
                     organiser_zone, organiser_id, video_url, status, sequence, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'scheduled', 0, $10, $10) RETURNING id",
                )
                .bind(series.program.0)
                .bind(series.project.map(|p| p.0))
                .bind(&series_key)
                .bind(title)
                .bind(start)
                .bind(i64::from(series.duration_minutes))
                .bind(series.organiser_zone.as_str())
                .bind(series.organiser.map(|p| p.0))
                .bind(&series.video_url)
                .bind(now)
                .fetch_one(&mut *conn).await?
            });
            for person in &series.invitees {
                on_tx!(&mut tx, conn => {
                    sqlx::query(
                        "INSERT INTO session_attendance (session_id, person_id, status) VALUES ($1, $2, 'invited') \
                         ON CONFLICT (session_id, person_id) DO NOTHING",
                    )
                    .bind(id).bind(person.0).execute(&mut *conn).await?;
                });
            }
            tx.audit::<(), _>(
                actor,
                Action::Create,
                "group_session",
                id,
                None,
                Some(
                    &serde_json::json!({"title": title, "starts_at": start, "series": series_key}),
                ),
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        let mut created = Vec::with_capacity(ids.len());
        for id in ids {
            created.push(self.group_session(GroupSessionId(id)).await?);
        }
        Ok((created, false))
    }

    /// One session.
    pub async fn group_session(&self, id: GroupSessionId) -> Result<GroupSession, DbError> {
        let row: SessionRow = self
            .one_by_id(format!("{SESSION_SELECT} WHERE s.id = $1"), id.0, "session")
            .await?;
        Ok(session_from_row(row))
    }

    /// A program's sessions, by start.
    pub async fn group_sessions(&self, program: ProgramId) -> Result<Vec<GroupSession>, DbError> {
        let sql = format!("{SESSION_SELECT} WHERE s.program_id = $1 ORDER BY s.starts_at, s.id");
        let rows: Vec<SessionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(session_from_row).collect())
    }

    /// The sessions a person is invited to, in every program (their calendar feed).
    pub async fn sessions_of_person(&self, person: PersonId) -> Result<Vec<GroupSession>, DbError> {
        let sql = format!(
            "{SESSION_SELECT} JOIN session_attendance a ON a.session_id = s.id \
             WHERE a.person_id = $1 ORDER BY s.starts_at, s.id"
        );
        let rows: Vec<SessionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(session_from_row).collect())
    }

    /// Moves a session; its SEQUENCE goes up so calendars replace their copy.
    pub async fn reschedule_session(
        &self,
        actor: &Actor,
        id: GroupSessionId,
        starts_at: DateTime<Utc>,
    ) -> Result<GroupSession, DbError> {
        let before = self.group_session(id).await?;
        if before.status == SessionStatus::Cancelled {
            return Err(FieldError::new("starts_at", "the session is cancelled").into());
        }
        self.change_session(actor, &before, SessionStatus::Scheduled, starts_at)
            .await
    }

    /// Cancels a session (kept, with SEQUENCE bumped, so a METHOD:CANCEL can be sent).
    pub async fn cancel_session(
        &self,
        actor: &Actor,
        id: GroupSessionId,
    ) -> Result<GroupSession, DbError> {
        let before = self.group_session(id).await?;
        if before.status == SessionStatus::Cancelled {
            return Ok(before);
        }
        self.change_session(actor, &before, SessionStatus::Cancelled, before.starts_at)
            .await
    }

    async fn change_session(
        &self,
        actor: &Actor,
        before: &GroupSession,
        status: SessionStatus,
        starts_at: DateTime<Utc>,
    ) -> Result<GroupSession, DbError> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE group_sessions SET status = $1, starts_at = $2, sequence = sequence + 1, updated_at = $3 WHERE id = $4",
            )
            .bind(status.as_str()).bind(starts_at).bind(crate::now()).bind(before.id.0)
            .execute(&mut *conn).await?;
        });
        let after = serde_json::json!({"status": status, "starts_at": starts_at});
        tx.audit(
            actor,
            Action::Update,
            "group_session",
            before.id,
            Some(before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.group_session(before.id).await
    }

    /// Who was invited to a session and whether they came.
    pub async fn attendance(&self, session: GroupSessionId) -> Result<Vec<Attendance>, DbError> {
        let rows: Vec<(i64, i64, String, Code<AttendanceStatus>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.session_id, a.person_id, p.name, a.status FROM session_attendance a \
                 JOIN people p ON p.id = a.person_id WHERE a.session_id = $1 ORDER BY p.name, p.id",
            )
            .bind(session.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(session, person, name, Code(status))| Attendance {
                session: GroupSessionId(session),
                person: PersonId(person),
                name,
                status,
            })
            .collect())
    }

    /// Every attendance row of a program's sessions with the session start (participation).
    pub async fn program_attendance(
        &self,
        program: ProgramId,
    ) -> Result<Vec<(PersonId, i64, DateTime<Utc>, AttendanceStatus)>, DbError> {
        let rows: Vec<(i64, i64, DateTime<Utc>, Code<AttendanceStatus>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.person_id, s.id, s.starts_at, a.status FROM session_attendance a \
                 JOIN group_sessions s ON s.id = a.session_id \
                 WHERE s.program_id = $1 AND s.status = 'scheduled' ORDER BY s.starts_at, s.id, a.person_id",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(person, session, at, Code(status))| (PersonId(person), session, at, status))
            .collect())
    }

    /// Records attendance for the people listed (others keep their status). Every person must
    /// have been invited; nothing is written unless all rows are valid.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        session: GroupSessionId,
        marks: &[(PersonId, String)],
    ) -> Result<Vec<Attendance>, DbError> {
        let current = self.attendance(session).await?;
        let sessions = self.group_session(session).await?;
        if sessions.status == SessionStatus::Cancelled {
            return Err(FieldError::new("session", "the session was cancelled").into());
        }
        let mut parsed = Vec::with_capacity(marks.len());
        for (index, (person, status)) in marks.iter().enumerate() {
            let Some(status) = AttendanceStatus::from_code(status) else {
                return Err(FieldError::new(
                    format!("attendance[{index}].status"),
                    format!("must be invited, attended, absent or excused, not {status:?}"),
                )
                .into());
            };
            parsed.push((*person, status));
            if !current.iter().any(|a| a.person == *person) {
                return Err(FieldError::new(
                    format!("attendance[{index}].person"),
                    format!("person {person} was not invited to this session"),
                )
                .into());
            }
        }
        let mut tx = self.begin().await?;
        for (person, status) in &parsed {
            on_tx!(&mut tx, conn => {
                sqlx::query("UPDATE session_attendance SET status = $1 WHERE session_id = $2 AND person_id = $3")
                    .bind(status.as_str()).bind(session.0).bind(person.0).execute(&mut *conn).await?;
            });
        }
        let after: Vec<(i64, &str)> = parsed.iter().map(|(p, s)| (p.0, s.as_str())).collect();
        tx.audit(
            actor,
            Action::Update,
            "session_attendance",
            session,
            Some(&current),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.attendance(session).await
    }

    /// Stores (or replaces) a person's private calendar feed token, given as its hash.
    pub async fn set_calendar_feed(
        &self,
        actor: &Actor,
        person: PersonId,
        token_hash: &str,
    ) -> Result<(), DbError> {
        self.person(person).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
            )
            .bind(person.0).bind(token_hash).bind(crate::now())
            .execute(&mut *conn).await?;
        });
        tx.audit::<(), _>(
            actor,
            Action::Update,
            "calendar_feed",
            person,
            None,
            Some(&"new feed address"),
        )
        .await?;
        tx.commit().await
    }

    /// The person whose feed token has this hash.
    pub async fn calendar_feed_owner(&self, token_hash: &str) -> Result<Option<PersonId>, DbError> {
        let person: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT person_id FROM calendar_feeds WHERE token_hash = $1")
                .bind(token_hash).fetch_optional(pool).await?
        });
        Ok(person.map(PersonId))
    }

    /// Queues a nudge unless one is already waiting for this person in this program.
    /// Returns whether a new one was queued.
    pub async fn queue_nudge(
        &self,
        actor: &Actor,
        program: ProgramId,
        person: PersonId,
        reason: &str,
    ) -> Result<bool, DbError> {
        let mut tx = self.begin().await?;
        let inserted = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO nudges (program_id, person_id, reason, created_at) \
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
                 (SELECT 1 FROM nudges WHERE program_id = $1 AND person_id = $2 AND sent_at IS NULL)",
            )
            .bind(program.0).bind(person.0).bind(reason).bind(crate::now())
            .execute(&mut *conn).await?.rows_affected()
        });
        if inserted == 0 {
            return Ok(false);
        }
        tx.audit::<(), _>(actor, Action::Create, "nudge", person, None, Some(&reason))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A program's nudges, newest first.
    pub async fn nudges(&self, program: ProgramId) -> Result<Vec<Nudge>, DbError> {
        let rows: Vec<NudgeRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT n.id, n.person_id, p.name, n.reason, n.created_at, n.sent_at FROM nudges n \
                 JOIN people p ON p.id = n.person_id WHERE n.program_id = $1 ORDER BY n.created_at DESC, n.id DESC",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, person, name, reason, created_at, sent_at)| Nudge {
                id: NudgeId(id),
                person: PersonId(person),
                name,
                reason,
                created_at,
                sent_at,
            })
            .collect())
    }
}
