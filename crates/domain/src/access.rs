//! Who may see and change what (C16). Pure rules over a [`Viewer`]'s grants; the web layer
//! loads the grants and the target's placements, then asks these functions.
//!
//! The scoping rule everywhere: a grant at org unit U covers U's subtree. Paths are
//! materialised (`/1/4/9/`), so "in subtree" is a prefix test.

use crate::FieldError;
use crate::ids::{AccountId, PersonId, ProgramId};
use crate::org_units::OrgUnitLevel;
use serde::{Deserialize, Serialize};

/// A role a person holds in a program, scoped to an org unit. System administrators are a flag
/// on the account, not a role in a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up and runs the program; sees all of it.
    ProgramManager,
    /// Mentor, focal mentor, or peer leader in a research collaborative.
    Mentor,
    /// Mentee, or peer member in a research collaborative.
    Mentee,
    /// Leads a facility; sees that facility.
    FacilityLeader,
    /// Regional authority or stakeholder; reads their region.
    RegionalViewer,
}

impl Role {
    /// All roles.
    pub const ALL: [Self; 5] = [
        Self::ProgramManager,
        Self::Mentor,
        Self::Mentee,
        Self::FacilityLeader,
        Self::RegionalViewer,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProgramManager => "program_manager",
            Self::Mentor => "mentor",
            Self::Mentee => "mentee",
            Self::FacilityLeader => "facility_leader",
            Self::RegionalViewer => "regional_viewer",
        }
    }

    /// Parses a stored or API name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let lower = raw.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == lower)
            .ok_or_else(|| {
                FieldError::new(
                    "role",
                    format!(
                        "'{}' is not a role (program_manager, mentor, mentee, facility_leader, regional_viewer)",
                        raw.trim()
                    ),
                )
            })
    }

    /// Checks that the role may be scoped to a unit of `level`: a facility leader to a
    /// facility, a regional viewer to a region; the others anywhere.
    pub fn check_scope(self, level: OrgUnitLevel) -> Result<(), FieldError> {
        let required = match self {
            Self::FacilityLeader => Some(OrgUnitLevel::Facility),
            Self::RegionalViewer => Some(OrgUnitLevel::Region),
            _ => None,
        };
        match required {
            Some(required) if required != level => Err(FieldError::new(
                "org_unit",
                format!(
                    "a {} must be scoped to a {}, not a {}",
                    self.as_str(),
                    required.as_str(),
                    level.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// One role of the viewer in a program, at an org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The program.
    pub program: ProgramId,
    /// The role.
    pub role: Role,
    /// Path of the scope org unit, `/1/4/`.
    pub org_unit_path: String,
}

/// The signed-in party a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The account.
    pub account: AccountId,
    /// The person the account belongs to, if any.
    pub person: Option<PersonId>,
    /// System administrator: sees and changes everything.
    pub is_admin: bool,
    /// Roles held.
    pub grants: Vec<Grant>,
}

/// Where a person sits, for deciding who may see them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonScope {
    /// The person.
    pub person: Option<PersonId>,
    /// Their memberships: program and org-unit path.
    pub placements: Vec<(ProgramId, String)>,
    /// People who mentor them (active or proposed pairings), per program.
    pub mentors: Vec<(ProgramId, PersonId)>,
    /// People they mentor, per program.
    pub mentees: Vec<(ProgramId, PersonId)>,
}

impl Viewer {
    fn grants_in(&self, program: ProgramId) -> impl Iterator<Item = &Grant> {
        self.grants.iter().filter(move |g| g.program == program)
    }

    /// Whether the viewer holds any role in the program.
    pub fn can_view_program(&self, program: ProgramId) -> bool {
        self.is_admin || self.grants_in(program).next().is_some()
    }

    /// Whether the viewer manages the program.
    pub fn can_manage_program(&self, program: ProgramId) -> bool {
        self.is_admin
            || self
                .grants_in(program)
                .any(|g| g.role == Role::ProgramManager)
    }

    /// Whether the viewer takes part in the program's own work — research projects, outputs,
    /// group sessions — as a manager, mentor or mentee (in a peer collaborative everyone is
    /// one of these). Facility leaders and regional viewers read but do not contribute.
    pub fn can_contribute(&self, program: ProgramId) -> bool {
        self.is_admin
            || self
                .grants_in(program)
                .any(|g| matches!(g.role, Role::ProgramManager | Role::Mentor | Role::Mentee))
    }

    /// Whether the viewer manages any program (may then create people and org units).
    pub fn manages_any_program(&self) -> bool {
        self.is_admin || self.grants.iter().any(|g| g.role == Role::ProgramManager)
    }

    /// Whether the viewer may see an org unit: managers see the whole tree (they set up
    /// sites); others see their scope's subtree and its ancestors (for breadcrumbs).
    pub fn can_view_org_unit(&self, path: &str) -> bool {
        self.manages_any_program()
            || self
                .grants
                .iter()
                .any(|g| path.starts_with(&g.org_unit_path) || g.org_unit_path.starts_with(path))
    }

    /// Whether the viewer may see a person's profile.
    pub fn can_view_person(&self, target: &PersonScope) -> bool {
        if self.is_admin || (self.person.is_some() && self.person == target.person) {
            return true;
        }
        if target.placements.is_empty() && self.manages_any_program() {
            // Someone imported but not yet placed in a program: any manager may place them.
            return true;
        }
        self.grants.iter().any(|g| {
            let placed_in_scope = target
                .placements
                .iter()
                .any(|(p, path)| *p == g.program && path.starts_with(&g.org_unit_path));
            let in_program = target.placements.iter().any(|(p, _)| *p == g.program);
            match g.role {
                Role::ProgramManager => in_program,
                Role::FacilityLeader | Role::RegionalViewer => placed_in_scope,
                Role::Mentor => self
                    .person
                    .is_some_and(|me| target.mentors.contains(&(g.program, me))),
                Role::Mentee => self
                    .person
                    .is_some_and(|me| target.mentees.contains(&(g.program, me))),
            }
        })
    }

    /// Whether the viewer may change a person's profile: themself, an administrator, or a
    /// manager of a program the person belongs to.
    pub fn can_edit_person(&self, target: &PersonScope) -> bool {
        if self.is_admin || (self.person.is_some() && self.person == target.person) {
            return true;
        }
        if target.placements.is_empty() {
            return self.manages_any_program();
        }
        target
            .placements
            .iter()
            .any(|(program, _)| self.can_manage_program(*program))
    }

    /// Whether the viewer may see everyone placed at `path` in `program` (lists).
    pub fn sees_all_at(&self, program: ProgramId, path: &str) -> bool {
        self.is_admin
            || self.grants_in(program).any(|g| match g.role {
                Role::ProgramManager => true,
                Role::FacilityLeader | Role::RegionalViewer => path.starts_with(&g.org_unit_path),
                Role::Mentor | Role::Mentee => false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, path: &str) -> Viewer {
        Viewer {
            account: AccountId(1),
            person: Some(PersonId(1)),
            is_admin: false,
            grants: vec![Grant {
                program: ProgramId(1),
                role,
                org_unit_path: path.into(),
            }],
        }
    }

    fn placed(person: i64, path: &str) -> PersonScope {
        PersonScope {
            person: Some(PersonId(person)),
            placements: vec![(ProgramId(1), path.into())],
            ..PersonScope::default()
        }
    }

    #[test]
    fn facility_leader_sees_own_facility_only() {
        let leader = viewer(Role::FacilityLeader, "/1/2/3/4/");
        assert!(leader.can_view_person(&placed(7, "/1/2/3/4/")));
        assert!(!leader.can_view_person(&placed(8, "/1/2/3/5/")));
        // A prefix of the digits is not a prefix of the path.
        assert!(!leader.can_view_person(&placed(9, "/1/2/3/44/")));
    }

    #[test]
    fn mentee_sees_self_and_own_mentor_only() {
        let mentee = viewer(Role::Mentee, "/1/2/3/4/");
        assert!(mentee.can_view_person(&placed(1, "/1/2/3/4/")));
        assert!(!mentee.can_view_person(&placed(2, "/1/2/3/4/")));
        let mut mentor = placed(3, "/1/2/3/4/");
        mentor.mentees.push((ProgramId(1), PersonId(1)));
        assert!(mentee.can_view_person(&mentor));
    }

    #[test]
    fn scope_levels_are_enforced() {
        assert!(
            Role::FacilityLeader
                .check_scope(OrgUnitLevel::Region)
                .is_err()
        );
        assert!(
            Role::RegionalViewer
                .check_scope(OrgUnitLevel::Region)
                .is_ok()
        );
        assert!(Role::Mentor.check_scope(OrgUnitLevel::Country).is_ok());
    }
}
