//! People: a program's list, a profile, and the create/edit form.

use super::{Layout, render, render_form, role_label};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::VisibleProgram;
use crate::extract::csrf::CheckedForm;
use crate::extract::{Params, PathId};
use app::scope::visible_filter;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::PersonId;
use domain::people::{Person, PersonInput, PersonProfile};
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

/// The list's query string.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage {
    layout: Layout,
    people: Vec<Person>,
    search: String,
    summary: String,
    can_create: bool,
    prev_offset: Option<i64>,
    next_offset: Option<i64>,
}

/// `GET /programs/{program}/people`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    Params(params): Params<ListParams>,
) -> Result<Response, AppError> {
    if params.offset < 0 {
        return Err(AppError::invalid("offset", "must be 0 or more"));
    }
    let mut filter = visible_filter(&state.app.db, &auth.viewer, program.id).await?;
    filter.search = Some(params.q.clone()).filter(|q| !q.trim().is_empty());
    let page = state
        .app
        .db
        .people(&filter, PAGE_SIZE, params.offset)
        .await?;
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.with("people-title", "program", &program.name);
    let summary = layout.t.count("people-count", "count", page.total);
    let next = params.offset + PAGE_SIZE;
    render(&ListPage {
        can_create: auth.viewer.can_manage_program(program.id),
        layout,
        people: page.people,
        search: params.q,
        summary,
        prev_offset: (params.offset > 0).then(|| (params.offset - PAGE_SIZE).max(0)),
        next_offset: (next < page.total).then_some(next),
    })
}

#[derive(Template)]
#[template(path = "people/profile.html")]
struct ProfilePage {
    layout: Layout,
    person: Person,
    can_edit: bool,
    fields: Vec<(String, String)>,
    memberships: Vec<MembershipLine>,
    pairings: Vec<(String, i64, String)>,
}

/// A membership on a profile.
pub struct MembershipLine {
    program: i64,
    program_name: String,
    role: String,
    org_unit: i64,
    org_unit_name: String,
}

/// `GET /people/{person}`.
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let person = state.app.db.person(PersonId(id)).await?;
    let scope = state.app.db.person_scope(person.id).await?;
    if !auth.viewer.can_view_person(&scope) {
        return Err(AppError::Forbidden);
    }
    let layout = Layout::new(
        &state,
        &headers,
        Some(&auth),
        person.profile.name.to_string(),
    );
    let t = &layout.t;
    let p = &person.profile;
    let join = |items: Vec<&str>| items.join(", ");
    let mut fields = vec![
        (
            t.get("person-cadre"),
            p.cadre
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            t.get("person-disciplines"),
            join(p.disciplines.iter().map(|d| d.as_str()).collect()),
        ),
        (
            t.get("person-experience"),
            p.years_experience
                .map(|y| y.get().to_string())
                .unwrap_or_default(),
        ),
        (
            t.get("person-languages"),
            join(p.languages.iter().map(|l| l.as_str()).collect()),
        ),
        (t.get("person-time-zone"), p.time_zone.to_string()),
        (
            t.get("person-residence"),
            p.country_of_residence
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ),
        (
            t.get("person-home-country"),
            p.home_country.map(|c| c.to_string()).unwrap_or_default(),
        ),
        (
            t.get("person-orcid"),
            p.orcid
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            t.get("person-email"),
            p.email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            t.get("person-phone"),
            p.phone
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            t.get("person-consent"),
            join(p.contact_consent.iter().map(|c| c.as_str()).collect()),
        ),
    ];
    fields.retain(|(_, v)| !v.is_empty());
    let mut memberships = Vec::new();
    for m in state.app.db.memberships_of_person(person.id).await? {
        if !auth.viewer.can_view_program(m.program) {
            continue;
        }
        let program = state.app.db.program(m.program).await?;
        memberships.push(MembershipLine {
            program: m.program.0,
            program_name: program.name.to_string(),
            role: role_label(t, m.role, Some(program.kind)),
            org_unit: m.org_unit.0,
            org_unit_name: m.org_unit_name,
        });
    }
    let mut pairings = Vec::new();
    for pairing in state.app.db.pairings_of(person.id).await? {
        let (role, other) = if pairing.mentee == person.id {
            ("pairing-mentor", pairing.mentor)
        } else {
            ("pairing-mentee", pairing.mentee)
        };
        let other = state.app.db.person(other).await?;
        pairings.push((t.get(role), other.id.0, other.profile.name.to_string()));
    }
    render(&ProfilePage {
        can_edit: auth.viewer.can_edit_person(&scope),
        layout,
        person,
        fields,
        memberships,
        pairings,
    })
}

/// The person form as posted (every field text; lists comma-separated).
#[derive(Debug, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    cadre: String,
    #[serde(default)]
    disciplines: String,
    #[serde(default)]
    years_experience: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    country_of_residence: String,
    #[serde(default)]
    home_country: String,
    #[serde(default)]
    orcid: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    contact_consent: String,
}

impl PersonForm {
    fn from_profile(p: &PersonProfile) -> Self {
        let join = |items: Vec<&str>| items.join(", ");
        Self {
            name: p.name.to_string(),
            cadre: p
                .cadre
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            disciplines: join(p.disciplines.iter().map(|d| d.as_str()).collect()),
            years_experience: p
                .years_experience
                .map(|y| y.get().to_string())
                .unwrap_or_default(),
            languages: join(p.languages.iter().map(|l| l.as_str()).collect()),
            time_zone: p.time_zone.to_string(),
            country_of_residence: p
                .country_of_residence
                .map(|c| c.to_string())
                .unwrap_or_default(),
            home_country: p.home_country.map(|c| c.to_string()).unwrap_or_default(),
            orcid: p
                .orcid
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            phone: p
                .phone
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            email: p
                .email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            contact_consent: join(p.contact_consent.iter().map(|c| c.as_str()).collect()),
        }
    }

    /// Validates into a profile; errors name the form field.
    fn validate(&self) -> Result<PersonProfile, AppError> {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let years_experience = match text(&self.years_experience) {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                AppError::invalid("years_experience", format!("'{raw}' is not a whole number"))
            })?),
        };
        let input = PersonInput {
            name: self.name.clone(),
            cadre: text(&self.cadre),
            disciplines: vec![self.disciplines.clone()],
            years_experience,
            languages: vec![self.languages.clone()],
            time_zone: self.time_zone.clone(),
            country_of_residence: text(&self.country_of_residence),
            home_country: text(&self.home_country),
            orcid: text(&self.orcid),
            phone: text(&self.phone),
            email: text(&self.email),
            contact_consent: vec![self.contact_consent.clone()],
        };
        Ok(input.validate()?)
    }
}

/// One input of the form.
pub struct FormField {
    name: &'static str,
    label: String,
    value: String,
    hint: String,
    required: bool,
    invalid: bool,
}

#[derive(Template)]
#[template(path = "people/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    error: Option<String>,
    fields: Vec<FormField>,
}

fn form_page(
    layout: Layout,
    action: String,
    form: &PersonForm,
    error: Option<&AppError>,
) -> Result<Response, AppError> {
    let t = &layout.t;
    let bad = error.and_then(AppError::field).unwrap_or("");
    let field =
        |name: &'static str, label: &str, value: &str, hint: &str, required: bool| FormField {
            name,
            label: t.get(label),
            value: value.to_owned(),
            hint: if hint.is_empty() {
                String::new()
            } else {
                t.get(hint)
            },
            required,
            invalid: bad == name,
        };
    let fields = vec![
        field("name", "person-name", &form.name, "", true),
        field("cadre", "person-cadre", &form.cadre, "hint-cadre", false),
        field(
            "disciplines",
            "person-disciplines",
            &form.disciplines,
            "hint-list",
            false,
        ),
        field(
            "years_experience",
            "person-experience",
            &form.years_experience,
            "",
            false,
        ),
        field(
            "languages",
            "person-languages",
            &form.languages,
            "hint-languages",
            false,
        ),
        field(
            "time_zone",
            "person-time-zone",
            &form.time_zone,
            "hint-time-zone",
            true,
        ),
        field(
            "country_of_residence",
            "person-residence",
            &form.country_of_residence,
            "hint-country",
            false,
        ),
        field(
            "home_country",
            "person-home-country",
            &form.home_country,
            "hint-country",
            false,
        ),
        field("orcid", "person-orcid", &form.orcid, "", false),
        field("phone", "person-phone", &form.phone, "hint-phone", false),
        field("email", "person-email", &form.email, "", false),
        field(
            "contact_consent",
            "person-consent",
            &form.contact_consent,
            "hint-consent",
            false,
        ),
    ];
    let message = error.map(|e| match e {
        AppError::Invalid(f) => format!("{}: {}", f.field, f.message),
        other => other.to_string(),
    });
    let refused = error.is_some();
    render_form(
        &FormPage {
            layout,
            action,
            error: message,
            fields,
        },
        refused,
    )
}

/// `GET /people/new` (managers).
pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, AppError> {
    if !auth.viewer.manages_any_program() {
        return Err(AppError::Forbidden);
    }
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout.t.get("people-new");
    let form = PersonForm {
        time_zone: "Africa/Addis_Ababa".into(),
        ..PersonForm::default()
    };
    form_page(layout, "/people".into(), &form, None)
}

/// `POST /people`: creates a person; a bad field re-shows the form naming it.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    CheckedForm(form): CheckedForm<PersonForm>,
) -> Result<Response, AppError> {
    if !auth.viewer.manages_any_program() {
        return Err(AppError::Forbidden);
    }
    let result = match form.validate() {
        Ok(profile) => state
            .app
            .db
            .create_person(&auth.actor(), &profile)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(person) => Ok(Redirect::to(&format!("/people/{}", person.id)).into_response()),
        Err(error @ AppError::Invalid(_)) => {
            let mut layout = Layout::new(&state, &headers, Some(&auth), "");
            layout.title = layout.t.get("people-new");
            form_page(layout, "/people".into(), &form, Some(&error))
        }
        Err(other) => Err(other),
    }
}

async fn editable(state: &AppState, auth: &Auth, id: PersonId) -> Result<Person, AppError> {
    let person = state.app.db.person(id).await?;
    let scope = state.app.db.person_scope(id).await?;
    if !auth.viewer.can_edit_person(&scope) {
        return Err(AppError::Forbidden);
    }
    Ok(person)
}

/// `GET /people/{person}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let person = editable(&state, &auth, PersonId(id)).await?;
    let layout = Layout::new(
        &state,
        &headers,
        Some(&auth),
        person.profile.name.to_string(),
    );
    form_page(
        layout,
        format!("/people/{id}"),
        &PersonForm::from_profile(&person.profile),
        None,
    )
}

/// `POST /people/{person}`: saves the profile.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<PersonForm>,
) -> Result<Response, AppError> {
    let person = editable(&state, &auth, PersonId(id)).await?;
    let result = match form.validate() {
        Ok(profile) => state
            .app
            .db
            .update_person(&auth.actor(), person.id, &profile)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}")).into_response()),
        Err(error @ AppError::Invalid(_)) => {
            let layout = Layout::new(
                &state,
                &headers,
                Some(&auth),
                person.profile.name.to_string(),
            );
            form_page(layout, format!("/people/{id}"), &form, Some(&error))
        }
        Err(other) => Err(other),
    }
}
