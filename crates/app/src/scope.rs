//! Scoping shared by pages and API: which programs, members and people a viewer may see.
//! The yes/no rules are pure and live in `domain::access`; this module turns them into
//! database filters.

use crate::Error;
use domain::access::Role;
use domain::access::Viewer;
use domain::ids::ProgramId;
use domain::programs::Program;
use store::people::PeopleFilter;

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
