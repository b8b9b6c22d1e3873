//! Aggregate values per data element, facility and period: saved in checked batches (the
//! page's form, the API, CSV rows through `save_values_at_rows`), read back with each
//! facility's path for roll-ups, and reporting completeness and timeliness by first entry.
//! Apart because it is the one part of the area that writes in bulk and reads by period.

use super::data_elements::DataElementRecord;
use super::{finite, parse_period};
use crate::audit::Action;
use crate::{Actor, Db, DbError, Tx, on_pool, on_tx};
use ::indicators::{Period, PeriodType};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::{DataElementId, OrgUnitId, ProgramId};
use domain::indicators::NewValue;
use domain::indicators::ValueType;
use domain::org_units::OrgUnitLevel;
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

/// Most values checked before they are written. A chunk is written in multi-row statements
/// (see `rows_per_statement`: 50 or 1,000 rows, 250 or 5,002 parameters, far under SQLite's
/// limit of 32,766 and PostgreSQL's of 65,535). A file import hands the store chunks of this
/// size, so it holds one chunk of the file at a time.
pub const VALUES_CHUNK: usize = 5000;

/// Where a value came from, as its errors name it: a file's row, or an index in a request.
#[derive(Debug, Clone, Copy)]
enum Source {
    Row(usize),
    Index(usize),
}

impl Source {
    /// `error` placed at this value: `AtRow` around the field for a file, `values[i].field`
    /// for a request.
    fn at(self, error: FieldError) -> DbError {
        match self {
            Source::Row(row) => DbError::from(error).at_row(row),
            Source::Index(index) => {
                FieldError::new(format!("values[{index}].{}", error.field), error.message).into()
            }
        }
    }

    /// Another value of the same write, as a repeat names it: `row 7` or `values[3]`.
    fn earlier(self, number: usize) -> String {
        match self {
            Source::Row(_) => format!("row {number}"),
            Source::Index(_) => format!("values[{number}]"),
        }
    }

    fn number(self) -> usize {
        match self {
            Source::Row(n) | Source::Index(n) => n,
        }
    }
}

/// A value checked and resolved, ready to write; the element and unit are indexes into the
/// write's look-ups, so a chunk holds no repeated codes.
struct Checked {
    element: usize,
    unit: usize,
    period: String,
    value: f64,
    comment: String,
}

/// A value as the web and API saves' audit rows list it.
#[derive(Serialize)]
struct AuditedValue<'a> {
    data_element: i64,
    data_element_code: &'a str,
    org_unit: i64,
    org_unit_code: &'a str,
    period: &'a str,
    value: f64,
    comment: &'a str,
}

/// A key looked up with the value and comment stored at it, if any.
type StoredRow = (i64, i64, String, Option<f64>, Option<String>);

/// A facility the write has met: id and code.
struct Unit {
    id: i64,
    code: String,
}

/// One write of values, all or nothing: the checks and the writing every save shares (web
/// form, API, file import). Values are checked in order and written a chunk at a time inside
/// one transaction; dropping the write before [`ValuesWrite::finish`] rolls it back.
///
/// Memory: the program's data elements and the facilities met, and for the check that no
/// value repeats another, one small key per value (element and facility indexes, the period:
/// 16 bytes, with the value's row, about 40 bytes a value in the map) — O(values), about
/// 40 MB for a million, against the values themselves, which are never held beyond a chunk.
struct ValuesWrite {
    tx: Tx,
    actor: Actor,
    program: ProgramId,
    at: DateTime<Utc>,
    root_path: Option<String>,
    elements: Vec<DataElementRecord>,
    element_by_code: HashMap<String, usize>,
    units: Vec<Unit>,
    /// Each org-unit code met, with its facility or why it cannot take values.
    unit_by_code: HashMap<String, Result<usize, FieldError>>,
    seen: HashMap<(u32, u32, Period), usize>,
    counts: SaveCounts,
    values: usize,
    /// The values for the engines' log, while there are at most
    /// [`crate::engine_changes::MAX_LOGGED_VALUES`]; beyond, the log asks for a rebuild and
    /// none is kept.
    logged: Vec<crate::engine_changes::EngineValue>,
    /// Each change with the value it replaced, for the audit row of a web or API save; a file
    /// import's audit row names the file instead.
    changed: Option<Vec<serde_json::Value>>,
}

/// A values file being imported: chunks of rows are checked and written in one transaction as
/// they are read, so memory does not grow with the file, and nothing is kept unless
/// [`ValuesImport::finish`] commits. Dropping it (at a bad row, or a file that cannot be read
/// further) rolls everything back.
pub struct ValuesImport {
    write: ValuesWrite,
}

impl ValuesImport {
    /// Checks and writes rows (value with its row number, the header being row 1), best in
    /// chunks of [`VALUES_CHUNK`]. The first error is [`DbError::AtRow`] around the bad field
    /// (`data_element`, `org_unit`, `period`, `value`, `comment`); the import must then be
    /// dropped.
    pub async fn add(&mut self, rows: &[(usize, NewValue)]) -> Result<(), DbError> {
        // A plain list rather than an iterator with a closure: the future must stay `Send`
        // for every lifetime, which a borrowed closure in it defeats.
        let rows: Vec<(Source, &NewValue)> = rows
            .iter()
            .map(|(row, value)| (Source::Row(*row), value))
            .collect();
        self.write.add(&rows).await
    }

    /// Logs the change for the engines, writes the audit row naming `file` with the counts
    /// (not every value: a million-row import would otherwise write one audit row of hundreds
    /// of megabytes), and commits.
    pub async fn finish(self, file: &ImportedFile) -> Result<SaveCounts, DbError> {
        self.write.finish(Some(file)).await
    }
}

impl ValuesWrite {
    /// Checks one value: its data element, its facility (known, a facility, in the program's
    /// area), its period, the value against the element's type and range, its comment, and
    /// that no earlier value of this write has the same element, facility and period. The
    /// error names the value's source and field.
    async fn check(&mut self, source: Source, new: &NewValue) -> Result<Checked, DbError> {
        let code = new.data_element_code.trim();
        let element = *self.element_by_code.get(code).ok_or_else(|| {
            source.at(FieldError::new(
                "data_element",
                format!("this program has no data element {code:?}"),
            ))
        })?;
        let unit_code = new.org_unit_code.trim();
        let unit = match self.unit_by_code.get(unit_code) {
            Some(found) => found.clone(),
            None => {
                let found = self.find_unit(unit_code).await?;
                self.unit_by_code
                    .insert(unit_code.to_owned(), found.clone());
                found
            }
        }
        .map_err(|e| source.at(e))?;
        let period = parse_period(&new.period, "period").map_err(|e| source.at(e))?;
        let record = self
            .elements
            .get(element)
            .ok_or_else(|| DbError::Corrupt("a data element index out of range".into()))?;
        check_value(record, new.value, "value").map_err(|e| source.at(e))?;
        let comment = free_text(&new.comment, "comment", 2000, false).map_err(|e| source.at(e))?;
        // Indexes into look-ups that hold fewer than a program's data elements and the
        // org units stored: they fit a u32, which keeps the key small.
        let key = (
            u32::try_from(element).map_err(|e| DbError::Corrupt(e.to_string()))?,
            u32::try_from(unit).map_err(|e| DbError::Corrupt(e.to_string()))?,
            period,
        );
        if let Some(first) = self.seen.insert(key, source.number()) {
            return Err(source.at(FieldError::new(
                "period",
                format!(
                    "repeats {}: same data element, org unit and period",
                    source.earlier(first)
                ),
            )));
        }
        Ok(Checked {
            element,
            unit,
            period: period.to_string(),
            value: new.value,
            comment,
        })
    }

    /// Looks up an org unit by code the first time the write meets it: its index among the
    /// facilities met, or why values cannot be entered for it.
    async fn find_unit(&mut self, unit_code: &str) -> Result<Result<usize, FieldError>, DbError> {
        let unit = match OrgUnitCode::parse(unit_code) {
            Ok(parsed) => self.tx.org_unit_by_code(&parsed).await?,
            Err(_) => None,
        };
        let Some(unit) = unit else {
            return Ok(Err(FieldError::new(
                "org_unit",
                format!("no org unit has code {unit_code:?}"),
            )));
        };
        if unit.level != OrgUnitLevel::Facility {
            return Ok(Err(FieldError::new(
                "org_unit",
                format!(
                    "{} ({unit_code}) is a {}, not a facility: values are entered per facility",
                    unit.name.as_str(),
                    unit.level.as_str()
                ),
            )));
        }
        if let Some(root) = &self.root_path
            && !unit.path.starts_with(root.as_str())
        {
            return Ok(Err(FieldError::new(
                "org_unit",
                format!("{unit_code} is outside this program's area"),
            )));
        }
        self.units.push(Unit {
            id: unit.id.0,
            code: unit_code.to_owned(),
        });
        Ok(Ok(self.units.len() - 1))
    }

    /// Checks and writes values in order, a chunk at a time.
    async fn add(&mut self, values: &[(Source, &NewValue)]) -> Result<(), DbError> {
        let mut chunk = Vec::new();
        for (source, new) in values {
            chunk.push(self.check(*source, new).await?);
            if chunk.len() == VALUES_CHUNK {
                self.write(&chunk).await?;
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            self.write(&chunk).await?;
        }
        Ok(())
    }

    /// Writes a chunk of checked values: reads the stored ones at the same keys, then inserts
    /// the new and replaces the different in one statement, leaving identical ones alone.
    async fn write(&mut self, chunk: &[Checked]) -> Result<(), DbError> {
        let keys: Vec<(i64, i64, &str)> = chunk
            .iter()
            .map(|v| Ok((self.element(v)?.id.0, self.unit(v)?.id, v.period.as_str())))
            .collect::<Result<_, DbError>>()?;
        let mut stored = Vec::with_capacity(keys.len());
        for batch in keys.chunks(self.rows_per_statement()) {
            stored.extend(self.stored_at(batch).await?);
        }
        let stored: HashMap<(i64, i64, &str), (f64, String)> = stored
            .iter()
            .filter_map(|(element, unit, period, value, comment)| {
                Some((
                    (*element, *unit, period.as_str()),
                    ((*value)?, comment.clone().unwrap_or_default()),
                ))
            })
            .collect();
        let mut writes = Vec::new();
        for (value, key) in chunk.iter().zip(&keys) {
            let before = stored.get(key);
            let differs = match before {
                None => {
                    self.counts.created += 1;
                    true
                }
                Some((old, comment)) if *old == value.value && *comment == value.comment => {
                    self.counts.unchanged += 1;
                    false
                }
                Some(_) => {
                    self.counts.updated += 1;
                    true
                }
            };
            if differs {
                writes.push((value, key));
                if self.changed.is_some() {
                    let (element, unit) = (self.element(value)?, self.unit(value)?);
                    let entry = serde_json::json!({
                        "value": AuditedValue {
                            data_element: element.id.0,
                            data_element_code: &element.code,
                            org_unit: unit.id,
                            org_unit_code: &unit.code,
                            period: &value.period,
                            value: value.value,
                            comment: &value.comment,
                        },
                        "before": before.map(|(old, comment)| serde_json::json!({"value": old, "comment": comment})),
                    });
                    if let Some(changed) = &mut self.changed {
                        changed.push(entry);
                    }
                }
            }
            self.values += 1;
            if self.values <= crate::engine_changes::MAX_LOGGED_VALUES {
                self.logged.push(crate::engine_changes::EngineValue {
                    data_element: self.element(value)?.code.clone(),
                    org_unit: self.unit(value)?.code.clone(),
                    period: value.period.clone(),
                    value: value.value,
                });
            } else if !self.logged.is_empty() {
                self.logged = Vec::new();
            }
        }
        for batch in writes.chunks(self.rows_per_statement()) {
            self.upsert(batch).await?;
        }
        Ok(())
    }

    /// Rows per statement. SQLite looks a `$n` parameter up by a linear scan of the
    /// statement's parameters, when it prepares it and again when sqlx binds it, so a
    /// statement of n parameters costs n² (a 5,000-row upsert took a second of CPU to bind):
    /// short statements, reused, are fastest there. PostgreSQL binds in constant time and
    /// gains from fewer round trips.
    fn rows_per_statement(&self) -> usize {
        match self.tx {
            Tx::Sqlite(_) => 50,
            Tx::Postgres(_) => 1000,
        }
    }

    /// The stored value and comment at each key (`None` where there is none), one indexed
    /// look-up per key: a join could let PostgreSQL's planner scan the whole table for every
    /// batch.
    async fn stored_at(&mut self, keys: &[(i64, i64, &str)]) -> Result<Vec<StoredRow>, DbError> {
        // A full batch's statement is prepared once and reused; another size (the last batch)
        // runs unprepared, so the connection does not cache one statement per size met.
        let reuse = keys.len() == self.rows_per_statement();
        let mut sql = String::from(
            "SELECT k.column1, k.column2, k.column3, \
             (SELECT d.value FROM data_values d WHERE d.data_element_id = k.column1 AND d.org_unit_id = k.column2 AND d.period = k.column3), \
             (SELECT d.comment FROM data_values d WHERE d.data_element_id = k.column1 AND d.org_unit_id = k.column2 AND d.period = k.column3) \
             FROM (VALUES ",
        );
        for i in 0..keys.len() {
            let n = 3 * i;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
        }
        sql.push_str(") AS k");
        Ok(on_tx!(&mut self.tx, conn => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).persistent(reuse);
            for (element, unit, period) in keys {
                query = query.bind(*element).bind(*unit).bind(*period);
            }
            query.fetch_all(&mut *conn).await?
        }))
    }

    /// Inserts the new values and replaces the changed ones in one statement.
    async fn upsert(&mut self, batch: &[(&Checked, &(i64, i64, &str))]) -> Result<(), DbError> {
        let reuse = batch.len() == self.rows_per_statement();
        let mut sql = String::from(
            "INSERT INTO data_values (data_element_id, org_unit_id, period, value, comment, entered_by, entered_at, first_entered_at) VALUES ",
        );
        for i in 0..batch.len() {
            let n = 2 + 5 * i;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, $1, $2, $2)",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            ));
        }
        // first_entered_at is left as it was: it decides timeliness.
        sql.push_str(
            " ON CONFLICT (data_element_id, org_unit_id, period) DO UPDATE SET value = excluded.value, \
             comment = excluded.comment, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
        );
        let (by, at) = (&self.actor.label, self.at);
        on_tx!(&mut self.tx, conn => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(reuse).bind(by).bind(at);
            for (value, (element, unit, period)) in batch {
                query = query.bind(*element).bind(*unit).bind(*period).bind(value.value).bind(&value.comment);
            }
            query.execute(&mut *conn).await?;
        });
        Ok(())
    }

    fn element(&self, value: &Checked) -> Result<&DataElementRecord, DbError> {
        self.elements
            .get(value.element)
            .ok_or_else(|| DbError::Corrupt("a data element index out of range".into()))
    }

    fn unit(&self, value: &Checked) -> Result<&Unit, DbError> {
        self.units
            .get(value.unit)
            .ok_or_else(|| DbError::Corrupt("an org unit index out of range".into()))
    }

    /// Logs the change for the engines (the values, or a rebuild when there are more than
    /// the log carries), writes the audit row and commits. A write of no values writes
    /// nothing.
    async fn finish(mut self, file: Option<&ImportedFile>) -> Result<SaveCounts, DbError> {
        let counts = self.counts;
        if self.values == 0 {
            return Ok(counts);
        }
        if counts.created + counts.updated > 0 {
            let change = if self.values > crate::engine_changes::MAX_LOGGED_VALUES {
                crate::engine_changes::EngineChange::Rebuild
            } else {
                crate::engine_changes::EngineChange::Values(std::mem::take(&mut self.logged))
            };
            self.tx
                .log_engine_change(Some(self.program), &change)
                .await?;
        }
        let after = match (file, &self.changed) {
            (Some(file), _) => serde_json::json!({"counts": counts, "import": file}),
            (None, changed) => serde_json::json!({"counts": counts, "changed": changed}),
        };
        self.tx
            .audit::<(), _>(
                &self.actor,
                Action::Update,
                "data_values",
                self.program.0,
                None,
                Some(&after),
            )
            .await?;
        self.tx.commit().await?;
        Ok(counts)
    }
}

impl Db {
    /// Saves aggregate values (web form, API). Every value is checked — its data element,
    /// its facility, its period, the value against the element's type and range — and the
    /// first error names `values[i].<field>`; all are written in one transaction with one
    /// audit row, or none is. A value equal (value and comment) to the stored one is left
    /// alone.
    pub async fn save_values(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[NewValue],
    ) -> Result<SaveCounts, DbError> {
        self.save_values_on(actor, program, values, crate::now())
            .await
    }

    /// [`Db::save_values`] for a file import held whole: each value comes with its row
    /// number, and an error is [`DbError::AtRow`] around the bad field (`value`,
    /// `period`…). The audit row names the file and its digest with the counts. A file read
    /// as a stream goes through [`Db::begin_values_import`] instead.
    pub async fn save_values_at_rows(
        &self,
        actor: &Actor,
        program: ProgramId,
        values: &[(usize, NewValue)],
        file: &ImportedFile,
    ) -> Result<SaveCounts, DbError> {
        let mut import = self.begin_values_import(actor, program).await?;
        import.add(values).await?;
        import.finish(file).await
    }

    /// Starts a values import of a file read as a stream: hand it chunks of rows with
    /// [`ValuesImport::add`], then [`ValuesImport::finish`]. It holds the write transaction
    /// from here to the end (on SQLite, other writers wait).
    pub async fn begin_values_import(
        &self,
        actor: &Actor,
        program: ProgramId,
    ) -> Result<ValuesImport, DbError> {
        Ok(ValuesImport {
            write: self
                .begin_values_write(actor, program, crate::now(), false)
                .await?,
        })
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
        let mut write = self.begin_values_write(actor, program, at, true).await?;
        let values: Vec<(Source, &NewValue)> = values
            .iter()
            .enumerate()
            .map(|(index, value)| (Source::Index(index), value))
            .collect();
        write.add(&values).await?;
        write.finish(None).await
    }

    /// Loads what every check needs once (the program's area and data elements) and begins
    /// the transaction; `audit_changes`: list each change in the audit row.
    async fn begin_values_write(
        &self,
        actor: &Actor,
        program: ProgramId,
        at: DateTime<Utc>,
        audit_changes: bool,
    ) -> Result<ValuesWrite, DbError> {
        let record = self.program(program).await?;
        let root_path = match record.root_org_unit {
            Some(root) => Some(self.org_unit(root).await?.path),
            None => None,
        };
        let elements = self.data_elements(program).await?;
        let element_by_code = elements
            .iter()
            .enumerate()
            .map(|(index, e)| (e.code.clone(), index))
            .collect();
        Ok(ValuesWrite {
            tx: self.begin().await?,
            actor: actor.clone(),
            program,
            at,
            root_path,
            elements,
            element_by_code,
            units: Vec::new(),
            unit_by_code: HashMap::new(),
            seen: HashMap::new(),
            counts: SaveCounts::default(),
            values: 0,
            logged: Vec::new(),
            changed: audit_changes.then(Vec::new),
        })
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
