//! Scheduling across time zones for tandem (capability C7).
//!
//! - [`availability`]: each member's weekly windows in their own IANA zone, `Preferred` or
//!   `Possible` ("I can if needed, but it is out of my hours"). Windows never cross midnight
//!   (split them at 00:00; an end of 00:00 means the end of the day); bad input names the field.
//! - [`slots`]: the slot finder. Candidate starts are concrete UTC instants (every `step`
//!   minutes over a date range), converted to each member's local time with that date's rules,
//!   so DST is honoured. Ranked by most attendees, then fewest out of hours, then earliest.
//! - [`series`]: weekly series. The fair rotation picks, per occurrence, among the
//!   best-attended slots so that out-of-hours burden is spread; the module defines each
//!   member's *fair share* precisely and reports every member's burden. Naive and fixed
//!   ("Tuesdays 19:00 Europe/London") series are reported the same way.
//! - [`ical`]: iCalendar (RFC 5545) invites and cancellations (RFC 5546 iTIP `REQUEST` /
//!   `CANCEL`) and per-person feeds, with a `VTIMEZONE` generated from the tz database for
//!   every `TZID` used.
//! - [`demo`]: the 16-member demo collaborative's availability, shared with the app's demo.
//!
//! The crate does no I/O.

pub mod availability;
pub mod demo;
mod error;
pub mod ical;
pub mod series;
pub mod slots;

pub use availability::{Attendance, Availability, Window, WindowInput, WindowKind};
pub use error::ScheduleError;
pub use series::{
    MemberBurden, SeriesCandidates, SeriesPlan, SeriesQuery, fair_shares, member_burden,
    occurrence_starts, plan_fixed_series, plan_rotating_series,
};
pub use slots::{
    Member, MemberSlot, Slot, SlotQuery, evaluate_slot, find_slots, ranked_slots, week_start,
};
