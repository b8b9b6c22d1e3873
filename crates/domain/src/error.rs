//! The one error type of the domain layer: a value that failed to parse, naming its field.

use std::fmt;

/// A value that failed validation. `field` names the input field (API body key, form field,
/// CSV column) so the edge can tell the user exactly where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field (or column) that holds the bad value.
    pub field: String,
    /// What is wrong with it, in plain words (English: the API, the command line and logs
    /// show this).
    pub message: String,
    /// The same message as an entry of the interface's catalogue, when the error can reach a
    /// person's screen, so a page says it in their language.
    pub phrase: Option<Phrase>,
}

/// A message of the interface's catalogue: its id and named arguments. The domain and store
/// know which message they mean but not the reader's language; the web layer does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The catalogue id (`matching-error-…`).
    pub id: &'static str,
    /// Named arguments, as text.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            phrase: None,
        }
    }

    /// The same error with the catalogue message `id` that says `message` (in English, word
    /// for word) with these arguments.
    #[must_use]
    pub fn phrased(mut self, id: &'static str, args: &[(&'static str, &dyn fmt::Display)]) -> Self {
        self.phrase = Some(Phrase {
            id,
            args: args
                .iter()
                .map(|(name, value)| (*name, value.to_string()))
                .collect(),
        });
        self
    }

    /// The same error reported under another field name (a value type does not know which
    /// field it was read from; the caller does).
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// Several field errors gathered while validating one record, so a form can show them all at
/// once instead of one per round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records the error of `result` (if any) and returns its value.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded, else the first error (the API shows one field).
    pub fn into_result(self) -> Result<(), FieldError> {
        match self.0.into_iter().next() {
            None => Ok(()),
            Some(first) => Err(first),
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}
