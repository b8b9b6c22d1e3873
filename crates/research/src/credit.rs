//! The 14 CRediT contributor roles (NISO Z39.104-2022) and the degree of a contribution.

use std::fmt;

use domain::FieldError;
use serde::{Deserialize, Serialize};

/// A CRediT contributor role, as named by NISO Z39.104-2022.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditRole {
    /// Ideas; formulation of overarching research goals and aims.
    Conceptualization,
    /// Managing and annotating research data.
    DataCuration,
    /// Statistical, mathematical or computational analysis.
    FormalAnalysis,
    /// Acquiring financial support.
    FundingAcquisition,
    /// Conducting the research, collecting data.
    Investigation,
    /// Designing methods.
    Methodology,
    /// Managing and coordinating the research.
    ProjectAdministration,
    /// Providing materials, patients, instruments or other tools.
    Resources,
    /// Programming and software development.
    Software,
    /// Oversight and mentorship.
    Supervision,
    /// Verifying replication and reproducibility.
    Validation,
    /// Preparing figures and data presentation.
    Visualization,
    /// Writing the initial draft.
    WritingOriginalDraft,
    /// Critical review, commentary or revision.
    WritingReviewEditing,
}

impl CreditRole {
    /// All 14 roles in the standard's (alphabetical) order.
    pub const ALL: [CreditRole; 14] = [
        CreditRole::Conceptualization,
        CreditRole::DataCuration,
        CreditRole::FormalAnalysis,
        CreditRole::FundingAcquisition,
        CreditRole::Investigation,
        CreditRole::Methodology,
        CreditRole::ProjectAdministration,
        CreditRole::Resources,
        CreditRole::Software,
        CreditRole::Supervision,
        CreditRole::Validation,
        CreditRole::Visualization,
        CreditRole::WritingOriginalDraft,
        CreditRole::WritingReviewEditing,
    ];

    /// The stable id: `writing_original_draft`.
    pub fn slug(self) -> &'static str {
        match self {
            CreditRole::Conceptualization => "conceptualization",
            CreditRole::DataCuration => "data_curation",
            CreditRole::FormalAnalysis => "formal_analysis",
            CreditRole::FundingAcquisition => "funding_acquisition",
            CreditRole::Investigation => "investigation",
            CreditRole::Methodology => "methodology",
            CreditRole::ProjectAdministration => "project_administration",
            CreditRole::Resources => "resources",
            CreditRole::Software => "software",
            CreditRole::Supervision => "supervision",
            CreditRole::Validation => "validation",
            CreditRole::Visualization => "visualization",
            CreditRole::WritingOriginalDraft => "writing_original_draft",
            CreditRole::WritingReviewEditing => "writing_review_editing",
        }
    }

    /// The name exactly as the standard spells it (with an en dash): `Writing – original draft`.
    pub fn name(self) -> &'static str {
        match self {
            CreditRole::Conceptualization => "Conceptualization",
            CreditRole::DataCuration => "Data curation",
            CreditRole::FormalAnalysis => "Formal analysis",
            CreditRole::FundingAcquisition => "Funding acquisition",
            CreditRole::Investigation => "Investigation",
            CreditRole::Methodology => "Methodology",
            CreditRole::ProjectAdministration => "Project administration",
            CreditRole::Resources => "Resources",
            CreditRole::Software => "Software",
            CreditRole::Supervision => "Supervision",
            CreditRole::Validation => "Validation",
            CreditRole::Visualization => "Visualization",
            CreditRole::WritingOriginalDraft => "Writing – original draft",
            CreditRole::WritingReviewEditing => "Writing – review & editing",
        }
    }

    /// Parses a slug or a name, case-insensitively. Punctuation is ignored so that
    /// `Writing - review & editing` (hyphen typed for the en dash) is accepted.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let wanted = words_key(raw);
        CreditRole::ALL
            .into_iter()
            .find(|r| r.slug() == wanted)
            .ok_or_else(|| {
                FieldError::new(
                    "role",
                    format!(
                        "'{}' is not a CRediT role (e.g. formal_analysis, Writing – original draft)",
                        raw.trim()
                    ),
                )
            })
    }
}

/// Lower-cases and joins the alphanumeric words with `_`, so names and slugs compare equal.
fn words_key(raw: &str) -> String {
    raw.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl fmt::Display for CreditRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How much a contributor did in a role (CRediT's optional degree of contribution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    /// Led the work in this role.
    Lead,
    /// Shared it equally.
    Equal,
    /// Supported it.
    Supporting,
}

impl Degree {
    /// The id: `lead`, `equal`, `supporting`.
    pub fn id(self) -> &'static str {
        match self {
            Degree::Lead => "lead",
            Degree::Equal => "equal",
            Degree::Supporting => "supporting",
        }
    }

    /// Parses an id, case-insensitively.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim().to_lowercase().as_str() {
            "lead" => Ok(Degree::Lead),
            "equal" => Ok(Degree::Equal),
            "supporting" => Ok(Degree::Supporting),
            _ => Err(FieldError::new(
                "degree",
                format!(
                    "'{}' is not a degree; use lead, equal or supporting",
                    raw.trim()
                ),
            )),
        }
    }
}

/// One role a member holds on a project, with its optional degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The CRediT role.
    pub role: CreditRole,
    /// Lead, equal or supporting, when recorded.
    pub degree: Option<Degree>,
}

impl RoleAssignment {
    /// A role with a degree.
    pub fn new(role: CreditRole, degree: Option<Degree>) -> Self {
        Self { role, degree }
    }

    /// Parses `formal_analysis`, `Formal analysis` or with a degree `formal_analysis:lead`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let (role, degree) = match raw.rsplit_once(':') {
            Some((role, degree)) => (role, Some(Degree::parse(degree)?)),
            None => (raw, None),
        };
        Ok(Self {
            role: CreditRole::parse(role)?,
            degree,
        })
    }
}

/// Checks that a member's role list names each role once. The error names the position of the
/// repeat (`roles[3]`) and the role, and where it first appeared.
pub fn check_no_duplicates(roles: &[RoleAssignment]) -> Result<(), FieldError> {
    for (i, assignment) in roles.iter().enumerate() {
        if let Some(first) = roles[..i].iter().position(|r| r.role == assignment.role) {
            return Err(FieldError::new(
                format!("roles[{i}]"),
                format!(
                    "'{}' is listed twice (first at roles[{first}]); give each role once, with its degree",
                    assignment.role.name()
                ),
            ));
        }
    }
    Ok(())
}

/// Parses a whole role list (each item as [`RoleAssignment::parse`] reads it) and checks it
/// has no duplicate. Errors name the item: `roles[2]`.
pub fn parse_roles(raw: &[&str]) -> Result<Vec<RoleAssignment>, FieldError> {
    let roles = raw
        .iter()
        .enumerate()
        .map(|(i, item)| RoleAssignment::parse(item).map_err(|e| e.at(format!("roles[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    check_no_duplicates(&roles)?;
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs_agree() {
        for role in CreditRole::ALL {
            assert_eq!(CreditRole::parse(role.name()).unwrap(), role);
            assert_eq!(CreditRole::parse(role.slug()).unwrap(), role);
            assert_eq!(words_key(role.name()), role.slug());
        }
    }
}
