//! Org units from CSV: `code,name,level,parent_code[,dhis2_uid,latitude,longitude]`, parents
//! before children.

use crate::{ImportError, Problems, header_index};
use domain::org_units::{NewOrgUnit, OrgUnitInput};
use std::io::Read;

const REQUIRED: &[&str] = &["code", "name", "level"];
const OPTIONAL: &[&str] = &["parent_code", "dhis2_uid", "latitude", "longitude"];

/// Parses the file; rows are numbered as a spreadsheet shows them (header = row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<(usize, NewOrgUnit)>, ImportError> {
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
        let number = |name: &str, problems: &mut Problems| -> Option<f64> {
            let raw = cell(name);
            if raw.is_empty() {
                return None;
            }
            raw.parse()
                .map_err(|_| {
                    problems.push(
                        format!("row {row}"),
                        name,
                        format!("'{raw}' is not a number"),
                    )
                })
                .ok()
        };
        let latitude = number("latitude", &mut problems);
        let longitude = number("longitude", &mut problems);
        let input = OrgUnitInput {
            parent_code: Some(cell("parent_code")),
            level: cell("level"),
            code: cell("code"),
            name: cell("name"),
            dhis2_uid: Some(cell("dhis2_uid")),
            latitude,
            longitude,
        };
        match input.validate() {
            Ok(unit) => rows.push((row, unit)),
            Err(errors) => {
                for e in errors.0 {
                    problems.push(format!("row {row}"), e.field, e.message);
                }
            }
        }
    }
    if rows.is_empty() && problems.errors.is_empty() {
        problems.push("file", "-", "has no data rows");
    }
    problems.finish(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tree_and_names_bad_rows() {
        let csv = "code,name,level,parent_code,latitude,longitude\nET,Ethiopia,country,,,\nET-AM,Amhara,region,ET,11.6,37.4\n";
        let rows = parse("units.csv", csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 3);

        let bad = "code,name,level,parent_code,latitude\nET,Ethiopia,country,,\nET AM,Amhara,province,ET,north\n";
        let err = parse("units.csv", bad.as_bytes()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("units.csv: row 3, latitude: 'north' is not a number"),
            "{text}"
        );
        assert!(text.contains("row 3, level"), "{text}");
        assert!(text.contains("row 3, code"), "{text}");
    }

    #[test]
    fn header_problems_and_empty_files_are_errors() {
        let err = parse("u.csv", "code,name,colour\n".as_bytes()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("colour: unknown column"), "{text}");
        assert!(text.contains("level: required column is missing"), "{text}");
        assert!(
            parse("u.csv", "code,name,level\n".as_bytes())
                .unwrap_err()
                .to_string()
                .contains("no data rows")
        );
        assert!(parse("u.csv", "".as_bytes()).is_err());
    }
}
