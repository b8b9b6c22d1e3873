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
}
