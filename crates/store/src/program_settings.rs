//! Settings a manager saves for a program, one JSON document per program and kind (matching
//! weights, facility coupling): read with the defaults until saved, written checked and audited.
//! Each kind has its own table, `(program_id, settings_json, updated_at)`.

use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use domain::FieldError;
use domain::ids::ProgramId;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The kinds of program settings, each naming its table and its audit entity.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SettingsKind {
    /// `matching::criteria::Settings`.
    Matching,
    /// `matching::geo::FacilitySettings`.
    FacilityMatching,
}

impl SettingsKind {
    /// The table, which is also the audit entity's name.
    fn table(self) -> &'static str {
        match self {
            Self::Matching => "matching_settings",
            Self::FacilityMatching => "facility_matching_settings",
        }
    }
}

impl Db {
    /// The program's settings of `kind`, the defaults until a manager saves some.
    pub(crate) async fn program_settings<T: DeserializeOwned + Default>(
        &self,
        kind: SettingsKind,
        program: ProgramId,
    ) -> Result<T, DbError> {
        // The table name comes from the closed set above, never from input.
        let sql = format!(
            "SELECT settings_json FROM {} WHERE program_id = $1",
            kind.table()
        );
        let json: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_optional(pool).await?
        });
        match json {
            None => Ok(T::default()),
            Some(text) => serde_json::from_str(&text).map_err(|e| DbError::Corrupt(e.to_string())),
        }
    }

    /// Saves the program's settings of `kind` once `checked` (the settings' own validation)
    /// passed, with the settings before and after in the audit row.
    pub(crate) async fn set_program_settings<T: Serialize + DeserializeOwned + Default>(
        &self,
        actor: &Actor,
        kind: SettingsKind,
        program: ProgramId,
        settings: &T,
        checked: Result<(), (String, String)>,
    ) -> Result<(), DbError> {
        checked.map_err(|(field, message)| FieldError::new(field, message))?;
        self.program(program).await?;
        let before: T = self.program_settings(kind, program).await?;
        let json = serde_json::to_string(settings).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let sql = format!(
            "INSERT INTO {} (program_id, settings_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (program_id) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at",
            kind.table()
        );
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(program.0).bind(&json).bind(crate::now())
                .execute(&mut *conn).await?.rows_affected()
        });
        tx.audit(
            actor,
            Action::Update,
            kind.table(),
            program,
            Some(&before),
            Some(settings),
        )
        .await?;
        tx.commit().await
    }
}
