//! Integration tests for the scheduling crate: availability input errors, the slot finder
//! across DST changes, the fair rotation of the demo collaborative's series, and iCalendar
//! output (with the fixtures CI checks with Python's `icalendar`).

mod availability;
mod ical;
mod series;
mod slots;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A UTC instant.
pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid instant")
}

/// A wall-clock time.
pub fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .expect("valid date")
        .and_hms_opt(h, min, 0)
        .expect("valid time")
}
