//! The domain view: mentees and mentors with cadres and capacities, candidate pairs whose cost is
//! a sum of named criteria, hard rules, and a [`Proposal`] that explains every pair and every
//! unassigned mentee.
//!
//! Mentees and mentors are referred to by their index in [`Problem::mentees`] /
//! [`Problem::mentors`]; the app keeps its own ids in parallel vectors. Keeping indices stable
//! between runs (a mentor who leaves gets capacity 0) is what lets [`repropose`] warm-start.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::network::check_cost;
use crate::{Arc, Error, Network, PinProblem, WarmStart, resolve, solve};

/// A person to be mentored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentee {
    /// Cadre, e.g. `"anesthetist"`; compared with [`Mentor::cadre`] by the cadre rule.
    pub cadre: String,
}

/// A mentor with a capacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentor {
    /// Cadre of the mentor.
    pub cadre: String,
    /// Most mentees this mentor can take (0 = not available, e.g. has left).
    pub capacity: u32,
}

/// A candidate pair with its cost broken down by criterion (one entry per
/// [`Problem::criteria`], in the same order). The pair's cost is the sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Mentee index.
    pub mentee: usize,
    /// Mentor index.
    pub mentor: usize,
    /// Cost per criterion; lower is better; may be negative (a bonus).
    pub costs: Vec<i64>,
}

/// A matching problem as the app states it. Candidates not listed are not eligible.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Names of the cost criteria, e.g. `["language", "tz_overlap", "distance", ...]`.
    pub criteria: Vec<String>,
    /// Mentees.
    pub mentees: Vec<Mentee>,
    /// Mentors.
    pub mentors: Vec<Mentor>,
    /// Candidate pairs (at most one per mentee–mentor pair).
    pub candidates: Vec<Candidate>,
    /// Penalty for leaving one mentee unassigned (set per program). A pair costing more than
    /// this is never chosen.
    pub unassigned_cost: i64,
}

/// A pair excluded by a hard rule (a direct supervisor, a previous pairing, a named conflict,
/// required training missing …), with the reason shown to the manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Mentee index.
    pub mentee: usize,
    /// Mentor index.
    pub mentor: usize,
    /// Human-readable reason.
    pub reason: String,
}

/// Hard rules applied on top of the candidates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Allowed (mentee cadre, mentor cadre) pairs; `None` means "same cadre only"; `*` on
    /// either side matches any cadre.
    pub cadre_pairs: Option<Vec<(String, String)>>,
    /// Pairs excluded with a reason.
    pub exclusions: Vec<Exclusion>,
    /// Pairs forced by a manager `(mentee, mentor)`; they override the cadre rule and exclusions
    /// but not capacity or forbids.
    pub pins: Vec<(usize, usize)>,
    /// Pairs forbidden by a manager `(mentee, mentor)`.
    pub forbids: Vec<(usize, usize)>,
}

/// One criterion's share of a pair's cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CostComponent {
    /// Criterion name.
    pub criterion: String,
    /// Its cost.
    pub cost: i64,
}

/// A chosen pair with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    /// Mentee index.
    pub mentee: usize,
    /// Mentor index.
    pub mentor: usize,
    /// Total cost.
    pub cost: i64,
    /// Cost by criterion (empty for a pin that is not a candidate).
    pub breakdown: Vec<CostComponent>,
    /// Forced by a manager.
    pub pinned: bool,
    /// The best other eligible mentor, should this one leave.
    pub backup: Option<Backup>,
}

/// A back-up mentor for a pair: the cheapest other eligible mentor with any places, preferring
/// one who still has room after this proposal (ties: lower cost, then lower index).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// Mentor index.
    pub mentor: usize,
    /// Cost of the pair with that mentor.
    pub cost: i64,
    /// Whether that mentor has a free place in this proposal.
    pub has_room: bool,
}

/// Why a mentee has no mentor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnassignedReason {
    /// No candidate mentor passes the cadre rule (or there are no candidates at all).
    NoEligibleMentor,
    /// Every eligible candidate is excluded or forbidden; the distinct reasons.
    ExcludedByRule {
        /// Reasons, sorted.
        reasons: Vec<String>,
    },
    /// Every eligible mentor is at capacity.
    CapacityExhausted,
    /// Some eligible mentor has room, but every way of using it costs more than the penalty.
    CheaperUnassigned,
}

/// A mentee left without a mentor, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unassigned {
    /// Mentee index.
    pub mentee: usize,
    /// Why.
    pub reason: UnassignedReason,
    /// The cheapest eligible mentor with any places, preferring one with room (chosen as a
    /// pair's back-up is): when every eligible mentor is full, raising this one's capacity is
    /// the first thing for a manager to try (a re-run may still give the new place to
    /// someone else, or find the pair dearer than the penalty). `None` when no such mentor
    /// exists.
    #[serde(default)]
    pub best_eligible: Option<Backup>,
}

/// An optimal, explained proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Pairs, by mentee index.
    pub pairs: Vec<Pair>,
    /// Unassigned mentees, by index.
    pub unassigned: Vec<Unassigned>,
    /// Total cost including pins and penalties.
    pub objective: i64,
    /// State for [`repropose`] after a change.
    pub warm_start: WarmStart,
}

/// Status of a candidate after the rules.
enum Status {
    CadreBlocked,
    Excluded,
    Eligible,
}

/// Computes an optimal proposal for `problem` under `rules`.
pub fn propose(problem: &Problem, rules: &Rules) -> Result<Proposal, Error> {
    run(problem, rules, None)
}

/// Like [`propose`], warm-started from a previous proposal's [`Proposal::warm_start`] on the same
/// mentee and mentor indices (mentors who left: capacity 0). Same optimum as a cold run.
pub fn repropose(
    problem: &Problem,
    rules: &Rules,
    previous: &WarmStart,
) -> Result<Proposal, Error> {
    run(problem, rules, Some(previous))
}

fn check_index(problem: &Problem, mentee: usize, mentor: usize) -> Result<(), Error> {
    if mentee >= problem.mentees.len() {
        return Err(Error::UnknownMentee {
            mentee,
            count: problem.mentees.len(),
        });
    }
    if mentor >= problem.mentors.len() {
        return Err(Error::UnknownMentor {
            mentor,
            count: problem.mentors.len(),
        });
    }
    Ok(())
}

fn run(problem: &Problem, rules: &Rules, warm: Option<&WarmStart>) -> Result<Proposal, Error> {
    let n = problem.mentees.len();
    let m = problem.mentors.len();
    check_cost(problem.unassigned_cost)?;
    // Candidate totals, validated.
    let mut totals = Vec::with_capacity(problem.candidates.len());
    for (k, c) in problem.candidates.iter().enumerate() {
        check_index(problem, c.mentee, c.mentor)?;
        if c.costs.len() != problem.criteria.len() {
            return Err(Error::CriteriaMismatch {
                index: k,
                got: c.costs.len(),
                want: problem.criteria.len(),
            });
        }
        let mut t: i64 = 0;
        for &x in &c.costs {
            check_cost(x)?;
            t = t.checked_add(x).ok_or(Error::CostOverflow {
                value: x.into(),
                why: "sum of components overflows",
            })?;
        }
        check_cost(t)?;
        totals.push(t);
    }
    let allowed: Option<BTreeSet<(&str, &str)>> = rules
        .cadre_pairs
        .as_ref()
        .map(|v| v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect());
    let mut blocked: HashMap<(usize, usize), Vec<&str>> = HashMap::new();
    for e in &rules.exclusions {
        check_index(problem, e.mentee, e.mentor)?;
        blocked
            .entry((e.mentee, e.mentor))
            .or_default()
            .push(e.reason.as_str());
    }
    let forbidden: BTreeSet<(usize, usize)> = rules.forbids.iter().copied().collect();
    for &(i, j) in &forbidden {
        check_index(problem, i, j)?;
        blocked
            .entry((i, j))
            .or_default()
            .push("forbidden by a manager");
    }
    // Pins.
    let mut pin_of: Vec<Option<usize>> = vec![None; n];
    let mut load = vec![0u32; m];
    for &(i, j) in &rules.pins {
        check_index(problem, i, j)?;
        if pin_of[i].is_some_and(|p| p != j) {
            return Err(Error::BadPin {
                mentee: i,
                mentor: j,
                why: PinProblem::PinnedTwice,
            });
        }
        if pin_of[i] == Some(j) {
            continue;
        }
        if forbidden.contains(&(i, j)) {
            return Err(Error::BadPin {
                mentee: i,
                mentor: j,
                why: PinProblem::AlsoForbidden,
            });
        }
        if load[j] >= problem.mentors[j].capacity {
            return Err(Error::BadPin {
                mentee: i,
                mentor: j,
                why: PinProblem::CapacityExceeded,
            });
        }
        load[j] += 1;
        pin_of[i] = Some(j);
    }
    // Rule status of each candidate, and the arcs handed to the solver.
    let mut status = Vec::with_capacity(problem.candidates.len());
    let mut arcs = Vec::new();
    let mut arc_cand = Vec::new();
    for (k, c) in problem.candidates.iter().enumerate() {
        let (mc, oc) = (
            &problem.mentees[c.mentee].cadre,
            &problem.mentors[c.mentor].cadre,
        );
        let cadre_ok = match &allowed {
            None => mc == oc,
            Some(set) => [(mc.as_str(), oc.as_str()), ("*", oc), (mc, "*"), ("*", "*")]
                .iter()
                .any(|pair| set.contains(pair)),
        };
        let s = if !cadre_ok {
            Status::CadreBlocked
        } else if blocked.contains_key(&(c.mentee, c.mentor)) {
            Status::Excluded
        } else {
            Status::Eligible
        };
        if matches!(s, Status::Eligible) && pin_of[c.mentee].is_none() {
            arcs.push(Arc {
                mentee: c.mentee as u32,
                mentor: c.mentor as u32,
                cost: totals[k],
            });
            arc_cand.push(k);
        }
        status.push(s);
    }
    let caps: Vec<u32> = problem
        .mentors
        .iter()
        .zip(&load)
        .map(|(o, &l)| o.capacity - l)
        .collect();
    let net = Network::new(n, caps, &arcs, problem.unassigned_cost).map_err(|e| match e {
        Error::DuplicateArc {
            mentee,
            mentor,
            first,
            second,
        } => Error::DuplicateArc {
            mentee,
            mentor,
            first: arc_cand[first],
            second: arc_cand[second],
        },
        other => other,
    })?;
    let sol = match warm {
        None => solve(&net),
        Some(w) => {
            let mut w = w.clone();
            w.mentor_of.resize(n, None);
            w.mentor_price.truncate(m);
            resolve(&net, &w)?
        }
    };
    // Explanations.
    let mut cand_of: HashMap<(usize, usize), usize> = HashMap::with_capacity(arcs.len());
    for (k, c) in problem.candidates.iter().enumerate() {
        cand_of.insert((c.mentee, c.mentor), k);
    }
    let breakdown = |k: usize| -> Vec<CostComponent> {
        problem
            .criteria
            .iter()
            .zip(&problem.candidates[k].costs)
            .map(|(name, &cost)| CostComponent {
                criterion: name.clone(),
                cost,
            })
            .collect()
    };
    let mut pairs = Vec::new();
    let mut objective: i64 = 0;
    let mut final_load = load.clone();
    let mut mentor_of = vec![None; n];
    for i in 0..n {
        if let Some(j) = pin_of[i] {
            let (cost, bd) = match cand_of.get(&(i, j)) {
                Some(&k) => (totals[k], breakdown(k)),
                None => (0, Vec::new()),
            };
            objective += cost;
            pairs.push(Pair {
                mentee: i,
                mentor: j,
                cost,
                breakdown: bd,
                pinned: true,
                backup: None,
            });
            mentor_of[i] = Some(j);
        } else if let Some(e) = sol.arc_of(i) {
            let j = net.head[e] as usize;
            let k = cand_of.get(&(i, j)).copied().unwrap_or(usize::MAX);
            let cost = net.cost[e];
            objective += cost;
            final_load[j] += 1;
            let bd = if k == usize::MAX {
                Vec::new()
            } else {
                breakdown(k)
            };
            pairs.push(Pair {
                mentee: i,
                mentor: j,
                cost,
                breakdown: bd,
                pinned: false,
                backup: None,
            });
            mentor_of[i] = Some(j);
        }
    }
    // Per mentee: (has a cadre-eligible candidate, eligible mentors, exclusion reasons).
    let mut eligible: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut any_cadre_ok = vec![false; n];
    let mut reasons: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); n];
    for (c, s) in problem.candidates.iter().zip(&status) {
        match s {
            Status::CadreBlocked => {}
            Status::Excluded => {
                any_cadre_ok[c.mentee] = true;
                if let Some(r) = blocked.get(&(c.mentee, c.mentor)) {
                    reasons[c.mentee].extend(r.iter().copied());
                }
            }
            Status::Eligible => {
                any_cadre_ok[c.mentee] = true;
                eligible[c.mentee].push(c.mentor);
            }
        }
    }
    // Back-ups: one pass over the eligible candidates, keeping the best per mentee. A mentor
    // with no places (one who left, or is paused) is skipped: after a departure the leaver is
    // often the cheapest option of their former mentees, and naming them would send the
    // manager to someone who takes no mentees.
    let mut best: Vec<Option<Backup>> = vec![None; n];
    for (k, (c, s)) in problem.candidates.iter().zip(&status).enumerate() {
        if !matches!(s, Status::Eligible)
            || mentor_of[c.mentee] == Some(c.mentor)
            || problem.mentors[c.mentor].capacity == 0
        {
            continue;
        }
        let candidate = Backup {
            mentor: c.mentor,
            cost: totals[k],
            has_room: final_load[c.mentor] < problem.mentors[c.mentor].capacity,
        };
        let better = match &best[c.mentee] {
            None => true,
            Some(b) => {
                (!candidate.has_room, candidate.cost, candidate.mentor)
                    < (!b.has_room, b.cost, b.mentor)
            }
        };
        if better {
            best[c.mentee] = Some(candidate);
        }
    }
    for pair in &mut pairs {
        pair.backup = best[pair.mentee].take();
    }
    let mut unassigned = Vec::new();
    for i in 0..n {
        if mentor_of[i].is_some() {
            continue;
        }
        objective += problem.unassigned_cost;
        let reason = if !any_cadre_ok[i] {
            UnassignedReason::NoEligibleMentor
        } else if eligible[i].is_empty() {
            UnassignedReason::ExcludedByRule {
                reasons: reasons[i].iter().map(|s| s.to_string()).collect(),
            }
        } else if eligible[i]
            .iter()
            .all(|&j| final_load[j] >= problem.mentors[j].capacity)
        {
            UnassignedReason::CapacityExhausted
        } else {
            UnassignedReason::CheaperUnassigned
        };
        unassigned.push(Unassigned {
            mentee: i,
            reason,
            best_eligible: best[i].take(),
        });
    }
    let warm_start = WarmStart {
        mentor_of: sol.mentor_of().to_vec(),
        mentor_price: sol.mentor_prices().to_vec(),
    };
    Ok(Proposal {
        pairs,
        unassigned,
        objective,
        warm_start,
    })
}
