//! Aggregate values from CSV (C10): `data_element,org_unit,period,value[,comment]`, one value a
//! row, codes as tandem knows them, periods as DHIS2 ids (`202609`, `2026Q3`). This reads the
//! file; the store checks codes, levels, periods and ranges and writes all rows or none.

use crate::csv_rows::{Columns, Row, RowStream};
use crate::{ImportError, Problems};
use domain::indicators::NewValue;
use std::io::Read;

const COLUMNS: Columns = Columns {
    required: &["data_element", "org_unit", "period", "value"],
    optional: &["comment"],
};

/// Reads the values with their row numbers (the header is row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<(usize, NewValue)>, ImportError> {
    rows(file, input)?.collect()
}

/// The values as a stream, read a record at a time, so a file of millions of rows is read in
/// the memory of one: the header is checked first (an error here), then each item is a value
/// with its row number. At the first bad row the stream reads on only for more problems and
/// yields them all as one error, which means values already taken must be discarded: the
/// store writes an import in one transaction, rolled back on that error.
pub fn rows<R: Read>(
    file: &str,
    input: R,
) -> Result<impl Iterator<Item = Result<(usize, NewValue), ImportError>>, ImportError> {
    RowStream::new(file, input, &COLUMNS, read_value)
}

/// One row's value, or `None` with its problems reported.
fn read_value(row: &Row<'_>, problems: &mut Problems) -> Option<NewValue> {
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

    #[test]
    fn the_stream_hands_out_good_rows_then_one_error_with_every_problem() {
        let text = "data_element,org_unit,period,value\nA,F1,202609,1\nA,F1,202610,2\nA,F1,202611,x\nA,,202612,3\nA,F1,202701,4\n";
        let items: Vec<_> = rows("v.csv", text.as_bytes()).unwrap().collect();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().0, 2);
        assert_eq!(items[1].as_ref().unwrap().0, 3);
        let err = items[2].as_ref().unwrap_err().to_string();
        assert_eq!(
            err,
            "v.csv: row 4, value: 'x' is not a number\nv.csv: row 5, org_unit: is empty"
        );
        // The same file read whole names the same problems.
        assert_eq!(
            parse("v.csv", text.as_bytes()).unwrap_err().to_string(),
            err
        );
        let header = rows("h.csv", "data_element,org_unit\n".as_bytes()).err();
        assert!(header.is_some_and(|e| e.to_string().contains("period")));
        let empty: Vec<_> = rows("e.csv", "data_element,org_unit,period,value\n".as_bytes())
            .unwrap()
            .collect();
        assert_eq!(
            empty[0].as_ref().unwrap_err().to_string(),
            "e.csv: file, -: has no data rows"
        );
    }

    #[test]
    fn the_stream_stops_reading_once_the_report_is_full() {
        let mut text = String::from("data_element,org_unit,period,value\n");
        for _ in 0..200 {
            text.push_str("A,F1,202609,x\n");
        }
        let err = parse("v.csv", text.as_bytes()).unwrap_err();
        assert_eq!(err.errors.len(), crate::MAX_REPORTED);
        assert_eq!(err.errors[49].location, "row 51");
    }
}
