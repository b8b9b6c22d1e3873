//! The XLSForm reader: an XLSX workbook with `survey`, `choices` and `settings` sheets
//! (<https://xlsform.org>) becomes a [`Form`], or a list of every problem found, each naming
//! its sheet, row (as Excel numbers it, header = row 1) and column.
//!
//! # What is read
//!
//! Sheet and column names are matched case-insensitively. A language is written after `::`
//! (or the older single `:`), as in `label::French (fr)`. Empty rows are skipped.
//!
//! - **survey**: `type`, `name`, `label`, `hint`, `required`, `required_message`
//!   (also `requiredMsg`, `jr:requiredMsg`), `constraint`, `constraint_message` (also
//!   `constraintMsg`, `jr:constraintMsg`), `relevant`, `calculation`, `appearance` (kept as
//!   text), and for scoring `weight` (or `score`), `score_min`, `score_max`.
//! - Types: `integer`, `decimal`, `text`, `phone number`, `select_one L`, `select_multiple L`
//!   (also `select one from L`, `select all that apply from L`), `note`, `date`, `time`,
//!   `datetime`, `calculate`, `begin group`/`end group`, `begin repeat`/`end repeat`, and the
//!   metadata `start`, `end`, `today` (whose values the caller supplies).
//! - **choices**: `list_name` (or `list name`), `name`, `label`, `score`.
//! - **settings** (first row under the header): `form_title`, `form_id` (or `id_string`),
//!   `version`, `default_language`.
//!
//! # What is refused
//!
//! Anything that would change how the form behaves and that tandem does not implement is an
//! error naming the feature, never silently dropped: every other question type (`geopoint`,
//! `image`, `barcode`, `acknowledge`/`trigger`, `select_one_from_file`, `rank`, `deviceid`, …),
//! `or_other`, a non-empty `choice_filter`, `repeat_count`, `default`, `read_only`, `trigger`,
//! `parameters`, `body::`/`bind::`/`instance::` columns, an `appearance` starting with `ex:`
//! (launching another app), `required` written as an expression, unsupported expression
//! functions (see [`crate::expr`]), the `external_choices` and `entities` sheets, and the
//! settings `public_key` (encryption), `allow_choice_duplicates` and `add_none_option`. A survey
//! column that tandem does not know at all is refused too, since its meaning cannot be checked.
//!
//! # What is ignored, and why
//!
//! Only columns that change how a form looks, never what it accepts or stores:
//! media (`image`, `audio`, `video`, `big-image`, `media::…`; the media files are not inside the
//! workbook, and each question still has its text label), `autoplay`, `rows` (text-box height),
//! `guidance_hint`, and `buttonText`/`noAppErrorString` (which only accompany the refused `ex:`
//! appearance). In the choices sheet, columns other than those above are ignored: they can only
//! feed a `choice_filter`, which is refused where it is used. In settings, `instance_name`,
//! `submission_url`, `omit_instanceID`, `clean_text_values`, `style`, `namespaces`, `auto_send`
//! and `auto_delete` concern ODK's own clients and servers, not the form's questions. Other
//! sheets are ignored (authors keep notes and lookup tables beside their forms).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::archive::{self, Limits};
use crate::error::FormError;
use crate::expr::{BinOp, Expr, Expression};
use crate::model::{
    Choice, Form, Group, GroupKind, Item, Question, QuestionScoring, QuestionType, Translated,
    is_xml_name,
};

/// A sheet as strings: the header and the non-empty rows with their Excel row numbers.
struct Table {
    sheet: String,
    header: Vec<String>,
    header_row: usize,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn from_range(sheet: &str, range: &calamine::Range<Data>) -> Self {
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let mut rows = range.rows().enumerate().map(|(i, cells)| {
            // Cells left of the range's first column are empty; pad so that column indexes
            // match the header.
            let mut values = vec![String::new(); first_col];
            values.extend(cells.iter().map(cell_text));
            (first_row + i + 1, values)
        });
        let (header_row, header) = rows.next().unwrap_or((1, Vec::new()));
        let rows = rows
            .filter(|(_, values)| values.iter().any(|v| !v.is_empty()))
            .collect();
        Self {
            sheet: sheet.to_owned(),
            header: header.into_iter().map(|h| h.trim().to_owned()).collect(),
            header_row,
            rows,
        }
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        other => other.to_string().trim().to_owned(),
    }
}

/// What a column header means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Col {
    Type,
    Name,
    Label(String),
    Hint(String),
    Required,
    RequiredMessage(String),
    Constraint,
    ConstraintMessage(String),
    Relevant,
    Calculation,
    Appearance,
    Weight,
    ScoreMin,
    ScoreMax,
    ListName,
    /// Refused when a cell in it is filled; the text says what the feature is.
    Unsupported(&'static str),
    Ignored,
    Unknown,
}

/// Splits `label::French (fr)` (or `label:French (fr)`) into `label` and `French (fr)`.
fn split_header(header: &str) -> (String, String) {
    let (base, language) = match header.split_once("::") {
        Some((b, l)) => (b, l),
        None => match header.split_once(':') {
            Some((b, l)) if !b.eq_ignore_ascii_case("jr") => (b, l),
            _ => (header, ""),
        },
    };
    (base.trim().to_ascii_lowercase(), language.trim().to_owned())
}

fn survey_column(header: &str) -> Col {
    let lower = header.to_ascii_lowercase();
    match lower.as_str() {
        "jr:requiredmsg" => return Col::RequiredMessage(String::new()),
        "jr:constraintmsg" => return Col::ConstraintMessage(String::new()),
        _ => {}
    }
    let (base, lang) = split_header(header);
    match base.as_str() {
        "type" => Col::Type,
        "name" => Col::Name,
        "label" => Col::Label(lang),
        "hint" => Col::Hint(lang),
        "required" => Col::Required,
        "required_message" | "requiredmsg" => Col::RequiredMessage(lang),
        "constraint" => Col::Constraint,
        "constraint_message" | "constraintmsg" => Col::ConstraintMessage(lang),
        "relevant" | "relevance" => Col::Relevant,
        "calculation" | "calculate" => Col::Calculation,
        "appearance" => Col::Appearance,
        "weight" | "score" => Col::Weight,
        "score_min" => Col::ScoreMin,
        "score_max" => Col::ScoreMax,
        "choice_filter" => Col::Unsupported("filtering choices by earlier answers (choice_filter)"),
        "repeat_count" => Col::Unsupported("a fixed number of repeats (repeat_count)"),
        "default" => Col::Unsupported("default answers (default)"),
        "read_only" | "readonly" => Col::Unsupported("read-only questions (read_only)"),
        "trigger" => Col::Unsupported("recalculating on a trigger (trigger)"),
        "parameters" => Col::Unsupported("question parameters (parameters)"),
        "body" | "bind" | "instance" => {
            Col::Unsupported("raw XForm attributes (body::, bind::, instance::)")
        }
        "media" | "image" | "audio" | "video" | "big-image" | "autoplay" | "rows"
        | "guidance_hint" | "buttontext" | "noapperrorstring" => Col::Ignored,
        _ => Col::Unknown,
    }
}

fn choices_column(header: &str) -> Col {
    let (base, lang) = split_header(header);
    match base.as_str() {
        "list_name" | "list name" => Col::ListName,
        "name" | "value" => Col::Name,
        "label" => Col::Label(lang),
        "score" => Col::Weight,
        // Any other column can only feed a choice_filter, refused where it is used.
        _ => Col::Ignored,
    }
}

/// Collects problems for one file.
struct Problems {
    file: String,
    errors: Vec<FormError>,
}

impl Problems {
    fn cell(&mut self, sheet: &str, row: usize, column: &str, message: impl Into<String>) {
        self.errors.push(FormError::Cell {
            file: self.file.clone(),
            sheet: sheet.to_owned(),
            row,
            column: column.to_owned(),
            message: message.into(),
        });
    }

    fn sheet(&mut self, sheet: &str, message: impl Into<String>) {
        self.errors.push(FormError::Sheet {
            file: self.file.clone(),
            sheet: sheet.to_owned(),
            message: message.into(),
        });
    }
}

/// Reads an XLSForm workbook. `name` is the file name, used in messages and as the form id
/// when the settings sheet gives none. The archive is checked against `limits` before
/// anything is unpacked.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Form, Vec<FormError>> {
    archive::check(name, bytes, limits).map_err(|e| vec![e])?;
    let unreadable = |message: String| {
        vec![FormError::Unreadable {
            file: name.to_owned(),
            message,
        }]
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        unreadable(format!(
            "it is a zip archive but not an XLSX workbook ({e})"
        ))
    })?;
    let sheet_names = workbook.sheet_names();
    let mut problems = Problems {
        file: name.to_owned(),
        errors: Vec::new(),
    };
    let mut table = |wanted: &str| -> Result<Option<Table>, Vec<FormError>> {
        let Some(sheet) = sheet_names.iter().find(|s| s.eq_ignore_ascii_case(wanted)) else {
            return Ok(None);
        };
        let range = workbook
            .worksheet_range(sheet)
            .map_err(|e| unreadable(format!("sheet {sheet} cannot be read ({e})")))?;
        Ok(Some(Table::from_range(sheet, &range)))
    };
    let survey = table("survey")?;
    let choices = table("choices")?;
    let settings = table("settings")?;
    for sheet in &sheet_names {
        let lower = sheet.to_ascii_lowercase();
        if lower == "external_choices" || lower == "entities" || lower == "osm" {
            problems.sheet(sheet, format!("the `{lower}` sheet is not supported"));
        }
    }
    // A NUL or other control character in any cell is refused where it stands, before the
    // cells are interpreted, as every other input path refuses it (PostgreSQL cannot store a
    // NUL, and a label with a control character would corrupt the pages and exports it
    // appears in).
    for table in [&survey, &choices, &settings].into_iter().flatten() {
        refuse_control_characters(table, &mut problems);
    }
    if !problems.errors.is_empty() {
        return Err(problems.errors);
    }
    let Some(survey) = survey else {
        problems.sheet(
            sheet_names.first().map_or("(none)", String::as_str),
            format!(
                "the workbook has no `survey` sheet (its sheets: {})",
                sheet_names.join(", ")
            ),
        );
        return Err(problems.errors);
    };

    let mut languages = Vec::new();
    let choice_lists = choices
        .as_ref()
        .map(|t| read_choices(t, &mut problems, &mut languages))
        .unwrap_or_default();
    let settings = settings
        .as_ref()
        .map(|t| read_settings(t, &mut problems))
        .unwrap_or_default();
    let items = read_survey(&survey, &choice_lists, &mut problems, &mut languages);

    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem
        .strip_suffix(".xlsx")
        .or_else(|| stem.strip_suffix(".XLSX"))
        .unwrap_or(stem);
    let id = settings
        .get("form_id")
        .cloned()
        .unwrap_or_else(|| stem.to_owned());
    let form = Form {
        title: settings
            .get("form_title")
            .cloned()
            .unwrap_or_else(|| id.clone()),
        id,
        version: settings.get("version").cloned(),
        default_language: settings.get("default_language").cloned(),
        languages,
        items,
        choice_lists,
    };
    if problems.errors.is_empty() && form.items.is_empty() {
        problems.sheet(&survey.sheet, "the survey sheet has no questions");
    }
    if problems.errors.is_empty() {
        check_references(&form, &survey.sheet, &mut problems);
    }
    if problems.errors.is_empty() {
        Ok(form)
    } else {
        Err(problems.errors)
    }
}

/// Reports every cell of `table` (its header included) that holds a character
/// [`domain::values::is_refused_character`] refuses; line breaks and tabs are allowed.
fn refuse_control_characters(table: &Table, problems: &mut Problems) {
    let header = std::iter::once((table.header_row, &table.header));
    for (row, values) in header.chain(table.rows.iter().map(|(r, v)| (*r, v))) {
        for (i, value) in values.iter().enumerate() {
            let Some(bad) = value
                .chars()
                .find(|c| domain::values::is_refused_character(*c))
            else {
                continue;
            };
            // The column is named by its header, as elsewhere; a header that is itself at
            // fault, or missing, is named by its letter so the message stays printable.
            let column = table
                .header
                .get(i)
                .filter(|h| !h.is_empty() && !h.chars().any(domain::values::is_refused_character))
                .cloned()
                .unwrap_or_else(|| format!("column {}", column_letters(i)));
            problems.cell(
                &table.sheet,
                row,
                &column,
                format!(
                    "{} (found U+{:04X})",
                    domain::values::REFUSED_CHARACTER_MESSAGE,
                    u32::from(bad)
                ),
            );
        }
    }
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column index, as Excel letters its columns.
fn column_letters(mut i: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.into_iter().rev().collect()
}

fn note_language(languages: &mut Vec<String>, language: &str) {
    if !language.is_empty() && !languages.iter().any(|l| l == language) {
        languages.push(language.to_owned());
    }
}

fn read_choices(
    table: &Table,
    problems: &mut Problems,
    languages: &mut Vec<String>,
) -> BTreeMap<String, Vec<Choice>> {
    let cols: Vec<Col> = table.header.iter().map(|h| choices_column(h)).collect();
    for col in &cols {
        if let Col::Label(lang) = col {
            note_language(languages, lang);
        }
    }
    let find = |want: &Col| cols.iter().position(|c| c == want);
    let (Some(list_col), Some(name_col)) = (find(&Col::ListName), find(&Col::Name)) else {
        problems.sheet(&table.sheet, "needs the columns `list_name` and `name`");
        return BTreeMap::new();
    };
    let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    for (row, values) in &table.rows {
        let get = |i: usize| values.get(i).map_or("", String::as_str);
        let list = get(list_col);
        let name = get(name_col);
        if list.is_empty() {
            problems.cell(
                &table.sheet,
                *row,
                &table.header[list_col],
                "the list name is empty",
            );
            continue;
        }
        if name.is_empty() {
            problems.cell(
                &table.sheet,
                *row,
                &table.header[name_col],
                "the choice has no name",
            );
            continue;
        }
        let mut choice = Choice {
            name: name.to_owned(),
            label: Translated::default(),
            score: None,
            row: *row,
        };
        for (i, col) in cols.iter().enumerate() {
            let value = get(i);
            if value.is_empty() {
                continue;
            }
            match col {
                Col::Label(lang) => {
                    choice.label.0.insert(lang.clone(), value.to_owned());
                }
                Col::Weight => match value.parse::<f64>() {
                    Ok(s) if s.is_finite() => choice.score = Some(s),
                    _ => problems.cell(
                        &table.sheet,
                        *row,
                        &table.header[i],
                        format!("the score `{value}` is not a number"),
                    ),
                },
                _ => {}
            }
        }
        let entries = lists.entry(list.to_owned()).or_default();
        if let Some(first) = entries.iter().find(|c| c.name == name) {
            problems.cell(
                &table.sheet,
                *row,
                &table.header[name_col],
                format!(
                    "the choice `{name}` is already in list `{list}` (row {})",
                    first.row
                ),
            );
            continue;
        }
        entries.push(choice);
    }
    lists
}

fn read_settings(table: &Table, problems: &mut Problems) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some((row, values)) = table.rows.first() else {
        return out;
    };
    for (i, header) in table.header.iter().enumerate() {
        let value = values.get(i).map_or("", String::as_str);
        if value.is_empty() {
            continue;
        }
        let key = header.to_ascii_lowercase();
        match key.as_str() {
            "form_title" | "version" | "default_language" => {
                out.insert(key, value.to_owned());
            }
            "form_id" | "id_string" => {
                out.insert("form_id".to_owned(), value.to_owned());
            }
            "public_key" => problems.cell(
                &table.sheet,
                *row,
                header,
                "encrypted forms (public_key) are not supported",
            ),
            "allow_choice_duplicates" | "add_none_option" if truthy(value) => problems.cell(
                &table.sheet,
                *row,
                header,
                format!("the setting `{header}` is not supported"),
            ),
            // These concern ODK's clients and servers, not the questions (see module doc).
            _ => {}
        }
    }
    out
}

fn truthy(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "yes" | "true" | "true()" | "1"
    )
}

fn falsy(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "" | "no" | "false" | "false()" | "0"
    )
}

/// What a survey row's `type` cell asks for.
enum RowType {
    Question(QuestionType, Option<String>),
    Begin(GroupKind),
    End(GroupKind),
}

fn parse_type(raw: &str) -> Result<RowType, String> {
    let normal = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = normal.to_ascii_lowercase();
    let simple = match lower.as_str() {
        "integer" | "int" => Some(QuestionType::Integer),
        "decimal" => Some(QuestionType::Decimal),
        "text" | "string" => Some(QuestionType::Text),
        "phone number" => Some(QuestionType::PhoneNumber),
        "note" => Some(QuestionType::Note),
        "date" => Some(QuestionType::Date),
        "time" => Some(QuestionType::Time),
        "datetime" => Some(QuestionType::DateTime),
        "calculate" => Some(QuestionType::Calculate),
        "start" => Some(QuestionType::Start),
        "end" => Some(QuestionType::End),
        "today" => Some(QuestionType::Today),
        _ => None,
    };
    if let Some(kind) = simple {
        return Ok(RowType::Question(kind, None));
    }
    match lower.replace('_', " ").as_str() {
        "begin group" => return Ok(RowType::Begin(GroupKind::Group)),
        "end group" => return Ok(RowType::End(GroupKind::Group)),
        "begin repeat" => return Ok(RowType::Begin(GroupKind::Repeat)),
        "end repeat" => return Ok(RowType::End(GroupKind::Repeat)),
        _ => {}
    }
    let words: Vec<&str> = normal.split(' ').collect();
    let select = |kind, rest: &[&str]| -> Result<RowType, String> {
        let rest: Vec<&str> = match rest {
            ["from", tail @ ..] => tail.to_vec(),
            other => other.to_vec(),
        };
        match rest.as_slice() {
            [list] => Ok(RowType::Question(kind, Some((*list).to_owned()))),
            [_, other] if other.eq_ignore_ascii_case("or_other") => {
                Err("`or_other` (a free-text \"other\" choice) is not supported".into())
            }
            _ => Err(format!("`{raw}` should name one choice list")),
        }
    };
    let lowered: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lw: Vec<&str> = lowered.iter().map(String::as_str).collect();
    match lw.as_slice() {
        ["select_one", ..] => select(QuestionType::SelectOne, &words[1..]),
        ["select", "one", ..] => select(QuestionType::SelectOne, &words[2..]),
        ["select_multiple", ..] => select(QuestionType::SelectMultiple, &words[1..]),
        ["select", "all", "that", "apply", ..] => select(QuestionType::SelectMultiple, &words[4..]),
        [first, ..]
            if matches!(
                *first,
                "select_one_from_file"
                    | "select_multiple_from_file"
                    | "rank"
                    | "geopoint"
                    | "geotrace"
                    | "geoshape"
                    | "image"
                    | "audio"
                    | "video"
                    | "file"
                    | "barcode"
                    | "acknowledge"
                    | "trigger"
                    | "range"
                    | "hidden"
                    | "xml-external"
                    | "csv-external"
                    | "background-audio"
                    | "background-geopoint"
                    | "deviceid"
                    | "phonenumber"
                    | "subscriberid"
                    | "simserial"
                    | "username"
                    | "email"
                    | "audit"
                    | "uri:deviceid"
                    | "begin loop"
                    | "begin_loop"
                    | "start-geopoint"
            ) =>
        {
            Err(format!("the question type `{normal}` is not supported"))
        }
        _ => Err(format!("`{normal}` is not a question type tandem knows")),
    }
}

/// A group being built while its rows are read.
struct Open {
    group: Group,
}

fn read_survey(
    table: &Table,
    choice_lists: &BTreeMap<String, Vec<Choice>>,
    problems: &mut Problems,
    languages: &mut Vec<String>,
) -> Vec<Item> {
    let sheet = table.sheet.as_str();
    let cols: Vec<Col> = table.header.iter().map(|h| survey_column(h)).collect();
    for col in &cols {
        match col {
            Col::Label(l) | Col::Hint(l) | Col::RequiredMessage(l) | Col::ConstraintMessage(l) => {
                note_language(languages, l);
            }
            _ => {}
        }
    }
    let type_col = cols.iter().position(|c| *c == Col::Type);
    let name_col = cols.iter().position(|c| *c == Col::Name);
    let (Some(type_col), Some(name_col)) = (type_col, name_col) else {
        problems.sheet(sheet, "needs the columns `type` and `name`");
        return Vec::new();
    };
    // Unknown columns: reported once, on the header row, if any cell uses them.
    for (i, col) in cols.iter().enumerate() {
        if *col == Col::Unknown
            && table
                .rows
                .iter()
                .any(|(_, v)| v.get(i).is_some_and(|s| !s.is_empty()))
        {
            if table.header[i].is_empty() {
                // No header to name it by: name it by its letter, as the sheet shows it.
                let letter = format!("column {}", column_letters(i));
                problems.cell(
                    sheet,
                    table.header_row,
                    &letter,
                    format!("{letter} has cells filled in but no header naming what they are"),
                );
            } else {
                problems.cell(
                    sheet,
                    table.header_row,
                    &table.header[i],
                    format!("the column `{}` is not one tandem knows", table.header[i]),
                );
            }
        }
    }

    let mut stack: Vec<Open> = Vec::new();
    let mut top: Vec<Item> = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();

    for (row, values) in &table.rows {
        let row = *row;
        let get = |i: usize| values.get(i).map_or("", String::as_str);
        let col_name = |i: usize| table.header[i].as_str();
        let raw_type = get(type_col);
        if raw_type.is_empty() {
            problems.cell(sheet, row, col_name(type_col), "the row has no type");
            continue;
        }
        // Features refused wherever they are filled in.
        for (i, col) in cols.iter().enumerate() {
            if let Col::Unsupported(what) = col {
                let value = get(i);
                let harmless = matches!(*what, "read-only questions (read_only)") && falsy(value);
                if !value.is_empty() && !harmless {
                    problems.cell(sheet, row, col_name(i), format!("{what} is not supported"));
                }
            }
        }
        let row_type = match parse_type(raw_type) {
            Ok(t) => t,
            Err(message) => {
                problems.cell(sheet, row, col_name(type_col), message);
                continue;
            }
        };
        if let RowType::End(kind) = row_type {
            match stack.pop() {
                Some(open) if open.group.kind == kind => {
                    let item = Item::Group(open.group);
                    match stack.last_mut() {
                        Some(parent) => parent.group.items.push(item),
                        None => top.push(item),
                    }
                }
                Some(open) => {
                    problems.cell(
                        sheet,
                        row,
                        col_name(type_col),
                        format!(
                            "`{raw_type}` closes the {} `{}` begun on row {}",
                            kind_word(open.group.kind),
                            open.group.name,
                            open.group.row
                        ),
                    );
                    // Keep reading with the block closed, so later rows are still checked.
                }
                None => problems.cell(
                    sheet,
                    row,
                    col_name(type_col),
                    format!("`{raw_type}` has no matching begin {}", kind_word(kind)),
                ),
            }
            continue;
        }

        let name = get(name_col);
        if name.is_empty() {
            problems.cell(sheet, row, col_name(name_col), "the name is empty");
        } else if !is_xml_name(name) {
            problems.cell(
                sheet,
                row,
                col_name(name_col),
                format!(
                    "`{name}` is not a valid name: start with a letter or `_`, then letters, digits, `_`, `-` or `.`"
                ),
            );
        } else if let Some(first) = names.get(name) {
            problems.cell(
                sheet,
                row,
                col_name(name_col),
                format!("the name `{name}` is already used on row {first}"),
            );
        } else {
            names.insert(name.to_owned(), row);
        }

        let mut label = Translated::default();
        let mut hint = Translated::default();
        let mut required_message = Translated::default();
        let mut constraint_message = Translated::default();
        let mut required = false;
        let mut constraint = None;
        let mut relevant = None;
        let mut calculation = None;
        let mut appearance = None;
        let mut weight = None;
        let mut score_min = None;
        let mut score_max = None;
        for (i, col) in cols.iter().enumerate() {
            let value = get(i);
            if value.is_empty() {
                continue;
            }
            let expression = |problems: &mut Problems| match Expression::parse(value) {
                Ok(e) => Some(e),
                Err(message) => {
                    problems.cell(sheet, row, col_name(i), format!("in `{value}`: {message}"));
                    None
                }
            };
            let number = |problems: &mut Problems| match value.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    problems.cell(
                        sheet,
                        row,
                        col_name(i),
                        format!("`{value}` is not a number"),
                    );
                    None
                }
            };
            match col {
                Col::Label(l) => {
                    label.0.insert(l.clone(), value.to_owned());
                }
                Col::Hint(l) => {
                    hint.0.insert(l.clone(), value.to_owned());
                }
                Col::RequiredMessage(l) => {
                    required_message.0.insert(l.clone(), value.to_owned());
                }
                Col::ConstraintMessage(l) => {
                    constraint_message.0.insert(l.clone(), value.to_owned());
                }
                Col::Required => {
                    if truthy(value) {
                        required = true;
                    } else if !falsy(value) {
                        problems.cell(
                            sheet,
                            row,
                            col_name(i),
                            format!("`required` as an expression (`{value}`) is not supported; write yes or no"),
                        );
                    }
                }
                Col::Constraint => constraint = expression(problems),
                Col::Relevant => relevant = expression(problems),
                Col::Calculation => calculation = expression(problems),
                Col::Appearance => {
                    if value.to_ascii_lowercase().starts_with("ex:") {
                        problems.cell(
                            sheet,
                            row,
                            col_name(i),
                            format!(
                                "launching another app (appearance `{value}`) is not supported"
                            ),
                        );
                    }
                    appearance = Some(value.to_owned());
                }
                Col::Weight => weight = number(problems),
                Col::ScoreMin => score_min = number(problems),
                Col::ScoreMax => score_max = number(problems),
                _ => {}
            }
        }

        match row_type {
            RowType::Begin(kind) => {
                let behaviour = [
                    ("required", required),
                    ("constraint", constraint.is_some()),
                    ("calculation", calculation.is_some()),
                    (
                        "weight",
                        weight.is_some() || score_min.is_some() || score_max.is_some(),
                    ),
                ];
                for (what, set) in behaviour {
                    if set {
                        problems.cell(
                            sheet,
                            row,
                            col_name(type_col),
                            format!("`{what}` on a {} is not supported", kind_word(kind)),
                        );
                    }
                }
                let in_repeat = stack.iter().any(|o| o.group.kind == GroupKind::Repeat);
                if in_repeat && kind == GroupKind::Repeat {
                    problems.cell(
                        sheet,
                        row,
                        col_name(type_col),
                        "a repeat inside a repeat is not supported",
                    );
                }
                stack.push(Open {
                    group: Group {
                        name: name.to_owned(),
                        kind,
                        label,
                        relevant,
                        appearance,
                        items: Vec::new(),
                        row,
                    },
                });
            }
            RowType::Question(kind, list) => {
                let type_name = col_name(type_col);
                if let Some(list) = &list {
                    match choice_lists.get(list) {
                        None => problems.cell(
                            sheet,
                            row,
                            type_name,
                            format!("the choice list `{list}` is not in the choices sheet"),
                        ),
                        Some(c) if c.is_empty() => problems.cell(
                            sheet,
                            row,
                            type_name,
                            format!("the choice list `{list}` has no choices"),
                        ),
                        Some(_) => {}
                    }
                }
                if kind == QuestionType::Calculate && calculation.is_none() {
                    problems.cell(
                        sheet,
                        row,
                        type_name,
                        "a `calculate` row needs a calculation",
                    );
                }
                if kind != QuestionType::Calculate && calculation.is_some() {
                    problems.cell(
                        sheet,
                        row,
                        type_name,
                        format!("a calculation on a `{raw_type}` question is not supported (use a `calculate` row)"),
                    );
                }
                let scoring = question_scoring(
                    kind,
                    list.as_ref().and_then(|l| choice_lists.get(l)),
                    weight,
                    (score_min, score_max),
                    constraint.as_ref(),
                )
                .unwrap_or_else(|message| {
                    problems.cell(sheet, row, type_name, message);
                    None
                });
                if scoring.is_some() && stack.iter().any(|o| o.group.kind == GroupKind::Repeat) {
                    problems.cell(
                        sheet,
                        row,
                        type_name,
                        "scored questions inside a repeat are not supported",
                    );
                }
                let question = Question {
                    name: name.to_owned(),
                    kind,
                    label,
                    hint,
                    required,
                    required_message,
                    constraint,
                    constraint_message,
                    relevant,
                    calculation,
                    choices: list,
                    appearance,
                    scoring,
                    row,
                };
                let item = Item::Question(question);
                match stack.last_mut() {
                    Some(parent) => parent.group.items.push(item),
                    None => top.push(item),
                }
            }
            RowType::End(_) => {}
        }
    }
    for open in stack {
        problems.cell(
            sheet,
            open.group.row,
            col_name_or(&table.header, type_col),
            format!(
                "the {} `{}` begun here is never ended",
                kind_word(open.group.kind),
                open.group.name
            ),
        );
    }
    top
}

fn col_name_or(header: &[String], i: usize) -> &str {
    header.get(i).map_or("type", String::as_str)
}

fn kind_word(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Group => "group",
        GroupKind::Repeat => "repeat",
    }
}

/// Applies the scoring convention of [`crate::scoring`] to one survey row.
fn question_scoring(
    kind: QuestionType,
    choices: Option<&Vec<Choice>>,
    weight: Option<f64>,
    bounds: (Option<f64>, Option<f64>),
    constraint: Option<&Expression>,
) -> Result<Option<QuestionScoring>, String> {
    if weight.is_some_and(|w| w < 0.0) {
        return Err("a weight cannot be negative".into());
    }
    let has_bounds = bounds.0.is_some() || bounds.1.is_some();
    match kind {
        QuestionType::SelectOne | QuestionType::SelectMultiple => {
            if has_bounds {
                return Err("score_min/score_max apply to integer or decimal questions; score choices in the choices sheet".into());
            }
            let scored = choices.is_some_and(|c| c.iter().any(|c| c.score.is_some()));
            if !scored {
                return match weight {
                    Some(_) => Err("this question has a weight, but none of its choices has a score (add a `score` column to the choices sheet)".into()),
                    None => Ok(None),
                };
            }
            Ok(Some(QuestionScoring {
                weight: weight.unwrap_or(1.0),
                range: None,
            }))
        }
        QuestionType::Integer | QuestionType::Decimal => {
            if weight.is_none() && !has_bounds {
                return Ok(None);
            }
            let range = match bounds {
                (Some(lo), Some(hi)) => (lo, hi),
                (None, None) => constraint.and_then(range_of).ok_or(
                    "a scored number needs a range: give score_min and score_max, or a constraint such as `. >= 0 and . <= 5`",
                )?,
                _ => return Err("give both score_min and score_max".into()),
            };
            if range.0 >= range.1 {
                return Err(format!("the score range {}–{} is empty", range.0, range.1));
            }
            Ok(Some(QuestionScoring {
                weight: weight.unwrap_or(1.0),
                range: Some(range),
            }))
        }
        _ if weight.is_some() || has_bounds => {
            Err(format!("a `{}` question cannot be scored", kind.as_str()))
        }
        _ => Ok(None),
    }
}

/// The range in a constraint of the form `. >= a and . <= b` (either order, `>`/`<` too).
fn range_of(constraint: &Expression) -> Option<(f64, f64)> {
    let Expr::Binary {
        operator: BinOp::And,
        left,
        right,
    } = &constraint.ast
    else {
        return None;
    };
    let bound = |e: &Expr| -> Option<(bool, f64)> {
        // Returns (is lower bound, value).
        let Expr::Binary {
            operator,
            left,
            right,
        } = e
        else {
            return None;
        };
        match (left.as_ref(), right.as_ref()) {
            (Expr::Current, Expr::Number { value }) => match operator {
                BinOp::Ge | BinOp::Gt => Some((true, *value)),
                BinOp::Le | BinOp::Lt => Some((false, *value)),
                _ => None,
            },
            (Expr::Number { value }, Expr::Current) => match operator {
                BinOp::Le | BinOp::Lt => Some((true, *value)),
                BinOp::Ge | BinOp::Gt => Some((false, *value)),
                _ => None,
            },
            _ => None,
        }
    };
    match (bound(left)?, bound(right)?) {
        ((true, lo), (false, hi)) | ((false, hi), (true, lo)) => Some((lo, hi)),
        _ => None,
    }
}

/// Every `${name}` in labels, hints, messages and expressions must name a question.
fn check_references(form: &Form, sheet: &str, problems: &mut Problems) {
    let known: HashSet<&str> = form
        .questions()
        .iter()
        .map(|(_, q)| q.name.as_str())
        .collect();
    let mut check = |row: usize, column: &str, refs: Vec<String>| {
        for r in refs {
            if !known.contains(r.as_str()) {
                problems.cell(
                    sheet,
                    row,
                    column,
                    format!("`${{{r}}}` does not name a question in this form"),
                );
            }
        }
    };
    let text_refs =
        |t: &Translated| -> Vec<String> { t.0.values().flat_map(|s| template_refs(s)).collect() };
    let expr_refs = |e: &Option<Expression>| -> Vec<String> {
        e.iter()
            .flat_map(|e| e.references())
            .map(str::to_owned)
            .collect()
    };
    fn groups<'a>(items: &'a [Item], out: &mut Vec<&'a Group>) {
        for item in items {
            if let Item::Group(g) = item {
                out.push(g);
                groups(&g.items, out);
            }
        }
    }
    let mut all_groups = Vec::new();
    groups(&form.items, &mut all_groups);
    for g in all_groups {
        check(g.row, "label", text_refs(&g.label));
        check(g.row, "relevant", expr_refs(&g.relevant));
    }
    for (_, q) in form.questions() {
        check(q.row, "label", text_refs(&q.label));
        check(q.row, "hint", text_refs(&q.hint));
        check(
            q.row,
            "constraint_message",
            text_refs(&q.constraint_message),
        );
        check(q.row, "relevant", expr_refs(&q.relevant));
        check(q.row, "constraint", expr_refs(&q.constraint));
        check(q.row, "calculation", expr_refs(&q.calculation));
    }
}

/// The `${name}` references in label text.
pub(crate) fn template_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].trim().to_owned());
        rest = &after[end + 1..];
    }
    out
}
