//! The programs a viewer belongs to, and each program's overview.

use super::{Layout, kind_label, render, role_label};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use app::scope::member_scope;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::access::Role;
use domain::ids::ProgramId;
use domain::programs::{Program, ProgramKind};
use std::collections::BTreeMap;

/// A program card on the home page.
pub struct ProgramCard {
    id: ProgramId,
    name: String,
    kind: String,
    roles: String,
    /// A mentee or mentor here, who states matching preferences.
    ranks: bool,
}

/// Whether the viewer is a mentee or mentor of the program (and so ranks the other side).
fn states_preferences(auth: &Auth, program: ProgramId) -> bool {
    auth.viewer
        .grants
        .iter()
        .any(|g| g.program == program && matches!(g.role, Role::Mentee | Role::Mentor))
}

#[derive(Template)]
#[template(path = "programs/home.html")]
struct HomePage {
    layout: Layout,
    programs: Vec<ProgramCard>,
}

/// `GET /`: the programs the viewer can see, with their roles in each.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("home-title");
    let programs = state
        .app
        .db
        .programs()
        .await?
        .into_iter()
        .filter(|p| auth.viewer.can_view_program(p.id))
        .map(|p| {
            let mut roles: Vec<String> = auth
                .viewer
                .grants
                .iter()
                .filter(|g| g.program == p.id)
                .map(|g| role_label(&layout.t, g.role, Some(p.kind)))
                .collect();
            roles.dedup();
            ProgramCard {
                id: p.id,
                name: p.name.to_string(),
                kind: kind_label(&layout.t, p.kind),
                roles: roles.join(", "),
                ranks: states_preferences(&auth, p.id),
            }
        })
        .collect();
    render(&HomePage { layout, programs })
}

#[derive(Template)]
#[template(path = "programs/overview.html")]
struct OverviewPage {
    layout: Layout,
    program: Program,
    kind: String,
    counts: Vec<(String, i64)>,
    can_manage: bool,
    can_contribute: bool,
    is_research: bool,
    ranks: bool,
}

/// `GET /programs/{program}`: what the program is and who is in it (within the viewer's scope).
pub async fn overview(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    let layout = Layout::new(&state, &headers, Some(&auth), program.name.to_string());
    let mut counts: BTreeMap<Role, i64> = BTreeMap::new();
    if let Some(scope) = member_scope(&auth.viewer, program.id) {
        for m in state
            .app
            .db
            .memberships_of_program(program.id, &scope)
            .await?
        {
            *counts.entry(m.role).or_default() += 1;
        }
    }
    let counts = counts
        .into_iter()
        .map(|(role, n)| (role_label(&layout.t, role, Some(program.kind)), n))
        .collect();
    let kind = kind_label(&layout.t, program.kind);
    let can_manage = auth.viewer.can_manage_program(program.id);
    let can_contribute = auth.viewer.can_contribute(program.id);
    let is_research = program.kind == ProgramKind::PeerResearch;
    let ranks = states_preferences(&auth, program.id);
    render(&OverviewPage {
        ranks,
        layout,
        program,
        kind,
        counts,
        can_manage,
        can_contribute,
        is_research,
    })
}
