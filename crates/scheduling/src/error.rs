//! The crate's one error type. Every variant names the field or parameter at fault so a form,
//! an API answer or an import report can point at it.

use chrono::NaiveTime;

/// Bad input to the scheduling functions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// A window's end is not after its start (which includes windows that cross midnight).
    #[error(
        "{field}: the window ends at {end} which is not after its start {start}; \
         a window that crosses midnight must be split into two at 00:00 \
         (an end of 00:00 means midnight at the end of the day)"
    )]
    WindowEndsBeforeStart {
        /// For example `availability[2].end`.
        field: String,
        /// The window's start.
        start: NaiveTime,
        /// The window's end.
        end: NaiveTime,
    },
    /// A zone name that is not in the IANA database.
    #[error("{field}: '{value}' is not an IANA time zone like Africa/Lagos")]
    UnknownTimeZone {
        /// For example `time_zone` or `members[3].time_zone`.
        field: String,
        /// The text given.
        value: String,
    },
    /// A time of day that is not `HH:MM`.
    #[error("{field}: '{value}' is not a time of day like 18:30")]
    InvalidTime {
        /// For example `availability[0].start`.
        field: String,
        /// The text given.
        value: String,
    },
    /// A weekday that is not recognised.
    #[error("{field}: '{value}' is not a weekday like Mon or Tuesday")]
    InvalidWeekday {
        /// For example `availability[0].weekday`.
        field: String,
        /// The text given.
        value: String,
    },
    /// A numeric or structural parameter out of range (zero duration, no members…).
    #[error("{field}: {message}")]
    InvalidParameter {
        /// The parameter, for example `duration_minutes`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl ScheduleError {
    /// The field or parameter at fault.
    pub fn field(&self) -> &str {
        match self {
            Self::WindowEndsBeforeStart { field, .. }
            | Self::UnknownTimeZone { field, .. }
            | Self::InvalidTime { field, .. }
            | Self::InvalidWeekday { field, .. }
            | Self::InvalidParameter { field, .. } => field,
        }
    }

    /// The same error reported under a prefix, so `availability[2].end` of member 3 becomes
    /// `members[3].availability[2].end`.
    #[must_use]
    pub fn within(mut self, prefix: &str) -> Self {
        let field = match &mut self {
            Self::WindowEndsBeforeStart { field, .. }
            | Self::UnknownTimeZone { field, .. }
            | Self::InvalidTime { field, .. }
            | Self::InvalidWeekday { field, .. }
            | Self::InvalidParameter { field, .. } => field,
        };
        *field = format!("{prefix}.{field}");
        self
    }

    pub(crate) fn parameter(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidParameter {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Forms and the API already show [`domain::FieldError`]s; this keeps the field name.
impl From<ScheduleError> for domain::FieldError {
    fn from(error: ScheduleError) -> Self {
        let field = error.field().to_owned();
        let message = match &error {
            ScheduleError::InvalidParameter { message, .. } => message.clone(),
            other => {
                // The Display text starts with "field: "; keep only the explanation.
                let text = other.to_string();
                text.strip_prefix(&format!("{field}: "))
                    .map_or(text.clone(), str::to_owned)
            }
        };
        domain::FieldError::new(field, message)
    }
}
