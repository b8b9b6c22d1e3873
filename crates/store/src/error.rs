//! The store's one error type.

use domain::FieldError;

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The named thing does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// What was looked for (`person`, `org unit`).
        entity: &'static str,
        /// How it was named.
        key: String,
    },
    /// The change would break a rule the data must keep (a duplicate code, a parent of the
    /// wrong level); `field` names the input field at fault.
    #[error("{0}")]
    Invalid(FieldError),
    /// The request clashes with what is stored (a submission key already used for a different
    /// request); `field` names what clashes.
    #[error("{0}")]
    Conflict(FieldError),
    /// An import row failed; nothing of the import was written.
    #[error("row {row}: {error}")]
    AtRow {
        /// 1-based row number in the source file, header counted as row 1.
        row: usize,
        /// What went wrong with it.
        error: Box<DbError>,
    },
    /// Stored data no longer parses (edited by hand?).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A backup or restore cannot go ahead (a PostgreSQL database, a target that exists, a
    /// checksum that does not match, a server still serving the file); says which file.
    #[error("{0}")]
    Backup(String),
    /// Migration failure.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Anything else from the driver.
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            // SQLite says "UNIQUE constraint failed: people.email", PostgreSQL names the
            // constraint "people_email_key": both carry table and column.
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
            if text.contains("memberships") {
                return DbError::Invalid(FieldError::new(
                    "person",
                    "this person already holds this role here",
                ));
            }
            let field = [
                "email",
                "orcid",
                "code",
                "dhis2_uid",
                "username",
                "person_id",
            ]
            .into_iter()
            .find(|column| text.contains(column))
            .unwrap_or("id");
            return DbError::Invalid(FieldError::new(field, "is already taken"));
        }
        DbError::Sqlx(error)
    }
}

impl From<FieldError> for DbError {
    fn from(error: FieldError) -> Self {
        DbError::Invalid(error)
    }
}

impl DbError {
    /// Wraps an error with the import row it came from.
    pub fn at_row(self, row: usize) -> Self {
        DbError::AtRow {
            row,
            error: Box::new(self),
        }
    }
}

/// Stored text that should parse: a failure means the row was written outside tandem.
pub(crate) fn stored<T>(result: Result<T, FieldError>) -> Result<T, DbError> {
    result.map_err(|e| DbError::Corrupt(e.to_string()))
}
