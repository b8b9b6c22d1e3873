//! Stored forms (C3 questionnaires, C6 checklists): a form read from XLSForm by the `forms`
//! crate is kept as its parsed model in JSON, so filling, scoring and showing it never need
//! the workbook again. The workbook's SHA-256 is kept to tell a re-upload of the same file
//! from a changed one.

use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::codes::Coded;
use domain::field::FormPurpose;
use domain::ids::FormId;
use domain::ids::ProgramId;
use serde::Serialize;

/// A form as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredForm {
    /// Id.
    #[schema(value_type = i64)]
    pub id: FormId,
    /// The program it belongs to; `None` for a form every program may use.
    #[schema(value_type = Option<i64>)]
    pub program: Option<ProgramId>,
    /// The XLSForm `form_id`.
    pub form_key: String,
    /// The XLSForm `version`, empty when the settings sheet gives none.
    pub version: String,
    /// Title.
    pub title: String,
    /// Filled during activities, or a site's readiness assessment.
    pub purpose: FormPurpose,
    /// The parsed form.
    #[schema(value_type = Object)]
    pub model: ::forms::Form,
    /// SHA-256 of the workbook it was read from, lowercase hex.
    pub source_sha256: String,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    Code<FormPurpose>,
    String,
    String,
    DateTime<Utc>,
);

const SELECT: &str = "SELECT id, program_id, form_key, version, title, purpose, model_json, source_sha256, created_at FROM forms";

fn from_row(row: Row) -> Result<StoredForm, DbError> {
    let (id, program, form_key, version, title, purpose, model, sha, created_at) = row;
    Ok(StoredForm {
        id: FormId(id),
        program: program.map(ProgramId),
        form_key,
        version,
        title,
        purpose: purpose.0,
        model: serde_json::from_str(&model).map_err(|e| DbError::Corrupt(e.to_string()))?,
        source_sha256: sha,
        created_at,
    })
}

/// Reads a purpose as given; the error names `purpose`.
fn check_purpose(purpose: &str) -> Result<FormPurpose, FieldError> {
    FormPurpose::from_code(purpose).ok_or_else(|| {
        FieldError::new(
            "purpose",
            format!("must be checklist or assessment, not {purpose:?}"),
        )
    })
}

impl Db {
    /// Stores a parsed form. `sha256` is the hex digest of the workbook it came from. The same
    /// `form_key` and version cannot be stored twice: a changed form needs a new version in its
    /// settings sheet, so submissions already made keep pointing at the form they answered.
    pub async fn save_form(
        &self,
        actor: &Actor,
        program: Option<ProgramId>,
        purpose: &str,
        form: &::forms::Form,
        sha256: &str,
    ) -> Result<StoredForm, DbError> {
        let purpose = check_purpose(purpose)?;
        let sha = sha256.trim().to_ascii_lowercase();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::new("source_sha256", "must be 64 hexadecimal digits").into());
        }
        if let Some(program) = program {
            self.program(program).await?;
        }
        let version = form.version.clone().unwrap_or_default();
        let taken: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM forms WHERE form_key = $1 AND version = $2")
                .bind(&form.id).bind(&version).fetch_one(pool).await?
        });
        if taken > 0 {
            return Err(FieldError::new(
                "version",
                format!(
                    "form {:?} version {version:?} is already stored; change the version in the settings sheet",
                    form.id
                ),
            )
            .into());
        }
        let model = serde_json::to_string(form).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO forms (program_id, form_key, version, title, purpose, model_json, source_sha256, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(program.map(|p| p.0)).bind(&form.id).bind(&version).bind(&form.title)
            .bind(purpose.as_str()).bind(&model).bind(&sha).bind(now)
            .fetch_one(&mut *conn).await?
        });
        // The model itself is large and kept in the row; the audit names what was stored.
        let record = serde_json::json!({
            "program": program, "form_key": form.id, "version": version, "title": form.title,
            "purpose": purpose, "source_sha256": sha,
        });
        tx.audit::<(), _>(actor, Action::Create, "form", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        self.form(FormId(id)).await
    }

    /// One stored form.
    pub async fn form(&self, id: FormId) -> Result<StoredForm, DbError> {
        let row: Row = self
            .one_by_id(format!("{SELECT} WHERE id = $1"), id.0, "form")
            .await?;
        from_row(row)
    }

    /// The forms a program may use (its own and the shared ones), by key and version.
    pub async fn forms_of_program(&self, program: ProgramId) -> Result<Vec<StoredForm>, DbError> {
        let sql = format!(
            "{SELECT} WHERE program_id = $1 OR program_id IS NULL ORDER BY form_key, version, id"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        rows.into_iter().map(from_row).collect()
    }

    /// A form that `program` may use for `purpose`; the error names `field`.
    pub(crate) async fn usable_form(
        &self,
        program: ProgramId,
        form: FormId,
        purpose: FormPurpose,
        field: &str,
    ) -> Result<StoredForm, DbError> {
        let stored = self
            .form(form)
            .await
            .map_err(|_| FieldError::new(field, format!("no form has id {form}")))?;
        if stored.program.is_some_and(|p| p != program) {
            return Err(FieldError::new(field, "belongs to another program").into());
        }
        if stored.purpose != purpose {
            return Err(FieldError::new(
                field,
                format!("is a {} form, not a {purpose} form", stored.purpose),
            )
            .into());
        }
        Ok(stored)
    }
}
