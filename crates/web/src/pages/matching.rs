//! Matching pages (managers): settings, rules, proposals with their explanations, approval,
//! and the re-match when a mentor leaves. The work itself is in [`app::proposals`].

use super::repeated_press;
use super::settings_page::{self, SettingsPage};
use super::{DoneQuery, Layout, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::ManagedProgram;
use crate::extract::csrf::{Button, CheckedForm};
use crate::extract::{Params, PathId};
use app::i18n::Tr;
use app::proposals::{self, BackupMentor, ProposalResult};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{MatchRuleId, PersonId, ProgramId, ProposalId};
use domain::matching::{PairingStatus, ProposalReason, ProposalStatus};
use domain::programs::Program;
use matching::UnassignedReason;
use matching::criteria::{Settings, Weights};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;
use store::matching::{MatchRule, RuleKind, StoredProposal};

#[derive(Template)]
#[template(path = "matching/program.html")]
struct ProgramPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    /// What the form just submitted did (after its redirect).
    notice: Option<String>,
    /// The settings form's values: as saved, or as typed when the form was refused (so a
    /// manager fixes the one bad value instead of typing everything again).
    settings: SettingsForm,
    rules: Vec<MatchRule>,
    proposals: Vec<StoredProposal>,
    mentees: Vec<(i64, String)>,
    mentors: Vec<(i64, String)>,
    /// Mentors who still have places: the ones a departure can be recorded for.
    staying_mentors: Vec<(i64, String)>,
    active_pairings: String,
    /// How many places of the approved facility teams a departure emptied, said with a link
    /// to re-form the teams; `None` when there are none.
    vacated_team_places: Option<String>,
}

impl ProgramPage {
    /// A proposal's reason in the reader's language.
    fn reason(&self, stored: &ProposalReason) -> String {
        proposals::reason_words(&self.layout.t, stored)
    }
}

impl SettingsPage for ProgramPage {
    type Form = SettingsForm;
    type Settings = Settings;
    const PATH: &'static str = "matching";
    const DONE: &'static [(&'static str, &'static str)] = &[
        ("settings", "matching-done-settings"),
        ("rule", "matching-done-rule"),
        ("rule-removed", "matching-done-rule-removed"),
    ];

    fn parse(form: &SettingsForm, t: &Tr) -> Result<Settings, String> {
        form.parse(t)
    }

    async fn save(
        state: &AppState,
        auth: &Auth,
        program: ProgramId,
        settings: &Settings,
    ) -> Result<(), AppError> {
        state
            .app
            .db
            .set_matching_settings(&auth.actor(), program, settings)
            .await?;
        Ok(())
    }

    async fn show(
        state: &AppState,
        headers: &HeaderMap,
        auth: &Auth,
        program: Program,
        error: Option<String>,
        typed: Option<SettingsForm>,
        notice: Option<String>,
    ) -> Result<Response, AppError> {
        let mut layout = Layout::new(state, headers, Some(auth), "");
        layout.title = layout.t.with("matching-title", "program", &program.name);
        let settings = match typed {
            Some(form) => form,
            None => SettingsForm::of(&state.app.db.matching_settings(program.id).await?),
        };
        let people = |role: &'static str| async move {
            Ok::<_, AppError>(
                state
                    .app
                    .db
                    .matching_people(program.id, role)
                    .await?
                    .into_iter()
                    .map(|p| (p.id.0, p.name))
                    .collect::<Vec<_>>(),
            )
        };
        let mentees = people("mentee").await?;
        let mentors = people("mentor").await?;
        let capacities = state.app.db.mentor_capacities(program.id).await?;
        let staying_mentors = mentors
            .iter()
            .filter(|(id, _)| capacities.get(&PersonId(*id)) != Some(&0))
            .cloned()
            .collect();
        let vacated = state.app.db.vacated_team_places(program.id).await?.len();
        let vacated_team_places = (vacated > 0).then(|| {
            layout
                .t
                .count("matching-vacated-team-places", "count", vacated as i64)
        });
        let refused = error.is_some();
        let page = ProgramPage {
            vacated_team_places,
            settings,
            rules: state.app.db.match_rules(program.id).await?,
            proposals: state.app.db.proposals_of_program(program.id, 10).await?,
            active_pairings: layout.t.count(
                "matching-active-pairings",
                "count",
                active_pairings(state, program.id).await?,
            ),
            mentees,
            mentors,
            staying_mentors,
            layout,
            program,
            error,
            notice,
        };
        render_form(&page, refused)
    }
}

/// How many active pairings the program has.
async fn active_pairings(state: &AppState, program: ProgramId) -> Result<i64, AppError> {
    let active = state
        .app
        .db
        .pairings_of_program(program, Some(PairingStatus::Active))
        .await?;
    Ok(active.len() as i64)
}

/// A program-page form's outcome: a refusal is shown on the program page (422), in the
/// reader's language; success and other errors pass through.
async fn on_program_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    outcome: Result<Response, AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Err(AppError::Invalid(e)) => {
            let message = super::translator(state, headers).refusal(&e);
            ProgramPage::show(state, headers, auth, program, Some(message), None, None).await
        }
        other => other,
    }
}

/// A proposal just run: its page.
fn proposal_done(stored: &StoredProposal) -> Response {
    Redirect::to(&format!("/matching/proposals/{}", stored.id)).into_response()
}

/// `GET /programs/{program}/matching`.
pub async fn program(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    Params(query): Params<DoneQuery>,
) -> Result<Response, AppError> {
    settings_page::program::<ProgramPage>(&state, &headers, &auth, program, &query).await
}

/// The settings form; numbers arrive as text so a bad one is named, not a generic 400.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    language: String,
    working_hours: String,
    distance: String,
    experience: String,
    preference: String,
    continuity: String,
    target_experience_gap: String,
    unassigned_cost: String,
    default_capacity: String,
    #[serde(default)]
    cadre_pairs: String,
    #[serde(default)]
    exclude_previous_pairings: Option<String>,
}

fn number<T: std::str::FromStr>(t: &Tr, field: &str, text: &str) -> Result<T, String> {
    text.trim().parse().map_err(|_| {
        t.with(
            "matching-not-a-number",
            "field",
            t.get(&format!("matching-{field}")),
        )
    })
}

/// A count of places: a whole number, 0 or more. Why not `number::<u32>`: "-2" would then be
/// called not a whole number, which it is.
fn count(t: &Tr, field: &str, text: &str) -> Result<u32, String> {
    let value: i64 = number(t, field, text)?;
    u32::try_from(value).map_err(|_| {
        t.with_args(
            "matching-not-a-count",
            &[
                ("field", &t.get(&format!("matching-{field}"))),
                ("value", &value),
            ],
        )
    })
}

impl SettingsForm {
    /// The form filled in with saved settings.
    fn of(settings: &Settings) -> Self {
        let w = &settings.weights;
        SettingsForm {
            language: w.language.to_string(),
            working_hours: w.working_hours.to_string(),
            distance: w.distance.to_string(),
            experience: w.experience.to_string(),
            preference: w.preference.to_string(),
            continuity: w.continuity.to_string(),
            target_experience_gap: settings.target_experience_gap.to_string(),
            unassigned_cost: settings.unassigned_cost.to_string(),
            default_capacity: settings.default_capacity.to_string(),
            cadre_pairs: settings
                .cadre_pairs
                .iter()
                .map(|(a, b)| format!("{a}:{b}"))
                .collect::<Vec<_>>()
                .join(", "),
            exclude_previous_pairings: settings.exclude_previous_pairings.then(|| "1".to_owned()),
        }
    }

    fn parse(&self, t: &Tr) -> Result<Settings, String> {
        let mut cadre_pairs = Vec::new();
        for item in self
            .cadre_pairs
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let Some((a, b)) = item.split_once(':') else {
                return Err(t.with("matching-bad-cadre-pair", "pair", item));
            };
            cadre_pairs.push((a.trim().to_owned(), b.trim().to_owned()));
        }
        let settings = Settings {
            weights: Weights {
                language: number(t, "language", &self.language)?,
                working_hours: number(t, "working_hours", &self.working_hours)?,
                distance: number(t, "distance", &self.distance)?,
                experience: number(t, "experience", &self.experience)?,
                preference: number(t, "preference", &self.preference)?,
                continuity: number(t, "continuity", &self.continuity)?,
            },
            target_experience_gap: number(t, "target_experience_gap", &self.target_experience_gap)?,
            unassigned_cost: number(t, "unassigned_cost", &self.unassigned_cost)?,
            default_capacity: count(t, "default_capacity", &self.default_capacity)?,
            cadre_pairs,
            exclude_previous_pairings: self.exclude_previous_pairings.is_some(),
        };
        settings.validate().map_err(|(field, message)| {
            let key = format!("matching-{}", field.trim_start_matches("weights."));
            let label = t.get(&key);
            let field = if label == key { field } else { label };
            t.with_args("field-refusal", &[("field", &field), ("message", &message)])
        })?;
        Ok(settings)
    }
}

/// `POST /programs/{program}/matching/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    CheckedForm(form): CheckedForm<SettingsForm>,
) -> Result<Response, AppError> {
    settings_page::save_settings::<ProgramPage>(&state, &headers, &auth, program, form).await
}

/// The add-rule form (also posted by the pin and forbid buttons of a proposal).
#[derive(Debug, Deserialize)]
pub struct RuleForm {
    kind: String,
    mentee: i64,
    mentor: i64,
    #[serde(default)]
    reason: String,
}

/// `POST /programs/{program}/matching/rules`.
pub async fn add_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    CheckedForm(form): CheckedForm<RuleForm>,
) -> Result<Response, AppError> {
    let added = match RuleKind::parse(&form.kind) {
        Ok(kind) => state
            .app
            .db
            .add_match_rule(
                &auth.actor(),
                program.id,
                kind,
                PersonId(form.mentee),
                PersonId(form.mentor),
                &form.reason,
            )
            .await
            .map_err(AppError::from),
        Err(e) => Err(e.into()),
    };
    let outcome = added.map(|_| settings_page::done::<ProgramPage>(program.id, "rule"));
    on_program_page(&state, &headers, &auth, program, outcome).await
}

/// `POST /matching/rules/{rule}/delete`.
pub async fn delete_rule(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    let rule = state.app.db.match_rule(MatchRuleId(id)).await?;
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, rule.program).await?;
    state
        .app
        .db
        .remove_match_rule(&auth.actor(), MatchRuleId(id))
        .await?;
    Ok(settings_page::done::<ProgramPage>(
        program.id,
        "rule-removed",
    ))
}

/// `POST /programs/{program}/matching/proposals`: runs the solver, shows the draft.
pub async fn run(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    let outcome = proposals::propose(
        &state.app.db,
        &auth.actor(),
        program.id,
        &domain::matching::ProposalReason::ByManager,
    )
    .await
    .map_err(AppError::from)
    .map(|stored| proposal_done(&stored));
    on_program_page(&state, &headers, &auth, program, outcome).await
}

/// The mentor-left form.
#[derive(Debug, Deserialize)]
pub struct MentorLeftForm {
    mentor: i64,
}

/// `POST /programs/{program}/matching/mentor-left`.
pub async fn mentor_left(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ManagedProgram(program): ManagedProgram,
    CheckedForm(form): CheckedForm<MentorLeftForm>,
) -> Result<Response, AppError> {
    let outcome = proposals::mentor_leaves(
        &state.app.db,
        &auth.actor(),
        program.id,
        PersonId(form.mentor),
    )
    .await
    .map_err(AppError::from)
    .map(|stored| proposal_done(&stored));
    // The departure is in, and the newest draft was run with it, so that draft is the answer
    // to a second press too.
    let outcome = repeated_press::as_first_press(outcome, async |refusal| {
        let left_already = refusal
            .phrase
            .as_ref()
            .is_some_and(|p| p.id == "matching-error-left-already");
        if !left_already {
            return Ok(None);
        }
        let draft = state
            .app
            .db
            .proposals_of_program(program.id, 1)
            .await?
            .into_iter()
            .find(|p| p.status == ProposalStatus::Draft);
        Ok(draft.map(|draft| {
            let to = format!("/matching/proposals/{}?done=departure-recorded", draft.id);
            Redirect::to(&to).into_response()
        }))
    })
    .await;
    on_program_page(&state, &headers, &auth, program, outcome).await
}

/// A pair as the proposal page shows it.
struct PairLine {
    mentee: i64,
    mentee_name: String,
    mentor: i64,
    mentor_name: String,
    cost: i64,
    breakdown: Vec<(String, i64)>,
    pinned: bool,
    current: bool,
    backup: Option<String>,
    /// Stated preferences this pair honours or passes over ("mentee's 1st choice").
    choices: Vec<String>,
}

/// A side's stated choice about its pair, readable: its rank, or that it ranked others.
fn choice_text(t: &Tr, side: &str, choice: Option<&proposals::StatedChoice>) -> Option<String> {
    let choice = choice?;
    Some(match choice.rank {
        Some(rank) => t.count(&format!("matching-choice-{side}"), "rank", i64::from(rank)),
        None => t.count(
            &format!("matching-choice-{side}-none"),
            "count",
            i64::from(choice.of),
        ),
    })
}

#[derive(Template)]
#[template(path = "matching/proposal.html")]
struct ProposalPage {
    layout: Layout,
    program: Program,
    proposal: StoredProposal,
    status: String,
    result: ProposalResult,
    /// Pairs that are not current pairings: the changes a manager approves.
    new: Vec<PairLine>,
    /// Pairs the proposal keeps as they are.
    kept: Vec<PairLine>,
    /// `(mentee, name, reason, best eligible mentor)`.
    unassigned: Vec<(i64, String, String, Option<String>)>,
    solve_ms: String,
    changes: String,
    pairs_title: String,
    new_title: String,
    kept_title: String,
    unassigned_title: String,
    /// A newer proposal of the program, which makes this draft out of date.
    superseded_by: Option<i64>,
    /// Why an approval was just refused.
    error: Option<String>,
    /// The confirmation of an approval (after its redirect).
    notice: Option<String>,
}

impl ProposalPage {
    /// A proposal's reason in the reader's language.
    fn reason(&self, stored: &ProposalReason) -> String {
        proposals::reason_words(&self.layout.t, stored)
    }
}

/// A back-up or best eligible mentor's name, marked "(full)" when they have no room left.
fn mentor_and_room(t: &Tr, b: &BackupMentor) -> String {
    if b.has_room {
        b.mentor_name.clone()
    } else {
        t.with("matching-backup-full", "name", &b.mentor_name)
    }
}

fn reason_text(t: &Tr, reason: &UnassignedReason) -> String {
    match reason {
        UnassignedReason::NoEligibleMentor => t.get("matching-reason-no-eligible"),
        UnassignedReason::ExcludedByRule { reasons } => {
            t.with("matching-reason-excluded", "reasons", reasons.join("; "))
        }
        UnassignedReason::CapacityExhausted => t.get("matching-reason-capacity"),
        UnassignedReason::CheaperUnassigned => t.get("matching-reason-too-costly"),
    }
}

/// `GET /matching/proposals/{proposal}`.
pub async fn proposal(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    Params(query): Params<DoneQuery>,
) -> Result<Response, AppError> {
    proposal_page(&state, &headers, &auth, id, None, query.done.as_deref()).await
}

/// `GET /matching/proposals/{proposal}/pairs.xlsx`: the proposal as a workbook, for a
/// committee that reviews pairings offline: one row per pair (new ones first, then kept ones)
/// and per mentee left without a mentor, each cost broken down by criterion, with the labels
/// in the reader's language. XLSX rather than CSV, as for the quarterly report: the people's
/// format (the CSV files stay machine-readable), and every name is a typed text cell, so one
/// that starts with `=` is never run as a formula.
pub async fn proposal_xlsx(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let stored = state.app.db.proposal(ProposalId(id)).await?;
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, stored.program).await?;
    let result = proposals::result_of(&stored)?;
    let t = super::translator(&state, &headers);
    let body = pairs_workbook(&t, &result)
        .map_err(|e| AppError::caused(format!("proposal {id} as XLSX"), e))?;
    Ok(crate::download::download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{}-proposal-{id}.xlsx", program.code),
    ))
}

/// The workbook of [`proposal_xlsx`]: one sheet, a frozen header row with a filter.
fn pairs_workbook(t: &Tr, result: &ProposalResult) -> Result<Vec<u8>, XlsxError> {
    let criteria = matching::criteria::CRITERIA;
    let mut columns = vec![
        (t.get("matching-mentee"), 26.0),
        (t.get("matching-mentor"), 26.0),
        (t.get("matching-sheet-change"), 14.0),
        (t.get("matching-cost"), 10.0),
    ];
    columns.extend(
        criteria
            .iter()
            .map(|c| (t.get(&format!("matching-{c}")), 14.0)),
    );
    columns.extend([
        (t.get("matching-sheet-backup"), 30.0),
        (t.get("matching-sheet-why"), 40.0),
    ]);
    let backup_col = 4 + criteria.len() as u16;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    let wrapped = Format::new().set_text_wrap();
    for (col, (name, width)) in (0u16..).zip(&columns) {
        sheet.write_string_with_format(0, col, name, &bold)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row = 0u32;
    let (kept, new): (Vec<_>, Vec<_>) = result.pairs.iter().partition(|p| p.current);
    for (pairs, change) in [(new, "matching-sheet-new"), (kept, "matching-sheet-kept")] {
        for p in pairs {
            row += 1;
            sheet.write_string(row, 0, &p.mentee_name)?;
            sheet.write_string(row, 1, &p.mentor_name)?;
            sheet.write_string(
                row,
                2,
                t.get(if p.pinned {
                    "matching-kind-pin"
                } else {
                    change
                }),
            )?;
            // Costs are far below 2^53, so they are exact as spreadsheet numbers.
            sheet.write_number(row, 3, p.cost as f64)?;
            for (col, criterion) in (4u16..).zip(criteria) {
                let cost = p.breakdown.iter().find(|b| b.criterion == criterion);
                sheet.write_number(row, col, cost.map_or(0, |b| b.cost) as f64)?;
            }
            if let Some(b) = &p.backup {
                sheet.write_string(row, backup_col, mentor_and_room(t, b))?;
            }
        }
    }
    for u in &result.unassigned {
        row += 1;
        sheet.write_string(row, 0, &u.mentee_name)?;
        sheet.write_string(row, 2, t.get("matching-sheet-none"))?;
        if let Some(b) = &u.best_eligible {
            sheet.write_string(row, backup_col, mentor_and_room(t, b))?;
        }
        sheet.write_string_with_format(row, backup_col + 1, reason_text(t, &u.reason), &wrapped)?;
    }
    sheet.autofilter(0, 0, row, backup_col + 1)?;
    workbook.save_to_buffer()
}

/// The proposal page, with a refused approval's reason when there is one (then 422).
async fn proposal_page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    id: i64,
    error: Option<String>,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let stored = state.app.db.proposal(ProposalId(id)).await?;
    let program = app::scope::managed_program(&state.app.db, &auth.viewer, stored.program).await?;
    let result = proposals::result_of(&stored)?;
    let superseded_by = state
        .app
        .db
        .newest_proposal_id(program.id)
        .await?
        .filter(|&newest| newest > stored.id.0);
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("matching-proposal-title", "id", stored.id);
    let t = layout.t.clone();
    let (kept, new): (Vec<PairLine>, Vec<PairLine>) = result
        .pairs
        .iter()
        .map(|p| PairLine {
            mentee: p.mentee,
            mentee_name: p.mentee_name.clone(),
            mentor: p.mentor,
            mentor_name: p.mentor_name.clone(),
            cost: p.cost,
            breakdown: p
                .breakdown
                .iter()
                .filter(|c| c.cost != 0)
                .map(|c| (t.get(&format!("matching-{}", c.criterion)), c.cost))
                .collect(),
            pinned: p.pinned,
            current: p.current,
            backup: p.backup.as_ref().map(|b| mentor_and_room(&t, b)),
            choices: [
                choice_text(&t, "mentee", p.mentee_choice.as_ref()),
                choice_text(&t, "mentor", p.mentor_choice.as_ref()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
        .partition(|line| line.current);
    let unassigned = result
        .unassigned
        .iter()
        .map(|u| {
            let best_eligible = u.best_eligible.as_ref().map(|b| {
                t.with_args(
                    "matching-best-eligible",
                    &[("name", &mentor_and_room(&t, b)), ("cost", &b.cost)],
                )
            });
            (
                u.mentee,
                u.mentee_name.clone(),
                reason_text(&t, &u.reason),
                best_eligible,
            )
        })
        .collect();
    let status = t.get(&format!("matching-status-{}", stored.status));
    let changes = t.count("matching-changes", "count", result.changes as i64);
    let pairs_title = t.count("matching-pairs", "count", result.pairs.len() as i64);
    let new_title = t.count("matching-new-pairs", "count", new.len() as i64);
    let kept_title = t.count("matching-kept-pairs", "count", kept.len() as i64);
    let unassigned_title = t.count(
        "matching-unassigned",
        "count",
        result.unassigned.len() as i64,
    );
    let notice = match done {
        Some("approved") if stored.status == ProposalStatus::Approved => Some(t.count(
            "matching-done-approved",
            "count",
            active_pairings(state, program.id).await?,
        )),
        Some("departure-recorded") => Some(t.get("matching-done-departure-recorded")),
        _ => None,
    };
    let refused = error.is_some();
    let page = ProposalPage {
        error,
        notice,
        superseded_by,
        changes,
        pairs_title,
        new_title,
        kept_title,
        unassigned_title,
        layout,
        program,
        status,
        new,
        kept,
        unassigned,
        solve_ms: t.decimal(result.solve_ms, 1),
        result,
        proposal: stored,
    };
    render_form(&page, refused)
}

/// `POST /matching/proposals/{proposal}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
    _: CheckedForm<Button>,
) -> Result<Response, AppError> {
    app::scope::managed_proposal(&state.app.db, &auth.viewer, ProposalId(id)).await?;
    let approved =
        || Redirect::to(&format!("/matching/proposals/{id}?done=approved")).into_response();
    let outcome = proposals::approve(&state.app.db, &auth.actor(), ProposalId(id))
        .await
        .map_err(AppError::from)
        .map(|_| approved());
    let outcome = repeated_press::as_first_press(outcome, async |_| {
        let now = state.app.db.proposal(ProposalId(id)).await?;
        Ok((now.status == ProposalStatus::Approved).then(approved))
    })
    .await;
    match outcome {
        // Stale or discarded: said on the proposal itself, next to what it holds.
        Err(AppError::Invalid(e)) => {
            let message = super::translator(&state, &headers).refusal(&e);
            proposal_page(&state, &headers, &auth, id, Some(message), None).await
        }
        other => other,
    }
}
