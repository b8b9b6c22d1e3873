//! The org-unit tree: country > region > district > facility, DHIS2-compatible.

use crate::FieldError;
use crate::ids::OrgUnitId;
use crate::values::{Coordinates, Dhis2Uid, Name, OrgUnitCode};
use serde::{Deserialize, Serialize};

/// A level of the tree. Levels are numbered as DHIS2 numbers them (1 = country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitLevel {
    /// Level 1.
    Country,
    /// Level 2.
    Region,
    /// Level 3.
    District,
    /// Level 4: a hospital or health centre.
    Facility,
}

impl OrgUnitLevel {
    /// All levels, top down.
    pub const ALL: [Self; 4] = [Self::Country, Self::Region, Self::District, Self::Facility];

    /// DHIS2 level number, 1–4.
    pub fn number(self) -> i64 {
        match self {
            Self::Country => 1,
            Self::Region => 2,
            Self::District => 3,
            Self::Facility => 4,
        }
    }

    /// From a DHIS2 level number.
    pub fn from_number(level: i64) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|l| l.number() == level)
            .ok_or_else(|| FieldError::new("level", format!("{level} is not a level 1–4")))
    }

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Region => "region",
            Self::District => "district",
            Self::Facility => "facility",
        }
    }

    /// Parses a name (`facility`) or a number (`4`).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim().to_ascii_lowercase();
        if let Ok(number) = trimmed.parse::<i64>() {
            return Self::from_number(number);
        }
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == trimmed)
            .ok_or_else(|| {
                FieldError::new(
                    "level",
                    format!(
                        "'{}' is not a level (country, region, district, facility)",
                        raw.trim()
                    ),
                )
            })
    }

    /// The level a child of this level must have.
    pub fn child(self) -> Option<Self> {
        Self::from_number(self.number() + 1).ok()
    }
}

/// An org unit as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// Its id.
    pub id: OrgUnitId,
    /// Parent, none for a country.
    pub parent: Option<OrgUnitId>,
    /// Level in the tree.
    pub level: OrgUnitLevel,
    /// Unique code.
    pub code: OrgUnitCode,
    /// Display name.
    pub name: Name,
    /// DHIS2 UID when the unit mirrors one in a DHIS2 instance.
    pub dhis2_uid: Option<Dhis2Uid>,
    /// Location, for facilities mostly.
    pub coordinates: Option<Coordinates>,
    /// Materialised path of ids from the root, `/1/4/9/`; subtree queries are prefix matches.
    pub path: String,
}

impl OrgUnit {
    /// Whether `other` lies in this unit's subtree (or is this unit).
    pub fn contains_path(&self, other_path: &str) -> bool {
        other_path.starts_with(&self.path)
    }
}

/// An org unit to create; the parent is named by code so imports can refer to rows above.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrgUnit {
    /// Parent's code; none for a country.
    pub parent_code: Option<OrgUnitCode>,
    /// Level.
    pub level: OrgUnitLevel,
    /// Unique code.
    pub code: OrgUnitCode,
    /// Display name.
    pub name: Name,
    /// DHIS2 UID.
    pub dhis2_uid: Option<Dhis2Uid>,
    /// Location.
    pub coordinates: Option<Coordinates>,
}

/// Checks that a unit of `level` may hang under a parent of `parent_level` (or be a root).
pub fn check_parent_level(
    level: OrgUnitLevel,
    parent_level: Option<OrgUnitLevel>,
) -> Result<(), FieldError> {
    match parent_level {
        None if level == OrgUnitLevel::Country => Ok(()),
        None => Err(FieldError::new(
            "parent",
            format!("a {} needs a parent", level.as_str()),
        )),
        Some(parent) if parent.child() == Some(level) => Ok(()),
        Some(parent) => Err(FieldError::new(
            "parent",
            format!(
                "a {} cannot be placed under a {} (levels go country > region > district > facility)",
                level.as_str(),
                parent.as_str()
            ),
        )),
    }
}

/// Raw org-unit fields as they arrive from a form, the API or an import.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct OrgUnitInput {
    /// Parent code (empty for a country).
    #[serde(default)]
    pub parent_code: Option<String>,
    /// Level name or number.
    pub level: String,
    /// Unique code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// DHIS2 UID.
    #[serde(default)]
    pub dhis2_uid: Option<String>,
    /// Latitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default)]
    pub longitude: Option<f64>,
}

impl OrgUnitInput {
    /// Validates every field, reporting all problems at once.
    pub fn validate(&self) -> Result<NewOrgUnit, crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        let parent_code = match self.parent_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => errors.check(OrgUnitCode::parse(code).map_err(|e| e.at("parent_code"))),
        };
        let level = errors.check(OrgUnitLevel::parse(&self.level));
        let code = errors.check(OrgUnitCode::parse(&self.code));
        let name = errors.check(Name::parse(&self.name));
        let dhis2_uid = match self.dhis2_uid.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(uid) => errors.check(Dhis2Uid::parse(uid)),
        };
        let coordinates = match (self.latitude, self.longitude) {
            (None, None) => None,
            (Some(lat), Some(lon)) => errors.check(Coordinates::new(lat, lon)),
            (Some(_), None) => {
                errors.0.push(FieldError::new(
                    "longitude",
                    "is required when latitude is given",
                ));
                None
            }
            (None, Some(_)) => {
                errors.0.push(FieldError::new(
                    "latitude",
                    "is required when longitude is given",
                ));
                None
            }
        };
        match (level, code, name) {
            (Some(level), Some(code), Some(name)) if errors.0.is_empty() => Ok(NewOrgUnit {
                parent_code,
                level,
                code,
                name,
                dhis2_uid,
                coordinates,
            }),
            _ => Err(errors),
        }
    }
}
