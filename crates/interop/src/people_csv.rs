//! People from CSV. Columns: `name,time_zone` required; `cadre, disciplines,
//! years_experience, languages, country_of_residence, home_country, orcid, phone, email,
//! contact_consent` optional (lists separated by `;` or `,` inside quotes); and optionally
//! `program, role, org_unit` (codes) to place each person.

use crate::ImportError;
use crate::csv_rows::{Columns, read_rows};
use domain::access::Role;
use domain::people::MembershipByCode;
use domain::people::{PersonInput, PersonProfile};
use domain::values::{OrgUnitCode, Slug};
use std::io::Read;

const COLUMNS: Columns = Columns {
    required: &["name", "time_zone"],
    optional: &[
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
    ],
};

/// A parsed row: its number, the profile, the optional placement.
pub type PersonRow = (usize, PersonProfile, Option<MembershipByCode>);

/// Parses the file; rows are numbered as a spreadsheet shows them (header = row 1).
pub fn parse(file: &str, input: impl Read) -> Result<Vec<PersonRow>, ImportError> {
    let rows = read_rows(file, input, &COLUMNS, |row, problems| {
        let at = row.at();
        let years_experience = match row.optional("years_experience") {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(years) => Some(years),
                Err(_) => {
                    problems.push(
                        at,
                        "years_experience",
                        format!("'{raw}' is not a whole number"),
                    );
                    return None;
                }
            },
        };
        let input = PersonInput {
            name: row.cell("name"),
            cadre: row.optional("cadre"),
            disciplines: vec![row.cell("disciplines")],
            years_experience,
            languages: vec![row.cell("languages")],
            time_zone: row.cell("time_zone"),
            country_of_residence: row.optional("country_of_residence"),
            home_country: row.optional("home_country"),
            orcid: row.optional("orcid"),
            phone: row.optional("phone"),
            email: row.optional("email"),
            contact_consent: vec![row.cell("contact_consent")],
        };
        let profile = match input.validate() {
            Ok(profile) => Some(profile),
            Err(errors) => {
                for e in errors.0 {
                    problems.push(at, e.field, e.message);
                }
                None
            }
        };
        let placement = match (
            row.optional("program"),
            row.optional("role"),
            row.optional("org_unit"),
        ) {
            (None, None, None) => None,
            (Some(program), Some(role), Some(unit)) => {
                let program = Slug::parse(&program)
                    .map_err(|e| problems.push(at, "program", e.message))
                    .ok();
                let role = Role::parse(&role)
                    .map_err(|e| problems.push(at, "role", e.message))
                    .ok();
                let unit = OrgUnitCode::parse(&unit)
                    .map_err(|e| problems.push(at, "org_unit", e.message))
                    .ok();
                match (program, role, unit) {
                    (Some(program), Some(role), Some(org_unit)) => Some(MembershipByCode {
                        program,
                        role,
                        org_unit,
                    }),
                    _ => return None,
                }
            }
            _ => {
                problems.push(
                    at,
                    "program",
                    "program, role and org_unit go together: give all three or none",
                );
                return None;
            }
        };
        Some((profile?, placement))
    })?;
    Ok(rows
        .into_iter()
        .map(|(number, (profile, placement))| (number, profile, placement))
        .collect())
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
