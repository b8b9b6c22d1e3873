//! The application layer's one error type. Adapters map it once: `web::error` to a status
//! code and body, the command line to a message.

use domain::{FieldError, FieldErrors};
use store::DbError;

/// A source error kept whole, so the boundary that logs it can print the chain.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such thing (or not visible to this viewer and not worth revealing).
    #[error("{0} not found")]
    NotFound(String),
    /// The viewer may not do this to this object.
    #[error("you do not have access to this")]
    Forbidden,
    /// Bad input: names the field (or parameter, or file row).
    #[error("{0}")]
    Invalid(FieldError),
    /// The request clashes with what is stored (a key reused for a different request); names
    /// what clashes.
    #[error("{0}")]
    Conflict(FieldError),
    /// A failure that is ours, not the caller's: `context` says what we were doing.
    #[error("{context}")]
    Internal {
        /// What was being done.
        context: String,
        /// What failed underneath, when something did.
        #[source]
        source: Option<Source>,
    },
}

impl Error {
    /// An invalid-input error on `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(FieldError::new(field, message))
    }

    /// An internal failure described by `context` alone.
    pub fn internal(context: impl Into<String>) -> Self {
        Error::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// An internal failure while doing `context`, caused by `source`.
    pub fn caused(context: impl Into<String>, source: impl Into<Source>) -> Self {
        Error::Internal {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    /// The message and every source under it, `: `-separated, for a log line.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }
}

impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound { entity, key } => Error::NotFound(format!("{entity} {key}")),
            DbError::Invalid(e) => Error::Invalid(e),
            DbError::Conflict(e) => Error::Conflict(e),
            DbError::AtRow { row, error } => match Error::from(*error) {
                Error::Invalid(e) => Error::Invalid(FieldError::new(
                    format!("row {row}: {}", e.field),
                    e.message,
                )),
                Error::NotFound(what) => Error::Invalid(FieldError::new(
                    format!("row {row}"),
                    format!("{what} not found"),
                )),
                other => other,
            },
            other => Error::caused("database", other),
        }
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Error::Invalid(error)
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        match errors.0.into_iter().next() {
            Some(first) => Error::Invalid(first),
            None => Error::internal("an empty list of field errors"),
        }
    }
}
