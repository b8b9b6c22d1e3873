//! A member's weekly availability, written in their own time zone.
//!
//! Windows never cross midnight: a window's end must be after its start on the same day, and an
//! end of `00:00` means midnight at the end of that day. Someone free from 22:00 Tuesday to
//! 01:00 Wednesday writes two windows (Tue 22:00–00:00, Wed 00:00–01:00); a slot spanning both is
//! still found because coverage is checked on the union of windows. Rejecting instead of
//! silently splitting keeps "end before start" typos visible — the usual cause of such input.

use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, Timelike, Utc, Weekday};
use domain::values::TimeZone;
use serde::{Deserialize, Serialize};

use crate::ScheduleError;

const MINUTES_PER_DAY: u32 = 24 * 60;

/// How willingly a member attends during a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// Within their normal hours for meetings (for clinicians: the evening after clinic).
    Preferred,
    /// "I can if needed": late evenings, early mornings, weekends. Attending through such a
    /// window counts as an out-of-hours session, the burden the series planner rotates.
    Possible,
}

/// A member's status for one concrete slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// The whole slot lies in Preferred windows.
    Preferred,
    /// The whole slot lies in windows, but at least partly in Possible ones.
    OutOfHours,
    /// Some part of the slot is outside every window.
    Absent,
}

impl Attendance {
    /// Whether the member can attend (in either kind of window).
    pub fn attends(self) -> bool {
        self != Self::Absent
    }
}

/// One weekly window in local time: `weekday start–end`, never crossing midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Window {
    weekday: Weekday,
    /// Minutes after local midnight, `0..1440`.
    start: u32,
    /// Minutes after local midnight, `start+1..=1440` (1440 is the following midnight).
    end: u32,
    kind: WindowKind,
}

impl Window {
    /// A window from `start` to `end` on `weekday`. `end` must be after `start`; `00:00` as the
    /// end means midnight at the end of the day. The error names the field `end`; [`Availability`]
    /// prefixes it with the window's position.
    pub fn new(
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
        kind: WindowKind,
    ) -> Result<Self, ScheduleError> {
        let start_min = minutes(start);
        let end_min = match minutes(end) {
            0 => MINUTES_PER_DAY,
            m => m,
        };
        if end_min <= start_min {
            return Err(ScheduleError::WindowEndsBeforeStart {
                field: "end".to_owned(),
                start,
                end,
            });
        }
        Ok(Self {
            weekday,
            start: start_min,
            end: end_min,
            kind,
        })
    }

    /// Shorthand for code and tests: hours and minutes as `(h, m)` pairs.
    pub fn hm(
        weekday: Weekday,
        start: (u32, u32),
        end: (u32, u32),
        kind: WindowKind,
    ) -> Result<Self, ScheduleError> {
        let time = |(h, m): (u32, u32), field: &str| {
            NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| ScheduleError::InvalidTime {
                field: field.to_owned(),
                value: format!("{h:02}:{m:02}"),
            })
        };
        Self::new(weekday, time(start, "start")?, time(end, "end")?, kind)
    }

    /// The weekday, in the member's zone.
    pub fn weekday(&self) -> Weekday {
        self.weekday
    }

    /// The local start time.
    pub fn start(&self) -> NaiveTime {
        to_time(self.start)
    }

    /// The local end time (`00:00` for a window that runs to midnight).
    pub fn end(&self) -> NaiveTime {
        to_time(self.end % MINUTES_PER_DAY)
    }

    /// Preferred or Possible.
    pub fn kind(&self) -> WindowKind {
        self.kind
    }
}

/// A window as typed into a form or an import file, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowInput {
    /// `Mon`, `monday`, `Tue`…
    pub weekday: String,
    /// `HH:MM` local time.
    pub start: String,
    /// `HH:MM` local time, after `start`; `00:00` means the end of the day.
    pub end: String,
    /// Preferred or Possible.
    pub kind: WindowKind,
}

/// A member's weekly availability: an IANA zone and windows in that zone's local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    zone: TimeZone,
    windows: Vec<Window>,
}

impl Availability {
    /// Availability from already validated windows.
    pub fn new(zone: TimeZone, windows: Vec<Window>) -> Self {
        Self { zone, windows }
    }

    /// Validates raw input. Errors name the field: `time_zone`, `availability[2].end`,
    /// `availability[0].weekday`, `availability[1].start`.
    pub fn parse(zone: &str, windows: &[WindowInput]) -> Result<Self, ScheduleError> {
        let zone = TimeZone::parse(zone).map_err(|_| ScheduleError::UnknownTimeZone {
            field: "time_zone".to_owned(),
            value: zone.trim().to_owned(),
        })?;
        let windows = windows
            .iter()
            .enumerate()
            .map(|(i, w)| parse_window(w).map_err(|e| e.within(&format!("availability[{i}]"))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { zone, windows })
    }

    /// The member's zone.
    pub fn zone(&self) -> TimeZone {
        self.zone
    }

    /// The windows, in the order given.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// The member's status for the slot `[start, start + duration)`, with its local start and
    /// end. The slot is converted to local wall-clock time at both ends with the zone's rules
    /// for that date, so a slot fixed in UTC lands an hour earlier or later locally after a DST
    /// change, as it does for the person.
    pub fn status(
        &self,
        start: DateTime<Utc>,
        duration: Duration,
    ) -> (NaiveDateTime, NaiveDateTime, Attendance) {
        let tz = self.zone.tz();
        let local_start = start.with_timezone(&tz).naive_local();
        let local_end = (start + duration).with_timezone(&tz).naive_local();
        let status = self.status_local(local_start, local_end);
        (local_start, local_end, status)
    }

    /// The status for a local wall-clock interval (see [`Availability::status`]).
    pub fn status_local(&self, local_start: NaiveDateTime, local_end: NaiveDateTime) -> Attendance {
        if self.covers(local_start, local_end, |k| k == WindowKind::Preferred) {
            Attendance::Preferred
        } else if self.covers(local_start, local_end, |_| true) {
            Attendance::OutOfHours
        } else {
            Attendance::Absent
        }
    }

    /// Whether the windows of the kinds accepted cover `[from, to)` together.
    fn covers(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        accept: impl Fn(WindowKind) -> bool,
    ) -> bool {
        if to <= from {
            // Only a slot inside a DST gap can look empty or reversed locally; treat it as
            // unusable rather than guess.
            return false;
        }
        // The concrete intervals of every accepted window on the dates the slot touches.
        let mut intervals: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::new();
        let mut date = from.date();
        while date <= to.date() {
            let midnight = date.and_time(NaiveTime::MIN);
            for w in &self.windows {
                if w.weekday == date.weekday() && accept(w.kind) {
                    intervals.push((
                        midnight + Duration::minutes(i64::from(w.start)),
                        midnight + Duration::minutes(i64::from(w.end)),
                    ));
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        intervals.sort();
        let mut reached = from;
        for (start, end) in intervals {
            if start > reached {
                break;
            }
            if end > reached {
                reached = end;
            }
            if reached >= to {
                return true;
            }
        }
        reached >= to
    }
}

fn parse_window(raw: &WindowInput) -> Result<Window, ScheduleError> {
    let weekday = parse_weekday(&raw.weekday).ok_or_else(|| ScheduleError::InvalidWeekday {
        field: "weekday".to_owned(),
        value: raw.weekday.clone(),
    })?;
    let start = parse_time(&raw.start, "start")?;
    let end = parse_time(&raw.end, "end")?;
    Window::new(weekday, start, end, raw.kind)
}

fn parse_weekday(raw: &str) -> Option<Weekday> {
    Weekday::from_str(raw.trim()).ok()
}

/// `HH:MM` (or `H:MM`); `24:00` is accepted as the end of the day.
fn parse_time(raw: &str, field: &str) -> Result<NaiveTime, ScheduleError> {
    let text = raw.trim();
    if text == "24:00" {
        return Ok(NaiveTime::MIN);
    }
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| ScheduleError::InvalidTime {
        field: field.to_owned(),
        value: text.to_owned(),
    })
}

fn minutes(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

fn to_time(m: u32) -> NaiveTime {
    // m < 1440 at every call site, so the time exists; MIN is never reached.
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn union_of_windows_covers_across_kinds_and_midnight() {
        let a = Availability::new(
            TimeZone::parse("Europe/London").unwrap(),
            vec![
                Window::hm(Weekday::Tue, (18, 0), (21, 0), WindowKind::Preferred).unwrap(),
                Window::hm(Weekday::Tue, (21, 0), (0, 0), WindowKind::Possible).unwrap(),
                Window::hm(Weekday::Wed, (0, 0), (1, 0), WindowKind::Possible).unwrap(),
            ],
        );
        // 2026-11-03 is a Tuesday.
        assert_eq!(
            a.status_local(dt("2026-11-03 18:00"), dt("2026-11-03 19:00")),
            Attendance::Preferred
        );
        assert_eq!(
            a.status_local(dt("2026-11-03 20:30"), dt("2026-11-03 21:30")),
            Attendance::OutOfHours
        );
        assert_eq!(
            a.status_local(dt("2026-11-03 23:30"), dt("2026-11-04 00:30")),
            Attendance::OutOfHours
        );
        assert_eq!(
            a.status_local(dt("2026-11-03 17:30"), dt("2026-11-03 18:30")),
            Attendance::Absent
        );
        assert_eq!(
            a.status_local(dt("2026-11-04 18:00"), dt("2026-11-04 19:00")),
            Attendance::Absent
        );
    }
}
