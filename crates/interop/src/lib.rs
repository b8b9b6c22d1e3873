//! tandem's exchange formats, read into domain values with errors that name the file, row and
//! field. Pure parsing: callers hand the parsed rows to the store, which writes them in one
//! transaction (all or nothing).
//!
//! Today: org units from CSV and from DHIS2 `organisationUnits` JSON; people from CSV.
//! FHIR, XLSForm and iCalendar join here as their issues land.

mod csv_rows;
pub mod dhis2;
pub mod org_units_csv;
pub mod people_csv;
pub mod values_csv;

use std::fmt;

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Where: `row 7` (CSV rows count the header as row 1) or `organisationUnits[3]`.
    pub location: String,
    /// The column or key at fault.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}: {}", self.location, self.field, self.message)
    }
}

/// A file that could not be read; lists up to [`MAX_REPORTED`] problems so a user can fix
/// them in one pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The file's name as the user gave it.
    pub file: String,
    /// The problems, in file order.
    pub errors: Vec<RowError>,
}

/// Most problems listed for one file.
pub const MAX_REPORTED: usize = 50;

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {error}", self.file)?;
        }
        Ok(())
    }
}

impl ImportError {
    pub(crate) fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            errors: vec![RowError {
                location: "file".into(),
                field: "-".into(),
                message: message.into(),
            }],
        }
    }
}

/// Collects row errors while parsing.
pub(crate) struct Problems {
    file: String,
    errors: Vec<RowError>,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn push(
        &mut self,
        location: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                location: location.into(),
                field: field.into(),
                message: message.into(),
            });
        }
    }

    /// Whether nothing was reported yet.
    pub(crate) fn errors_is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, ImportError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ImportError {
                file: self.file,
                errors: self.errors,
            })
        }
    }
}
