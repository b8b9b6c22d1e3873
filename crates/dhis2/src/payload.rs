//! The `dataValueSets` exchange as data, with no I/O: what tandem sends to
//! `POST /api/dataValueSets` and how it reads DHIS2's import summary.
//!
//! The wire format follows the DHIS2 Web API ("Data values" → "Sending data values"):
//!
//! ```json
//! {"dataValues":[{"dataElement":"…","period":"202603","orgUnit":"…",
//!                 "categoryOptionCombo":"…","value":"12","comment":"…"}]}
//! ```
//!
//! Every value carries its own data element, period and org unit, so a payload can span
//! several periods and facilities; the set-level `dataSet`, `period` and `orgUnit` defaults are
//! not used. Values are sent as JSON strings, which is how DHIS2 stores and exports them.
//!
//! Identifiers are UIDs or codes ([`Key`]). DHIS2 reads one identifier scheme per kind of
//! object for the whole request (`dataElementIdScheme`, `orgUnitIdScheme`,
//! `categoryOptionComboIdScheme`), so a payload that mixes UIDs and codes for the same kind is
//! refused here, naming the first row that disagrees, rather than half-imported there.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroUsize;

use domain::FieldError;
use domain::values::Dhis2Uid;
use indicators::Period;
use serde::{Deserialize, Serialize};

/// How many values go in one request unless the caller says otherwise. DHIS2 imports a request
/// in one transaction and holds its summary in memory; 10,000 values keeps both small while
/// needing few round trips.
pub const DEFAULT_CHUNK_SIZE: NonZeroUsize = NonZeroUsize::new(10_000).expect("non-zero");

/// DHIS2 keeps values up to 50,000 characters (its `datavalue.value` column); longer text
/// would be refused row by row on the server, so it is refused before sending.
const MAX_VALUE_CHARS: usize = 50_000;

/// DHIS2 codes are at most 50 characters (`code varchar(50)` on every metadata table).
const MAX_CODE_CHARS: usize = 50;

/// How DHIS2 should read the identifiers of one kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdScheme {
    /// DHIS2's 11-character UIDs (the server's default).
    Uid,
    /// The objects' `code` attribute.
    Code,
}

impl IdScheme {
    /// The query-parameter value DHIS2 expects (`UID`, `CODE`).
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Uid => "UID",
            Self::Code => "CODE",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Uid => "a UID",
            Self::Code => "a code",
        }
    }
}

impl fmt::Display for IdScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_param())
    }
}

/// A DHIS2 metadata code: non-empty, at most 50 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dhis2Code(String);

impl Dhis2Code {
    /// Parses a code (surrounding blanks are trimmed, as DHIS2 trims them on save).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(FieldError::new(
                "dhis2_code",
                "a DHIS2 code cannot be empty",
            ));
        }
        if code.chars().count() > MAX_CODE_CHARS {
            return Err(FieldError::new(
                "dhis2_code",
                format!("'{code}' is longer than DHIS2's {MAX_CODE_CHARS}-character codes"),
            ));
        }
        if code.chars().any(char::is_control) {
            return Err(FieldError::new(
                "dhis2_code",
                format!("{code:?} contains a control character"),
            ));
        }
        Ok(Self(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How tandem names a DHIS2 object: by UID or by code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// An 11-character DHIS2 UID.
    Uid(Dhis2Uid),
    /// A metadata code.
    Code(Dhis2Code),
}

impl Key {
    /// A key by UID, checked with [`Dhis2Uid::parse`].
    pub fn uid(raw: &str) -> Result<Self, FieldError> {
        Dhis2Uid::parse(raw).map(Self::Uid)
    }

    /// A key by code, checked with [`Dhis2Code::parse`].
    pub fn code(raw: &str) -> Result<Self, FieldError> {
        Dhis2Code::parse(raw).map(Self::Code)
    }

    /// Which scheme this key is written in.
    pub fn scheme(&self) -> IdScheme {
        match self {
            Self::Uid(_) => IdScheme::Uid,
            Self::Code(_) => IdScheme::Code,
        }
    }

    /// The identifier as DHIS2 reads it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Uid(uid) => uid.as_str(),
            Self::Code(code) => code.as_str(),
        }
    }
}

/// A value as tandem holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count or other whole number.
    Integer(i64),
    /// A rate, mean or score. Must be finite.
    Decimal(f64),
    /// Text, for text and option-set data elements. Must not be blank.
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Decimal(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

/// One tandem-side value to report: which data element, where, when, and how much.
#[derive(Debug, Clone, PartialEq)]
pub struct DataValueInput {
    /// The DHIS2 data element.
    pub data_element: Key,
    /// The org unit (usually a facility) the value belongs to.
    pub org_unit: Key,
    /// The period; its `Display` is the DHIS2 period id (`202603`, `2026Q1`, `2026April`).
    pub period: Period,
    /// The disaggregation; `None` lets DHIS2 use the default category option combo.
    pub category_option_combo: Option<Key>,
    /// The value itself.
    pub value: Value,
    /// An optional comment shown beside the value in DHIS2's data entry.
    pub comment: Option<String>,
}

/// The identifier scheme of each kind of object in a payload, sent as query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdSchemes {
    /// `dataElementIdScheme`.
    pub data_element: IdScheme,
    /// `orgUnitIdScheme`.
    pub org_unit: IdScheme,
    /// `categoryOptionComboIdScheme`; `Uid` when no value names a category option combo.
    pub category_option_combo: IdScheme,
}

/// One value as DHIS2 reads it: the JSON object inside `dataValues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    /// Data element UID or code.
    pub data_element: String,
    /// DHIS2 period id.
    pub period: String,
    /// Org unit UID or code.
    pub org_unit: String,
    /// Category option combo UID or code, omitted for the default combo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_option_combo: Option<String>,
    /// The value as text (integers without `.0`, decimals without exponent).
    pub value: String,
    /// Comment, omitted when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl DataValue {
    /// "dataElement X, orgUnit Y, period Z" — how a conflict names the value it is about.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "dataElement {}, orgUnit {}, period {}",
            self.data_element, self.org_unit, self.period
        );
        if let Some(coc) = &self.category_option_combo {
            s.push_str(", categoryOptionCombo ");
            s.push_str(coc);
        }
        s
    }
}

/// The body of `POST /api/dataValueSets`, as serialized (and the document the export
/// downloads).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Body<'a> {
    /// The values.
    pub data_values: &'a [DataValue],
}

/// A checked `dataValueSets` payload: every value valid, one id scheme per kind.
#[derive(Debug, Clone, PartialEq)]
pub struct DataValueSet {
    values: Vec<DataValue>,
    schemes: IdSchemes,
}

/// A slice of a payload sent as one request; `offset` is the index of its first value in the
/// whole payload, so conflicts can be mapped back to what was sent.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// Index of `values[0]` in the whole payload.
    pub offset: usize,
    /// The values of this request.
    pub values: &'a [DataValue],
}

impl Chunk<'_> {
    /// The request body, `{"dataValues":[…]}`.
    pub fn to_json(&self) -> Vec<u8> {
        body_json(self.values)
    }
}

fn body_json(values: &[DataValue]) -> Vec<u8> {
    // Serializing plain strings into a Vec cannot fail; fall back to an empty body rather
    // than panic if serde_json ever says otherwise (DHIS2 would then refuse it loudly).
    serde_json::to_vec(&Body {
        data_values: values,
    })
    .unwrap_or_default()
}

impl DataValueSet {
    /// Checks and converts tandem's values. Errors name the row and field the way the JSON
    /// does (`dataValues[3].orgUnit`): a UID where an earlier row used a code (or the
    /// reverse), a non-finite number, blank text, an Ethiopian-calendar period, or an empty
    /// payload.
    pub fn build(inputs: &[DataValueInput]) -> Result<Self, FieldError> {
        if inputs.is_empty() {
            return Err(FieldError::new(
                "dataValues",
                "there are no values to send to DHIS2",
            ));
        }
        let mut de = SchemeOf::new("dataElement");
        let mut ou = SchemeOf::new("orgUnit");
        let mut coc = SchemeOf::new("categoryOptionCombo");
        let mut values = Vec::with_capacity(inputs.len());
        for (row, input) in inputs.iter().enumerate() {
            de.check(row, &input.data_element)?;
            ou.check(row, &input.org_unit)?;
            if let Some(key) = &input.category_option_combo {
                coc.check(row, key)?;
            }
            let ptype = input.period.period_type();
            if ptype.is_ethiopian() {
                return Err(FieldError::new(
                    format!("dataValues[{row}].period"),
                    format!(
                        "{} is an Ethiopian-calendar period ({ptype}), which DHIS2 servers do \
                         not accept; aggregate to a Gregorian period (such as the monthly \
                         period 202603) before sending",
                        input.period
                    ),
                ));
            }
            if let Some(comment) = &input.comment
                && comment.chars().count() > MAX_VALUE_CHARS
            {
                return Err(FieldError::new(
                    format!("dataValues[{row}].comment"),
                    format!("the comment is longer than DHIS2's {MAX_VALUE_CHARS} characters"),
                ));
            }
            values.push(DataValue {
                data_element: input.data_element.as_str().to_owned(),
                period: input.period.to_string(),
                org_unit: input.org_unit.as_str().to_owned(),
                category_option_combo: input
                    .category_option_combo
                    .as_ref()
                    .map(|k| k.as_str().to_owned()),
                value: value_text(row, &input.value)?,
                comment: input.comment.clone(),
            });
        }
        Ok(Self {
            values,
            schemes: IdSchemes {
                data_element: de.scheme(),
                org_unit: ou.scheme(),
                category_option_combo: coc.scheme(),
            },
        })
    }

    /// The values, in the order they are sent.
    pub fn values(&self) -> &[DataValue] {
        &self.values
    }

    /// How many values the payload holds (never zero).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always `false`: an empty payload is refused by [`DataValueSet::build`].
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The identifier scheme of each kind of object.
    pub fn id_schemes(&self) -> IdSchemes {
        self.schemes
    }

    /// The whole payload as one request body.
    pub fn to_json(&self) -> Vec<u8> {
        body_json(&self.values)
    }

    /// The payload cut into requests of at most `size` values, in order.
    pub fn chunks(&self, size: NonZeroUsize) -> impl Iterator<Item = Chunk<'_>> {
        self.values
            .chunks(size.get())
            .enumerate()
            .map(move |(i, values)| Chunk {
                offset: i * size.get(),
                values,
            })
    }
}

/// Tracks the scheme the first row used for one kind of object, to refuse mixing.
struct SchemeOf {
    property: &'static str,
    first: Option<(usize, IdScheme)>,
}

impl SchemeOf {
    fn new(property: &'static str) -> Self {
        Self {
            property,
            first: None,
        }
    }

    fn check(&mut self, row: usize, key: &Key) -> Result<(), FieldError> {
        let scheme = key.scheme();
        match self.first {
            None => self.first = Some((row, scheme)),
            Some((first_row, first)) if first != scheme => {
                let p = self.property;
                return Err(FieldError::new(
                    format!("dataValues[{row}].{p}"),
                    format!(
                        "'{}' is {} but dataValues[{first_row}].{p} is {}; DHIS2 reads one \
                         identifier scheme per kind of object for the whole request ({p}IdScheme), \
                         so use UIDs everywhere or codes everywhere",
                        key.as_str(),
                        scheme.noun(),
                        first.noun(),
                    ),
                ));
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn scheme(&self) -> IdScheme {
        self.first.map_or(IdScheme::Uid, |(_, s)| s)
    }
}

fn value_text(row: usize, value: &Value) -> Result<String, FieldError> {
    let field = || format!("dataValues[{row}].value");
    match value {
        Value::Integer(i) => Ok(i.to_string()),
        Value::Decimal(d) if !d.is_finite() => Err(FieldError::new(
            field(),
            format!("{d} is not a number DHIS2 can store; send a finite value or leave it out"),
        )),
        // `-0` would read oddly in DHIS2 and means the same as `0`.
        Value::Decimal(d) if *d == 0.0 => Ok("0".to_owned()),
        // Rust's `Display` for f64 prints the shortest text that reads back as the same number,
        // never with an exponent and without `.0` for whole numbers — what DHIS2's number
        // validation accepts.
        Value::Decimal(d) => Ok(d.to_string()),
        Value::Text(t) if t.trim().is_empty() => Err(FieldError::new(
            field(),
            "the value is blank; DHIS2 reads a blank value as deleting the stored one, so leave \
             the row out instead",
        )),
        Value::Text(t) if t.chars().count() > MAX_VALUE_CHARS => Err(FieldError::new(
            field(),
            format!("the value is longer than DHIS2's {MAX_VALUE_CHARS} characters"),
        )),
        Value::Text(t) => Ok(t.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// Import summary
// ---------------------------------------------------------------------------------------------

/// The outcome DHIS2 reports for an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    /// Everything was imported.
    Success,
    /// Imported, with conflicts on some values.
    Warning,
    /// Nothing (or not everything) was imported.
    Error,
}

/// How many values DHIS2 imported, updated, ignored and deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ImportCount {
    /// New values stored.
    pub imported: u64,
    /// Existing values changed.
    pub updated: u64,
    /// Values refused or unchanged.
    pub ignored: u64,
    /// Values deleted.
    pub deleted: u64,
}

/// One conflict from an import summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The identifier DHIS2 complains about (a UID, code or period id).
    pub object: String,
    /// Named objects involved (DHIS2 2.36+), such as `{"dataElement": "…"}`.
    pub objects: BTreeMap<String, String>,
    /// DHIS2's explanation.
    pub value: String,
    /// DHIS2's error code, such as `E7641` (2.36+).
    pub error_code: Option<String>,
    /// The property of the value at fault, such as `period` (2.36+).
    pub property: Option<String>,
    /// Indexes into the `dataValues` sent (2.36+); after [`ImportSummary::merge`], indexes into
    /// the whole payload.
    pub indexes: Vec<usize>,
}

/// At most this many rows are named in one conflict line; a missing data element can hit
/// thousands of values and the line must stay readable.
const ROWS_NAMED: usize = 5;

impl Conflict {
    /// A line a person can act on. When DHIS2 gave `indexes`, the values sent at those
    /// positions are named (`dataValues[3] (dataElement …, orgUnit …, period …)`).
    pub fn describe(&self, sent: &[DataValue]) -> String {
        let mut line = String::new();
        if self.indexes.is_empty() {
            line.push_str(&self.object);
        } else {
            let named: Vec<String> = self
                .indexes
                .iter()
                .take(ROWS_NAMED)
                .map(|&i| match sent.get(i) {
                    Some(v) => format!("dataValues[{i}] ({})", v.describe()),
                    None => format!("dataValues[{i}] (beyond the {} values sent)", sent.len()),
                })
                .collect();
            line.push_str(&named.join("; "));
            if self.indexes.len() > ROWS_NAMED {
                line.push_str(&format!(
                    " and {} more values",
                    self.indexes.len() - ROWS_NAMED
                ));
            }
        }
        line.push_str(": ");
        line.push_str(&self.value);
        match (&self.error_code, &self.property) {
            (Some(code), Some(prop)) => line.push_str(&format!(" [{code}, {prop}]")),
            (Some(code), None) => line.push_str(&format!(" [{code}]")),
            (None, Some(prop)) => line.push_str(&format!(" [{prop}]")),
            (None, None) => {}
        }
        line
    }
}

/// DHIS2's answer to a `dataValueSets` import, read from either shape it comes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The import's outcome; after merging, the worst of the chunks.
    pub status: ImportStatus,
    /// DHIS2's description, such as "Import process completed successfully".
    pub description: Option<String>,
    /// The envelope's `message` (2.36+), such as "One more conflicts encountered, please
    /// check import summary.".
    pub message: Option<String>,
    /// Counts, summed over chunks.
    pub import_count: ImportCount,
    /// Conflicts, in order, with indexes into the whole payload.
    pub conflicts: Vec<Conflict>,
    /// Indexes of values DHIS2 refused (2.38+), into the whole payload.
    pub rejected_indexes: Vec<usize>,
}

/// A body that holds no import summary. `message` is the WebMessage's own message when the
/// body was one (DHIS2 answers errors such as "Data set not found" this way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotASummary {
    /// The WebMessage's `message`, if the body was a WebMessage.
    pub message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSummary {
    status: ImportStatus,
    description: Option<String>,
    #[serde(default)]
    import_count: ImportCount,
    #[serde(default)]
    conflicts: Option<Vec<RawConflict>>,
    #[serde(default)]
    rejected_indexes: Option<Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConflict {
    object: Option<String>,
    objects: Option<BTreeMap<String, String>>,
    value: Option<String>,
    error_code: Option<String>,
    property: Option<String>,
    indexes: Option<Vec<usize>>,
}

fn looks_like_summary(v: &serde_json::Value) -> bool {
    v.get("responseType").and_then(|t| t.as_str()) == Some("ImportSummary")
        || v.get("importCount").is_some_and(|c| c.is_object())
}

impl ImportSummary {
    /// Reads DHIS2's answer: the 2.36+ `WebMessage` envelope with the summary in `response`
    /// (sent with 200, or with 409 Conflict from 2.38 on when values were refused), or an
    /// older server's bare `ImportSummary`. Unknown fields are ignored.
    pub fn parse(body: &[u8]) -> Result<Self, NotASummary> {
        let json: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| NotASummary { message: None })?;
        let message = json
            .get("message")
            .and_then(|m| m.as_str())
            .map(str::to_owned);
        let (raw, message) = if looks_like_summary(&json) {
            (&json, None)
        } else {
            match json.get("response").filter(|r| looks_like_summary(r)) {
                Some(inner) => (inner, message),
                None => return Err(NotASummary { message }),
            }
        };
        let raw = RawSummary::deserialize(raw).map_err(|_| NotASummary {
            message: message.clone(),
        })?;
        Ok(Self {
            status: raw.status,
            description: raw.description,
            message,
            import_count: raw.import_count,
            conflicts: raw
                .conflicts
                .unwrap_or_default()
                .into_iter()
                .map(|c| Conflict {
                    object: c.object.unwrap_or_default(),
                    objects: c.objects.unwrap_or_default(),
                    value: c.value.unwrap_or_default(),
                    error_code: c.error_code,
                    property: c.property,
                    indexes: c.indexes.unwrap_or_default(),
                })
                .collect(),
            rejected_indexes: raw.rejected_indexes.unwrap_or_default(),
        })
    }

    /// Adds the summary of a later chunk whose first value was at `offset` in the whole
    /// payload: counts are summed, conflicts appended with their indexes shifted, and the
    /// worst status (with its description and message) kept.
    pub fn merge(&mut self, other: ImportSummary, offset: usize) {
        if other.status > self.status {
            self.status = other.status;
            self.description = other.description;
            self.message = other.message;
        }
        // The counts and indexes come from the server: saturate rather than overflow on
        // absurd ones (an index past the payload is then described as such).
        let c = &mut self.import_count;
        c.imported = c.imported.saturating_add(other.import_count.imported);
        c.updated = c.updated.saturating_add(other.import_count.updated);
        c.ignored = c.ignored.saturating_add(other.import_count.ignored);
        c.deleted = c.deleted.saturating_add(other.import_count.deleted);
        self.conflicts
            .extend(other.conflicts.into_iter().map(|mut conflict| {
                for i in &mut conflict.indexes {
                    *i = i.saturating_add(offset);
                }
                conflict
            }));
        self.rejected_indexes.extend(
            other
                .rejected_indexes
                .into_iter()
                .map(|i| i.saturating_add(offset)),
        );
    }

    /// Shifts every index by `offset` (for the first chunk of a merge, which is kept as is
    /// when `offset` is 0).
    pub(crate) fn shifted(mut self, offset: usize) -> Self {
        for conflict in &mut self.conflicts {
            for i in &mut conflict.indexes {
                *i = i.saturating_add(offset);
            }
        }
        for i in &mut self.rejected_indexes {
            *i = i.saturating_add(offset);
        }
        self
    }

    /// One readable line per conflict, naming the values of `sent` that each is about.
    pub fn conflict_lines(&self, sent: &DataValueSet) -> Vec<String> {
        self.conflicts
            .iter()
            .map(|c| c.describe(sent.values()))
            .collect()
    }
}

impl fmt::Display for ImportSummary {
    /// "WARNING: 10 imported, 2 updated, 1 ignored, 0 deleted, 1 conflict".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            ImportStatus::Success => "SUCCESS",
            ImportStatus::Warning => "WARNING",
            ImportStatus::Error => "ERROR",
        };
        let c = self.import_count;
        let n = self.conflicts.len();
        write!(
            f,
            "{status}: {} imported, {} updated, {} ignored, {} deleted, {n} conflict{}",
            c.imported,
            c.updated,
            c.ignored,
            c.deleted,
            if n == 1 { "" } else { "s" }
        )
    }
}
