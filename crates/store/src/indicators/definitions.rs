//! Indicator definitions: numerator and denominator expressions over the program's data
//! elements (and recorded activity), a factor, a category and validation rules. Apart because
//! they are checked against the `indicators` crate's expression syntax and the program's
//! elements, never against stored values.

use super::checked_code;
use super::data_elements::DataElementRecord;
use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use ::indicators::definitions::{Category, Expression, Indicator, Term, ValidationRule};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::ids::IndicatorId;
use domain::ids::ProgramId;
use domain::values::free_text;
use serde::Serialize;
use std::collections::HashMap;

/// The stored name of an indicator category.
pub fn category_id(category: Category) -> &'static str {
    match category {
        Category::Input => "input",
        Category::ProviderBehaviour => "provider_behaviour",
        Category::Outcome => "outcome",
    }
}

/// Parses a stored category name (`input`, `provider_behaviour`, `outcome`).
pub fn parse_category(raw: &str) -> Result<Category, FieldError> {
    match raw.trim() {
        "input" => Ok(Category::Input),
        "provider_behaviour" => Ok(Category::ProviderBehaviour),
        "outcome" => Ok(Category::Outcome),
        other => Err(FieldError::new(
            "category",
            format!("must be input, provider_behaviour or outcome, not {other:?}"),
        )),
    }
}

/// An indicator definition of a program.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorRecord {
    /// Id.
    #[schema(value_type = i64)]
    pub id: IndicatorId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Code, unique in the program.
    pub code: String,
    /// Name.
    pub name: String,
    /// `input`, `provider_behaviour` or `outcome`.
    pub category: String,
    /// Numerator expression.
    pub numerator: String,
    /// Denominator expression.
    pub denominator: String,
    /// Factor (100 for a percentage).
    pub factor: f64,
    /// Validation rules.
    pub rules: Vec<ValidationRule>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl IndicatorRecord {
    /// The engine's definition of this indicator.
    pub fn to_indicator(&self) -> Result<Indicator, DbError> {
        let category = crate::error::stored(parse_category(&self.category))?;
        let indicator = Indicator::new(
            &self.code,
            &self.name,
            category,
            &self.numerator,
            &self.denominator,
            self.factor,
        )
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
        Ok(self
            .rules
            .iter()
            .fold(indicator, |ind, rule| ind.with_rule(*rule)))
    }
}

/// An indicator to create.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewIndicator {
    /// Code: letters, digits, `_` and `-`.
    pub code: String,
    /// Name.
    pub name: String,
    /// `input`, `provider_behaviour` or `outcome`.
    pub category: String,
    /// Numerator (`#{SSI_CASES}`, `visits`, `score_sum + 1`).
    pub numerator: String,
    /// Denominator.
    pub denominator: String,
    /// Factor (100 for a percentage, 1 for a ratio).
    pub factor: f64,
    /// Validation rules.
    #[serde(default)]
    pub rules: Vec<ValidationRule>,
}

type IndicatorRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    f64,
    String,
    DateTime<Utc>,
);

const INDICATOR_SELECT: &str = "SELECT id, program_id, code, name, category, numerator, denominator, factor, rules_json, created_at \
     FROM indicator_definitions";

fn indicator_from_row(row: IndicatorRow) -> Result<IndicatorRecord, DbError> {
    let (id, program, code, name, category, numerator, denominator, factor, rules, created_at) =
        row;
    Ok(IndicatorRecord {
        id: IndicatorId(id),
        program: ProgramId(program),
        code,
        name,
        category,
        numerator,
        denominator,
        factor,
        rules: serde_json::from_str(&rules).map_err(|e| DbError::Corrupt(e.to_string()))?,
        created_at,
    })
}

impl Db {
    /// Defines an indicator. Both expressions are parsed with the engine's syntax and every
    /// data element they name must exist in the program (with the category option combo
    /// named, if any); errors name `numerator` or `denominator` and the unknown code.
    pub async fn create_indicator(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewIndicator,
    ) -> Result<IndicatorRecord, DbError> {
        let code = checked_code(&new.code, "code")?;
        let name = free_text(&new.name, "name", 230, true)?;
        let category = parse_category(&new.category)?;
        let mut expressions = Vec::with_capacity(2);
        for (field, text) in [
            ("numerator", &new.numerator),
            ("denominator", &new.denominator),
        ] {
            let expression = Expression::parse(&code, text.trim())
                .map_err(|e| FieldError::new(field, e.to_string()))?;
            expressions.push((field, expression));
        }
        if !new.factor.is_finite() || new.factor == 0.0 {
            return Err(FieldError::new("factor", "must be a non-zero number").into());
        }
        for (index, rule) in new.rules.iter().enumerate() {
            if let ValidationRule::Range { min, max } = *rule
                && (!min.is_finite() || !max.is_finite() || min > max)
            {
                return Err(FieldError::new(
                    format!("rules[{index}]"),
                    format!("range {min}..={max} needs finite bounds, the lower first"),
                )
                .into());
            }
        }
        self.program(program).await?;
        let elements: HashMap<String, DataElementRecord> = self
            .data_elements(program)
            .await?
            .into_iter()
            .map(|e| (e.code.clone(), e))
            .collect();
        for (field, expression) in &expressions {
            for term in &expression.terms {
                let Term::DataElement { code: de, coc } = term else {
                    continue;
                };
                let element = elements.get(de).ok_or_else(|| {
                    FieldError::new(*field, format!("this program has no data element {de:?}"))
                })?;
                if let Some(coc) = coc
                    && element.category_option_combo.as_deref() != Some(coc.as_str())
                {
                    return Err(FieldError::new(
                        *field,
                        format!("data element {de} has no category option combo {coc:?}"),
                    )
                    .into());
                }
            }
        }
        let numerator = expressions[0].1.to_string();
        let denominator = expressions[1].1.to_string();
        // The engine's own shape check (empty code, empty expressions, factor).
        Indicator::new(&code, &name, category, &numerator, &denominator, new.factor)
            .map_err(|e| FieldError::new("code", e.to_string()))?;
        if self.indicator_by_code(program, &code).await?.is_some() {
            return Err(FieldError::new("code", format!("{code} is already taken")).into());
        }
        let rules =
            serde_json::to_string(&new.rules).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO indicator_definitions (program_id, code, name, category, numerator, denominator, factor, rules_json, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(program.0).bind(&code).bind(&name).bind(category_id(category)).bind(&numerator)
            .bind(&denominator).bind(new.factor).bind(&rules).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let after = serde_json::json!({
            "program": program.0, "code": code, "name": name, "category": category_id(category),
            "numerator": numerator, "denominator": denominator, "factor": new.factor, "rules": new.rules,
        });
        tx.audit::<(), _>(actor, Action::Create, "indicator", id, None, Some(&after))
            .await?;
        tx.commit().await?;
        self.indicator(IndicatorId(id)).await
    }

    /// One indicator.
    pub async fn indicator(&self, id: IndicatorId) -> Result<IndicatorRecord, DbError> {
        let row: IndicatorRow = self
            .one_by_id(
                format!("{INDICATOR_SELECT} WHERE id = $1"),
                id.0,
                "indicator",
            )
            .await?;
        indicator_from_row(row)
    }

    /// The program's indicator with this code, if any.
    pub async fn indicator_by_code(
        &self,
        program: ProgramId,
        code: &str,
    ) -> Result<Option<IndicatorRecord>, DbError> {
        let sql = format!("{INDICATOR_SELECT} WHERE program_id = $1 AND code = $2");
        let row: Option<IndicatorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(code.trim()).fetch_optional(pool).await?
        });
        row.map(indicator_from_row).transpose()
    }

    /// A program's indicators, by code.
    pub async fn indicators(&self, program: ProgramId) -> Result<Vec<IndicatorRecord>, DbError> {
        let sql = format!("{INDICATOR_SELECT} WHERE program_id = $1 ORDER BY code");
        let rows: Vec<IndicatorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        rows.into_iter().map(indicator_from_row).collect()
    }
}
