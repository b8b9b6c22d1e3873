//! Monitoring and evaluation (C10) and agreed targets (C2): data elements and the aggregate
//! values entered per facility and period (web form, API, CSV import), completeness and
//! timeliness of that reporting, indicator definitions over data elements and recorded
//! activity, and targets per indicator × org unit × period, versioned, with each stakeholder
//! group's sign-off.
//!
//! Periods are DHIS2 (or Ethiopian) period ids, parsed by `indicators::Period` and stored as
//! it prints them (`2026W01` is stored as `2026W1`), so one period has one spelling. Expressions
//! are the `indicators` crate's syntax, checked with `Expression::parse` and against the
//! program's data elements before anything is written. Every write checks everything first,
//! then runs in one transaction with its audit row.

use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use ::indicators::definitions::{Category, Expression, Indicator, Term, ValidationRule};
use ::indicators::{Period, PeriodType};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::indicators::NewValue;
use domain::org_units::{OrgUnit, OrgUnitLevel};
use domain::values::{Dhis2Uid, OrgUnitCode};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The value types a data element can have.
pub const VALUE_TYPES: [&str; 3] = ["integer", "number", "percentage"];

/// The stakeholder groups that sign targets off, in display order.
pub const STAKEHOLDER_GROUPS: [&str; 5] = [
    "mentees",
    "mentors",
    "facility_leaders",
    "regional_authority",
    "program_managers",
];

/// Days after a period's last day by which a report counts as on time, unless the caller
/// gives another deadline.
pub const DEFAULT_DEADLINE_DAYS: u32 = 15;

/// At most this many periods in one completeness report.
const MAX_PERIODS: usize = 1000;

/// The membership role that makes a person part of a stakeholder group.
fn group_role(group: &str) -> Option<&'static str> {
    Some(match group {
        "mentees" => "mentee",
        "mentors" => "mentor",
        "facility_leaders" => "facility_leader",
        "regional_authority" => "regional_viewer",
        "program_managers" => "program_manager",
        _ => return None,
    })
}

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

/// Parses a period id; the error names `field` and says why.
pub fn parse_period(raw: &str, field: &str) -> Result<Period, FieldError> {
    raw.trim()
        .parse::<Period>()
        .map_err(|e| FieldError::new(field, e.to_string()))
}

/// A data element of a program.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataElementRecord {
    /// Id.
    pub id: i64,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Code, unique in the program (used in expressions as `#{CODE}`).
    pub code: String,
    /// Name.
    pub name: String,
    /// `integer`, `number` or `percentage`.
    pub value_type: String,
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

/// What a save did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SaveCounts {
    /// New values.
    pub created: usize,
    /// Values that replaced a different one.
    pub updated: usize,
    /// Values identical (value and comment) to the stored ones.
    pub unchanged: usize,
}

/// A stored value with its facility's path, for roll-ups over the org-unit tree.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataValueRow {
    /// Data element id.
    pub data_element: i64,
    /// Data element code.
    pub data_element_code: String,
    /// Facility.
    #[schema(value_type = i64)]
    pub org_unit: OrgUnitId,
    /// Facility code.
    pub org_unit_code: String,
    /// Facility path (`/1/4/9/`).
    pub org_unit_path: String,
    /// Period id, canonical.
    pub period: String,
    /// Value.
    pub value: f64,
    /// Comment.
    pub comment: String,
    /// Who entered the current value.
    pub entered_by: String,
    /// When the current value was entered.
    pub entered_at: DateTime<Utc>,
    /// When a value was first entered for this element, facility and period.
    pub first_entered_at: DateTime<Utc>,
}

/// Reporting completeness and timeliness of one facility in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CompletenessRow {
    /// Facility.
    #[schema(value_type = i64)]
    pub facility: OrgUnitId,
    /// Facility code.
    pub facility_code: String,
    /// Facility name.
    pub facility_name: String,
    /// Period id.
    pub period: String,
    /// Data elements expected (all of the program's).
    pub expected: usize,
    /// Data elements with a value.
    pub reported: usize,
    /// Of those, first entered by the deadline.
    pub reported_on_time: usize,
}

/// An indicator definition of a program.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorRecord {
    /// Id.
    pub id: i64,
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
    #[schema(value_type = Vec<Object>)]
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
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<ValidationRule>,
}

/// One stakeholder group's sign-off of a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Signoff {
    /// `mentees`, `mentors`, `facility_leaders`, `regional_authority` or `program_managers`.
    pub group: String,
    /// Who signed for the group.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// When.
    pub signed_at: DateTime<Utc>,
    /// Comment.
    pub comment: String,
}

/// A target (one version) with its sign-offs.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Target {
    /// Id.
    pub id: i64,
    /// Indicator id.
    pub indicator: i64,
    /// Indicator code.
    pub indicator_code: String,
    /// Org unit (any level).
    #[schema(value_type = i64)]
    pub org_unit: OrgUnitId,
    /// Org unit code.
    pub org_unit_code: String,
    /// Period id, canonical.
    pub period: String,
    /// Target value.
    pub value: f64,
    /// Version, from 1.
    pub version: i64,
    /// Why this value.
    pub note: String,
    /// Who proposed it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether a later version exists.
    pub superseded: bool,
    /// Sign-offs, in [`STAKEHOLDER_GROUPS`] order.
    pub signoffs: Vec<Signoff>,
}

/// The latest version of a target and whether everyone who must has signed it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrentTarget {
    /// The latest version.
    pub target: Target,
    /// The groups whose sign-off it needs: every group with at least one member of the program
    /// whose membership unit contains the target's org unit or lies within it.
    pub required_groups: Vec<String>,
    /// Whether every required group has signed (and at least one has).
    pub fully_signed: bool,
}

fn checked_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let code = raw.trim();
    if code.is_empty() || code.chars().count() > 50 {
        return Err(FieldError::new(field, "must be 1 to 50 characters"));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(FieldError::new(
            field,
            format!("{code:?} may hold only letters, digits, _ and -"),
        ));
    }
    Ok(code.to_owned())
}

fn checked_text(raw: &str, field: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

fn optional(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

fn finite(value: f64, field: &str) -> Result<f64, FieldError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(FieldError::new(field, "must be a finite number"))
    }
}

/// Checks a value against its element's type and range.
fn check_value(element: &DataElementRecord, value: f64, field: &str) -> Result<(), FieldError> {
    finite(value, field)?;
    let code = &element.code;
    match element.value_type.as_str() {
        "integer" if value.fract() != 0.0 => {
            return Err(FieldError::new(
                field,
                format!("{value} is not a whole number ({code} is an integer)"),
            ));
        }
        "percentage" if !(0.0..=100.0).contains(&value) => {
            return Err(FieldError::new(
                field,
                format!("{value} is not a percentage 0 to 100 ({code})"),
            ));
        }
        _ => {}
    }
    if let Some(min) = element.min
        && value < min
    {
        return Err(FieldError::new(
            field,
            format!("{value} is below {code}'s minimum {min}"),
        ));
    }
    if let Some(max) = element.max
        && value > max
    {
        return Err(FieldError::new(
            field,
            format!("{value} is above {code}'s maximum {max}"),
        ));
    }
    Ok(())
}

/// Whether one of two materialised paths contains the other.
fn related(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// A value checked and resolved, ready to write.
#[derive(Debug, Serialize)]
struct CheckedValue {
    data_element: i64,
    data_element_code: String,
    org_unit: i64,
    org_unit_code: String,
    period: String,
    value: f64,
    comment: String,
}

type ElementRow = (
    i64,
    i64,
    String,
    String,
    String,
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
        id,
        program: ProgramId(program),
        code,
        name,
        value_type,
        min,
        max,
        dhis2_uid: uid,
        dhis2_code: dcode,
        category_option_combo: coc,
        created_at,
    }
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
        id,
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

/// id, indicator, indicator code, org unit, org unit code, period, value, version, note,
/// created by, created at, latest version of its key.
type TargetRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    f64,
    i64,
    String,
    String,
    DateTime<Utc>,
    i64,
);
const TARGET_SELECT: &str = "SELECT t.id, t.indicator_id, i.code, t.org_unit_id, o.code, t.period, t.value, t.version, t.note, \
     t.created_by, t.created_at, (SELECT MAX(l.version) FROM targets l WHERE l.indicator_id = t.indicator_id \
     AND l.org_unit_id = t.org_unit_id AND l.period = t.period) \
     FROM targets t JOIN indicator_definitions i ON i.id = t.indicator_id JOIN org_units o ON o.id = t.org_unit_id";

/// data element, code, org unit, code, path, period, value, comment, by, at, first at.
type ValueRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    f64,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
);

impl Db {
    /// Creates a data element in a program. The code is unique in the program.
    pub async fn create_data_element(
        &self,
        actor: &Actor,
        program: ProgramId,
        new: &NewDataElement,
    ) -> Result<DataElementRecord, DbError> {
        let code = checked_code(&new.code, "code")?;
        let name = checked_text(&new.name, "name", 230, true)?;
        let value_type = new.value_type.trim();
        if !VALUE_TYPES.contains(&value_type) {
            return Err(FieldError::new(
                "value_type",
                format!("must be integer, number or percentage, not {value_type:?}"),
            )
            .into());
        }
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
            .map(|raw| checked_text(raw, "dhis2_code", 50, true))
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
            .bind(program.0).bind(&code).bind(&name).bind(value_type).bind(min).bind(max)
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

    /// Saves aggregate values (web form, API). Every value is checked first — its data
    /// element, its facility, its period, the value against the element's type and range —
    /// and the first error names `values[i].<field>`; then all are written in one
    /// transaction with one audit row, or none is. A value equal (value and comment) to the
    /// stored one is left alone.
    pub async fn save_values(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[NewValue],
    ) -> Result<SaveCounts, DbError> {
        let rows: Vec<(Option<usize>, &NewValue)> = values.iter().map(|v| (None, v)).collect();
        self.save_values_inner(actor, program, &rows, crate::now())
            .await
    }

    /// [`Db::save_values`] for a file import: each value comes with its row number, and an
    /// error is [`DbError::AtRow`] around the bad field (`value`, `period`…).
    pub async fn save_values_at_rows(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[(usize, NewValue)],
    ) -> Result<SaveCounts, DbError> {
        let rows: Vec<(Option<usize>, &NewValue)> =
            values.iter().map(|(row, v)| (Some(*row), v)).collect();
        self.save_values_inner(actor, program, &rows, crate::now())
            .await
    }

    /// [`Db::save_values`] with the values entered `at` a past moment instead of now, for
    /// loading a history (the demo): the entry time decides timeliness. Checks and audit are
    /// the same.
    pub async fn save_values_on(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[NewValue],
        at: DateTime<Utc>,
    ) -> Result<SaveCounts, DbError> {
        let rows: Vec<(Option<usize>, &NewValue)> = values.iter().map(|v| (None, v)).collect();
        self.save_values_inner(actor, program, &rows, at).await
    }

    async fn save_values_inner(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[(Option<usize>, &NewValue)],
        at: DateTime<Utc>,
    ) -> Result<SaveCounts, DbError> {
        let record = self.program(program).await?;
        let root_path = match record.root_org_unit {
            Some(root) => Some(self.org_unit(root).await?.path),
            None => None,
        };
        let elements: HashMap<String, DataElementRecord> = self
            .data_elements(program)
            .await?
            .into_iter()
            .map(|e| (e.code.clone(), e))
            .collect();
        let mut units: HashMap<String, Option<OrgUnit>> = HashMap::new();
        let mut seen: HashMap<(i64, i64, String), usize> = HashMap::new();
        let mut checked = Vec::with_capacity(values.len());
        for (index, (row, new)) in values.iter().enumerate() {
            let wrap = |error: FieldError| -> DbError {
                match row {
                    Some(row) => DbError::from(error).at_row(*row),
                    None => {
                        FieldError::new(format!("values[{index}].{}", error.field), error.message)
                            .into()
                    }
                }
            };
            let code = new.data_element_code.trim();
            let element = elements.get(code).ok_or_else(|| {
                wrap(FieldError::new(
                    "data_element",
                    format!("this program has no data element {code:?}"),
                ))
            })?;
            let unit_code = new.org_unit_code.trim();
            if !units.contains_key(unit_code) {
                let found = match OrgUnitCode::parse(unit_code) {
                    Ok(parsed) => match self.org_unit_by_code(&parsed).await {
                        Ok(unit) => Some(unit),
                        Err(DbError::NotFound { .. }) => None,
                        Err(other) => return Err(other),
                    },
                    Err(_) => None,
                };
                units.insert(unit_code.to_owned(), found);
            }
            let unit = units
                .get(unit_code)
                .and_then(Option::as_ref)
                .ok_or_else(|| {
                    wrap(FieldError::new(
                        "org_unit",
                        format!("no org unit has code {unit_code:?}"),
                    ))
                })?;
            if unit.level != OrgUnitLevel::Facility {
                return Err(wrap(FieldError::new(
                    "org_unit",
                    format!(
                        "{} ({unit_code}) is a {}, not a facility: values are entered per facility",
                        unit.name.as_str(),
                        unit.level.as_str()
                    ),
                )));
            }
            if let Some(root) = &root_path
                && !unit.path.starts_with(root.as_str())
            {
                return Err(wrap(FieldError::new(
                    "org_unit",
                    format!("{unit_code} is outside this program's area"),
                )));
            }
            let period = parse_period(&new.period, "period").map_err(wrap)?;
            check_value(element, new.value, "value").map_err(wrap)?;
            let comment = checked_text(&new.comment, "comment", 2000, false).map_err(wrap)?;
            let key = (element.id, unit.id.0, period.to_string());
            if let Some(first) = seen.get(&key) {
                let earlier = match values.get(*first) {
                    Some((Some(row), _)) => format!("row {row}"),
                    _ => format!("values[{first}]"),
                };
                return Err(wrap(FieldError::new(
                    "period",
                    format!("repeats {earlier}: same data element, org unit and period"),
                )));
            }
            seen.insert(key.clone(), index);
            checked.push(CheckedValue {
                data_element: element.id,
                data_element_code: element.code.clone(),
                org_unit: unit.id.0,
                org_unit_code: unit_code.to_owned(),
                period: key.2,
                value: new.value,
                comment,
            });
        }
        let mut counts = SaveCounts::default();
        if checked.is_empty() {
            return Ok(counts);
        }
        let mut changed = Vec::new();
        let mut tx = self.begin().await?;
        for value in &checked {
            let existing: Option<(f64, String)> = on_tx!(&mut tx, conn => {
                sqlx::query_as(
                    "SELECT value, comment FROM data_values WHERE data_element_id = $1 AND org_unit_id = $2 AND period = $3",
                )
                .bind(value.data_element).bind(value.org_unit).bind(&value.period)
                .fetch_optional(&mut *conn).await?
            });
            match existing {
                None => {
                    on_tx!(&mut tx, conn => {
                        sqlx::query(
                            "INSERT INTO data_values (data_element_id, org_unit_id, period, value, comment, entered_by, entered_at, first_entered_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                        )
                        .bind(value.data_element).bind(value.org_unit).bind(&value.period).bind(value.value)
                        .bind(&value.comment).bind(&actor.label).bind(at)
                        .execute(&mut *conn).await?;
                    });
                    counts.created += 1;
                    changed.push(serde_json::json!({"value": value, "before": null}));
                }
                Some((old, ref comment)) if old == value.value && *comment == value.comment => {
                    counts.unchanged += 1;
                }
                Some((old, comment)) => {
                    on_tx!(&mut tx, conn => {
                        sqlx::query(
                            "UPDATE data_values SET value = $1, comment = $2, entered_by = $3, entered_at = $4 \
                             WHERE data_element_id = $5 AND org_unit_id = $6 AND period = $7",
                        )
                        .bind(value.value).bind(&value.comment).bind(&actor.label).bind(at)
                        .bind(value.data_element).bind(value.org_unit).bind(&value.period)
                        .execute(&mut *conn).await?;
                    });
                    counts.updated += 1;
                    changed.push(serde_json::json!({"value": value, "before": {"value": old, "comment": comment}}));
                }
            }
        }
        let after = serde_json::json!({"counts": counts, "changed": changed});
        tx.audit::<(), _>(
            actor,
            Action::Update,
            "data_values",
            program.0,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// A program's values, optionally of one data element (by code) and of the periods lying
    /// wholly within `from..=to`; ordered by data element, facility path and period.
    pub async fn values_of(
        &self,
        program: ProgramId,
        data_element: Option<&str>,
        within: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<DataValueRow>, DbError> {
        let code = data_element.map(str::trim).unwrap_or("");
        let rows: Vec<ValueRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT v.data_element_id, e.code, v.org_unit_id, o.code, o.path, v.period, v.value, v.comment, \
                 v.entered_by, v.entered_at, v.first_entered_at FROM data_values v \
                 JOIN data_elements e ON e.id = v.data_element_id JOIN org_units o ON o.id = v.org_unit_id \
                 WHERE e.program_id = $1 AND ($2 = '' OR e.code = $2)",
            )
            .bind(program.0).bind(code).fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (de, de_code, unit, unit_code, path, period, value, comment, by, at, first) = row;
            let parsed = crate::error::stored(parse_period(&period, "period"))?;
            if let Some((from, to)) = within
                && (parsed.start() < from || parsed.end() > to)
            {
                continue;
            }
            out.push((
                parsed,
                DataValueRow {
                    data_element: de,
                    data_element_code: de_code,
                    org_unit: OrgUnitId(unit),
                    org_unit_code: unit_code,
                    org_unit_path: path,
                    period,
                    value,
                    comment,
                    entered_by: by,
                    entered_at: at,
                    first_entered_at: first,
                },
            ));
        }
        out.sort_by(|(pa, a), (pb, b)| {
            (&a.data_element_code, &a.org_unit_path, pa).cmp(&(
                &b.data_element_code,
                &b.org_unit_path,
                pb,
            ))
        });
        Ok(out.into_iter().map(|(_, row)| row).collect())
    }

    /// Completeness and timeliness of reporting, per facility and period of `period_type`,
    /// from the period holding `from` to the one holding `to`.
    ///
    /// The facilities are the program's active sites (activated on or before the period's
    /// last day) and any facility that reported a value for the period. Expected: all the
    /// program's data elements; reported: those with a value; on time: those whose value was
    /// first entered no later than `deadline_days` after the period's last day (UTC; pass
    /// [`DEFAULT_DEADLINE_DAYS`] for the usual 15). Ordered by facility code, then period.
    pub async fn completeness(
        &self,
        program: ProgramId,
        period_type: PeriodType,
        from: NaiveDate,
        to: NaiveDate,
        deadline_days: u32,
    ) -> Result<Vec<CompletenessRow>, DbError> {
        self.program(program).await?;
        if to < from {
            return Err(FieldError::new("to", "must not be before from").into());
        }
        let mut periods = Vec::new();
        let mut period = Period::containing(period_type, from)
            .map_err(|e| FieldError::new("from", e.to_string()))?;
        while period.start() <= to {
            if periods.len() == MAX_PERIODS {
                return Err(FieldError::new(
                    "to",
                    format!("at most {MAX_PERIODS} periods at once"),
                )
                .into());
            }
            periods.push(period);
            period = period
                .next()
                .map_err(|e| FieldError::new("to", e.to_string()))?;
        }
        let expected = self.data_elements(program).await?.len();
        let sites: Vec<(i64, String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.facility_id, o.code, o.name, s.activated_on FROM sites s JOIN org_units o ON o.id = s.facility_id \
                 WHERE s.program_id = $1 AND s.status = 'active'",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        let placeholders: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT v.org_unit_id, o.code, o.name, v.period, v.data_element_id, v.first_entered_at FROM data_values v \
             JOIN data_elements e ON e.id = v.data_element_id JOIN org_units o ON o.id = v.org_unit_id \
             WHERE e.program_id = $1 AND v.period IN ({})",
            placeholders.join(", ")
        );
        let ids: Vec<String> = periods.iter().map(ToString::to_string).collect();
        let values: Vec<(i64, String, String, String, i64, DateTime<Utc>)> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0);
            for id in &ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await?
        });
        // (facility code, period index) → row under construction.
        let mut rows: BTreeMap<(String, usize), (CompletenessRow, HashSet<i64>)> = BTreeMap::new();
        let blank = |facility: i64, code: &str, name: &str, period: &Period| CompletenessRow {
            facility: OrgUnitId(facility),
            facility_code: code.to_owned(),
            facility_name: name.to_owned(),
            period: period.to_string(),
            expected,
            reported: 0,
            reported_on_time: 0,
        };
        for (facility, code, name, activated_on) in &sites {
            for (index, period) in periods.iter().enumerate() {
                let end = period.end().to_string();
                if activated_on.as_deref().is_some_and(|on| on <= end.as_str()) {
                    rows.insert(
                        (code.clone(), index),
                        (blank(*facility, code, name, period), HashSet::new()),
                    );
                }
            }
        }
        let index_of: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        for (facility, code, name, period_id, element, first) in values {
            let Some(&index) = index_of.get(period_id.as_str()) else {
                continue;
            };
            let period = &periods[index];
            let (row, elements) = rows
                .entry((code.clone(), index))
                .or_insert_with(|| (blank(facility, &code, &name, period), HashSet::new()));
            if elements.insert(element) {
                row.reported += 1;
                let deadline = period
                    .end()
                    .checked_add_days(chrono::Days::new(u64::from(deadline_days)))
                    .unwrap_or(NaiveDate::MAX);
                if first.date_naive() <= deadline {
                    row.reported_on_time += 1;
                }
            }
        }
        Ok(rows.into_values().map(|(row, _)| row).collect())
    }

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
        let name = checked_text(&new.name, "name", 230, true)?;
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
        self.indicator(id).await
    }

    /// One indicator.
    pub async fn indicator(&self, id: i64) -> Result<IndicatorRecord, DbError> {
        let sql = format!("{INDICATOR_SELECT} WHERE id = $1");
        let row: Option<IndicatorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        indicator_from_row(row.ok_or(DbError::NotFound {
            entity: "indicator",
            key: id.to_string(),
        })?)
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

    /// Proposes a target for an indicator (by code) at an org unit (by code, any level) in a
    /// period: the next version of that target, starting at 1. Earlier versions stay, as
    /// superseded, with their sign-offs.
    #[allow(clippy::too_many_arguments)]
    pub async fn propose_target(
        &self,
        actor: &Actor,
        program: ProgramId,
        indicator: &str,
        org_unit: &str,
        period: &str,
        value: f64,
        note: &str,
    ) -> Result<Target, DbError> {
        let record = self.program(program).await?;
        let indicator_code = indicator.trim();
        let indicator = self
            .indicator_by_code(program, indicator_code)
            .await?
            .ok_or_else(|| {
                FieldError::new(
                    "indicator",
                    format!("this program has no indicator {indicator_code:?}"),
                )
            })?;
        let unit_code = org_unit.trim();
        let unit = match OrgUnitCode::parse(unit_code) {
            Ok(parsed) => match self.org_unit_by_code(&parsed).await {
                Ok(unit) => Some(unit),
                Err(DbError::NotFound { .. }) => None,
                Err(other) => return Err(other),
            },
            Err(_) => None,
        }
        .ok_or_else(|| {
            FieldError::new("org_unit", format!("no org unit has code {unit_code:?}"))
        })?;
        if let Some(root) = record.root_org_unit {
            let root = self.org_unit(root).await?;
            if !unit.path.starts_with(&root.path) {
                return Err(FieldError::new(
                    "org_unit",
                    format!("{unit_code} is outside this program's area"),
                )
                .into());
            }
        }
        let period = parse_period(period, "period")?.to_string();
        finite(value, "value")?;
        let note = checked_text(note, "note", 2000, false)?;
        let mut tx = self.begin().await?;
        let latest: Option<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "SELECT MAX(version) FROM targets WHERE indicator_id = $1 AND org_unit_id = $2 AND period = $3",
            )
            .bind(indicator.id).bind(unit.id.0).bind(&period)
            .fetch_one(&mut *conn).await?
        });
        let version = latest.unwrap_or(0) + 1;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO targets (indicator_id, org_unit_id, period, value, version, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(indicator.id).bind(unit.id.0).bind(&period).bind(value).bind(version)
            .bind(&note).bind(&actor.label).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let after = serde_json::json!({
            "indicator": indicator.code, "org_unit": unit_code, "period": period,
            "value": value, "version": version, "note": note,
        });
        tx.audit::<(), _>(actor, Action::Create, "target", id, None, Some(&after))
            .await?;
        tx.commit().await?;
        self.target(id).await
    }

    /// One target version with its sign-offs.
    pub async fn target(&self, id: i64) -> Result<Target, DbError> {
        let sql = format!("{TARGET_SELECT} WHERE t.id = $1");
        let row: Option<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        let row = row.ok_or(DbError::NotFound {
            entity: "target",
            key: id.to_string(),
        })?;
        self.with_signoffs(row).await
    }

    async fn with_signoffs(&self, row: TargetRow) -> Result<Target, DbError> {
        let (id, indicator, icode, unit, ucode, period, value, version, note, by, at, latest) = row;
        let rows: Vec<(String, i64, String, DateTime<Utc>, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.stakeholder_group, s.person_id, p.name, s.signed_at, s.comment FROM target_signoffs s \
                 JOIN people p ON p.id = s.person_id WHERE s.target_id = $1",
            )
            .bind(id).fetch_all(pool).await?
        });
        let mut signoffs: Vec<Signoff> = rows
            .into_iter()
            .map(|(group, person, person_name, signed_at, comment)| Signoff {
                group,
                person: PersonId(person),
                person_name,
                signed_at,
                comment,
            })
            .collect();
        signoffs.sort_by_key(|s| STAKEHOLDER_GROUPS.iter().position(|g| *g == s.group));
        Ok(Target {
            id,
            indicator,
            indicator_code: icode,
            org_unit: OrgUnitId(unit),
            org_unit_code: ucode,
            period,
            value,
            version,
            note,
            created_by: by,
            created_at: at,
            superseded: version < latest,
            signoffs,
        })
    }

    /// A program's targets, every version, optionally of one indicator (by id); ordered by
    /// indicator code, org unit code, period and version.
    pub async fn targets(
        &self,
        program: ProgramId,
        indicator: Option<i64>,
    ) -> Result<Vec<Target>, DbError> {
        let sql = format!(
            "{TARGET_SELECT} WHERE i.program_id = $1 AND ($2 = 0 OR t.indicator_id = $2) \
             ORDER BY i.code, o.code, t.period, t.version"
        );
        let rows: Vec<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(indicator.unwrap_or(0))
                .fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.with_signoffs(row).await?);
        }
        Ok(out)
    }

    /// The latest version of the target for an indicator (by id), org unit and period, with
    /// whether it is fully signed: every group with at least one program member whose
    /// membership unit contains the org unit or lies within it has signed (see
    /// [`CurrentTarget::required_groups`]). `None` when no target was proposed.
    pub async fn current_target(
        &self,
        indicator: i64,
        org_unit: OrgUnitId,
        period: &str,
    ) -> Result<Option<CurrentTarget>, DbError> {
        let period = parse_period(period, "period")?.to_string();
        let sql = format!(
            "{TARGET_SELECT} WHERE t.indicator_id = $1 AND t.org_unit_id = $2 AND t.period = $3 \
             ORDER BY t.version DESC LIMIT 1"
        );
        let row: Option<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(indicator).bind(org_unit.0).bind(&period)
                .fetch_optional(pool).await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let target = self.with_signoffs(row).await?;
        let program = self.indicator(indicator).await?.program;
        let required_groups = self.groups_around(program, org_unit).await?;
        let fully_signed = !target.signoffs.is_empty()
            && required_groups
                .iter()
                .all(|g| target.signoffs.iter().any(|s| s.group == *g));
        Ok(Some(CurrentTarget {
            target,
            required_groups,
            fully_signed,
        }))
    }

    /// The stakeholder groups with at least one member of `program` placed at, above or
    /// below `org_unit`, in [`STAKEHOLDER_GROUPS`] order.
    async fn groups_around(
        &self,
        program: ProgramId,
        org_unit: OrgUnitId,
    ) -> Result<Vec<String>, DbError> {
        let path = self.org_unit(org_unit).await?.path;
        let held: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT m.role, o.path FROM memberships m JOIN org_units o ON o.id = m.org_unit_id WHERE m.program_id = $1",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(STAKEHOLDER_GROUPS
            .iter()
            .filter(|group| {
                held.iter().any(|(role, at)| {
                    group_role(group) == Some(role.as_str()) && related(at, &path)
                })
            })
            .map(|g| (*g).to_owned())
            .collect())
    }

    /// Records a stakeholder group's sign-off of a target version. Refused: an unknown group,
    /// a group that already signed this version (`group`), a superseded version (`target`),
    /// and a person who does not hold the group's role in the program at, above or below the
    /// target's org unit (`person`).
    pub async fn sign_target(
        &self,
        actor: &Actor,
        target: i64,
        group: &str,
        person: PersonId,
        comment: &str,
    ) -> Result<Target, DbError> {
        let record = self.target(target).await?;
        let group = group.trim();
        let role = group_role(group).ok_or_else(|| {
            FieldError::new(
                "group",
                format!(
                    "must be one of {}, not {group:?}",
                    STAKEHOLDER_GROUPS.join(", ")
                ),
            )
        })?;
        if record.superseded {
            return Err(FieldError::new(
                "target",
                format!(
                    "version {} is superseded by a later version: sign the current one",
                    record.version
                ),
            )
            .into());
        }
        if let Some(signed) = record.signoffs.iter().find(|s| s.group == group) {
            return Err(FieldError::new(
                "group",
                format!(
                    "already signed by {}, on {}",
                    signed.person_name,
                    signed.signed_at.date_naive()
                ),
            )
            .into());
        }
        let comment = checked_text(comment, "comment", 2000, false)?;
        let program = self.indicator(record.indicator).await?.program;
        let path = self.org_unit(record.org_unit).await?.path;
        let held: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT o.path FROM memberships m JOIN org_units o ON o.id = m.org_unit_id \
                 WHERE m.program_id = $1 AND m.person_id = $2 AND m.role = $3",
            )
            .bind(program.0).bind(person.0).bind(role).fetch_all(pool).await?
        });
        if !held.iter().any(|at| related(at, &path)) {
            return Err(FieldError::new(
                "person",
                format!(
                    "person {person} is not a {} of this program at or around {}",
                    role.replace('_', " "),
                    record.org_unit_code
                ),
            )
            .into());
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO target_signoffs (target_id, stakeholder_group, person_id, signed_at, comment) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(target).bind(group).bind(person.0).bind(crate::now()).bind(&comment)
            .execute(&mut *conn).await?;
        });
        let after = serde_json::json!({"group": group, "person": person.0, "comment": comment});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "target_signoff",
            format!("{target}/{group}"),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.target(target).await
    }
}
