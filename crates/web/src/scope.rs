//! Scoping shared by pages and API: which programs, members and people a viewer may see.
//! The yes/no rules are pure and live in `domain::access`; this module turns them into
//! database filters.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use domain::access::Role;
use domain::ids::ProgramId;
use domain::programs::Program;
use store::people::PeopleFilter;

/// Loads a program the viewer may see.
pub async fn visible_program(
    state: &AppState,
    auth: &Auth,
    id: ProgramId,
) -> Result<Program, AppError> {
    let program = state.db.program(id).await?;
    if !auth.viewer.can_view_program(program.id) {
        return Err(AppError::Forbidden);
    }
    Ok(program)
}

/// The path prefix of the viewer's widest view of a program's members: everything for
/// managers, their subtree for facility leaders and regional viewers, none for others
/// (mentors and mentees see only themselves and their pairings).
pub fn member_scope(auth: &Auth, program: ProgramId) -> Option<String> {
    if auth.viewer.can_manage_program(program) {
        return Some(String::new());
    }
    auth.viewer
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
    state: &AppState,
    auth: &Auth,
    program: ProgramId,
) -> Result<PeopleFilter, AppError> {
    let mut filter = PeopleFilter {
        program: Some(program),
        ..PeopleFilter::default()
    };
    match member_scope(auth, program) {
        Some(path) => filter.under_path = Some(path),
        None => {
            let mut only = Vec::new();
            if let Some(me) = auth.viewer.person {
                only.push(me);
                for pairing in state.db.pairings_of(me).await? {
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
