//! Matching proposals (C5), the workflow around `matching`: gather a program's mentees,
//! mentors, settings and rules from the store, solve, keep the explained result as a draft,
//! approve it into pairings, and re-match when a mentor leaves.
//!
//! Pages, the API and the CLI (`tandem match propose`) all go through here, so a proposal
//! reads the same wherever it was made.

use crate::Error;
use chrono::{Offset, TimeZone as _, Utc};
use domain::ids::{PersonId, ProgramId, ProposalId};
use domain::matching::{PairingStatus, ProposalReason, ProposalStatus};
use matching::criteria::{self, Inputs, Profile, Ranking};
use matching::{CostComponent, Exclusion, PinProblem, Rules, UnassignedReason, WarmStart};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use store::matching::{MatchPerson, MatchRule, RuleKind, StoredProposal};
use store::memberships::Pairing;
use store::{Actor, Db};

/// A proposal as stored and shown: people by id and name, every cost explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposalResult {
    /// Chosen pairs, by mentee name.
    pub pairs: Vec<ProposedPair>,
    /// Mentees left without a mentor, with the reason.
    pub unassigned: Vec<UnassignedMentee>,
    /// Total cost (pairs plus the penalty for each unassigned mentee).
    pub objective: i64,
    /// Pairs that differ from the active pairings.
    pub changes: usize,
    /// Whether the solve started from the last approved proposal.
    pub warm_started: bool,
    /// Solver time in milliseconds.
    pub solve_ms: f64,
    /// Mentee ids in solver order (for the next warm start).
    pub mentee_ids: Vec<i64>,
    /// Mentor ids in solver order.
    pub mentor_ids: Vec<i64>,
    /// Solver state for the next warm start.
    pub warm_start: WarmStart,
}

/// One proposed pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposedPair {
    /// Mentee id.
    pub mentee: i64,
    /// Mentee name.
    pub mentee_name: String,
    /// Mentor id.
    pub mentor: i64,
    /// Mentor name.
    pub mentor_name: String,
    /// Total cost.
    pub cost: i64,
    /// Cost by criterion (language, working_hours, distance, experience, preference,
    /// continuity).
    pub breakdown: Vec<CostComponent>,
    /// Forced by a manager's pin.
    pub pinned: bool,
    /// Already an active pairing.
    pub current: bool,
    /// The best other mentor, should this one leave.
    pub backup: Option<BackupMentor>,
    /// Where the mentee had ranked this mentor, if the mentee ranked anyone.
    #[serde(default)]
    pub mentee_choice: Option<StatedChoice>,
    /// Where the mentor had ranked this mentee, if the mentor ranked anyone.
    #[serde(default)]
    pub mentor_choice: Option<StatedChoice>,
}

/// What one side of a pair had stated about the other before the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatedChoice {
    /// The rank given to the other (1 = first choice); `None` when they ranked others only.
    pub rank: Option<u32>,
    /// How many people they ranked.
    pub of: u32,
}

impl StatedChoice {
    /// The choice `who` made about `whom`, from every stated `(who, whom, rank)`.
    fn of(
        preferences: &[(PersonId, PersonId, u32)],
        who: PersonId,
        whom: PersonId,
    ) -> Option<Self> {
        let mine: Vec<_> = preferences.iter().filter(|p| p.0 == who).collect();
        (!mine.is_empty()).then(|| StatedChoice {
            rank: mine.iter().find(|p| p.1 == whom).map(|p| p.2),
            of: mine.len() as u32,
        })
    }
}

/// A back-up mentor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackupMentor {
    /// Mentor id.
    pub mentor: i64,
    /// Name.
    pub mentor_name: String,
    /// Cost of that pair.
    pub cost: i64,
    /// Whether they have a free place in this proposal.
    pub has_room: bool,
}

/// A mentee without a mentor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnassignedMentee {
    /// Mentee id.
    pub mentee: i64,
    /// Name.
    pub mentee_name: String,
    /// Why.
    pub reason: UnassignedReason,
    /// The cheapest eligible mentor with any places (preferring one with room): when every
    /// eligible mentor is full, raising this one's capacity is the first thing to try. `null`
    /// when there is none, and in proposals stored before it was kept.
    #[serde(default)]
    pub best_eligible: Option<BackupMentor>,
}

/// A solver back-up (by mentor index) with the mentor's id and name.
fn backup_mentor(mentors: &[MatchPerson], b: &matching::Backup) -> BackupMentor {
    BackupMentor {
        mentor: mentors[b.mentor].id.0,
        mentor_name: mentors[b.mentor].name.clone(),
        cost: b.cost,
        has_room: b.has_room,
    }
}

/// Offset from UTC, in minutes, of an IANA zone now (unknown zones count as UTC: they cannot
/// be stored, so this only guards against a corrupt row).
fn utc_offset_minutes(zone: &str) -> i32 {
    zone.parse::<chrono_tz::Tz>()
        .map(|tz| {
            tz.offset_from_utc_datetime(&Utc::now().naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        })
        .unwrap_or(0)
}

/// What matching needs to know about a stored person.
pub(crate) fn profile(person: &MatchPerson) -> Profile {
    Profile {
        cadre: person.cadre.clone(),
        languages: person.languages.clone(),
        utc_offset_minutes: utc_offset_minutes(&person.time_zone),
        location: person.location,
        years_experience: person.years_experience,
    }
}

/// Where a solve starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From the last approved proposal, when there is one (the default: fast after small
    /// changes, same optimum).
    Warm,
    /// From scratch (to check a warm start, or after large changes).
    Cold,
}

/// What a proposal is solved from: the program's people, settings, rules and pairings from
/// the store, put in the solver's terms.
struct Prepared {
    settings: criteria::Settings,
    mentees: Vec<MatchPerson>,
    mentors: Vec<MatchPerson>,
    preferences: Vec<(PersonId, PersonId, u32)>,
    mentee_index: HashMap<PersonId, usize>,
    mentor_index: HashMap<PersonId, usize>,
    solver_rules: Rules,
    /// Active pairings (and those awaiting training), by solver index.
    current: Vec<(usize, usize)>,
    inputs: Inputs,
}

async fn prepare(db: &Db, program: ProgramId) -> Result<Prepared, Error> {
    db.program(program).await?;
    let settings = db.matching_settings(program).await?;
    let mentees = db.matching_people(program, "mentee").await?;
    let mentors = db.matching_people(program, "mentor").await?;
    let capacities = db.mentor_capacities(program).await?;
    let rules = db.match_rules(program).await?;
    let preferences = db.match_preferences(program).await?;
    let pairings = db.pairings_of_program(program, None).await?;

    let mentee_index: HashMap<PersonId, usize> =
        mentees.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mentor_index: HashMap<PersonId, usize> =
        mentors.iter().enumerate().map(|(j, p)| (p.id, j)).collect();
    let pair_index = |mentee: PersonId, mentor: PersonId| {
        Some((*mentee_index.get(&mentee)?, *mentor_index.get(&mentor)?))
    };

    let mut solver_rules = Rules {
        cadre_pairs: settings.cadre_rule(),
        ..Rules::default()
    };
    for rule in pair_rules(&settings, &rules, &pairings) {
        let Some((i, j)) = pair_index(rule.mentee, rule.mentor) else {
            continue; // the person has since left the program; the rule no longer applies
        };
        match rule.kind {
            PairRuleKind::Pin => solver_rules.pins.push((i, j)),
            PairRuleKind::Forbid => solver_rules.forbids.push((i, j)),
            PairRuleKind::Exclude(reason) => solver_rules.exclusions.push(Exclusion {
                mentee: i,
                mentor: j,
                reason,
            }),
        }
    }
    // A pairing held back by the training gate is current too: approval keeps it.
    let current: Vec<(usize, usize)> = pairings
        .iter()
        .filter(|p| p.status.is_current())
        .filter_map(|p| pair_index(p.mentee, p.mentor))
        .collect();
    let mut mentee_rankings = Vec::new();
    let mut mentor_rankings = Vec::new();
    for (who, whom, rank) in &preferences {
        if let Some((i, j)) = pair_index(*who, *whom) {
            mentee_rankings.push(Ranking {
                who: i,
                whom: j,
                rank: *rank,
            });
        } else if let Some((i, j)) = pair_index(*whom, *who) {
            mentor_rankings.push(Ranking {
                who: j,
                whom: i,
                rank: *rank,
            });
        }
    }
    let inputs = Inputs {
        mentees: mentees.iter().map(profile).collect(),
        mentors: mentors
            .iter()
            .map(|p| (profile(p), capacities.get(&p.id).copied()))
            .collect(),
        mentee_rankings,
        mentor_rankings,
        current: current.clone(),
        pinned: solver_rules.pins.clone(),
    };
    Ok(Prepared {
        settings,
        mentees,
        mentors,
        preferences,
        mentee_index,
        mentor_index,
        solver_rules,
        current,
        inputs,
    })
}

/// `(mentee ids, mentor ids)` in solver order.
fn person_ids(mentees: &[MatchPerson], mentors: &[MatchPerson]) -> (Vec<i64>, Vec<i64>) {
    (
        mentees.iter().map(|p| p.id.0).collect(),
        mentors.iter().map(|p| p.id.0).collect(),
    )
}

/// The solver's refusal in the manager's terms: it knows people by index only, so a pin it
/// cannot honour is said again with the two names.
fn solver_refusal(
    error: &matching::Error,
    mentees: &[MatchPerson],
    mentors: &[MatchPerson],
) -> Error {
    let matching::Error::BadPin {
        mentee,
        mentor,
        why,
    } = error
    else {
        return Error::invalid("rules", error.to_string());
    };
    let (Some(mentee), Some(mentor)) = (mentees.get(*mentee), mentors.get(*mentor)) else {
        return Error::invalid("rules", error.to_string());
    };
    let (mentee, mentor) = (mentee.name.as_str(), mentor.name.as_str());
    let reason = match why {
        PinProblem::PinnedTwice => "they are pinned to another mentor too".to_owned(),
        PinProblem::AlsoForbidden => "the pair is also forbidden".to_owned(),
        PinProblem::CapacityExceeded => format!(
            "more mentees are pinned to {mentor} than they have places; remove a pin or give them more places"
        ),
    };
    Error::Invalid(
        domain::FieldError::new(
            "rules",
            format!("{mentee} cannot be pinned to {mentor}: {reason}"),
        )
        .phrased(
            "matching-error-pin-impossible",
            &[
                ("mentee", &mentee),
                ("mentor", &mentor),
                ("why", &why.code()),
            ],
        ),
    )
}

/// SHA-256 of what decides the answer: the solver's problem (every eligible pair's costs, the
/// capacities, the penalty) and rules, with the people behind the indices. Names are left
/// out, so renaming someone does not make a proposal stale; anything that can change a pair
/// (a profile, a capacity, a setting, a rule, a departure, a pairing ending) changes it.
fn fingerprint(
    problem: &matching::Problem,
    rules: &Rules,
    ids: &(Vec<i64>, Vec<i64>),
) -> Result<String, Error> {
    let text = serde_json::to_string(&(problem, rules, ids))
        .map_err(|e| Error::caused("matching inputs do not serialise", e))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// The fingerprint of what a proposal for `program` would be solved from now.
async fn inputs_now(db: &Db, program: ProgramId) -> Result<String, Error> {
    let prepared = prepare(db, program).await?;
    let ids = person_ids(&prepared.mentees, &prepared.mentors);
    tokio::task::spawn_blocking(move || {
        let problem = criteria::build_problem(&prepared.settings, &prepared.inputs);
        fingerprint(&problem, &prepared.solver_rules, &ids)
    })
    .await
    .map_err(|e| Error::caused("matching task failed", e))?
}

/// Runs the solver for a program, warm-started from the last approved proposal, and stores
/// the result as a draft proposal.
pub async fn propose(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    reason: &ProposalReason,
) -> Result<StoredProposal, Error> {
    propose_with(db, actor, program, reason, Start::Warm).await
}

/// [`propose`] with the choice of start.
pub async fn propose_with(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    reason: &ProposalReason,
    start: Start,
) -> Result<StoredProposal, Error> {
    let Prepared {
        settings,
        mentees,
        mentors,
        preferences,
        mentee_index,
        mentor_index,
        solver_rules,
        current,
        inputs,
    } = prepare(db, program).await?;
    let previous = match start {
        Start::Warm => db.latest_approved_proposal(program).await?,
        Start::Cold => None,
    };
    let warm = previous.and_then(|p| {
        serde_json::from_value::<ProposalResult>(p.result)
            .ok()
            .map(|r| {
                remap_warm_start(
                    &r,
                    &mentee_index,
                    &mentor_index,
                    mentees.len(),
                    mentors.len(),
                )
            })
    });
    let warm_started = warm.is_some();
    let ids = person_ids(&mentees, &mentors);
    // Solving is CPU work; keep it off the async workers.
    let solved = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let problem = criteria::build_problem(&settings, &inputs);
        let inputs_sha256 = fingerprint(&problem, &solver_rules, &ids);
        let proposal = match &warm {
            Some(w) => matching::repropose(&problem, &solver_rules, w),
            None => matching::propose(&problem, &solver_rules),
        };
        proposal.map(|p| (p, inputs_sha256, started.elapsed().as_secs_f64() * 1000.0))
    })
    .await
    .map_err(|e| Error::caused("matching task failed", e))?;
    let (proposal, inputs_sha256, solve_ms) =
        solved.map_err(|e| solver_refusal(&e, &mentees, &mentors))?;
    let inputs_sha256 = inputs_sha256?;

    let current: HashSet<(usize, usize)> = current.into_iter().collect();
    let pairs: Vec<ProposedPair> = proposal
        .pairs
        .iter()
        .map(|p| ProposedPair {
            mentee: mentees[p.mentee].id.0,
            mentee_name: mentees[p.mentee].name.clone(),
            mentor: mentors[p.mentor].id.0,
            mentor_name: mentors[p.mentor].name.clone(),
            cost: p.cost,
            breakdown: p.breakdown.clone(),
            pinned: p.pinned,
            current: current.contains(&(p.mentee, p.mentor)),
            backup: p.backup.as_ref().map(|b| backup_mentor(&mentors, b)),
            mentee_choice: StatedChoice::of(
                &preferences,
                mentees[p.mentee].id,
                mentors[p.mentor].id,
            ),
            mentor_choice: StatedChoice::of(
                &preferences,
                mentors[p.mentor].id,
                mentees[p.mentee].id,
            ),
        })
        .collect();
    let changes = pairs.iter().filter(|p| !p.current).count()
        + current
            .len()
            .saturating_sub(pairs.iter().filter(|p| p.current).count());
    let result = ProposalResult {
        unassigned: proposal
            .unassigned
            .iter()
            .map(|u| UnassignedMentee {
                mentee: mentees[u.mentee].id.0,
                mentee_name: mentees[u.mentee].name.clone(),
                reason: u.reason.clone(),
                best_eligible: u.best_eligible.as_ref().map(|b| backup_mentor(&mentors, b)),
            })
            .collect(),
        pairs,
        objective: proposal.objective,
        changes,
        warm_started,
        solve_ms,
        mentee_ids: mentees.iter().map(|p| p.id.0).collect(),
        mentor_ids: mentors.iter().map(|p| p.id.0).collect(),
        warm_start: proposal.warm_start,
    };
    let json = serde_json::to_value(&result)
        .map_err(|e| Error::caused("proposal does not serialise", e))?;
    Ok(db
        .insert_proposal(
            actor,
            program,
            reason,
            result.objective,
            &json,
            &inputs_sha256,
        )
        .await?)
}

/// A manager's rule or the program's setting as it bears on one pair, by person.
pub(crate) struct PairRule {
    pub(crate) mentee: PersonId,
    pub(crate) mentor: PersonId,
    pub(crate) kind: PairRuleKind,
}

/// What a [`PairRule`] does to its pair.
pub(crate) enum PairRuleKind {
    /// The pair is forced (and a candidate whatever the cadre rule says).
    Pin,
    /// The pair is never made.
    Forbid,
    /// The pair is never made, for a reason only managers read.
    Exclude(String),
}

/// The hard rules on pairs the solver obeys: the manager's pins, forbids and named conflicts,
/// and previous pairings when the program never repeats them. The preferences page offers
/// only what these allow, so a person never ranks someone the solver could not give them.
pub(crate) fn pair_rules(
    settings: &criteria::Settings,
    rules: &[MatchRule],
    pairings: &[Pairing],
) -> Vec<PairRule> {
    let mut out: Vec<PairRule> = rules
        .iter()
        .map(|rule| PairRule {
            mentee: rule.mentee,
            mentor: rule.mentor,
            kind: match rule.kind {
                RuleKind::Pin => PairRuleKind::Pin,
                RuleKind::Forbid => PairRuleKind::Forbid,
                RuleKind::Conflict => PairRuleKind::Exclude(rule.reason.clone()),
            },
        })
        .collect();
    if settings.exclude_previous_pairings {
        let ended: BTreeSet<(PersonId, PersonId)> = pairings
            .iter()
            .filter(|p| p.status == PairingStatus::Ended)
            .map(|p| (p.mentee, p.mentor))
            .collect();
        out.extend(ended.into_iter().map(|(mentee, mentor)| PairRule {
            mentee,
            mentor,
            kind: PairRuleKind::Exclude("previous pairing".into()),
        }));
    }
    out
}

/// Carries a previous solution over to today's people: the same person keeps the same
/// mentor and price wherever their index moved; newcomers start empty.
fn remap_warm_start(
    previous: &ProposalResult,
    mentee_index: &HashMap<PersonId, usize>,
    mentor_index: &HashMap<PersonId, usize>,
    mentees: usize,
    mentors: usize,
) -> WarmStart {
    let mut warm = WarmStart {
        mentor_of: vec![None; mentees],
        mentor_price: vec![0; mentors],
    };
    for (old_j, id) in previous.mentor_ids.iter().enumerate() {
        if let (Some(&j), Some(&price)) = (
            mentor_index.get(&PersonId(*id)),
            previous.warm_start.mentor_price.get(old_j),
        ) {
            warm.mentor_price[j] = price;
        }
    }
    for (old_i, id) in previous.mentee_ids.iter().enumerate() {
        let Some(&i) = mentee_index.get(&PersonId(*id)) else {
            continue;
        };
        let old_mentor = previous.warm_start.mentor_of.get(old_i).copied().flatten();
        warm.mentor_of[i] = old_mentor
            .and_then(|old_j| previous.mentor_ids.get(old_j as usize))
            .and_then(|id| mentor_index.get(&PersonId(*id)))
            .map(|&j| j as u32);
    }
    warm
}

/// The stored result of a proposal.
pub fn result_of(proposal: &StoredProposal) -> Result<ProposalResult, Error> {
    serde_json::from_value(proposal.result.clone())
        .map_err(|e| Error::internal(format!("proposal {} is unreadable: {e}", proposal.id)))
}

/// Approves a draft proposal into active pairings (see [`Db::approve_proposal`]).
pub async fn approve(db: &Db, actor: &Actor, proposal: ProposalId) -> Result<Vec<Pairing>, Error> {
    let stored = db.proposal(proposal).await?;
    let result = result_of(&stored)?;
    let pairs: Vec<(PersonId, PersonId)> = result
        .pairs
        .iter()
        .map(|p| (PersonId(p.mentor), PersonId(p.mentee)))
        .collect();
    // Gathering today's inputs reads the whole program; a proposal already decided never
    // becomes a draft again, and the store refuses it before comparing them.
    let now = match stored.status {
        ProposalStatus::Draft => inputs_now(db, stored.program).await?,
        ProposalStatus::Approved | ProposalStatus::Discarded => String::new(),
    };
    Ok(db.approve_proposal(actor, proposal, &pairs, &now).await?)
}

/// Why a proposal was run, in the reader's language.
pub fn reason_words(t: &crate::i18n::Tr, reason: &ProposalReason) -> String {
    match reason {
        ProposalReason::ByManager => t.get("proposal-reason-manager"),
        ProposalReason::FromCommandLine => t.get("proposal-reason-command-line"),
        ProposalReason::Demo => t.get("proposal-reason-demo"),
        ProposalReason::MentorLeft(name) => t.with("proposal-reason-mentor-left", "name", name),
    }
}

/// A mentor leaves: their pairings end, their capacity becomes 0, and a warm-started
/// proposal re-matches their mentees (each with a back-up mentor) for a manager to approve.
pub async fn mentor_leaves(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    mentor: PersonId,
) -> Result<StoredProposal, Error> {
    db.mentor_leaves(actor, program, mentor).await?;
    let name = db.person(mentor).await?.profile.name.to_string();
    propose(db, actor, program, &ProposalReason::MentorLeft(name)).await
}
