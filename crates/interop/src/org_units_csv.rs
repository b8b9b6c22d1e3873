//! Org units from CSV: `code,name,level,parent_code[,dhis2_uid,latitude,longitude]`, parents
//! before children.

use crate::ImportError;
use crate::csv_rows::{Columns, read_rows};
use domain::org_units::{NewOrgUnit, OrgUnitInput};
use std::io::Read;

const COLUMNS: Columns = Columns {
    required: &["code", "name", "level"],
    optional: &["parent_code", "dhis2_uid", "latitude", "longitude"],
};

/// Parses the file; rows are numbered as a spreadsheet shows them (header = row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<(usize, NewOrgUnit)>, ImportError> {
    read_rows(file, input, &COLUMNS, |row, problems| {
        let mut number = |name: &str| -> Option<f64> {
            let raw = row.cell(name);
            if raw.is_empty() {
                return None;
            }
            raw.parse()
                .map_err(|_| problems.push(row.at(), name, format!("'{raw}' is not a number")))
                .ok()
        };
        let latitude = number("latitude");
        let longitude = number("longitude");
        let input = OrgUnitInput {
            parent_code: Some(row.cell("parent_code")),
            level: row.cell("level"),
            code: row.cell("code"),
            name: row.cell("name"),
            dhis2_uid: Some(row.cell("dhis2_uid")),
            latitude,
            longitude,
        };
        match input.validate() {
            Ok(unit) => Some(unit),
            Err(errors) => {
                for e in errors.0 {
                    problems.push(row.at(), e.field, e.message);
                }
                None
            }
        }
    })
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
