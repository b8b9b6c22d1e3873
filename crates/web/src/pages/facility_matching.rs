//! Facility coupling and team pages (managers): settings, the two run buttons, a proposal with
//! its explanations and the Approve button, and the program's current couplings and teams.
//! The work itself is in [`app::facility_matching`].

use super::repeated_press;
use super::settings_page::{self, SettingsPage};
use super::{DoneQuery, Layout, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::ManagedProgram;
use crate::extract::csrf::{Button, CheckedForm};
use crate::extract::{Params, PathId};
use app::facility_matching::{self, CouplingResult, FacilityResult, TeamsResult};
use app::i18n::Tr;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{FacilityProposalId, ProgramId};
use domain::matching::{ProposalReason, ProposalStatus};
use domain::programs::Program;
use matching::{FacilitySettings, MissingReason};
use serde::Deserialize;
use store::facility_matching::{
    ActiveCoupling, ActiveTeamMember, FacilityProposalKind, StoredFacilityProposal,
};

/// The settings form as typed (kept on a refusal so nothing has to be typed again).
#[derive(Debug, Clone, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    max_per_strong: String,
    #[serde(default)]
    max_km: String,
    #[serde(default)]
    max_teams_per_mentor: String,
    #[serde(default)]
    required_cadres: String,
}

impl SettingsForm {
    fn of(s: &FacilitySettings, t: &Tr) -> Self {
        Self {
            threshold: t.decimal_input(s.threshold),
            max_per_strong: s.max_per_strong.to_string(),
            max_km: t.decimal_input(s.max_km),
            max_teams_per_mentor: s.max_teams_per_mentor.to_string(),
            required_cadres: s.required_cadres.join(", "),
        }
    }

    fn parse(&self, t: &Tr) -> Result<FacilitySettings, String> {
        fn number<T: std::str::FromStr>(t: &Tr, field: &str, text: &str) -> Result<T, String> {
            // A decimal comma is read as a point: French readers type "2,5" (no field here
            // takes thousands separators, so the comma is not ambiguous).
            text.trim().replace(',', ".").parse().map_err(|_| {
                t.with(
                    "facilities-not-a-number",
                    "field",
                    t.get(&format!("facilities-{field}")),
                )
            })
        }
        let settings = FacilitySettings {
            threshold: number(t, "threshold", &self.threshold)?,
            max_per_strong: number(t, "max_per_strong", &self.max_per_strong)?,
            max_km: number(t, "max_km", &self.max_km)?,
            max_teams_per_mentor: number(t, "max_teams_per_mentor", &self.max_teams_per_mentor)?,
            required_cadres: self
                .required_cadres
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        settings.validate().map_err(|(field, message)| {
            let base = field.split('[').next().unwrap_or(&field);
            let label = t.get(&format!("facilities-{base}"));
            t.with_args("field-refusal", &[("field", &label), ("message", &message)])
        })?;
        Ok(settings)
    }
}

#[derive(Template)]
#[template(path = "facility_matching/program.html")]
struct ProgramPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    /// What the form just submitted did (after its redirect).
    notice: Option<String>,
    form: SettingsForm,
    proposals: Vec<(i64, String, String, String, String)>,
    couplings: Vec<ActiveCoupling>,
    teams: Vec<(i64, String, Vec<ActiveTeamMember>)>,
    /// Places of the approved teams emptied since (a mentor left), to fill by a new proposal.
    vacated: Vec<ActiveTeamMember>,
}

impl SettingsPage for ProgramPage {
    type Form = SettingsForm;
    type Settings = FacilitySettings;
    const PATH: &'static str = "facility-matching";
    const DONE: &'static [(&'static str, &'static str)] = &[
        ("settings", "matching-done-settings"),
        ("coupling", "facilities-done-coupling"),
        ("teams", "facilities-done-teams"),
    ];

    fn parse(form: &SettingsForm, t: &Tr) -> Result<FacilitySettings, String> {
        form.parse(t)
    }

    async fn save(
        state: &AppState,
        auth: &Auth,
        program: ProgramId,
        settings: &FacilitySettings,
    ) -> Result<(), AppError> {
        state
            .app
            .db
            .set_facility_matching_settings(&auth.actor(), program, settings)
            .await?;
        Ok(())
    }

    async fn show(
        state: &AppState,
        headers: &HeaderMap,
        auth: &Auth,
        program: Program,
        error: Option<String>,
        form: Option<SettingsForm>,
        notice: Option<String>,
    ) -> Result<Response, AppError> {
        let mut layout = Layout::new(state, headers, Some(auth), "");
        layout.title = layout.t.with("facilities-title", "program", &program.name);
        let t = layout.t.clone();
        let form = match form {
            Some(f) => f,
            None => SettingsForm::of(
                &state.app.db.facility_matching_settings(program.id).await?,
                &t,
            ),
        };
        let proposals = state
            .app
            .db
            .facility_proposals_of_program(program.id, 10)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.id.0,
                    t.get(&format!("facilities-kind-{}", p.kind.as_str())),
                    t.get(&format!("matching-status-{}", p.status)),
                    app::proposals::reason_words(&t, &p.reason),
                    p.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                )
            })
            .collect();
        let mut teams: Vec<(i64, String, Vec<ActiveTeamMember>)> = Vec::new();
        for member in state.app.db.active_team_members(program.id).await? {
            match teams.last_mut() {
                Some((id, _, members)) if *id == member.facility.0 => members.push(member),
                _ => teams.push((
                    member.facility.0,
                    member.facility_name.clone(),
                    vec![member],
                )),
            }
        }
        let refused = error.is_some();
        render_form(
            &ProgramPage {
                couplings: state.app.db.active_couplings(program.id).await?,
                teams,
                vacated: state.app.db.vacated_team_places(program.id).await?,
                proposals,
                layout,
                program,
                error,
                notice,
                form,
            },
            refused,
        )
    }
}

/// `GET /programs/{program}/facility-matching`.
pub async fn program(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    Params(query): Params<DoneQuery>,
) -> Result<Response, AppError> {
    settings_page::program::<ProgramPage>(&state, &headers, &auth, program, &query).await
}

/// `POST /programs/{program}/facility-matching/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    CheckedForm(form): CheckedForm<SettingsForm>,
) -> Result<Response, AppError> {
    settings_page::save_settings::<ProgramPage>(&state, &headers, &auth, program, form).await
}

async fn run(
    state: AppState,
    headers: HeaderMap,
    auth: Auth,
    id: i64,
    kind: FacilityProposalKind,
) -> Result<Response, AppError> {
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, ProgramId(id)).await?;
    let actor = auth.actor();
    let reason = &domain::matching::ProposalReason::ByManager;
    let stored = facility_matching::propose(&state.app.db, &actor, program.id, kind, reason).await;
    match stored.map_err(AppError::from) {
        Ok(stored) => Ok(
            Redirect::to(&format!("/facility-matching/proposals/{}", stored.id)).into_response(),
        ),
        Err(AppError::Invalid(e)) => {
            let t = super::translator(&state, &headers);
            let message = if e.field == "required_cadres" {
                t.get("facilities-need-cadres")
            } else {
                e.to_string()
            };
            ProgramPage::show(&state, &headers, &auth, program, Some(message), None, None).await
        }
        Err(other) => Err(other),
    }
}

/// `POST /programs/{program}/facility-matching/coupling-proposals`.
pub async fn run_coupling(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    run(state, headers, auth, id, FacilityProposalKind::Coupling).await
}

/// `POST /programs/{program}/facility-matching/team-proposals`.
pub async fn run_teams(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    run(state, headers, auth, id, FacilityProposalKind::Teams).await
}

/// One row of a proposal table, already in words.
struct Line {
    cells: Vec<String>,
    note: String,
}

#[derive(Template)]
#[template(path = "facility_matching/proposal.html")]
struct ProposalPage {
    layout: Layout,
    program: Program,
    proposal: StoredFacilityProposal,
    error: Option<String>,
    status: String,
    summary: String,
    /// (heading, column titles, rows) per table.
    tables: Vec<(String, Vec<String>, Vec<Line>)>,
}

impl ProposalPage {
    /// The proposal's reason in the reader's language.
    fn reason(&self, stored: &ProposalReason) -> String {
        app::proposals::reason_words(&self.layout.t, stored)
    }
}

fn percent(value: Option<f64>, t: &Tr) -> String {
    value.map_or_else(|| t.get("facilities-no-readiness"), |v| format!("{v:.0} %"))
}

fn km(t: &Tr, value: f64) -> String {
    format!("{} km", t.decimal(value, 1))
}

fn coupling_tables(t: &Tr, r: &CouplingResult) -> Vec<(String, Vec<String>, Vec<Line>)> {
    let pairs = r
        .pairs
        .iter()
        .map(|p| Line {
            cells: vec![
                format!("{} ({})", p.weak_name, percent(Some(p.weak_readiness), t)),
                format!(
                    "{} ({})",
                    p.strong_name,
                    percent(Some(p.strong_readiness), t)
                ),
                km(t, p.km),
            ],
            note: [
                p.nearer_full.as_ref().map(|n| {
                    t.with(
                        "facilities-nearer-full",
                        "name",
                        format!("{} ({})", n.name, km(t, n.km)),
                    )
                }),
                p.current.then(|| t.get("matching-current")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        })
        .collect();
    let unpaired = r
        .unpaired
        .iter()
        .map(|u| Line {
            cells: vec![u.name.clone(), percent(u.readiness, t)],
            note: t.with(
                &format!("facilities-why-{}", u.reason.as_str()),
                "km",
                r.settings.max_km,
            ),
        })
        .collect();
    let strong = r
        .strong
        .iter()
        .map(|s| Line {
            cells: vec![
                s.name.clone(),
                percent(Some(s.readiness), t),
                format!("{} / {}", s.takes, r.settings.max_per_strong),
            ],
            note: if s.located {
                String::new()
            } else {
                t.get("facilities-why-no_coordinates")
            },
        })
        .collect();
    vec![
        (
            t.count("facilities-pairs", "count", r.pairs.len() as i64),
            vec![
                t.get("facilities-weak"),
                t.get("facilities-strong"),
                t.get("facilities-distance"),
            ],
            pairs,
        ),
        (
            t.count("facilities-unpaired", "count", r.unpaired.len() as i64),
            vec![t.get("facilities-facility"), t.get("facilities-readiness")],
            unpaired,
        ),
        (
            t.count("facilities-strong-list", "count", r.strong.len() as i64),
            vec![
                t.get("facilities-facility"),
                t.get("facilities-readiness"),
                t.get("facilities-takes"),
            ],
            strong,
        ),
    ]
}

fn missing_text(t: &Tr, reason: MissingReason) -> String {
    t.get(match reason {
        MissingReason::NoMentorOfCadre => "facilities-missing-no_mentor",
        MissingReason::NoneInRange => "facilities-missing-none_in_range",
        MissingReason::AllInRangeAtLimit => "facilities-missing-all_at_limit",
    })
}

fn team_tables(t: &Tr, r: &TeamsResult) -> Vec<(String, Vec<String>, Vec<Line>)> {
    let teams = r
        .teams
        .iter()
        .map(|team| Line {
            cells: vec![
                team.name.clone(),
                team.members
                    .iter()
                    .map(|m| {
                        format!(
                            "{}: {} ({}, {}){}",
                            m.cadre,
                            m.mentor_name,
                            m.home,
                            km(t, m.km),
                            if m.current {
                                format!(" {}", t.get("matching-current"))
                            } else {
                                String::new()
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ],
            note: team
                .missing
                .iter()
                .map(|m| format!("{}: {}", m.cadre, missing_text(t, m.reason)))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let mut skipped: Vec<Line> = r
        .no_coordinates
        .iter()
        .map(|f| Line {
            cells: vec![f.name.clone()],
            note: t.get("facilities-why-no_coordinates"),
        })
        .collect();
    skipped.extend(r.mentors_unavailable.iter().map(|m| Line {
        cells: vec![format!("{} ({})", m.name, m.cadre)],
        note: t.get(&format!("facilities-mentor-{}", m.reason)),
    }));
    vec![
        (
            t.count("facilities-teams", "count", r.teams.len() as i64),
            vec![t.get("facilities-facility"), t.get("facilities-members")],
            teams,
        ),
        (
            t.count("facilities-left-out", "count", skipped.len() as i64),
            vec![t.get("facilities-who")],
            skipped,
        ),
    ]
}

async fn proposal_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    stored: StoredFacilityProposal,
    error: Option<String>,
) -> Result<Response, AppError> {
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, stored.program).await?;
    let mut layout = Layout::new(state, headers, Some(auth), "");
    let t = layout.t.clone();
    layout.title = t.with(
        &format!("facilities-proposal-{}", stored.kind.as_str()),
        "id",
        stored.id,
    );
    let (summary, tables) = match facility_matching::result_of(&stored)? {
        FacilityResult::Coupling(r) => (
            format!(
                "{} · {} · {} · {} ms",
                t.with("facilities-settings-used", "km", r.settings.max_km)
                    + &format!(" · < {} %", r.settings.threshold),
                t.with("facilities-total-km", "km", t.decimal(r.total_km, 1)),
                t.count("matching-changes", "count", r.changes as i64),
                t.decimal(r.solve_ms, 1)
            ),
            coupling_tables(&t, &r),
        ),
        FacilityResult::Teams(r) => (
            format!(
                "{} · {} · {} · {} ms",
                t.with("facilities-settings-used", "km", r.settings.max_km)
                    + &format!(" · {}", r.settings.required_cadres.join(", ")),
                t.with("facilities-total-km", "km", t.decimal(r.total_km, 1)),
                t.count("matching-changes", "count", r.changes as i64),
                t.decimal(r.solve_ms, 1)
            ),
            team_tables(&t, &r),
        ),
    };
    let refused = error.is_some();
    render_form(
        &ProposalPage {
            status: t.get(&format!("matching-status-{}", stored.status)),
            summary,
            tables,
            layout,
            program,
            proposal: stored,
            error,
        },
        refused,
    )
}

/// `GET /facility-matching/proposals/{proposal}`.
pub async fn proposal(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let stored = state
        .app
        .db
        .facility_proposal(FacilityProposalId(id))
        .await?;
    proposal_page(&state, &headers, &auth, stored, None).await
}

/// `POST /facility-matching/proposals/{proposal}/approve`: on success back to the program's
/// page (which lists what is now active); a refusal (approved already, inputs changed) is
/// shown on the proposal with 422.
pub async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    let stored = state
        .app
        .db
        .facility_proposal(FacilityProposalId(id))
        .await?;
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, stored.program).await?;
    let approved = || settings_page::done::<ProgramPage>(program.id, stored.kind.as_str());
    let outcome = facility_matching::approve(&state.app.db, &auth.actor(), FacilityProposalId(id))
        .await
        .map_err(AppError::from)
        .map(|_| approved());
    let outcome = repeated_press::as_first_press(outcome, async |_| {
        let now = state
            .app
            .db
            .facility_proposal(FacilityProposalId(id))
            .await?;
        Ok((now.status == ProposalStatus::Approved).then(approved))
    })
    .await;
    match outcome {
        Err(AppError::Invalid(e)) => {
            let stored = state
                .app
                .db
                .facility_proposal(FacilityProposalId(id))
                .await?;
            let message = super::translator(&state, &headers).refusal(&e);
            proposal_page(&state, &headers, &auth, stored, Some(message)).await
        }
        other => other,
    }
}

/// What the facility page says about a facility's approved coupling and team: its strong
/// partner (or the weak facilities it supports) and its mentors, one line each.
pub async fn facility_partners(
    state: &AppState,
    t: &Tr,
    program: ProgramId,
    facility: domain::ids::OrgUnitId,
) -> Result<Vec<String>, AppError> {
    let mut lines = Vec::new();
    let couplings = state.app.db.active_couplings(program).await?;
    for c in couplings.iter().filter(|c| c.weak == facility) {
        lines.push(t.with(
            "facilities-coupled-with",
            "name",
            format!("{} ({})", c.strong_name, km(t, c.km)),
        ));
    }
    let supported: Vec<String> = couplings
        .iter()
        .filter(|c| c.strong == facility)
        .map(|c| format!("{} ({})", c.weak_name, km(t, c.km)))
        .collect();
    if !supported.is_empty() {
        lines.push(t.with("facilities-supports", "names", supported.join(", ")));
    }
    let team: Vec<String> = state
        .app
        .db
        .active_team_members(program)
        .await?
        .into_iter()
        .filter(|m| m.facility == facility)
        .map(|m| format!("{}: {} ({})", m.cadre, m.mentor_name, km(t, m.km)))
        .collect();
    if !team.is_empty() {
        lines.push(format!("{}: {}", t.get("facilities-team"), team.join("; ")));
    }
    Ok(lines)
}
