//! Org units from a DHIS2 `organisationUnits` JSON export, as
//! `GET /api/organisationUnits.json?fields=id,code,name,level,parent[id],geometry&paging=false`
//! returns it. DHIS2 keys parents by UID; we key them by code, so a unit without a code takes
//! its UID as code. Units are ordered by level so parents come first.

use crate::{ImportError, Problems};
use domain::org_units::{NewOrgUnit, OrgUnitInput};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    organisation_units: Vec<Unit>,
}

#[derive(Debug, Deserialize)]
struct Unit {
    id: String,
    #[serde(default)]
    code: Option<String>,
    name: String,
    level: i64,
    #[serde(default)]
    parent: Option<Parent>,
    #[serde(default)]
    geometry: Option<Geometry>,
}

#[derive(Debug, Deserialize)]
struct Parent {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: serde_json::Value,
}

/// Parses the export. Row numbers in the result are 1-based positions in the array.
pub fn parse(file: &str, json: &[u8]) -> Result<Vec<(usize, NewOrgUnit)>, ImportError> {
    let export: Export = serde_path_to_error::deserialize(
        &mut serde_json::Deserializer::from_slice(json),
    )
    .map_err(|e| ImportError::whole_file(file, format!("at {}: {}", e.path(), e.inner())))?;
    let code_of: std::collections::HashMap<&str, String> = export
        .organisation_units
        .iter()
        .map(|u| {
            (
                u.id.as_str(),
                u.code
                    .clone()
                    .filter(|c| !c.trim().is_empty())
                    .unwrap_or_else(|| u.id.clone()),
            )
        })
        .collect();
    let mut problems = Problems::new(file);
    let mut rows = Vec::new();
    for (i, unit) in export.organisation_units.iter().enumerate() {
        let location = format!("organisationUnits[{i}]");
        // A NUL or other control character is refused by field, as the CSV imports refuse it
        // by column (PostgreSQL cannot store a NUL at all).
        let texts = [
            ("id", Some(unit.id.as_str())),
            ("code", unit.code.as_deref()),
            ("name", Some(unit.name.as_str())),
            ("parent.id", unit.parent.as_ref().map(|p| p.id.as_str())),
            (
                "geometry.type",
                unit.geometry.as_ref().map(|g| g.kind.as_str()),
            ),
        ];
        let refused: Vec<&str> = texts
            .into_iter()
            .filter(|(_, text)| {
                text.is_some_and(|t| t.chars().any(domain::values::is_refused_character))
            })
            .map(|(field, _)| field)
            .collect();
        if !refused.is_empty() {
            for field in refused {
                problems.push(&location, field, domain::values::REFUSED_CHARACTER_MESSAGE);
            }
            continue;
        }
        let parent_code = match &unit.parent {
            None => None,
            Some(parent) => match code_of.get(parent.id.as_str()) {
                Some(code) => Some(code.clone()),
                None => {
                    problems.push(
                        &location,
                        "parent.id",
                        format!("parent {} is not in the file", parent.id),
                    );
                    continue;
                }
            },
        };
        let (latitude, longitude) = match &unit.geometry {
            Some(g) if g.kind == "Point" => match g.coordinates.as_array().map(Vec::as_slice) {
                Some([lon, lat]) => (lat.as_f64(), lon.as_f64()),
                _ => {
                    problems.push(
                        &location,
                        "geometry.coordinates",
                        "a Point needs [longitude, latitude]",
                    );
                    continue;
                }
            },
            // Polygons (district boundaries) are not stored; the tree does not need them.
            _ => (None, None),
        };
        let input = OrgUnitInput {
            parent_code,
            level: unit.level.to_string(),
            code: code_of.get(unit.id.as_str()).cloned().unwrap_or_default(),
            name: unit.name.clone(),
            dhis2_uid: Some(unit.id.clone()),
            latitude,
            longitude,
        };
        match input.validate() {
            Ok(new) => rows.push((i + 1, new)),
            Err(errors) => {
                for e in errors.0 {
                    problems.push(&location, e.field, e.message);
                }
            }
        }
    }
    if rows.is_empty() && problems.errors.is_empty() {
        problems.push("file", "organisationUnits", "is empty");
    }
    rows.sort_by_key(|(_, u)| u.level);
    problems.finish(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"organisationUnits":[
      {"id":"Rp268JB6Ne4","code":"OU_ADONKIA","name":"Adonkia CHP","level":4,"parent":{"id":"qtr8GGlm4gg"},"geometry":{"type":"Point","coordinates":[-13.2027,8.2835]}},
      {"id":"ImspTQPwCqd","name":"Sierra Leone","level":1},
      {"id":"at6UHUQatSo","code":"OU_BO","name":"Bo","level":2,"parent":{"id":"ImspTQPwCqd"}},
      {"id":"qtr8GGlm4gg","code":"OU_RFRIG","name":"Rural Western Area","level":3,"parent":{"id":"at6UHUQatSo"}}
    ]}"#;

    #[test]
    fn parents_come_first_and_codes_fall_back_to_uids() {
        let rows = parse("ou.json", SAMPLE.as_bytes()).unwrap();
        let codes: Vec<&str> = rows.iter().map(|(_, u)| u.code.as_str()).collect();
        assert_eq!(codes, ["ImspTQPwCqd", "OU_BO", "OU_RFRIG", "OU_ADONKIA"]);
        let facility = &rows[3].1;
        assert_eq!(facility.coordinates.map(|c| c.latitude), Some(8.2835));
        assert_eq!(rows[3].0, 1);
    }

    #[test]
    fn missing_parents_and_bad_levels_are_named() {
        let json = r#"{"organisationUnits":[{"id":"Rp268JB6Ne4","name":"X","level":5,"parent":{"id":"nowhere1234"}}]}"#;
        let text = parse("ou.json", json.as_bytes()).unwrap_err().to_string();
        assert!(
            text.contains("organisationUnits[0], parent.id: parent nowhere1234 is not in the file"),
            "{text}"
        );
        let text = parse("ou.json", br#"{"organisationUnits":[{"id":1}]}"#)
            .unwrap_err()
            .to_string();
        assert!(text.contains("organisationUnits[0].id"), "{text}");
    }

    #[test]
    fn control_characters_are_refused_by_unit_and_field() {
        let json = r#"{"organisationUnits":[
          {"id":"ImspTQPwCqd","name":"Sierra Leone","level":1},
          {"id":"at6UHUQatSo","code":"OU_\u0000BO","name":"Bo\u001b","level":2,"parent":{"id":"ImspTQPwCqd"}},
          {"id":"qtr8GG\u0007lm4gg","name":"Rural\tWestern\nArea","level":2,"parent":{"id":"Imsp\u0000TQPwCqd"},"geometry":{"type":"Po\u0001int","coordinates":[1,2]}}
        ]}"#;
        let err = parse("ou.json", json.as_bytes()).unwrap_err();
        let found: Vec<(&str, &str)> = err
            .errors
            .iter()
            .map(|e| {
                assert_eq!(e.message, domain::values::REFUSED_CHARACTER_MESSAGE, "{e}");
                (e.location.as_str(), e.field.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                ("organisationUnits[1]", "code"),
                ("organisationUnits[1]", "name"),
                ("organisationUnits[2]", "id"),
                ("organisationUnits[2]", "parent.id"),
                ("organisationUnits[2]", "geometry.type"),
            ]
        );
    }

    #[test]
    fn tabs_and_line_breaks_are_not_refused_as_control_characters() {
        let json =
            r#"{"organisationUnits":[{"id":"ImspTQPwCqd","name":"Sierra\tLeone","level":1}]}"#;
        // A unit name is a single line, so the name's own rule still refuses the tab; what
        // matters here is that the import's check, shared with every input path, lets it by.
        let err = parse("ou.json", json.as_bytes()).unwrap_err();
        assert_eq!(err.errors.len(), 1, "{err}");
        assert_eq!(err.errors[0].field, "name");
        assert_ne!(
            err.errors[0].message,
            domain::values::REFUSED_CHARACTER_MESSAGE
        );
    }
}
