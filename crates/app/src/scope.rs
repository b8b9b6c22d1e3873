//! Access decided against stored objects, shared by pages, API and jobs: which programs a viewer
//! may see, manage, contribute to or report for, and which members and people they may list.
//! The yes/no rules are pure and live in `domain::access`; this module loads what they are
//! asked about and turns them into database filters.

use crate::Error;
use domain::access::{Role, Viewer};
use domain::ids::{FacilityProposalId, ProgramId, ProjectId, ProposalId};
use domain::programs::Program;
use store::facility_matching::StoredFacilityProposal;
use store::matching::StoredProposal;
use store::people::PeopleFilter;
use store::research::ResearchProject;

/// Loads a program the viewer may see.
pub async fn visible_program(
    db: &store::Db,
    viewer: &Viewer,
    id: ProgramId,
) -> Result<Program, Error> {
    let program = db.program(id).await?;
    if !viewer.can_view_program(program.id) {
        return Err(Error::Forbidden);
    }
    Ok(program)
}

/// Loads a program the viewer manages.
pub async fn managed_program(
    db: &store::Db,
    viewer: &Viewer,
    id: ProgramId,
) -> Result<Program, Error> {
    let program = visible_program(db, viewer, id).await?;
    if !viewer.can_manage_program(program.id) {
        return Err(Error::Forbidden);
    }
    Ok(program)
}

/// Loads a program the viewer may add to (research outputs, activities).
pub async fn contributable_program(
    db: &store::Db,
    viewer: &Viewer,
    id: ProgramId,
) -> Result<Program, Error> {
    let program = visible_program(db, viewer, id).await?;
    if !viewer.can_contribute(program.id) {
        return Err(Error::Forbidden);
    }
    Ok(program)
}

/// Loads a program the viewer may enter aggregate values in: managers, facility leaders and
/// mentors.
pub async fn reporting_program(
    db: &store::Db,
    viewer: &Viewer,
    id: ProgramId,
) -> Result<Program, Error> {
    let program = visible_program(db, viewer, id).await?;
    let allowed = viewer.is_admin
        || viewer.grants.iter().any(|g| {
            g.program == program.id
                && matches!(
                    g.role,
                    Role::ProgramManager | Role::FacilityLeader | Role::Mentor
                )
        });
    if !allowed {
        return Err(Error::Forbidden);
    }
    Ok(program)
}

/// Loads a research project whose program the viewer may see.
pub async fn visible_project(
    db: &store::Db,
    viewer: &Viewer,
    id: ProjectId,
) -> Result<ResearchProject, Error> {
    let project = db.project(id).await?;
    visible_program(db, viewer, project.program).await?;
    Ok(project)
}

/// Loads a research project the viewer may change (they contribute to its program).
pub async fn contributable_project(
    db: &store::Db,
    viewer: &Viewer,
    id: ProjectId,
) -> Result<ResearchProject, Error> {
    let project = db.project(id).await?;
    contributable_program(db, viewer, project.program).await?;
    Ok(project)
}

/// Loads a matching proposal of a program the viewer manages (a proposal shows every mentee's
/// options, so only managers read or approve one).
pub async fn managed_proposal(
    db: &store::Db,
    viewer: &Viewer,
    id: ProposalId,
) -> Result<StoredProposal, Error> {
    let proposal = db.proposal(id).await?;
    managed_program(db, viewer, proposal.program).await?;
    Ok(proposal)
}

/// Loads a facility coupling or team proposal of a program the viewer manages.
pub async fn managed_facility_proposal(
    db: &store::Db,
    viewer: &Viewer,
    id: FacilityProposalId,
) -> Result<StoredFacilityProposal, Error> {
    let proposal = db.facility_proposal(id).await?;
    managed_program(db, viewer, proposal.program).await?;
    Ok(proposal)
}

/// The subtree (path prefix) a viewer reports for: everything for managers, the area of
/// their facility-leader or mentor role otherwise; `None` when they report nowhere.
pub fn reporting_scope(viewer: &Viewer, program: ProgramId) -> Option<String> {
    if viewer.can_manage_program(program) {
        return Some(String::new());
    }
    viewer
        .grants
        .iter()
        .filter(|g| g.program == program && matches!(g.role, Role::FacilityLeader | Role::Mentor))
        .map(|g| g.org_unit_path.clone())
        .min_by_key(String::len)
}

/// The path prefix of the viewer's widest view of a program's members: everything for
/// managers, their subtree for facility leaders and regional viewers, none for others
/// (mentors and mentees see only themselves and their pairings).
pub fn member_scope(viewer: &Viewer, program: ProgramId) -> Option<String> {
    if viewer.can_manage_program(program) {
        return Some(String::new());
    }
    viewer
        .grants
        .iter()
        .filter(|g| {
            g.program == program && matches!(g.role, Role::FacilityLeader | Role::RegionalViewer)
        })
        .map(|g| g.org_unit_path.clone())
        .min_by_key(String::len)
}

/// Which of a program's people the viewer may list: a subtree for managers and leaders,
/// otherwise themself and the people they are paired with.
pub async fn visible_filter(
    db: &store::Db,
    viewer: &Viewer,
    program: ProgramId,
) -> Result<PeopleFilter, Error> {
    let mut filter = PeopleFilter {
        program: Some(program),
        ..PeopleFilter::default()
    };
    match member_scope(viewer, program) {
        Some(path) => filter.under_path = Some(path),
        None => {
            let mut only = Vec::new();
            if let Some(me) = viewer.person {
                only.push(me);
                for pairing in db.pairings_of(me).await? {
                    if pairing.program == program {
                        only.push(if pairing.mentor == me {
                            pairing.mentee
                        } else {
                            pairing.mentor
                        });
                    }
                }
            }
            filter.only = Some(only);
        }
    }
    Ok(filter)
}

/// Whether the viewer may follow up this action item (mark it done, dropped or open again):
/// its owner, the program's managers, a facility leader over the facility where it was
/// agreed, and a mentor who took part in the activity. Others who can read it — a mentee of
/// the same facility, a regional viewer — may not close someone else's action.
pub fn may_follow_up(
    viewer: &Viewer,
    action: &store::visits::ActionItem,
    detail: &store::visits::ActivityDetail,
) -> bool {
    let program = detail.activity.program;
    if !viewer.can_view_program(program) {
        return false;
    }
    if viewer.can_manage_program(program) || viewer.person == Some(action.owner) {
        return true;
    }
    let leads_here = detail
        .activity
        .facility_path
        .as_deref()
        .is_some_and(|path| {
            viewer.grants.iter().any(|g| {
                g.program == program
                    && g.role == Role::FacilityLeader
                    && path.starts_with(&g.org_unit_path)
            })
        });
    let mentored_here = viewer.person.is_some_and(|me| {
        detail
            .participants
            .iter()
            .any(|p| p.person == me && p.role == domain::field::ParticipantRole::Mentor)
    });
    leads_here || mentored_here
}
