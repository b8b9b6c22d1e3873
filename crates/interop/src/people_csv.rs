//! People from CSV. Columns: `name,time_zone` required; `cadre, disciplines,
//! years_experience, languages, country_of_residence, home_country, orcid, phone, email,
//! contact_consent` optional (lists separated by `;` or `,` inside quotes); and optionally
//! `program, role, org_unit` (codes) to place each person.

use crate::{ImportError, Problems, header_index};
use domain::access::Role;
use domain::people::MembershipByCode;
use domain::people::{PersonInput, PersonProfile};
use domain::values::{OrgUnitCode, Slug};
use std::io::Read;

const REQUIRED: &[&str] = &["name", "time_zone"];
const OPTIONAL: &[&str] = &[
    "cadre",
    "disciplines",
    "years_experience",
    "languages",
    "country_of_residence",
    "home_country",
    "orcid",
    "phone",
    "email",
    "contact_consent",
    "program",
    "role",
    "org_unit",
];

/// A parsed row: its number, the profile, the optional placement.
pub type PersonRow = (usize, PersonProfile, Option<MembershipByCode>);

/// Parses the file; rows are numbered as a spreadsheet shows them (header = row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<PersonRow>, ImportError> {
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
        let at = format!("row {row}");
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(&at, "-", format!("not readable as CSV: {e}"));
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
        let optional = |name: &str| Some(cell(name)).filter(|v| !v.is_empty());
        let years_experience = match optional("years_experience") {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(years) => Some(years),
                Err(_) => {
                    problems.push(
                        &at,
                        "years_experience",
                        format!("'{raw}' is not a whole number"),
                    );
                    continue;
                }
            },
        };
        let input = PersonInput {
            name: cell("name"),
            cadre: optional("cadre"),
            disciplines: vec![cell("disciplines")],
            years_experience,
            languages: vec![cell("languages")],
            time_zone: cell("time_zone"),
            country_of_residence: optional("country_of_residence"),
            home_country: optional("home_country"),
            orcid: optional("orcid"),
            phone: optional("phone"),
            email: optional("email"),
            contact_consent: vec![cell("contact_consent")],
        };
        let profile = match input.validate() {
            Ok(profile) => Some(profile),
            Err(errors) => {
                for e in errors.0 {
                    problems.push(&at, e.field, e.message);
                }
                None
            }
        };
        let placement = match (optional("program"), optional("role"), optional("org_unit")) {
            (None, None, None) => None,
            (Some(program), Some(role), Some(unit)) => {
                let program = Slug::parse(&program)
                    .map_err(|e| problems.push(&at, "program", e.message))
                    .ok();
                let role = Role::parse(&role)
                    .map_err(|e| problems.push(&at, "role", e.message))
                    .ok();
                let unit = OrgUnitCode::parse(&unit)
                    .map_err(|e| problems.push(&at, "org_unit", e.message))
                    .ok();
                match (program, role, unit) {
                    (Some(program), Some(role), Some(org_unit)) => Some(MembershipByCode {
                        program,
                        role,
                        org_unit,
                    }),
                    _ => continue,
                }
            }
            _ => {
                problems.push(
                    &at,
                    "program",
                    "program, role and org_unit go together: give all three or none",
                );
                continue;
            }
        };
        if let Some(profile) = profile {
            rows.push((row, profile, placement));
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
    fn reads_people_with_placements() {
        let csv = "name,time_zone,email,languages,program,role,org_unit\n\
                   Ngozi Eze,Africa/Lagos,ngozi@example.org,\"en;ig\",peer_group,mentee,NG\n\
                   Tunde Bello,America/Toronto,,,,,\n";
        let rows = parse("people.csv", csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.languages.len(), 2);
        assert!(rows[0].2.is_some() && rows[1].2.is_none());
    }

    #[test]
    fn every_bad_cell_is_named_with_its_row() {
        let csv = "name,time_zone,orcid,role,program,org_unit\n\
                   Ok Person,Africa/Lagos,,,,\n\
                   ,Lagos,0000-0002-1825-0098,boss,p,NG\n";
        let text = parse("people.csv", csv.as_bytes()).unwrap_err().to_string();
        for expected in [
            "row 3, name",
            "row 3, time_zone",
            "row 3, orcid",
            "row 3, role",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}
