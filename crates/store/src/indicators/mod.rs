//! Monitoring and evaluation (C10) and agreed targets (C2): data elements and the aggregate
//! values entered per facility and period (web form, API, CSV import), completeness and
//! timeliness of that reporting, indicator definitions over data elements and recorded
//! activity, and targets per indicator × org unit × period, versioned, with each stakeholder
//! group's sign-off.
//!
//! Periods are DHIS2 (or Ethiopian) period ids, parsed by `indicators::Period` and stored as
//! it prints them (`2026W01` is stored as `2026W1`), so one period has one spelling. Expressions
//! are the `indicators` crate's syntax, checked with `Expression::parse` and against the
//! program's data elements before anything is written. Every write checks everything first,
//! then runs in one transaction with its audit row.
//!
//! One file per kind of record, each with its types, its rows and its `Db` methods:
//! `data_elements`, `values` (saving, completeness and timeliness), `definitions` (indicator
//! definitions) and `targets` (targets and sign-offs). This file holds what they share: the
//! period parser and the checks of codes, texts and numbers. Everything public is re-exported
//! here, so callers name it `store::indicators::…`.

mod data_elements;
mod definitions;
mod targets;
mod values;

pub use data_elements::{DataElementRecord, NewDataElement};
pub use definitions::{IndicatorRecord, NewIndicator, category_id, parse_category};
pub use targets::{CurrentTarget, STAKEHOLDER_GROUPS, Signoff, Target};
pub use values::{
    CompletenessRow, DEFAULT_DEADLINE_DAYS, DataValueRow, ImportedFile, SaveCounts, VALUES_CHUNK,
    ValuesImport,
};

use ::indicators::Period;
use domain::FieldError;

/// Parses a period id; the error names `field` and says why.
pub fn parse_period(raw: &str, field: &str) -> Result<Period, FieldError> {
    raw.trim()
        .parse::<Period>()
        .map_err(|e| FieldError::new(field, e.to_string()))
}

fn checked_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let code = raw.trim();
    if code.is_empty() || code.chars().count() > 50 {
        return Err(FieldError::new(field, "must be 1 to 50 characters"));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(FieldError::new(
            field,
            format!("{code:?} may hold only letters, digits, _ and -"),
        ));
    }
    Ok(code.to_owned())
}

fn optional(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

fn finite(value: f64, field: &str) -> Result<f64, FieldError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(FieldError::new(field, "must be a finite number"))
    }
}
