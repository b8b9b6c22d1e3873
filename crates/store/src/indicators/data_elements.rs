//! Data elements: what a program counts (operations, infections…), each with its value type,
//! range and DHIS2 identifiers. Apart from the values because values, definitions and the
//! DHIS2 exchange all look elements up, while only this file writes them.

use super::{checked_code, finite, optional};
use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::codes::Coded;
use domain::ids::DataElementId;
use domain::ids::ProgramId;
use domain::indicators::ValueType;
use domain::values::Dhis2Uid;
use domain::values::free_text;
use serde::Serialize;

/// A data element of a program.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataElementRecord {
    /// Id.
    #[schema(value_type = i64)]
    pub id: DataElementId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Code, unique in the program (used in expressions as `#{CODE}`).
    pub code: String,
    /// Name.
    pub name: String,
    /// What kind of number it holds.
    pub value_type: ValueType,
    /// Lowest acceptable value.
    pub min: Option<f64>,
    /// Highest acceptable value.
    pub max: Option<f64>,
    /// DHIS2 UID, for pushing values.
    pub dhis2_uid: Option<String>,
    /// DHIS2 code, for pushing values by code.
    pub dhis2_code: Option<String>,
    /// DHIS2 category option combo the values belong to.
    pub category_option_combo: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A data element to create.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewDataElement {
    /// Code: letters, digits, `_` and `-`.
    pub code: String,
    /// Name.
    pub name: String,
    /// `integer`, `number` or `percentage`.
    pub value_type: String,
    /// Lowest acceptable value.
    #[serde(default)]
    pub min: Option<f64>,
    /// Highest acceptable value.
    #[serde(default)]
    pub max: Option<f64>,
    /// DHIS2 UID.
    #[serde(default)]
    pub dhis2_uid: Option<String>,
    /// DHIS2 code.
    #[serde(default)]
    pub dhis2_code: Option<String>,
    /// DHIS2 category option combo.
    #[serde(default)]
    pub category_option_combo: Option<String>,
}

type ElementRow = (
    i64,
    i64,
    String,
    String,
    Code<ValueType>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

const ELEMENT_SELECT: &str = "SELECT id, program_id, code, name, value_type, min_value, max_value, dhis2_uid, dhis2_code, \
     category_option_combo, created_at FROM data_elements";

fn element_from_row(row: ElementRow) -> DataElementRecord {
    let (id, program, code, name, value_type, min, max, uid, dcode, coc, created_at) = row;
    DataElementRecord {
        id: DataElementId(id),
        program: ProgramId(program),
        code,
        name,
        value_type: value_type.0,
        min,
        max,
        dhis2_uid: uid,
        dhis2_code: dcode,
        category_option_combo: coc,
        created_at,
    }
}

impl Db {
    /// Creates a data element in a program. The code is unique in the program.
    pub async fn create_data_element(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewDataElement,
    ) -> Result<DataElementRecord, DbError> {
        let code = checked_code(&new.code, "code")?;
        let name = free_text(&new.name, "name", 230, true)?;
        let value_type = ValueType::from_code(new.value_type.trim()).ok_or_else(|| {
            FieldError::new(
                "value_type",
                format!(
                    "must be integer, number or percentage, not {:?}",
                    new.value_type.trim()
                ),
            )
        })?;
        let min = new.min.map(|v| finite(v, "min")).transpose()?;
        let max = new.max.map(|v| finite(v, "max")).transpose()?;
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            return Err(FieldError::new("max", format!("{max} is below the minimum {min}")).into());
        }
        let dhis2_uid = optional(new.dhis2_uid.as_deref())
            .map(|raw| Dhis2Uid::parse(raw).map(|u| u.as_str().to_owned()))
            .transpose()
            .map_err(|e| FieldError::new("dhis2_uid", e.message))?;
        let dhis2_code = optional(new.dhis2_code.as_deref())
            .map(|raw| free_text(raw, "dhis2_code", 50, true))
            .transpose()?;
        let coc = optional(new.category_option_combo.as_deref())
            .map(|raw| checked_code(raw, "category_option_combo"))
            .transpose()?;
        self.program(program).await?;
        if self.data_element(program, &code).await?.is_some() {
            return Err(FieldError::new("code", format!("{code} is already taken")).into());
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO data_elements (program_id, code, name, value_type, min_value, max_value, dhis2_uid, dhis2_code, \
                 category_option_combo, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(program.0).bind(&code).bind(&name).bind(value_type.as_str()).bind(min).bind(max)
            .bind(&dhis2_uid).bind(&dhis2_code).bind(&coc).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let after = serde_json::json!({
            "program": program.0, "code": code, "name": name, "value_type": value_type,
            "min": min, "max": max, "dhis2_uid": dhis2_uid, "dhis2_code": dhis2_code,
            "category_option_combo": coc,
        });
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "data_element",
            id,
            None,
            Some(&after),
        )
        .await?;
        // The engine's catalog has no room for a new element.
        tx.log_engine_change(Some(program), &crate::engine_changes::EngineChange::Rebuild)
            .await?;
        tx.commit().await?;
        self.data_element(program, &code)
            .await?
            .ok_or(DbError::NotFound {
                entity: "data element",
                key: code,
            })
    }

    /// The program's data element with this code, if any.
    pub async fn data_element(
        &self,
        program: ProgramId,
        code: &str,
    ) -> Result<Option<DataElementRecord>, DbError> {
        let sql = format!("{ELEMENT_SELECT} WHERE program_id = $1 AND code = $2");
        let row: Option<ElementRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(code.trim()).fetch_optional(pool).await?
        });
        Ok(row.map(element_from_row))
    }

    /// A program's data elements, by code.
    pub async fn data_elements(
        &self,
        program: ProgramId,
    ) -> Result<Vec<DataElementRecord>, DbError> {
        let sql = format!("{ELEMENT_SELECT} WHERE program_id = $1 ORDER BY code");
        let rows: Vec<ElementRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(element_from_row).collect())
    }
}
