//! iCalendar output: invites and cancellations (RFC 5545 with RFC 5546 iTIP methods) and a
//! private per-person feed that calendar apps subscribe to.
//!
//! Hand-written rather than built on the `icalendar` crate: that crate writes components and
//! properties well, but cannot produce a `VTIMEZONE` from the tz database, and the component we
//! need (transitions found from chrono-tz for the years the events span) is most of the work.
//! The writer itself is small: content lines folded at 75 octets on UTF-8 boundaries, TEXT
//! escaped (`\\`, `\;`, `\,`, `\n`), parameter values quoted, CRLF line ends.
//!
//! Every rendering is deterministic: the caller passes `DTSTAMP`, events keep their order, and
//! time zones are written sorted by name. The `UID` is derived from the session id only
//! ([`session_uid`]), so re-rendering, updating or cancelling a session always addresses the
//! same calendar entry; `SEQUENCE` is raised by the caller on every change that matters to
//! attendees (time, place, cancellation) — [`cancellation`] raises it itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use domain::values::{Email, TimeZone};

use crate::ScheduleError;

/// `PRODID` of every calendar tandem writes.
pub const PRODID: &str = "-//tandem//scheduling//EN";

/// The right-hand side of every `UID`.
pub const UID_DOMAIN: &str = "tandem";

/// The stable `UID` of a session: `session-42@tandem`.
pub fn session_uid(session_id: u64) -> String {
    format!("session-{session_id}@{UID_DOMAIN}")
}

/// A person with a name and an address (`mailto:` in the calendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Shown as `CN`.
    pub name: String,
    /// The calendar address.
    pub email: Email,
}

/// `ROLE` of an attendee (RFC 5545 §3.2.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Leads the session.
    Chair,
    /// Expected to attend.
    Required,
    /// Welcome to attend.
    Optional,
}

/// `PARTSTAT` of an attendee (RFC 5545 §3.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStat {
    /// Not answered yet.
    NeedsAction,
    /// Coming.
    Accepted,
    /// Not coming.
    Declined,
    /// Maybe.
    Tentative,
}

/// An invited person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Who.
    pub person: Person,
    /// `ROLE`.
    pub role: Role,
    /// `PARTSTAT`.
    pub partstat: PartStat,
    /// `RSVP=TRUE` asks the calendar app to offer a reply.
    pub rsvp: bool,
}

/// How a session repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// A single occurrence.
    Once,
    /// `RRULE:FREQ=WEEKLY;COUNT=n`: the same local time in the organiser's zone every week.
    Weekly {
        /// Number of occurrences.
        count: u32,
    },
}

/// A session as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The session's id; gives the stable `UID`.
    pub session_id: u64,
    /// `SEQUENCE`: 0 when first sent, raised on every change attendees must see.
    pub sequence: u32,
    /// `SUMMARY`.
    pub summary: String,
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// Video link: written as both `LOCATION` (what most apps show) and `URL`.
    pub video_link: Option<String>,
    /// The organiser's zone: `DTSTART` and `DTEND` are written in it with `TZID`.
    pub zone: TimeZone,
    /// Local start (of the first occurrence) in `zone`.
    pub start: NaiveDateTime,
    /// Length of each occurrence.
    pub duration_minutes: u32,
    /// Once or weekly.
    pub recurrence: Recurrence,
    /// `ORGANIZER`.
    pub organizer: Person,
    /// `ATTENDEE`s (left out of feeds).
    pub attendees: Vec<Attendee>,
    /// Written as `STATUS:CANCELLED` in feeds; invites use [`cancellation`].
    pub cancelled: bool,
}

impl Event {
    /// The stable `UID`.
    pub fn uid(&self) -> String {
        session_uid(self.session_id)
    }

    /// The same event with `SEQUENCE` raised, for sending a change.
    #[must_use]
    pub fn changed(&self) -> Self {
        Self {
            sequence: self.sequence + 1,
            ..self.clone()
        }
    }

    /// The UTC start of every occurrence.
    pub fn occurrences(&self) -> Result<Vec<DateTime<Utc>>, ScheduleError> {
        let count = match self.recurrence {
            Recurrence::Once => 1,
            Recurrence::Weekly { count } => count,
        };
        crate::occurrence_starts(self.zone, self.start, count)
    }

    fn validate(&self) -> Result<(), ScheduleError> {
        if self.duration_minutes == 0 || self.duration_minutes > 24 * 60 {
            return Err(ScheduleError::parameter(
                "duration_minutes",
                "must be between 1 and 1440 minutes",
            ));
        }
        if let Recurrence::Weekly { count } = self.recurrence
            && (count == 0 || count > 520)
        {
            return Err(ScheduleError::parameter(
                "recurrence.count",
                "must be between 1 and 520",
            ));
        }
        if self.summary.trim().is_empty() {
            return Err(ScheduleError::parameter("summary", "must not be empty"));
        }
        Ok(())
    }
}

/// An invitation (`METHOD:REQUEST`) for one event, sent to its attendees. Send it again with
/// [`Event::changed`] when the event changes.
pub fn invite(event: &Event, dtstamp: DateTime<Utc>) -> Result<String, ScheduleError> {
    calendar(
        Some("REQUEST"),
        None,
        std::slice::from_ref(event),
        dtstamp,
        Mode::Invite,
    )
}

/// A cancellation (`METHOD:CANCEL`, `STATUS:CANCELLED`) of the event as last sent: same `UID`,
/// `SEQUENCE` one higher than `event.sequence` (store that number as the event's new sequence).
pub fn cancellation(event: &Event, dtstamp: DateTime<Utc>) -> Result<String, ScheduleError> {
    let mut cancelled = event.changed();
    cancelled.cancelled = true;
    calendar(
        Some("CANCEL"),
        None,
        std::slice::from_ref(&cancelled),
        dtstamp,
        Mode::Cancel,
    )
}

/// A person's private feed: every event they are part of, no `METHOD` (a published calendar,
/// not a message), `STATUS:CANCELLED` for cancelled ones. Attendee lists are left out so a
/// leaked feed address reveals nobody else's e-mail.
pub fn feed(
    calendar_name: &str,
    events: &[Event],
    dtstamp: DateTime<Utc>,
) -> Result<String, ScheduleError> {
    calendar(None, Some(calendar_name), events, dtstamp, Mode::Feed)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Invite,
    Cancel,
    Feed,
}

fn calendar(
    method: Option<&str>,
    name: Option<&str>,
    events: &[Event],
    dtstamp: DateTime<Utc>,
    mode: Mode,
) -> Result<String, ScheduleError> {
    // Errors of one event in a feed are reported as `events[i].field`.
    let at = |i: usize, e: ScheduleError| {
        if events.len() == 1 {
            e
        } else {
            e.within(&format!("events[{i}]"))
        }
    };
    // The span each zone must describe: from the first start to the last end of its events.
    let mut spans: BTreeMap<&'static str, (TimeZone, DateTime<Utc>, DateTime<Utc>)> =
        BTreeMap::new();
    for (i, event) in events.iter().enumerate() {
        event.validate().map_err(|e| at(i, e))?;
        let starts = event.occurrences().map_err(|e| at(i, e))?;
        let (Some(&first), Some(&last)) = (starts.first(), starts.last()) else {
            continue;
        };
        let last_end = last + Duration::minutes(i64::from(event.duration_minutes));
        spans
            .entry(event.zone.as_str())
            .and_modify(|(_, a, b)| {
                *a = (*a).min(first);
                *b = (*b).max(last_end);
            })
            .or_insert((event.zone, first, last_end));
    }

    let mut w = Writer::default();
    w.line("BEGIN:VCALENDAR");
    w.prop("PRODID", PRODID);
    w.prop("VERSION", "2.0");
    w.prop("CALSCALE", "GREGORIAN");
    if let Some(method) = method {
        w.prop("METHOD", method);
    }
    if let Some(name) = name {
        w.prop("X-WR-CALNAME", &escape_text(name));
        // Hints for subscribing apps (Apple and Outlook honour them; Google polls on its own).
        w.prop("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        w.prop("X-PUBLISHED-TTL", "PT1H");
    }
    for (zone, from, to) in spans.values() {
        write_vtimezone(&mut w, *zone, *from, *to);
    }
    for event in events {
        write_event(&mut w, event, dtstamp, mode)?;
    }
    w.line("END:VCALENDAR");
    Ok(w.out)
}

fn write_event(
    w: &mut Writer,
    event: &Event,
    dtstamp: DateTime<Utc>,
    mode: Mode,
) -> Result<(), ScheduleError> {
    let tz = event.zone.tz();
    let tzid = event.zone.as_str();
    let start = event
        .occurrences()?
        .first()
        .copied()
        .ok_or_else(|| ScheduleError::parameter("recurrence.count", "must be at least 1"))?;
    // The end through UTC, so a session spanning a clock change keeps its real length.
    let end = (start + Duration::minutes(i64::from(event.duration_minutes)))
        .with_timezone(&tz)
        .naive_local();

    w.line("BEGIN:VEVENT");
    w.prop("UID", &escape_text(&event.uid()));
    w.prop("DTSTAMP", &utc_stamp(dtstamp));
    w.prop(&format!("DTSTART;TZID={tzid}"), &local_stamp(event.start));
    w.prop(&format!("DTEND;TZID={tzid}"), &local_stamp(end));
    if let Recurrence::Weekly { count } = event.recurrence {
        w.prop("RRULE", &format!("FREQ=WEEKLY;COUNT={count}"));
    }
    w.prop("SEQUENCE", &event.sequence.to_string());
    w.prop(
        "STATUS",
        if event.cancelled || mode == Mode::Cancel {
            "CANCELLED"
        } else {
            "CONFIRMED"
        },
    );
    w.prop("SUMMARY", &escape_text(&event.summary));
    if let Some(description) = &event.description {
        w.prop("DESCRIPTION", &escape_text(description));
    }
    if let Some(link) = &event.video_link {
        w.prop("LOCATION", &escape_text(link));
        // URL is a URI value, not TEXT: no escaping, only folding.
        w.prop("URL", link);
    }
    if mode != Mode::Feed {
        w.prop(
            &format!("ORGANIZER;CN={}", param_value(&event.organizer.name)),
            &mailto(&event.organizer.email),
        );
        for a in &event.attendees {
            let role = match a.role {
                Role::Chair => "CHAIR",
                Role::Required => "REQ-PARTICIPANT",
                Role::Optional => "OPT-PARTICIPANT",
            };
            let partstat = match a.partstat {
                PartStat::NeedsAction => "NEEDS-ACTION",
                PartStat::Accepted => "ACCEPTED",
                PartStat::Declined => "DECLINED",
                PartStat::Tentative => "TENTATIVE",
            };
            let rsvp = if a.rsvp { "TRUE" } else { "FALSE" };
            w.prop(
                &format!(
                    "ATTENDEE;CN={};ROLE={role};PARTSTAT={partstat};RSVP={rsvp}",
                    param_value(&a.person.name)
                ),
                &mailto(&a.person.email),
            );
        }
    }
    w.line("END:VEVENT");
    Ok(())
}

/// One offset change of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The instant of the change.
    pub at: DateTime<Utc>,
    /// Offset before, in seconds east of UTC.
    pub from_seconds: i32,
    /// Offset after, in seconds east of UTC.
    pub to_seconds: i32,
    /// Abbreviation after the change (`BST`, `EST`); tz data without one gives the offset.
    pub name: String,
    /// Whether the new offset is daylight saving time.
    pub daylight: bool,
}

/// The offset changes of `zone` in `[from, to]`, found from the tz database: the offset is
/// sampled every six hours (no zone changes twice within six hours) and each change is located
/// to the second by bisection.
pub fn transitions(zone: TimeZone, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let tz = zone.tz();
    let step = Duration::hours(6);
    let mut found = Vec::new();
    let mut t = from;
    let mut offset = offset_seconds(tz, t);
    while t < to {
        let next = (t + step).min(to);
        let next_offset = offset_seconds(tz, next);
        if next_offset != offset {
            // Whole seconds; invariant: offset(lo) == offset, offset(hi) != offset.
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_seconds(tz, at_second(mid)) == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (lo, hi) = (at_second(lo), at_second(hi));
            let after = tz.offset_from_utc_datetime(&hi.naive_utc());
            let to_seconds = after.fix().local_minus_utc();
            found.push(Transition {
                at: hi,
                from_seconds: offset_seconds(tz, lo),
                to_seconds,
                name: after
                    .abbreviation()
                    .map_or_else(|| offset_text(to_seconds), str::to_owned),
                daylight: after.dst_offset() != Duration::zero(),
            });
        }
        offset = next_offset;
        t = next;
    }
    found
}

fn at_second(seconds: i64) -> DateTime<Utc> {
    // Only called with timestamps between two valid instants, so it exists.
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

fn offset_seconds(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// A `VTIMEZONE` describing `zone` over `[from, to]`: the change in force at `from` (looked for
/// up to two years back) and every change up to `to`, each as its own `STANDARD` or `DAYLIGHT`
/// observance. A zone without changes (Africa/Lagos) gets one `STANDARD` observance.
fn write_vtimezone(w: &mut Writer, zone: TimeZone, from: DateTime<Utc>, to: DateTime<Utc>) {
    let tz = zone.tz();
    let earlier = transitions(zone, from - Duration::days(731), from);
    let mut list: Vec<Transition> = earlier.last().cloned().into_iter().collect();
    list.extend(transitions(zone, from, to));

    w.line("BEGIN:VTIMEZONE");
    w.prop("TZID", zone.as_str());
    if list.is_empty() {
        let offset = tz.offset_from_utc_datetime(&from.naive_utc());
        let seconds = offset.fix().local_minus_utc();
        let name = offset
            .abbreviation()
            .map_or_else(|| offset_text(seconds), str::to_owned);
        w.line("BEGIN:STANDARD");
        w.prop("DTSTART", "19700101T000000");
        w.prop("TZOFFSETFROM", &offset_text(seconds));
        w.prop("TZOFFSETTO", &offset_text(seconds));
        w.prop("TZNAME", &escape_text(&name));
        w.line("END:STANDARD");
    }
    for t in &list {
        let kind = if t.daylight { "DAYLIGHT" } else { "STANDARD" };
        // RFC 5545 §3.6.5: the onset is the local time just before the change, i.e. the UTC
        // instant plus the offset in force before it.
        let onset = t.at.naive_utc() + Duration::seconds(i64::from(t.from_seconds));
        w.line(&format!("BEGIN:{kind}"));
        w.prop("DTSTART", &local_stamp(onset));
        w.prop("TZOFFSETFROM", &offset_text(t.from_seconds));
        w.prop("TZOFFSETTO", &offset_text(t.to_seconds));
        w.prop("TZNAME", &escape_text(&t.name));
        w.line(&format!("END:{kind}"));
    }
    w.line("END:VTIMEZONE");
}

/// `+0100`, `-0430` (`±hhmmss` when seconds are not zero).
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn mailto(email: &Email) -> String {
    format!("mailto:{}", email.as_str())
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, always quoted (names hold commas and colons); a double quote cannot
/// appear inside one (RFC 5545 §3.1), so it becomes a single quote.
fn param_value(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    format!("\"{clean}\"")
}

/// Folds a content line (without its CRLF) at 75 octets, never inside a UTF-8 character;
/// continuation lines start with one space (RFC 5545 §3.1).
pub fn fold_line(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, line: &str) {
        let _ = write!(self.out, "{}\r\n", fold_line(line));
    }

    fn prop(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{value}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "é".repeat(60));
        let folded = fold_line(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold_line("SHORT:x"), "SHORT:x");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(param_value("Dr \"Ada\", MD"), "\"Dr 'Ada', MD\"");
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_text(3600), "+0100");
        assert_eq!(offset_text(-16200), "-0430");
        assert_eq!(offset_text(0), "+0000");
    }

    #[test]
    fn finds_london_transitions() {
        let zone = TimeZone::parse("Europe/London").unwrap();
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let t = transitions(zone, from, to);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].at, Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
        assert_eq!((t[0].from_seconds, t[0].to_seconds), (0, 3600));
        assert!(t[0].daylight && t[0].name == "BST");
        assert_eq!(
            t[1].at,
            Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap()
        );
        assert!(!t[1].daylight && t[1].name == "GMT");
    }
}
