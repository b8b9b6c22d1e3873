//! People.

use super::{Page, PageParams};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::{ApiJson, Params, PathId};
use app::scope::{visible_filter, visible_program};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ids::{PersonId, ProgramId};
use domain::people::{Person, PersonInput};
use serde::{Deserialize, Serialize};
use store::people::PeopleFilter;

/// A person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonBody {
    /// Id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Cadre.
    pub cadre: Option<String>,
    /// Disciplines.
    pub disciplines: Vec<String>,
    /// Years of experience.
    pub years_experience: Option<i64>,
    /// Languages.
    pub languages: Vec<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Country of residence.
    pub country_of_residence: Option<String>,
    /// Home country.
    pub home_country: Option<String>,
    /// ORCID iD.
    pub orcid: Option<String>,
    /// E.164 phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Consented channels.
    pub contact_consent: Vec<String>,
    /// Lives outside their home country.
    pub diaspora: bool,
}

impl From<Person> for PersonBody {
    fn from(person: Person) -> Self {
        let p = &person.profile;
        let strings = |items: Vec<&str>| items.into_iter().map(str::to_owned).collect();
        Self {
            id: person.id.0,
            name: p.name.to_string(),
            cadre: p.cadre.as_ref().map(ToString::to_string),
            disciplines: strings(p.disciplines.iter().map(|d| d.as_str()).collect()),
            years_experience: p.years_experience.map(i64::from),
            languages: strings(p.languages.iter().map(|l| l.as_str()).collect()),
            time_zone: p.time_zone.to_string(),
            country_of_residence: p.country_of_residence.map(|c| c.to_string()),
            home_country: p.home_country.map(|c| c.to_string()),
            orcid: p.orcid.as_ref().map(ToString::to_string),
            phone: p.phone.as_ref().map(ToString::to_string),
            email: p.email.as_ref().map(ToString::to_string),
            contact_consent: strings(p.contact_consent.iter().map(|c| c.as_str()).collect()),
            diaspora: p.is_diaspora(),
        }
    }
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// Program id (required unless the caller is a system administrator).
    pub program: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Items per page, 1–200.
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// People the caller may see in a program.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleParams), responses((status = 200, body = Page<PersonBody>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Params(params): Params<PeopleParams>,
) -> Result<Json<Page<PersonBody>>, AppError> {
    let (limit, offset) = PageParams {
        limit: params.limit,
        offset: params.offset,
    }
    .checked()?;
    let mut filter = match params.program {
        Some(id) => {
            let program = visible_program(&state.app.db, &auth.viewer, ProgramId(id)).await?;
            visible_filter(&state.app.db, &auth.viewer, program.id).await?
        }
        None if auth.viewer.is_admin => PeopleFilter::default(),
        None => return Err(AppError::invalid("program", "is required")),
    };
    filter.search = params.q.filter(|q| !q.trim().is_empty());
    let page = state.app.db.people(&filter, limit, offset).await?;
    Ok(Json(Page {
        items: page.people.into_iter().map(PersonBody::from).collect(),
        total: page.total,
        limit,
        offset,
    }))
}

/// Creates a person (program managers). Not yet placed in a program: add a membership next.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput, responses((status = 201, body = PersonBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<PersonBody>), AppError> {
    if !auth.viewer.manages_any_program() {
        return Err(AppError::Forbidden);
    }
    let profile = input.validate()?;
    let person = state.app.db.create_person(&auth.actor(), &profile).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{person}", tag = "people", params(("person" = i64, Path)), responses((status = 200, body = PersonBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<PersonBody>, AppError> {
    let person = state.app.db.person(PersonId(id)).await?;
    if !auth
        .viewer
        .can_view_person(&state.app.db.person_scope(person.id).await?)
    {
        return Err(AppError::Forbidden);
    }
    Ok(Json(person.into()))
}

/// The body of a person's PATCH, for the API document: any of a person's fields (as in
/// [`PersonInput`]), each replacing the stored value; a field left out stays. The handler reads
/// the body as a JSON object and merges it, so a field given as `null` clears it.
#[derive(Debug, utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the merge-patch body; the handler merges raw JSON"
)]
pub struct PersonPatch {
    /// Full name.
    name: Option<String>,
    /// Cadre.
    cadre: Option<String>,
    /// Disciplines.
    disciplines: Option<Vec<String>>,
    /// Years of experience.
    years_experience: Option<i64>,
    /// Language tags.
    languages: Option<Vec<String>>,
    /// IANA time zone.
    time_zone: Option<String>,
    /// ISO country code of residence.
    country_of_residence: Option<String>,
    /// ISO country code of origin.
    home_country: Option<String>,
    /// ORCID iD.
    orcid: Option<String>,
    /// E.164 phone.
    phone: Option<String>,
    /// Email.
    email: Option<String>,
    /// Consented channels.
    contact_consent: Option<Vec<String>>,
}

/// Changes some fields of a person (JSON merge: fields present replace, absent stay).
#[utoipa::path(patch, path = "/api/v1/people/{person}", tag = "people", params(("person" = i64, Path)), request_body = PersonPatch, responses((status = 200, body = PersonBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    ApiJson(patch): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<PersonBody>, AppError> {
    let person = state.app.db.person(PersonId(id)).await?;
    if !auth
        .viewer
        .can_edit_person(&state.app.db.person_scope(person.id).await?)
    {
        return Err(AppError::Forbidden);
    }
    let current = serde_json::to_value(PersonBody::from(person.clone()))
        .map_err(|e| AppError::caused("a person as JSON", e))?;
    let serde_json::Value::Object(mut merged) = current else {
        return Err(AppError::internal("person did not serialise to an object"));
    };
    merged.remove("id");
    merged.remove("diaspora");
    for (key, value) in patch {
        if !merged.contains_key(&key) {
            return Err(AppError::invalid(key, "is not a person field"));
        }
        merged.insert(key, value);
    }
    let value = serde_json::Value::Object(merged);
    let input: PersonInput = serde_path_to_error::deserialize(value)
        .map_err(|e| AppError::invalid(e.path().to_string(), e.inner().to_string()))?;
    let profile = input.validate()?;
    let updated = state
        .app
        .db
        .update_person(&auth.actor(), person.id, &profile)
        .await?;
    Ok(Json(updated.into()))
}
