//! Programs: the unit a manager sets up and runs.

use crate::FieldError;
use crate::ids::{OrgUnitId, ProgramId};
use crate::values::{Name, Slug};
use serde::{Deserialize, Serialize};

/// The two field models tandem is built from (see `shared/seeds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramKind {
    /// Peers producing research together across time zones, led by peer leaders.
    PeerResearch,
    /// Mentors coaching mentees at their facilities, blended with tele-mentoring.
    ClinicalMentorship,
}

impl ProgramKind {
    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PeerResearch => "peer_research",
            Self::ClinicalMentorship => "clinical_mentorship",
        }
    }

    /// Parses the stored and API name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "peer_research" => Ok(Self::PeerResearch),
            "clinical_mentorship" => Ok(Self::ClinicalMentorship),
            other => Err(FieldError::new(
                "kind",
                format!("'{other}' is not a program kind (peer_research or clinical_mentorship)"),
            )),
        }
    }
}

/// A program as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// Its id.
    pub id: ProgramId,
    /// Short unique code used in URLs and imports, e.g. `safe_surgery`.
    pub code: Slug,
    /// Display name.
    pub name: Name,
    /// Which field model it follows.
    pub kind: ProgramKind,
    /// Goals and scope, in the manager's words.
    pub description: String,
    /// The org unit the program covers (its country, usually).
    pub root_org_unit: Option<OrgUnitId>,
}

/// A program to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgram {
    /// Unique code.
    pub code: Slug,
    /// Display name.
    pub name: Name,
    /// Field model.
    pub kind: ProgramKind,
    /// Goals and scope.
    pub description: String,
    /// Covered org unit.
    pub root_org_unit: Option<OrgUnitId>,
}
