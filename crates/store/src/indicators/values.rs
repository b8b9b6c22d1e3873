//! Aggregate values per data element, facility and period: saved in checked batches (the
//! page's form, the API, CSV rows through `save_values_at_rows`), read back with each
//! facility's path for roll-ups, and reporting completeness and timeliness by first entry.
//! Apart because it is the one part of the area that writes in bulk and reads by period.

use super::data_elements::DataElementRecord;
use super::{finite, parse_period};
use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use ::indicators::{Period, PeriodType};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::{DataElementId, OrgUnitId, ProgramId};
use domain::indicators::NewValue;
use domain::indicators::ValueType;
use domain::org_units::{OrgUnit, OrgUnitLevel};
use domain::values::OrgUnitCode;
use domain::values::free_text;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Days after a period's last day by which a report counts as on time, unless the caller
/// gives another deadline.
pub const DEFAULT_DEADLINE_DAYS: u32 = 15;

/// At most this many periods in one completeness report.
const MAX_PERIODS: usize = 1000;

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
    #[schema(value_type = i64)]
    pub data_element: DataElementId,
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

/// Checks a value against its element's type and range.
fn check_value(element: &DataElementRecord, value: f64, field: &str) -> Result<(), FieldError> {
    finite(value, field)?;
    let code = &element.code;
    match element.value_type {
        ValueType::Integer if value.fract() != 0.0 => {
            return Err(FieldError::new(
                field,
                format!("{value} is not a whole number ({code} is an integer)"),
            ));
        }
        ValueType::Percentage if !(0.0..=100.0).contains(&value) => {
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

/// A file an import read, as its audit row names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedFile {
    /// The name it was given as.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, hex: which file it was, whatever it was called.
    pub sha256: String,
}

impl Db {
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
    /// error is [`DbError::AtRow`] around the bad field (`value`, `period`…). The audit row
    /// names the file and its digest with the counts, not every value: a million-row import
    /// would otherwise write one audit row of hundreds of megabytes.
    pub async fn save_values_at_rows(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[(usize, NewValue)],
        file: &ImportedFile,
    ) -> Result<SaveCounts, DbError> {
        let rows: Vec<(Option<usize>, &NewValue)> =
            values.iter().map(|(row, v)| (Some(*row), v)).collect();
        self.save_values_from(actor, program, &rows, crate::now(), Some(file))
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
        self.save_values_from(actor, program, values, at, None)
            .await
    }

    async fn save_values_from(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[(Option<usize>, &NewValue)],
        at: DateTime<Utc>,
        file: Option<&ImportedFile>,
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
        let mut seen: HashMap<(DataElementId, i64, String), usize> = HashMap::new();
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
            let comment = free_text(&new.comment, "comment", 2000, false).map_err(wrap)?;
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
                data_element: element.id.0,
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
                    if file.is_none() {
                        changed.push(serde_json::json!({"value": value, "before": null}));
                    }
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
                    if file.is_none() {
                        changed.push(serde_json::json!({"value": value, "before": {"value": old, "comment": comment}}));
                    }
                }
            }
        }
        if counts.created + counts.updated > 0 {
            let saved = checked
                .iter()
                .map(|v| crate::engine_changes::EngineValue {
                    data_element: v.data_element_code.clone(),
                    org_unit: v.org_unit_code.clone(),
                    period: v.period.clone(),
                    value: v.value,
                })
                .collect();
            tx.log_engine_change(
                Some(program),
                &crate::engine_changes::EngineChange::Values(saved),
            )
            .await?;
        }
        let after = match file {
            Some(file) => serde_json::json!({"counts": counts, "import": file}),
            None => serde_json::json!({"counts": counts, "changed": changed}),
        };
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
                    data_element: DataElementId(de),
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
}
