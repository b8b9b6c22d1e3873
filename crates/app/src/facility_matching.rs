//! Facility coupling and mentor team formation (C5), the workflow around
//! `matching::{couple_facilities, form_teams}`: gather the program's sites (location from the
//! org unit, strength from the latest scored site assessment) and mentors (cadre, home
//! facility), solve, keep the explained result as a draft, and approve it into couplings or
//! team members.
//!
//! Pages, the API and the CLI (`tandem match couple | teams`) all go through here. A proposal
//! records a fingerprint of its inputs; approving one whose inputs have changed since (a new
//! assessment, a mentor who left, new settings) is refused, so what is approved is what the
//! manager read.

use crate::Error;
use domain::FieldError;
use domain::ids::{FacilityProposalId, OrgUnitId, PersonId, ProgramId};
use domain::matching::{ProposalReason, ProposalStatus};
use matching::{FacilitySettings, FacilitySite, MissingReason, TeamMentor, UncoupledReason};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use store::facility_matching::{
    FacilityApproval, FacilityCandidate, FacilityProposalKind, NewCoupling, NewTeamMember,
    StoredFacilityProposal,
};
use store::matching::MatchPerson;
use store::{Actor, Db};

/// A coupling proposal as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CouplingResult {
    /// The settings it was run with.
    pub settings: FacilitySettings,
    /// Weak facilities with their strong partner, by weak facility name.
    pub pairs: Vec<CoupledPair>,
    /// Facilities that could not be coupled, with the reason.
    pub unpaired: Vec<UnpairedFacility>,
    /// Every strong facility (readiness at or above the threshold) and how many it takes.
    pub strong: Vec<StrongFacility>,
    /// Pairs that differ from the active couplings (new, or a weak facility's partner
    /// changing or ending).
    pub changes: usize,
    /// Sum of the pairs' distances, km.
    pub total_km: f64,
    /// Solver time in milliseconds.
    pub solve_ms: f64,
}

/// A weak facility and its strong partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CoupledPair {
    /// Weak facility (org unit id).
    pub weak: i64,
    /// Its name.
    pub weak_name: String,
    /// Its readiness, %.
    pub weak_readiness: f64,
    /// Strong facility.
    pub strong: i64,
    /// Its name.
    pub strong_name: String,
    /// Its readiness, %.
    pub strong_readiness: f64,
    /// Great-circle distance, km.
    pub km: f64,
    /// A nearer strong facility that was full (so this one was chosen), if any.
    pub nearer_full: Option<NearerStrong>,
    /// Already the active coupling.
    pub current: bool,
}

/// A strong facility nearer than the chosen partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NearerStrong {
    /// Facility.
    pub facility: i64,
    /// Name.
    pub name: String,
    /// Distance from the weak facility, km.
    pub km: f64,
}

/// Why a facility is not coupled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnpairedReason {
    /// Its org unit has no latitude/longitude.
    NoCoordinates,
    /// It has no scored site assessment in this program, so its strength is unknown.
    NoAssessment,
    /// No strong facility lies within the distance limit.
    NoStrongInRange,
    /// Every strong facility within the limit already takes its maximum.
    StrongInRangeFull,
}

impl UnpairedReason {
    /// The stored name (also the message id suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            UnpairedReason::NoCoordinates => "no_coordinates",
            UnpairedReason::NoAssessment => "no_assessment",
            UnpairedReason::NoStrongInRange => "no_strong_in_range",
            UnpairedReason::StrongInRangeFull => "strong_in_range_full",
        }
    }
}

/// A facility left uncoupled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnpairedFacility {
    /// Facility.
    pub facility: i64,
    /// Name.
    pub name: String,
    /// Readiness, % (none without an assessment).
    pub readiness: Option<f64>,
    /// Why.
    pub reason: UnpairedReason,
}

/// A strong facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StrongFacility {
    /// Facility.
    pub facility: i64,
    /// Name.
    pub name: String,
    /// Readiness, %.
    pub readiness: f64,
    /// Weak facilities it takes in this proposal.
    pub takes: u32,
    /// Whether it has coordinates (without them it cannot take any).
    pub located: bool,
}

/// A team proposal as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TeamsResult {
    /// The settings it was run with.
    pub settings: FacilitySettings,
    /// One team per located site, by facility name.
    pub teams: Vec<FacilityTeam>,
    /// Sites without coordinates: no team can be formed for them.
    pub no_coordinates: Vec<FacilityName>,
    /// Mentors of a required cadre who cannot join a team, with the reason.
    pub mentors_unavailable: Vec<UnavailableMentor>,
    /// Seats that differ from the active teams.
    pub changes: usize,
    /// Sum of member distances, km.
    pub total_km: f64,
    /// Solver time in milliseconds.
    pub solve_ms: f64,
}

/// A facility by id and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacilityName {
    /// Facility.
    pub facility: i64,
    /// Name.
    pub name: String,
}

/// One facility's proposed team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacilityTeam {
    /// Facility.
    pub facility: i64,
    /// Name.
    pub name: String,
    /// A mentor per covered cadre, in the order of the required cadres.
    pub members: Vec<ProposedMember>,
    /// Required cadres nobody covers, with the reason.
    pub missing: Vec<MissingCadre>,
}

/// A mentor in a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposedMember {
    /// Cadre covered.
    pub cadre: String,
    /// Mentor (person id).
    pub mentor: i64,
    /// Name.
    pub mentor_name: String,
    /// Their home facility.
    pub home: String,
    /// Distance from their home facility, km.
    pub km: f64,
    /// Already in this seat in the active team.
    pub current: bool,
}

/// A cadre a team lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MissingCadre {
    /// Cadre.
    pub cadre: String,
    /// Why.
    pub reason: MissingReason,
}

/// A mentor left out of team formation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnavailableMentor {
    /// Mentor (person id).
    pub mentor: i64,
    /// Name.
    pub name: String,
    /// Cadre.
    pub cadre: String,
    /// `no_coordinates` (their home facility has none) or `not_taking` (capacity 0, e.g.
    /// after leaving the program).
    pub reason: String,
}

/// Either result, as read back from a stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FacilityResult {
    /// A coupling proposal.
    Coupling(CouplingResult),
    /// A teams proposal.
    Teams(TeamsResult),
}

/// What a run reads from the store, and what its fingerprint covers.
struct Gathered {
    settings: FacilitySettings,
    candidates: Vec<FacilityCandidate>,
    /// Mentors with their capacity entry (`Some(0)`: not taking anyone).
    mentors: Vec<(MatchPerson, Option<u32>)>,
}

async fn gather(
    db: &Db,
    program: ProgramId,
    kind: FacilityProposalKind,
) -> Result<Gathered, Error> {
    db.program(program).await?;
    let settings = db.facility_matching_settings(program).await?;
    let candidates = db.facility_candidates(program).await?;
    let mentors = match kind {
        FacilityProposalKind::Coupling => Vec::new(),
        FacilityProposalKind::Teams => {
            let capacities = db.mentor_capacities(program).await?;
            db.matching_people(program, "mentor")
                .await?
                .into_iter()
                .map(|p| {
                    let capacity = capacities.get(&p.id).copied();
                    (p, capacity)
                })
                .collect()
        }
    };
    Ok(Gathered {
        settings,
        candidates,
        mentors,
    })
}

/// SHA-256 of what decides the answer: settings, each site's location and readiness, and (for
/// teams) each mentor's cadre, location and availability. Names are left out: renaming a
/// facility does not make a proposal wrong.
fn fingerprint(kind: FacilityProposalKind, g: &Gathered) -> Result<String, Error> {
    let sites: Vec<_> = g
        .candidates
        .iter()
        .map(|c| (c.facility.0, c.location, c.readiness))
        .collect();
    let mentors: Vec<_> = g
        .mentors
        .iter()
        .map(|(p, capacity)| {
            (
                p.id.0,
                &p.cadre,
                p.location,
                capacity.is_some_and(|c| c == 0),
            )
        })
        .collect();
    let text = serde_json::to_string(&(kind.as_str(), &g.settings, sites, mentors))
        .map_err(|e| Error::caused("inputs do not serialise", e))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

async fn solve_off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, matching::Error> + Send + 'static,
) -> Result<(T, f64), Error> {
    let solved = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        work().map(|out| (out, started.elapsed().as_secs_f64() * 1000.0))
    })
    .await
    .map_err(|e| Error::caused("facility matching task failed", e))?;
    // The settings are validated before they are stored, so the solver refusing its input
    // is a bug, not bad input.
    solved.map_err(|e| Error::caused("facility matching", e))
}

/// Runs the proposal of `kind` ([`propose_coupling`] or [`propose_teams`]): for callers that
/// let the manager choose which.
pub async fn propose(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    kind: FacilityProposalKind,
    reason: &ProposalReason,
) -> Result<StoredFacilityProposal, Error> {
    match kind {
        FacilityProposalKind::Coupling => propose_coupling(db, actor, program, reason).await,
        FacilityProposalKind::Teams => propose_teams(db, actor, program, reason).await,
    }
}

/// Runs facility coupling for a program and stores the explained result as a draft.
pub async fn propose_coupling(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    reason: &ProposalReason,
) -> Result<StoredFacilityProposal, Error> {
    let kind = FacilityProposalKind::Coupling;
    let g = gather(db, program, kind).await?;
    let inputs = fingerprint(kind, &g)?;
    let result = couple(&g, &current_couplings(db, program).await?).await?;
    let json = serde_json::to_value(&result)
        .map_err(|e| Error::caused("proposal does not serialise", e))?;
    Ok(db
        .insert_facility_proposal(actor, program, kind, reason, &inputs, &json)
        .await?)
}

async fn current_couplings(
    db: &Db,
    program: ProgramId,
) -> Result<HashMap<OrgUnitId, OrgUnitId>, Error> {
    Ok(db
        .active_couplings(program)
        .await?
        .into_iter()
        .map(|c| (c.weak, c.strong))
        .collect())
}

async fn couple(
    g: &Gathered,
    current: &HashMap<OrgUnitId, OrgUnitId>,
) -> Result<CouplingResult, Error> {
    let settings = g.settings.clone();
    let mut unpaired = Vec::new();
    let mut strong = Vec::new();
    // The solver sees only facilities with both a location and a readiness.
    let mut located: Vec<&FacilityCandidate> = Vec::new();
    for c in &g.candidates {
        let name = c.name.clone();
        match (c.readiness, c.location) {
            (None, _) => unpaired.push(UnpairedFacility {
                facility: c.facility.0,
                name,
                readiness: None,
                reason: UnpairedReason::NoAssessment,
            }),
            (Some(r), None) if r < settings.threshold => unpaired.push(UnpairedFacility {
                facility: c.facility.0,
                name,
                readiness: Some(r),
                reason: UnpairedReason::NoCoordinates,
            }),
            (Some(r), None) => strong.push(StrongFacility {
                facility: c.facility.0,
                name,
                readiness: r,
                takes: 0,
                located: false,
            }),
            (Some(_), Some(_)) => located.push(c),
        }
    }
    let sites: Vec<FacilitySite> = located
        .iter()
        .filter_map(|c| {
            let (lat, lon) = c.location?;
            Some(FacilitySite {
                lat,
                lon,
                strength: c.readiness?,
            })
        })
        .collect();
    let params = matching::CouplingParams {
        threshold: settings.threshold,
        max_per_strong: settings.max_per_strong,
        max_km: Some(settings.max_km),
    };
    let (coupling, solve_ms) =
        solve_off_thread(move || matching::couple_facilities(&sites, &params)).await?;
    let readiness = |k: usize| located[k].readiness.unwrap_or_default();
    let mut takes: HashMap<usize, u32> = HashMap::new();
    let mut pairs: Vec<CoupledPair> = coupling
        .pairs
        .iter()
        .zip(&coupling.nearer)
        .map(|(&(w, s, km), nearer)| {
            *takes.entry(s).or_default() += 1;
            CoupledPair {
                weak: located[w].facility.0,
                weak_name: located[w].name.clone(),
                weak_readiness: readiness(w),
                strong: located[s].facility.0,
                strong_name: located[s].name.clone(),
                strong_readiness: readiness(s),
                km,
                nearer_full: nearer.map(|(n, km)| NearerStrong {
                    facility: located[n].facility.0,
                    name: located[n].name.clone(),
                    km,
                }),
                current: current.get(&located[w].facility) == Some(&located[s].facility),
            }
        })
        .collect();
    for (&w, reason) in coupling.unpaired.iter().zip(&coupling.unpaired_reasons) {
        unpaired.push(UnpairedFacility {
            facility: located[w].facility.0,
            name: located[w].name.clone(),
            readiness: located[w].readiness,
            reason: match reason {
                UncoupledReason::NoStrongInRange => UnpairedReason::NoStrongInRange,
                UncoupledReason::StrongInRangeFull => UnpairedReason::StrongInRangeFull,
            },
        });
    }
    for (k, c) in located.iter().enumerate() {
        if readiness(k) >= settings.threshold {
            strong.push(StrongFacility {
                facility: c.facility.0,
                name: c.name.clone(),
                readiness: readiness(k),
                takes: takes.get(&k).copied().unwrap_or(0),
                located: true,
            });
        }
    }
    pairs.sort_by(|a, b| a.weak_name.cmp(&b.weak_name).then(a.weak.cmp(&b.weak)));
    unpaired.sort_by(|a, b| a.name.cmp(&b.name).then(a.facility.cmp(&b.facility)));
    strong.sort_by(|a, b| a.name.cmp(&b.name).then(a.facility.cmp(&b.facility)));
    let kept = pairs.iter().filter(|p| p.current).count();
    let changes = pairs.len() - kept + current.len().saturating_sub(kept);
    Ok(CouplingResult {
        settings,
        total_km: coupling.total_km,
        pairs,
        unpaired,
        strong,
        changes,
        solve_ms,
    })
}

/// Forms a mentor team for each of the program's sites and stores the explained result as a
/// draft. Refused (`required_cadres`) while the program requires no cadre.
pub async fn propose_teams(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    reason: &ProposalReason,
) -> Result<StoredFacilityProposal, Error> {
    let kind = FacilityProposalKind::Teams;
    let g = gather(db, program, kind).await?;
    if g.settings.required_cadres.is_empty() {
        return Err(Error::invalid(
            "required_cadres",
            "name the cadres every facility team must cover (for example surgeon, anesthetist, or_nurse) before forming teams",
        ));
    }
    let inputs = fingerprint(kind, &g)?;
    let current: HashSet<(OrgUnitId, String, PersonId)> = db
        .active_team_members(program)
        .await?
        .into_iter()
        .map(|m| (m.facility, m.cadre, m.mentor))
        .collect();
    let result = teams(&g, &current).await?;
    let json = serde_json::to_value(&result)
        .map_err(|e| Error::caused("proposal does not serialise", e))?;
    Ok(db
        .insert_facility_proposal(actor, program, kind, reason, &inputs, &json)
        .await?)
}

async fn teams(
    g: &Gathered,
    current: &HashSet<(OrgUnitId, String, PersonId)>,
) -> Result<TeamsResult, Error> {
    let settings = g.settings.clone();
    let required: HashSet<&str> = settings
        .required_cadres
        .iter()
        .map(String::as_str)
        .collect();
    let mut no_coordinates = Vec::new();
    let mut located = Vec::new();
    for c in &g.candidates {
        match c.location {
            Some(at) => located.push((c, at)),
            None => no_coordinates.push(FacilityName {
                facility: c.facility.0,
                name: c.name.clone(),
            }),
        }
    }
    let mut mentors_unavailable = Vec::new();
    let mut pool: Vec<(&MatchPerson, (f64, f64))> = Vec::new();
    for (p, capacity) in &g.mentors {
        if !required.contains(p.cadre.as_str()) {
            continue;
        }
        let reason = match (p.location, capacity) {
            (_, Some(0)) => "not_taking",
            (None, _) => "no_coordinates",
            (Some(at), _) => {
                pool.push((p, at));
                continue;
            }
        };
        mentors_unavailable.push(UnavailableMentor {
            mentor: p.id.0,
            name: p.name.clone(),
            cadre: p.cadre.clone(),
            reason: reason.into(),
        });
    }
    let facilities: Vec<FacilitySite> = located
        .iter()
        .map(|(_, (lat, lon))| FacilitySite {
            lat: *lat,
            lon: *lon,
            strength: 0.0,
        })
        .collect();
    let team_mentors: Vec<TeamMentor> = pool
        .iter()
        .map(|(p, (lat, lon))| TeamMentor {
            cadre: p.cadre.clone(),
            lat: *lat,
            lon: *lon,
            max_facilities: settings.max_teams_per_mentor,
        })
        .collect();
    let cadres = settings.required_cadres.clone();
    let max_km = settings.max_km;
    let solver_facilities = facilities.clone();
    let solver_mentors = team_mentors.clone();
    let (formed, solve_ms) = solve_off_thread(move || {
        matching::form_teams(&solver_facilities, &solver_mentors, &cadres, Some(max_km))
    })
    .await?;
    let mut seats = 0;
    let mut teams: Vec<FacilityTeam> = formed
        .teams
        .iter()
        .map(|team| {
            let (c, _) = located[team.facility];
            let fac = &facilities[team.facility];
            let members = team
                .members
                .iter()
                .map(|(cadre, k)| {
                    let (p, _) = pool[*k];
                    let m = &team_mentors[*k];
                    seats += 1;
                    ProposedMember {
                        cadre: cadre.clone(),
                        mentor: p.id.0,
                        mentor_name: p.name.clone(),
                        home: p.org_unit_name.clone(),
                        km: matching::haversine_km(fac.lat, fac.lon, m.lat, m.lon),
                        current: current.contains(&(c.facility, cadre.clone(), p.id)),
                    }
                })
                .collect();
            FacilityTeam {
                facility: c.facility.0,
                name: c.name.clone(),
                members,
                missing: team
                    .missing
                    .iter()
                    .zip(&team.missing_reasons)
                    .map(|(cadre, reason)| MissingCadre {
                        cadre: cadre.clone(),
                        reason: *reason,
                    })
                    .collect(),
            }
        })
        .collect();
    teams.sort_by(|a, b| a.name.cmp(&b.name).then(a.facility.cmp(&b.facility)));
    let kept = teams
        .iter()
        .flat_map(|t| &t.members)
        .filter(|m| m.current)
        .count();
    Ok(TeamsResult {
        settings,
        teams,
        no_coordinates,
        mentors_unavailable,
        changes: seats - kept + current.len().saturating_sub(kept),
        total_km: formed.total_km,
        solve_ms,
    })
}

/// The stored result of a facility proposal.
pub fn result_of(proposal: &StoredFacilityProposal) -> Result<FacilityResult, Error> {
    let unreadable = |e: serde_json::Error| {
        Error::internal(format!("proposal {} is unreadable: {e}", proposal.id))
    };
    Ok(match proposal.kind {
        FacilityProposalKind::Coupling => FacilityResult::Coupling(
            serde_json::from_value(proposal.result.clone()).map_err(unreadable)?,
        ),
        FacilityProposalKind::Teams => FacilityResult::Teams(
            serde_json::from_value(proposal.result.clone()).map_err(unreadable)?,
        ),
    })
}

/// Approves a draft facility proposal (see [`Db::approve_facility_proposal`]): refused
/// (`proposal`) unless it is a draft whose inputs are unchanged since it was run.
pub async fn approve(
    db: &Db,
    actor: &Actor,
    proposal: FacilityProposalId,
) -> Result<store::facility_matching::ApprovalCounts, Error> {
    let stored = db.facility_proposal(proposal).await?;
    if stored.status != ProposalStatus::Draft {
        return Err(FieldError::new(
            "proposal",
            format!(
                "proposal {proposal} is {} and cannot be approved; run a new one",
                stored.status
            ),
        )
        .phrased(
            "matching-error-decided",
            &[("id", &proposal), ("status", &stored.status)],
        )
        .into());
    }
    let now = fingerprint(stored.kind, &gather(db, stored.program, stored.kind).await?)?;
    if now != stored.inputs_sha256 {
        return Err(FieldError::new(
            "proposal",
            format!(
                "the program's sites, readiness, mentors or settings changed since proposal {proposal} was run; run a new one"
            ),
        )
        .phrased("facilities-error-inputs-changed", &[("id", &proposal)])
        .into());
    }
    let approval = match result_of(&stored)? {
        FacilityResult::Coupling(result) => FacilityApproval::Coupling(
            result
                .pairs
                .iter()
                .map(|p| NewCoupling {
                    weak: OrgUnitId(p.weak),
                    strong: OrgUnitId(p.strong),
                    km: p.km,
                })
                .collect(),
        ),
        FacilityResult::Teams(result) => FacilityApproval::Teams(
            result
                .teams
                .iter()
                .flat_map(|t| {
                    t.members.iter().map(|m| NewTeamMember {
                        facility: OrgUnitId(t.facility),
                        cadre: m.cadre.clone(),
                        mentor: PersonId(m.mentor),
                        km: m.km,
                    })
                })
                .collect(),
        ),
    };
    Ok(db
        .approve_facility_proposal(actor, proposal, &approval)
        .await?)
}
