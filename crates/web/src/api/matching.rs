//! Matching (C5): settings, capacities, rules and preferences, proposals, approval, and
//! re-matching when a mentor leaves. Program managers only — a proposal shows every mentee's
//! pairing options — except preferences, which mentees and mentors state for themselves.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::{ManagedProgram, VisibleProgram};
use crate::extract::{ApiJson, PathId};
use app::preferences::{self, Posted, Preferences};
use app::proposals::{self, ProposalResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ids::{MatchRuleId, PersonId, ProposalId};
use matching::criteria::Settings;
use serde::{Deserialize, Serialize};
use store::matching::{MatchRule, RuleKind, StoredProposal};
use store::memberships::Pairing;

/// The program's matching settings (defaults until saved).
#[utoipa::path(get, path = "/api/v1/programs/{program}/matching/settings", tag = "matching", params(("program" = i64, Path)), responses((status = 200, body = Settings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Settings>, AppError> {
    Ok(Json(state.app.db.matching_settings(program.id).await?))
}

/// Replaces the program's matching settings; missing fields take their defaults.
#[utoipa::path(put, path = "/api/v1/programs/{program}/matching/settings", tag = "matching", params(("program" = i64, Path)), request_body = Settings, responses((status = 200, body = Settings), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(settings): ApiJson<Settings>,
) -> Result<Json<Settings>, AppError> {
    state
        .app
        .db
        .set_matching_settings(&auth.actor(), program.id, &settings)
        .await?;
    Ok(Json(settings))
}

/// A mentor's capacity.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    /// Mentor (person id).
    pub mentor: i64,
    /// Mentees they take, 0–1000 (0: none for now).
    pub capacity: u32,
}

/// Sets how many mentees a mentor takes.
#[utoipa::path(post, path = "/api/v1/programs/{program}/matching/capacities", tag = "matching", params(("program" = i64, Path)), request_body = CapacityInput, responses((status = 200, body = CapacityInput), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_capacity(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<CapacityInput>,
) -> Result<Json<CapacityInput>, AppError> {
    state
        .app
        .db
        .set_mentor_capacity(
            &auth.actor(),
            program.id,
            PersonId(input.mentor),
            input.capacity,
        )
        .await?;
    Ok(Json(input))
}

/// The program's pins, forbids and named conflicts.
#[utoipa::path(get, path = "/api/v1/programs/{program}/matching/rules", tag = "matching", params(("program" = i64, Path)), responses((status = 200, body = Vec<MatchRule>)))]
pub async fn list_rules(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Vec<MatchRule>>, AppError> {
    Ok(Json(state.app.db.match_rules(program.id).await?))
}

/// A rule to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// `pin`, `forbid` or `conflict`.
    pub kind: String,
    /// Mentee (person id).
    pub mentee: i64,
    /// Mentor (person id).
    pub mentor: i64,
    /// Why; required for a conflict (e.g. "direct supervisor").
    #[serde(default)]
    pub reason: String,
}

/// Pins, forbids or excludes a pair for the next proposals.
#[utoipa::path(post, path = "/api/v1/programs/{program}/matching/rules", tag = "matching", params(("program" = i64, Path)), request_body = RuleInput, responses((status = 201, body = MatchRule), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_rule(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<(StatusCode, Json<MatchRule>), AppError> {
    let kind = RuleKind::parse(&input.kind)?;
    let rule = state
        .app
        .db
        .add_match_rule(
            &auth.actor(),
            program.id,
            kind,
            PersonId(input.mentee),
            PersonId(input.mentor),
            &input.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

/// Removes a rule.
#[utoipa::path(delete, path = "/api/v1/matching/rules/{rule}", tag = "matching", params(("rule" = i64, Path)), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_rule(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    let rule = state.app.db.match_rule(MatchRuleId(id)).await?;
    app::scope::managed_program(&state.app.db, &auth.viewer, rule.program).await?;
    state
        .app
        .db
        .remove_match_rule(&auth.actor(), MatchRuleId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's ranked preferences.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// The mentee or mentor stating them.
    pub person: i64,
    /// People on the other side, first choice first (at most 20).
    pub ranked: Vec<i64>,
}

/// Records what a mentee or mentor ranks (replacing what they ranked before; an empty list
/// clears it). Mentees and mentors state their own; a program manager may state anyone's.
/// Only people the person may be matched with can be ranked (`ranked[i]` names a refusal).
#[utoipa::path(post, path = "/api/v1/programs/{program}/matching/preferences", tag = "matching", params(("program" = i64, Path)), request_body = PreferencesInput, responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    ApiJson(input): ApiJson<PreferencesInput>,
) -> Result<StatusCode, AppError> {
    let person = PersonId(input.person);
    if !auth.viewer.can_manage_program(program.id) && auth.viewer.person != Some(person) {
        return Err(AppError::invalid(
            "person",
            "you can state only your own preferences",
        ));
    }
    let posted: Vec<Posted> = input
        .ranked
        .iter()
        .enumerate()
        .map(|(k, other)| Posted {
            field: format!("ranked[{k}]"),
            person: PersonId(*other),
            rank: k as u32 + 1,
        })
        .collect();
    preferences::save(&state.app.db, &auth.actor(), program.id, person, &posted).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own preferences: everyone they may rank (best fit first, with how each fits
/// them) and the rank they gave. 422 on `person` when the caller is neither a mentee nor a
/// mentor of the program.
#[utoipa::path(get, path = "/api/v1/programs/{program}/matching/preferences", tag = "matching", params(("program" = i64, Path)), responses((status = 200, body = Preferences), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn get_preferences(
    State(state): State<AppState>,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Json<Preferences>, AppError> {
    let person = auth
        .viewer
        .person
        .ok_or_else(|| AppError::invalid("person", "this account is not linked to a person"))?;
    Ok(Json(
        preferences::load(&state.app.db, program.id, person).await?,
    ))
}

/// A proposal without its (large) result, for lists.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProposalSummary {
    /// Id.
    pub id: i64,
    /// Where it stands.
    pub status: domain::matching::ProposalStatus,
    /// Why it was run.
    pub reason: String,
    /// Total cost.
    pub objective: i64,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<StoredProposal> for ProposalSummary {
    fn from(p: StoredProposal) -> Self {
        Self {
            id: p.id.0,
            status: p.status,
            reason: p.reason.to_string(),
            objective: p.objective,
            created_by: p.created_by,
            created_at: p.created_at,
        }
    }
}

/// A proposal with its explained result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProposalBody {
    /// Id.
    pub id: i64,
    /// Program.
    pub program: i64,
    /// Where it stands.
    pub status: domain::matching::ProposalStatus,
    /// Why it was run.
    pub reason: String,
    /// The explained pairs and unassigned mentees.
    pub result: ProposalResult,
}

fn body(stored: &StoredProposal) -> Result<ProposalBody, AppError> {
    Ok(ProposalBody {
        id: stored.id.0,
        program: stored.program.0,
        status: stored.status,
        reason: stored.reason.to_string(),
        result: proposals::result_of(stored)?,
    })
}

/// The program's 50 most recent proposals.
#[utoipa::path(get, path = "/api/v1/programs/{program}/matching/proposals", tag = "matching", params(("program" = i64, Path)), responses((status = 200, body = Vec<ProposalSummary>)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    _auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<Json<Vec<ProposalSummary>>, AppError> {
    let list = state.app.db.proposals_of_program(program.id, 50).await?;
    Ok(Json(list.into_iter().map(ProposalSummary::from).collect()))
}

/// Runs the solver and stores a draft proposal.
#[utoipa::path(post, path = "/api/v1/programs/{program}/matching/proposals", tag = "matching", params(("program" = i64, Path)), responses((status = 201, body = ProposalBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_proposal(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
) -> Result<(StatusCode, Json<ProposalBody>), AppError> {
    let stored = proposals::propose(
        &state.app.db,
        &auth.actor(),
        program.id,
        &domain::matching::ProposalReason::ByManager,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(body(&stored)?)))
}

/// One proposal with every pair explained.
#[utoipa::path(get, path = "/api/v1/matching/proposals/{proposal}", tag = "matching", params(("proposal" = i64, Path)), responses((status = 200, body = ProposalBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_proposal(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<ProposalBody>, AppError> {
    let stored = app::scope::managed_proposal(&state.app.db, &auth.viewer, ProposalId(id)).await?;
    Ok(Json(body(&stored)?))
}

/// Approves a draft: creates its pairings (active) and ends the ones it replaces.
#[utoipa::path(post, path = "/api/v1/matching/proposals/{proposal}/approve", tag = "matching", params(("proposal" = i64, Path)), responses((status = 200, body = Vec<Pairing>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn approve_proposal(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Json<Vec<Pairing>>, AppError> {
    app::scope::managed_proposal(&state.app.db, &auth.viewer, ProposalId(id)).await?;
    Ok(Json(
        proposals::approve(&state.app.db, &auth.actor(), ProposalId(id)).await?,
    ))
}

/// A mentor who leaves.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorLeftInput {
    /// Mentor (person id).
    pub mentor: i64,
}

/// A mentor leaves: ends their pairings and proposes a warm-started re-match with a back-up
/// mentor for every mentee.
#[utoipa::path(post, path = "/api/v1/programs/{program}/matching/mentor-left", tag = "matching", params(("program" = i64, Path)), request_body = MentorLeftInput, responses((status = 201, body = ProposalBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn mentor_left(
    State(state): State<AppState>,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    ApiJson(input): ApiJson<MentorLeftInput>,
) -> Result<(StatusCode, Json<ProposalBody>), AppError> {
    let stored = proposals::mentor_leaves(
        &state.app.db,
        &auth.actor(),
        program.id,
        PersonId(input.mentor),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(body(&stored)?)))
}
