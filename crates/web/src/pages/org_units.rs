//! The org-unit tree and one unit's page.

use super::{Layout, render, role_label};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::PathId;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::ids::OrgUnitId;
use domain::org_units::OrgUnit;

#[derive(Template)]
#[template(path = "org_units/tree.html")]
struct TreePage {
    layout: Layout,
    units: Vec<OrgUnit>,
}

/// `GET /org-units`: the part of the tree the viewer may see.
pub async fn tree(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("nav-org-units");
    let units = state
        .app
        .db
        .org_units()
        .await?
        .into_iter()
        .filter(|u| auth.viewer.can_view_org_unit(&u.path))
        .collect();
    render(&TreePage { layout, units })
}

/// A membership line on a unit page.
pub struct MemberLine {
    person: i64,
    person_name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "org_units/unit.html")]
struct UnitPage {
    layout: Layout,
    unit: OrgUnit,
    level: String,
    ancestry: Vec<OrgUnit>,
    children: Vec<OrgUnit>,
    members: Vec<MemberLine>,
}

/// `GET /org-units/{org_unit}`.
pub async fn unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let unit = state.app.db.org_unit(OrgUnitId(id)).await?;
    if !auth.viewer.can_view_org_unit(&unit.path) {
        return Err(AppError::Forbidden);
    }
    let layout = Layout::new(&state, &headers, Some(&auth), unit.name.to_string());
    let mut ancestry = state.app.db.org_unit_ancestry(&unit).await?;
    ancestry.pop();
    let children = state
        .app
        .db
        .org_unit_children(unit.id)
        .await?
        .into_iter()
        .filter(|c| auth.viewer.can_view_org_unit(&c.path))
        .collect();
    // People placed exactly here, in programs where the viewer sees this unit's members.
    let mut members = Vec::new();
    for program in state.app.db.programs().await? {
        if !auth.viewer.sees_all_at(program.id, &unit.path) {
            continue;
        }
        for m in state
            .app
            .db
            .memberships_of_program(program.id, &unit.path)
            .await?
        {
            if m.org_unit == unit.id {
                members.push(MemberLine {
                    person: m.person.0,
                    person_name: m.person_name,
                    role: role_label(&layout.t, m.role, Some(program.kind)),
                });
            }
        }
    }
    let level = layout.t.get(&format!("level-{}", unit.level.as_str()));
    render(&UnitPage {
        layout,
        unit,
        level,
        ancestry,
        children,
        members,
    })
}
