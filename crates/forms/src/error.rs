//! The crate's one error type. Every variant says where the problem is: the file, and for
//! problems inside the workbook the sheet, the row as Excel numbers it (header = row 1) and the
//! column; for submissions the question's name.

use serde::Serialize;

/// Something wrong with a workbook, a form definition or a submission.
///
/// Importing and validating collect every problem they find, so functions return
/// `Vec<FormError>` rather than stopping at the first.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FormError {
    /// The bytes are not a readable XLSX workbook (not a zip, corrupted, encrypted, no sheets).
    #[error("{file}: not a readable XLSX workbook: {message}")]
    Unreadable {
        /// The file name given by the caller.
        file: String,
        /// What is wrong, in plain English.
        message: String,
    },
    /// The archive is larger than the [`Limits`](crate::Limits) allow; nothing was unpacked.
    #[error("{file}: refused before unpacking: {message}")]
    TooLarge {
        /// The file name given by the caller.
        file: String,
        /// Which limit was passed, and by how much.
        message: String,
    },
    /// A whole sheet is missing or unusable.
    #[error("{file}, sheet {sheet}: {message}")]
    Sheet {
        /// The file name given by the caller.
        file: String,
        /// The sheet's name.
        sheet: String,
        /// What is wrong.
        message: String,
    },
    /// One cell (or one row, named by its `type` or `name` column) of the workbook.
    #[error("{file}, sheet {sheet}, row {row}, column {column}: {message}")]
    Cell {
        /// The file name given by the caller.
        file: String,
        /// The sheet's name.
        sheet: String,
        /// The row as Excel shows it: the header is row 1.
        row: usize,
        /// The column's header as written in the sheet (e.g. `type`, `label::French (fr)`).
        column: String,
        /// What is wrong or unsupported.
        message: String,
    },
    /// One answer of a submission.
    #[error("{field}: {message}")]
    Field {
        /// The question's name (inside repeats, its indexed key such as `visit[0].score`).
        field: String,
        /// What is wrong, in plain English.
        message: String,
    },
}

impl FormError {
    /// The sheet the error is on, if it is about a sheet or a cell.
    pub fn sheet(&self) -> Option<&str> {
        match self {
            Self::Sheet { sheet, .. } | Self::Cell { sheet, .. } => Some(sheet),
            _ => None,
        }
    }

    /// The Excel row number (header = 1), if the error is about a cell.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::Cell { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// The column header, if the error is about a cell.
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::Cell { column, .. } => Some(column),
            _ => None,
        }
    }

    /// The question's name, if the error is about a submitted answer.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Field { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without its location.
    pub fn message(&self) -> &str {
        match self {
            Self::Unreadable { message, .. }
            | Self::TooLarge { message, .. }
            | Self::Sheet { message, .. }
            | Self::Cell { message, .. }
            | Self::Field { message, .. } => message,
        }
    }

    pub(crate) fn field_error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
        }
    }
}
