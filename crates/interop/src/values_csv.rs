//! Aggregate values from CSV (C10): `data_element,org_unit,period,value[,comment]`, one value a
//! row, codes as tandem knows them, periods as DHIS2 ids (`202609`, `2026Q3`). This reads the
//! file; the store checks codes, levels, periods and ranges and writes all rows or none.

use crate::{ImportError, Problems, header_index};
use domain::indicators::NewValue;
use std::io::Read;

const REQUIRED: &[&str] = &["data_element", "org_unit", "period", "value"];
const OPTIONAL: &[&str] = &["comment"];

/// Reads the values with their row numbers (the header is row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<(usize, NewValue)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::whole_file(file, format!("not readable as CSV: {e}")))?
        .clone();
    let index = header_index(file, &headers, REQUIRED, OPTIONAL)?;
    let mut problems = Problems::new(file);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(
                    format!("row {row}"),
                    "-",
                    format!("not readable as CSV: {e}"),
                );
                continue;
            }
        };
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or("")
                .to_owned()
        };
        let mut missing = false;
        for name in ["data_element", "org_unit", "period", "value"] {
            if cell(name).is_empty() {
                problems.push(format!("row {row}"), name, "is empty");
                missing = true;
            }
        }
        if missing {
            continue;
        }
        let raw = cell("value");
        let Ok(value) = raw.parse::<f64>() else {
            problems.push(
                format!("row {row}"),
                "value",
                format!("'{raw}' is not a number"),
            );
            continue;
        };
        rows.push((
            row,
            NewValue {
                data_element_code: cell("data_element"),
                org_unit_code: cell("org_unit"),
                period: cell("period"),
                value,
                comment: cell("comment"),
            },
        ));
    }
    if rows.is_empty() && problems.errors_is_empty() {
        problems.push("file", "-", "has no data rows");
    }
    problems.finish(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_names_bad_rows() {
        let good = "data_element,org_unit,period,value,comment\nOPERATIONS,F1,202609,40,\nSSI_CASES,F1,2026Q3,2,late\n";
        let rows = parse("v.csv", good.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[1].1.comment, "late");
        let bad =
            "data_element,org_unit,period,value\nOPERATIONS,F1,202609,forty\nSSI_CASES,,2026Q3,2\n";
        let err = parse("v.csv", bad.as_bytes()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("v.csv: row 2, value: 'forty' is not a number"),
            "{text}"
        );
        assert!(text.contains("v.csv: row 3, org_unit: is empty"), "{text}");
        let no_value = parse("w.csv", "data_element,org_unit,period\n".as_bytes()).unwrap_err();
        assert!(no_value.to_string().contains("value"), "{no_value}");
    }
}
