//! A program's memberships, and adding one (managers).

use super::{Layout, render_form, role_label};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use crate::extract::csrf::CheckedForm;
use app::scope::member_scope;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Role;
use domain::ids::{OrgUnitId, PersonId};
use domain::programs::Program;
use serde::Deserialize;
use store::people::PeopleFilter;

/// A membership line.
pub struct Line {
    person: i64,
    person_name: String,
    role: String,
    org_unit: i64,
    org_unit_name: String,
}

#[derive(Template)]
#[template(path = "memberships/list.html")]
struct ListPage {
    layout: Layout,
    error: Option<String>,
    memberships: Vec<Line>,
    can_manage: bool,
    people: Vec<(i64, String)>,
    roles: Vec<(&'static str, String)>,
    units: Vec<(i64, String)>,
}

/// How many people the add form offers; beyond this a manager should use the API or import.
const PICKER_LIMIT: i64 = 1000;

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: &Program,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("memberships-title", "program", &program.name);
    let memberships = match member_scope(&auth.viewer, program.id) {
        Some(scope) => {
            state
                .app
                .db
                .memberships_of_program(program.id, &scope)
                .await?
        }
        None => Vec::new(),
    };
    let memberships = memberships
        .into_iter()
        .map(|m| Line {
            person: m.person.0,
            person_name: m.person_name,
            role: role_label(&layout.t, m.role, Some(program.kind)),
            org_unit: m.org_unit.0,
            org_unit_name: m.org_unit_name,
        })
        .collect();
    let can_manage = auth.viewer.can_manage_program(program.id);
    let (people, units) = if can_manage {
        let people = state
            .app
            .db
            .people(&PeopleFilter::default(), PICKER_LIMIT, 0)
            .await?
            .people
            .into_iter()
            .map(|p| (p.id.0, p.profile.name.to_string()))
            .collect();
        let units = state
            .app
            .db
            .org_units()
            .await?
            .into_iter()
            .map(|u| {
                (
                    u.id.0,
                    format!("{}{}", "· ".repeat(u.level.number() as usize - 1), u.name),
                )
            })
            .collect();
        (people, units)
    } else {
        (Vec::new(), Vec::new())
    };
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), role_label(&layout.t, *r, Some(program.kind))))
        .collect();
    let refused = error.is_some();
    render_form(
        &ListPage {
            layout,
            error,
            memberships,
            can_manage,
            people,
            roles,
            units,
        },
        refused,
    )
}

/// `GET /programs/{program}/memberships`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    page(&state, &headers, &auth, &program, None).await
}

/// The add-membership form.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    person: i64,
    role: String,
    org_unit: i64,
}

/// `POST /programs/{program}/memberships`.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    CheckedForm(form): CheckedForm<AddForm>,
) -> Result<Response, AppError> {
    if !auth.viewer.can_manage_program(program.id) {
        return Err(AppError::Forbidden);
    }
    let result = match Role::parse(&form.role) {
        Ok(role) => state
            .app
            .db
            .add_membership(
                &auth.actor(),
                program.id,
                PersonId(form.person),
                role,
                OrgUnitId(form.org_unit),
            )
            .await
            .map_err(AppError::from),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/programs/{}/memberships", program.id)).into_response()),
        Err(AppError::Invalid(e)) => {
            page(
                &state,
                &headers,
                &auth,
                &program,
                Some(format!("{}: {}", e.field, e.message)),
            )
            .await
        }
        Err(AppError::NotFound(what)) => {
            page(
                &state,
                &headers,
                &auth,
                &program,
                Some(format!("{what} not found")),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
