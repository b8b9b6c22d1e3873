//! Group scheduling (C7), shared by pages, API and CLI: a program's members with their stored
//! availability as the `scheduling` crate's model, slot and series proposals, and calendar
//! files (invites, cancellations, personal feeds) for stored sessions.

use crate::Error;
use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use domain::FieldError;
use domain::ids::{PersonId, ProgramId};
use domain::scheduling::{AttendanceStatus, SessionStatus};
use domain::values::{Email, TimeZone};
use scheduling::ical::{self, Attendee, Event, PartStat, Person, Recurrence, Role};
use scheduling::{Availability, Member, ScheduleError, SeriesQuery, Slot, SlotQuery};
use serde::Serialize;
use store::Db;
use store::scheduling::{GroupSession, Window as StoredWindow, WindowKind as StoredKind};

/// The organiser address when the organiser has no e-mail: `.invalid` is reserved (RFC 2606),
/// so no mail can go astray.
const FALLBACK_ORGANIZER: &str = "calendar@tandem.invalid";

/// The members of a program a session is planned for, in person-id order.
pub struct Group {
    /// Person ids, in the same order as `members`.
    pub people: Vec<PersonId>,
    /// Names, zones and availability.
    pub members: Vec<Member>,
}

fn weekday(iso: u8) -> Weekday {
    match iso {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

fn schedule_error(error: ScheduleError) -> Error {
    Error::Invalid(FieldError::from(error))
}

/// Turns stored windows into the scheduling model.
pub fn availability_of(zone: TimeZone, windows: &[StoredWindow]) -> Result<Availability, Error> {
    let mut converted = Vec::with_capacity(windows.len());
    for w in windows {
        let hm = |m: u16| (u32::from(m / 60) % 24, u32::from(m % 60));
        let kind = match w.kind {
            StoredKind::Preferred => scheduling::WindowKind::Preferred,
            StoredKind::Possible => scheduling::WindowKind::Possible,
        };
        converted.push(
            scheduling::Window::hm(
                weekday(w.weekday),
                hm(w.start_minute),
                hm(w.end_minute),
                kind,
            )
            .map_err(schedule_error)?,
        );
    }
    Ok(Availability::new(zone, converted))
}

/// The program's members (every role) with their availability.
pub async fn program_group(db: &Db, program: ProgramId) -> Result<Group, Error> {
    let mut people: Vec<PersonId> = db
        .memberships_of_program(program, "")
        .await?
        .into_iter()
        .map(|m| m.person)
        .collect();
    people.sort();
    people.dedup();
    let mut members = Vec::with_capacity(people.len());
    for person in &people {
        let record = db.person(*person).await?;
        let windows = db.availability(*person).await?;
        members.push(Member {
            name: record.profile.name.as_str().to_owned(),
            availability: availability_of(record.profile.time_zone, &windows)?,
        });
    }
    Ok(Group { people, members })
}

/// One member's local view of a proposed slot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocalTime {
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// Their zone.
    pub zone: String,
    /// `Tue 19:00`.
    pub local: String,
    /// `preferred`, `out_of_hours` or `absent`.
    pub status: String,
}

/// A proposed slot as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposedSlot {
    /// Start (UTC).
    pub start: DateTime<Utc>,
    /// End (UTC).
    pub end: DateTime<Utc>,
    /// Members who can come.
    pub attendees: usize,
    /// Of those, how many only out of their hours.
    pub out_of_hours: usize,
    /// Members who cannot come.
    pub absent: usize,
    /// Each member's local time and status.
    pub members: Vec<LocalTime>,
}

fn status_name(status: scheduling::Attendance) -> &'static str {
    match status {
        scheduling::Attendance::Preferred => "preferred",
        scheduling::Attendance::OutOfHours => "out_of_hours",
        scheduling::Attendance::Absent => "absent",
    }
}

fn proposed(group: &Group, slot: &Slot) -> ProposedSlot {
    ProposedSlot {
        start: slot.start,
        end: slot.end,
        attendees: slot.attendees,
        out_of_hours: slot.out_of_hours,
        absent: slot.absent,
        members: slot
            .members
            .iter()
            .map(|m| LocalTime {
                person: group.people[m.member],
                name: group.members[m.member].name.clone(),
                zone: m.zone.as_str().to_owned(),
                local: m.local_label(),
                status: status_name(m.status).to_owned(),
            })
            .collect(),
    }
}

/// The best `top` slots in the week starting on `from` (UTC midnight).
pub fn best_slots(
    group: &Group,
    from: NaiveDate,
    duration_minutes: u32,
    top: usize,
) -> Result<Vec<ProposedSlot>, Error> {
    let query = SlotQuery::week(
        from.and_time(chrono::NaiveTime::MIN).and_utc(),
        duration_minutes,
    );
    let slots = scheduling::find_slots(&group.members, &query, top).map_err(schedule_error)?;
    Ok(slots.iter().map(|s| proposed(group, s)).collect())
}

/// One member's out-of-hours burden over a planned series.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Burden {
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// Sessions they attend out of their hours.
    pub out_of_hours: u32,
    /// Their fair share (see `scheduling::series`).
    pub fair_share: Option<f64>,
    /// Out of hours under the naive plan (the same best slot every week), for comparison.
    pub naive_out_of_hours: u32,
    /// Sessions they cannot attend.
    pub missed: u32,
}

/// A weekly series planned so the out-of-hours burden rotates fairly.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesProposal {
    /// One slot per week.
    pub sessions: Vec<ProposedSlot>,
    /// Per member.
    pub burden: Vec<Burden>,
    /// Every member within fair share + 1.
    pub fair: bool,
}

/// Plans `sessions` weekly occurrences from the week of `first_week`.
pub fn plan_series(
    group: &Group,
    first_week: NaiveDate,
    sessions: u32,
    duration_minutes: u32,
) -> Result<SeriesProposal, Error> {
    if !(1..=52).contains(&sessions) {
        return Err(Error::invalid("sessions", "must be 1 to 52"));
    }
    let query = SeriesQuery::weekly(
        first_week.and_time(chrono::NaiveTime::MIN).and_utc(),
        sessions,
        duration_minutes,
    );
    let candidates =
        scheduling::SeriesCandidates::find(&group.members, &query).map_err(schedule_error)?;
    let plan = candidates.plan_rotating();
    let naive = candidates.plan_naive();
    let burden = plan
        .burden
        .iter()
        .map(|b| Burden {
            person: group.people[b.member],
            name: group.members[b.member].name.clone(),
            out_of_hours: b.out_of_hours,
            fair_share: plan
                .fair_share
                .as_ref()
                .and_then(|f| f.get(b.member).copied()),
            naive_out_of_hours: naive.burden.get(b.member).map_or(0, |n| n.out_of_hours),
            missed: b.missed,
        })
        .collect();
    Ok(SeriesProposal {
        sessions: plan.sessions.iter().map(|s| proposed(group, s)).collect(),
        burden,
        fair: plan.is_fair(),
    })
}

async fn calendar_person(db: &Db, person: PersonId) -> Result<Option<Person>, Error> {
    let record = db.person(person).await?;
    Ok(record.profile.email.map(|email| Person {
        name: record.profile.name.as_str().to_owned(),
        email,
    }))
}

/// The calendar event of a stored session, with its invitees as attendees.
pub async fn session_event(db: &Db, session: &GroupSession) -> Result<Event, Error> {
    let zone = TimeZone::parse(&session.organiser_zone)
        .map_err(|e| Error::caused("stored session zone", e))?;
    let organizer = match session.organiser {
        Some(person) => calendar_person(db, person).await?,
        None => None,
    };
    let organizer = match organizer {
        Some(p) => p,
        None => Person {
            name: "tandem".into(),
            email: Email::parse(FALLBACK_ORGANIZER).map_err(|e| Error::internal(e.to_string()))?,
        },
    };
    let mut attendees = Vec::new();
    for a in db.attendance(session.id).await? {
        if Some(a.person) == session.organiser {
            continue;
        }
        if let Some(person) = calendar_person(db, a.person).await? {
            attendees.push(Attendee {
                person,
                role: Role::Required,
                partstat: match a.status {
                    AttendanceStatus::Attended => PartStat::Accepted,
                    AttendanceStatus::Excused => PartStat::Declined,
                    AttendanceStatus::Invited | AttendanceStatus::Absent => PartStat::NeedsAction,
                },
                rsvp: true,
            });
        }
    }
    Ok(Event {
        session_id: u64::try_from(session.id.0).unwrap_or_default(),
        sequence: session.sequence,
        summary: session.title.clone(),
        description: None,
        video_link: (!session.video_url.is_empty()).then(|| session.video_url.clone()),
        zone,
        start: session.starts_at.with_timezone(&zone.tz()).naive_local(),
        duration_minutes: session.duration_minutes,
        recurrence: Recurrence::Once,
        organizer,
        attendees,
        cancelled: session.status == SessionStatus::Cancelled,
    })
}

/// The invite for a session: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled (its
/// SEQUENCE already raised by the store).
pub async fn session_ics(db: &Db, session: &GroupSession) -> Result<String, Error> {
    let mut event = session_event(db, session).await?;
    let now = store::now();
    if event.cancelled {
        // `cancellation` raises SEQUENCE itself; the store already did when cancelling.
        event.sequence = event.sequence.saturating_sub(1);
        event.cancelled = false;
        ical::cancellation(&event, now).map_err(schedule_error)
    } else {
        ical::invite(&event, now).map_err(schedule_error)
    }
}

/// A person's private feed: every session they are invited to.
pub async fn person_feed(db: &Db, person: PersonId) -> Result<String, Error> {
    let record = db.person(person).await?;
    let mut events = Vec::new();
    for session in db.sessions_of_person(person).await? {
        events.push(session_event(db, &session).await?);
    }
    let name = format!("tandem — {}", record.profile.name.as_str());
    ical::feed(&name, &events, store::now()).map_err(schedule_error)
}

/// Monday of the week containing `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Makes (or replaces) the signed-in person's private feed address; the old one stops
/// working. Only the token's hash is stored.
pub async fn new_feed_path(
    db: &Db,
    actor: &store::Actor,
    viewer: &domain::access::Viewer,
) -> Result<String, Error> {
    let person = viewer
        .person
        .ok_or_else(|| Error::invalid("account", "this account is not linked to a person"))?;
    let token = crate::accounts::random_token()?;
    db.set_calendar_feed(actor, person, &crate::accounts::token_hash(&token))
        .await?;
    Ok(format!("/calendar/{token}/feed.ics"))
}

/// One availability window as typed: local times `HH:MM` in the person's zone.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Start, `HH:MM` local.
    pub start: String,
    /// End, `HH:MM` local, after the start (`24:00` for midnight).
    pub end: String,
    /// `preferred` or `possible` (out of hours, only if needed).
    pub kind: String,
}

fn minutes(text: &str, field: &str) -> Result<u16, FieldError> {
    let bad = || FieldError::new(field, format!("{text:?} is not a time (HH:MM)"));
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Parses typed windows; errors name `availability[i].<field>`.
pub fn parse_windows(input: &[WindowInput]) -> Result<Vec<StoredWindow>, FieldError> {
    input
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let field = |name: &str| format!("availability[{i}].{name}");
            let window = StoredWindow {
                weekday: w.weekday,
                start_minute: minutes(&w.start, &field("start"))?,
                end_minute: minutes(&w.end, &field("end"))?,
                kind: StoredKind::parse(&w.kind, &field("kind"))?,
            };
            window.validate(i)?;
            Ok(window)
        })
        .collect()
}

pub fn window_output(w: &StoredWindow) -> WindowInput {
    WindowInput {
        weekday: w.weekday,
        start: store::scheduling::clock(w.start_minute),
        end: store::scheduling::clock(w.end_minute),
        kind: w.kind.as_str().to_owned(),
    }
}
