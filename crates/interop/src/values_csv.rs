//! Aggregate values from CSV (C10): `data_element,org_unit,period,value[,comment]`, one value a
//! row, codes as tandem knows them, periods as DHIS2 ids (`202609`, `2026Q3`). This reads the
//! file; the store checks codes, levels, periods and ranges and writes all rows or none.

use crate::ImportError;
use crate::csv_rows::{Columns, read_rows};
use domain::indicators::NewValue;
use std::io::Read;

const COLUMNS: Columns = Columns {
    required: &["data_element", "org_unit", "period", "value"],
    optional: &["comment"],
};

/// Reads the values with their row numbers (the header is row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<(usize, NewValue)>, ImportError> {
    read_rows(file, input, &COLUMNS, |row, problems| {
        let mut missing = false;
        for name in COLUMNS.required {
            if row.cell(name).is_empty() {
                problems.push(row.at(), *name, "is empty");
                missing = true;
            }
        }
        if missing {
            return None;
        }
        let raw = row.cell("value");
        let Ok(value) = raw.parse::<f64>() else {
            problems.push(row.at(), "value", format!("'{raw}' is not a number"));
            return None;
        };
        Some(NewValue {
            data_element_code: row.cell("data_element"),
            org_unit_code: row.cell("org_unit"),
            period: row.cell("period"),
            value,
            comment: row.cell("comment"),
        })
    })
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
