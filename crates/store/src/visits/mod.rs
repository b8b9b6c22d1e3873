//! Mentoring activities (C6): side-by-side coaching visits at facilities, tele-mentoring case
//! sessions, WhatsApp/SMS/phone check-ins, joint learning sessions and trainings, each with its
//! participants and attendance, the cases done or presented, an optional checklist filled
//! during it, and a debrief with action items followed up later. Also the program's planned
//! dose and the contact rows the dose computation aggregates.
//!
//! An activity arrives whole ([`NewActivity`]) and is checked whole before anything is
//! written: the error names the first bad field (`debrief.actions[1].due_on`), and a refused
//! activity leaves no row behind.
//!
//! Split along the life of an activity: `new_activity` (what arrives and its whole check),
//! `recording` (the write, once per submission key), `activities` (reading one back whole,
//! listing them), `actions` (action items followed up), `dose` (the dose plan and the contact
//! rows and checklist scores that the dose computation and the indicator engine read). This
//! file holds the vocabulary (kinds, channels, roles, statuses) and the small checks and
//! conversions they share. Everything public is re-exported here, so callers name it
//! `store::visits::…`.

mod actions;
mod activities;
mod dose;
mod new_activity;
mod recording;

pub use actions::ActionItem;
pub use activities::{
    Activity, ActivityDetail, ActivityFilter, Case, ChecklistSubmission, Debrief, Participant,
};
pub use dose::{ContactRow, DosePlan};
pub use new_activity::{NewAction, NewActivity, NewCase, NewChecklist, NewDebrief, NewParticipant};
pub use recording::{Recorded, SUBMISSION_KEY_MAX, Submission, check_submission_key};

use crate::DbError;
use chrono::NaiveDate;
use domain::values::parse_date;

/// Contact minutes a visit day counts for when the visit gives no duration: a working day.
pub const VISIT_DAY_MINUTES: i64 = 8 * 60;

fn stored_date(raw: &str) -> Result<NaiveDate, DbError> {
    parse_date(raw, "date").map_err(|e| DbError::Corrupt(e.to_string()))
}

fn corrupt(error: serde_json::Error) -> DbError {
    DbError::Corrupt(error.to_string())
}
