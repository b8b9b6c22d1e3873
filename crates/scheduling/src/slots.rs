//! The slot finder: every candidate start in a concrete UTC range, scored for each member in
//! their own zone on that very date, so DST changes are honoured.

use std::cmp::Reverse;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};
use domain::values::TimeZone;
use serde::Serialize;

use crate::{Attendance, Availability, ScheduleError};

/// One member of a group: a display name and their availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// How pages show the member; results refer to members by their index in the slice given.
    pub name: String,
    /// Weekly windows in the member's zone.
    pub availability: Availability,
}

/// Where and how to look for slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotQuery {
    /// The first candidate start (a concrete instant: which week matters, because of DST).
    pub from: DateTime<Utc>,
    /// How many days from `from` to search.
    pub days: u32,
    /// Session length.
    pub duration_minutes: u32,
    /// Distance between candidate starts. 30 minutes catches zones offset by half an hour.
    pub step_minutes: u32,
}

impl SlotQuery {
    /// A one-week search from `from` with 30-minute steps.
    pub fn week(from: DateTime<Utc>, duration_minutes: u32) -> Self {
        Self {
            from,
            days: 7,
            duration_minutes,
            step_minutes: 30,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ScheduleError> {
        if self.duration_minutes == 0 || self.duration_minutes > 24 * 60 {
            return Err(ScheduleError::parameter(
                "duration_minutes",
                "must be between 1 and 1440 minutes",
            ));
        }
        if self.step_minutes == 0 || self.step_minutes > 24 * 60 {
            return Err(ScheduleError::parameter(
                "step_minutes",
                "must be between 1 and 1440 minutes",
            ));
        }
        if self.days == 0 || self.days > 366 {
            return Err(ScheduleError::parameter(
                "days",
                "must be between 1 and 366",
            ));
        }
        Ok(())
    }
}

/// One member's view of a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberSlot {
    /// Index of the member in the slice given.
    pub member: usize,
    /// The member's zone.
    pub zone: TimeZone,
    /// Local wall-clock start.
    pub local_start: NaiveDateTime,
    /// Local wall-clock end.
    pub local_end: NaiveDateTime,
    /// Preferred, out of hours or absent.
    pub status: Attendance,
}

impl MemberSlot {
    /// `Tue 19:00` — the local start as a page shows it next to the zone.
    pub fn local_label(&self) -> String {
        self.local_start.format("%a %H:%M").to_string()
    }
}

/// A candidate slot with its score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    /// Start instant.
    pub start: DateTime<Utc>,
    /// End instant.
    pub end: DateTime<Utc>,
    /// Members who can attend (Preferred or out of hours).
    pub attendees: usize,
    /// Members who attend only through a Possible window.
    pub out_of_hours: usize,
    /// Members who cannot attend.
    pub absent: usize,
    /// Every member's local time and status, in member order.
    pub members: Vec<MemberSlot>,
}

impl Slot {
    /// The ranking: most attendees, then fewest out of hours, then earliest. Total and
    /// deterministic because starts are distinct within one search.
    pub fn rank_key(&self) -> (Reverse<usize>, usize, DateTime<Utc>) {
        (Reverse(self.attendees), self.out_of_hours, self.start)
    }

    /// Whether `member` attends out of hours in this slot.
    pub fn is_out_of_hours(&self, member: usize) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.status == Attendance::OutOfHours)
    }

    /// `Tue 19:00 in Africa/Lagos, Tue 18:00 in Europe/London, …`: one entry per distinct zone,
    /// in member order.
    pub fn summary(&self) -> String {
        let mut seen: Vec<TimeZone> = Vec::new();
        let mut parts = Vec::new();
        for m in &self.members {
            if !seen.contains(&m.zone) {
                seen.push(m.zone);
                parts.push(format!("{} in {}", m.local_label(), m.zone.as_str()));
            }
        }
        parts.join(", ")
    }
}

/// Scores the slot `[start, start + duration)` for every member.
pub fn evaluate_slot(members: &[Member], start: DateTime<Utc>, duration_minutes: u32) -> Slot {
    let duration = Duration::minutes(i64::from(duration_minutes));
    let mut slot = Slot {
        start,
        end: start + duration,
        attendees: 0,
        out_of_hours: 0,
        absent: 0,
        members: Vec::with_capacity(members.len()),
    };
    for (i, member) in members.iter().enumerate() {
        let (local_start, local_end, status) = member.availability.status(start, duration);
        match status {
            Attendance::Preferred => slot.attendees += 1,
            Attendance::OutOfHours => {
                slot.attendees += 1;
                slot.out_of_hours += 1;
            }
            Attendance::Absent => slot.absent += 1,
        }
        slot.members.push(MemberSlot {
            member: i,
            zone: member.availability.zone(),
            local_start,
            local_end,
            status,
        });
    }
    slot
}

/// Every candidate slot of the query, best first (see [`Slot::rank_key`]).
pub fn ranked_slots(members: &[Member], query: &SlotQuery) -> Result<Vec<Slot>, ScheduleError> {
    query.validate()?;
    if members.is_empty() {
        return Err(ScheduleError::parameter(
            "members",
            "at least one member is needed",
        ));
    }
    let step = Duration::minutes(i64::from(query.step_minutes));
    let end = query.from + Duration::days(i64::from(query.days));
    let mut slots = Vec::new();
    let mut start = query.from;
    while start < end {
        slots.push(evaluate_slot(members, start, query.duration_minutes));
        start += step;
    }
    slots.sort_by_key(Slot::rank_key);
    Ok(slots)
}

/// The best `top` slots of the query. Slots nobody can attend are left out.
pub fn find_slots(
    members: &[Member],
    query: &SlotQuery,
    top: usize,
) -> Result<Vec<Slot>, ScheduleError> {
    let mut slots = ranked_slots(members, query)?;
    slots.retain(|s| s.attendees > 0);
    slots.truncate(top);
    Ok(slots)
}

/// The Monday 00:00 UTC on or before `instant`: a convenient start for weekly searches.
pub fn week_start(instant: DateTime<Utc>) -> DateTime<Utc> {
    let date = instant.date_naive();
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    monday.and_time(chrono::NaiveTime::MIN).and_utc()
}
