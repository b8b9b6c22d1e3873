//! What every CSV import does around its own columns: read the header against the columns it
//! knows, number the rows as a spreadsheet shows them (header = row 1), report an unreadable
//! row and go on, and refuse a file with no data rows. Each format only turns one row into its
//! value.

use crate::{ImportError, Problems};
use std::collections::HashMap;
use std::io::Read;

/// The columns a format knows: a file without a required one, or with any other, is refused
/// before its rows are read.
pub(crate) struct Columns {
    /// Columns every file must have.
    pub required: &'static [&'static str],
    /// Columns a file may have.
    pub optional: &'static [&'static str],
}

/// One data row of the file, its cells looked up by column name.
pub(crate) struct Row<'a> {
    at: String,
    record: &'a csv::StringRecord,
    index: &'a HashMap<String, usize>,
}

impl Row<'_> {
    /// Where the row is, as its problems name it: `row 7`.
    pub(crate) fn at(&self) -> &str {
        &self.at
    }

    /// The trimmed cell of `column`; empty when the file has no such column.
    pub(crate) fn cell(&self, column: &str) -> String {
        self.index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .unwrap_or("")
            .to_owned()
    }

    /// The cell of `column`, or `None` when it is empty or absent.
    pub(crate) fn optional(&self, column: &str) -> Option<String> {
        Some(self.cell(column)).filter(|v| !v.is_empty())
    }
}

/// Reads `input` (named `file` in errors) with `columns`, handing each readable row to `read`,
/// which reports what is wrong with it to the problems and returns its value, or `None` to
/// leave the row out. Returns the values with their row numbers, or every problem found (up to
/// [`crate::MAX_REPORTED`]).
pub(crate) fn read_rows<T, R: Read>(
    file: &str,
    input: R,
    columns: &Columns,
    read: impl FnMut(&Row<'_>, &mut Problems) -> Option<T>,
) -> Result<Vec<(usize, T)>, ImportError> {
    // The stream yields every problem at once, in one error, so the first error is all of them.
    RowStream::new(file, input, columns, read)?.collect()
}

/// The rows of a CSV file as a stream: each readable row's value with its row number, read one
/// record at a time into one reused buffer, so memory does not grow with the file.
///
/// Once a row has a problem the stream stops handing out values and reads on only for more
/// problems (up to [`crate::MAX_REPORTED`]); then it yields one error holding them all, and
/// ends. A caller that already used earlier values must discard them (the imports write in
/// one transaction and roll it back).
pub(crate) struct RowStream<R, F> {
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
    index: HashMap<String, usize>,
    record: csv::StringRecord,
    problems: Problems,
    read: F,
    /// The number of the last row read (the header is row 1).
    number: usize,
    /// Values handed out or, after a problem, that would have been.
    values: usize,
    done: bool,
}

impl<R: Read, T, F: FnMut(&Row<'_>, &mut Problems) -> Option<T>> RowStream<R, F> {
    /// Reads and checks the header; the rows are read as the stream is consumed.
    pub(crate) fn new(
        file: &str,
        input: R,
        columns: &Columns,
        read: F,
    ) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| ImportError::whole_file(file, format!("not readable as CSV: {e}")))?
            .clone();
        let index = header_index(file, &headers, columns)?;
        Ok(Self {
            reader,
            headers,
            index,
            record: csv::StringRecord::new(),
            problems: Problems::new(file),
            read,
            number: 1,
            values: 0,
            done: false,
        })
    }

    /// Reads the next record and turns it into its value; `None` at the end of the file.
    /// Problems go to `self.problems`.
    fn next_row(&mut self) -> Option<Option<(usize, T)>> {
        let more = self.reader.read_record(&mut self.record);
        self.number += 1;
        let at = format!("row {}", self.number);
        match more {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                self.problems
                    .push(&at, "-", format!("not readable as CSV: {e}"));
                // The csv reader goes on with the next record after a malformed one, as the
                // whole-file read always did; an I/O error, though, would repeat for ever.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return None;
                }
                return Some(None);
            }
        }
        // A NUL or other control character in a cell is refused where it stands, as every
        // other input path refuses it (PostgreSQL cannot store a NUL at all).
        if let Some(column) = self
            .record
            .iter()
            .position(|cell| cell.chars().any(domain::values::is_refused_character))
        {
            let name = self
                .headers
                .get(column)
                .unwrap_or("-")
                .trim()
                .to_ascii_lowercase();
            self.problems
                .push(&at, name, domain::values::REFUSED_CHARACTER_MESSAGE);
            return Some(None);
        }
        let row = Row {
            at,
            record: &self.record,
            index: &self.index,
        };
        Some((self.read)(&row, &mut self.problems).map(|value| (self.number, value)))
    }

    /// The problems found, as the stream's last item.
    fn failure(&mut self) -> ImportError {
        let file = self.problems.file.clone();
        ImportError {
            file,
            errors: std::mem::take(&mut self.problems.errors),
        }
    }
}

impl<R: Read, T, F: FnMut(&Row<'_>, &mut Problems) -> Option<T>> Iterator for RowStream<R, F> {
    type Item = Result<(usize, T), ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.next_row() {
                None => {
                    self.done = true;
                    if self.values == 0 && self.problems.errors_is_empty() {
                        self.problems.push("file", "-", "has no data rows");
                    }
                }
                Some(Some(value)) => {
                    self.values += 1;
                    if self.problems.errors_is_empty() {
                        return Some(Ok(value));
                    }
                }
                Some(None) => {}
            }
            // More would not be listed; the file is not read further.
            if self.problems.errors.len() >= crate::MAX_REPORTED {
                self.done = true;
            }
        }
        if self.problems.errors_is_empty() {
            None
        } else {
            Some(Err(self.failure()))
        }
    }
}

/// Reads a CSV header and returns, for each known column, its index; unknown columns and
/// missing required ones are errors.
fn header_index(
    file: &str,
    headers: &csv::StringRecord,
    columns: &Columns,
) -> Result<HashMap<String, usize>, ImportError> {
    let Columns { required, optional } = columns;
    let mut problems = Problems::new(file);
    let mut index = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        if name.is_empty() {
            // A header cell left empty has no name to report, so it is named by position.
            problems.push(
                "row 1",
                format!("column {}", i + 1),
                format!(
                    "the column has no name; expected some of: {}",
                    [*required, *optional].concat().join(", ")
                ),
            );
        } else if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
            problems.push(
                "row 1",
                name.clone(),
                format!(
                    "unknown column; expected some of: {}",
                    [*required, *optional].concat().join(", ")
                ),
            );
        } else if index.insert(name.clone(), i).is_some() {
            problems.push("row 1", name, "column appears twice");
        }
    }
    for name in *required {
        if !index.contains_key(*name) {
            problems.push("row 1", *name, "required column is missing");
        }
    }
    problems.finish(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: Columns = Columns {
        required: &["code"],
        optional: &["name"],
    };

    fn codes(csv: &str) -> Result<Vec<(usize, String)>, ImportError> {
        read_rows("f.csv", csv.as_bytes(), &COLUMNS, |row, _| {
            Some(row.cell("code") + &row.cell("name"))
        })
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        let rows = codes("\u{feff}CODE\nA\nB\n").unwrap();
        assert_eq!(rows, [(2, "A".to_owned()), (3, "B".to_owned())]);
    }

    #[test]
    fn an_unreadable_row_is_named_and_the_rest_are_read() {
        let text = codes("code,name\nA,x\nB,y,z\nC,w\n")
            .unwrap_err()
            .to_string();
        assert!(
            text.starts_with("f.csv: row 3, -: not readable as CSV"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        let text = codes("code,code\nA,B\n").unwrap_err().to_string();
        assert_eq!(text, "f.csv: row 1, code: column appears twice");
    }

    #[test]
    fn a_column_without_a_name_is_named_by_its_position() {
        // Found by fuzzing (fuzz/regressions/org_units_csv): the error once named no field.
        let text = codes("code,,name\nA,x,y\n").unwrap_err().to_string();
        assert_eq!(
            text,
            "f.csv: row 1, column 2: the column has no name; expected some of: code, name"
        );
    }

    #[test]
    fn a_control_character_is_named_by_row_and_column() {
        let text = codes("code,name\nA,ok\nB,bad\u{0}name\nC,two\tparts\n")
            .unwrap_err()
            .to_string();
        assert!(
            text.starts_with("f.csv: row 3, name: must not contain control characters"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}
