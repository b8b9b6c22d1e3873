//! Great-circle distance, facility coupling and team formation — both are the same min-cost
//! flow as mentee matching, with distance (in metres, exact integers) as the cost.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{Arc, Error, Network, solve};

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Penalty for leaving a facility uncoupled / a team seat empty, in metres. It exceeds any
/// great-circle distance (half the circumference is about 2.0e7 m), so the solver first
/// maximises how many are served and only then minimises distance.
const UNSERVED_M: i64 = 100_000_000;

/// Great-circle distance in km between two (latitude, longitude) points in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

fn metres(km: f64) -> i64 {
    (km * 1000.0).round() as i64
}

/// A facility with a location and a strength score (e.g. from indicators).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilitySite {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Strength score; facilities below the threshold are "weak".
    pub strength: f64,
}

/// Parameters of facility coupling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CouplingParams {
    /// Facilities with `strength < threshold` are weak and get a strong partner.
    pub threshold: f64,
    /// Most weak facilities one strong facility takes.
    pub max_per_strong: u32,
    /// Only couple facilities at most this far apart (km); `None` = no limit.
    pub max_km: Option<f64>,
}

/// Why a weak facility was left without a strong partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UncoupledReason {
    /// No strong facility lies within the distance limit.
    NoStrongInRange,
    /// Every strong facility within the limit already takes as many weak ones as it may
    /// (taking this one instead would leave another weak facility uncoupled or farther away).
    StrongInRangeFull,
}

/// The result of facility coupling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coupling {
    /// `(weak, strong, km)` by weak facility index.
    pub pairs: Vec<(usize, usize, f64)>,
    /// For each pair (same order), the nearest strong facility in range when it is nearer
    /// than the chosen one, with its distance: it was full, so the manager sees why the weak
    /// facility travels farther.
    pub nearer: Vec<Option<(usize, f64)>>,
    /// Weak facilities left without a partner (no strong one in range with room).
    pub unpaired: Vec<usize>,
    /// Why each of `unpaired` (same order) has no partner.
    pub unpaired_reasons: Vec<UncoupledReason>,
    /// Sum of the pairs' distances, km.
    pub total_km: f64,
}

/// Pairs each weak facility with a strong one, each strong facility taking at most
/// `max_per_strong`, maximising the number coupled and then minimising total distance.
pub fn couple_facilities(
    sites: &[FacilitySite],
    params: &CouplingParams,
) -> Result<Coupling, Error> {
    let weak: Vec<usize> = (0..sites.len())
        .filter(|&k| sites[k].strength < params.threshold)
        .collect();
    let strong: Vec<usize> = (0..sites.len())
        .filter(|&k| sites[k].strength >= params.threshold)
        .collect();
    let mut arcs = Vec::new();
    for (wi, &w) in weak.iter().enumerate() {
        for (si, &s) in strong.iter().enumerate() {
            let km = haversine_km(sites[w].lat, sites[w].lon, sites[s].lat, sites[s].lon);
            if params.max_km.is_none_or(|mx| km <= mx) {
                arcs.push(Arc {
                    mentee: wi as u32,
                    mentor: si as u32,
                    cost: metres(km),
                });
            }
        }
    }
    let net = Network::new(
        weak.len(),
        vec![params.max_per_strong; strong.len()],
        &arcs,
        UNSERVED_M,
    )?;
    let sol = solve(&net);
    let mut out = Coupling {
        pairs: Vec::new(),
        nearer: Vec::new(),
        unpaired: Vec::new(),
        unpaired_reasons: Vec::new(),
        total_km: 0.0,
    };
    // The nearest strong facility in range of each weak one (ties: the lower index).
    let mut nearest: Vec<Option<(usize, i64)>> = vec![None; weak.len()];
    for arc in &arcs {
        let best = &mut nearest[arc.mentee as usize];
        if best.is_none_or(|(_, cost)| arc.cost < cost) {
            *best = Some((strong[arc.mentor as usize], arc.cost));
        }
    }
    for (wi, &w) in weak.iter().enumerate() {
        match sol.mentor_of()[wi] {
            Some(si) => {
                let s = strong[si as usize];
                let km = haversine_km(sites[w].lat, sites[w].lon, sites[s].lat, sites[s].lon);
                out.total_km += km;
                out.pairs.push((w, s, km));
                out.nearer.push(
                    nearest[wi]
                        .filter(|&(n, cost)| n != s && cost < metres(km))
                        .map(|(n, _)| {
                            let site = &sites[n];
                            (
                                n,
                                haversine_km(sites[w].lat, sites[w].lon, site.lat, site.lon),
                            )
                        }),
                );
            }
            None => {
                out.unpaired.push(w);
                out.unpaired_reasons.push(if nearest[wi].is_some() {
                    UncoupledReason::StrongInRangeFull
                } else {
                    UncoupledReason::NoStrongInRange
                });
            }
        }
    }
    Ok(out)
}

/// A mentor available for facility teams.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMentor {
    /// Cadre.
    pub cadre: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Most facility teams this mentor can join.
    pub max_facilities: u32,
}

/// One facility's team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// Facility index.
    pub facility: usize,
    /// `(cadre, mentor index)` for each required cadre that is covered.
    pub members: Vec<(String, usize)>,
    /// Required cadres nobody covers.
    pub missing: Vec<String>,
    /// Why each of `missing` (same order) is not covered.
    pub missing_reasons: Vec<MissingReason>,
}

/// Why a facility's team lacks a required cadre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingReason {
    /// The program has no mentor of that cadre.
    NoMentorOfCadre,
    /// Mentors of that cadre exist, but none within the distance limit.
    NoneInRange,
    /// Every mentor of that cadre within range is already in as many teams as they may be.
    AllInRangeAtLimit,
}

/// Teams for all facilities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Teams {
    /// By facility index.
    pub teams: Vec<Team>,
    /// Sum of member–facility distances, km.
    pub total_km: f64,
}

/// Forms a mentor team per facility covering each cadre in `required` (duplicates ignored):
/// one mentor per (facility, cadre), each mentor in at most `max_facilities` teams, maximising
/// coverage and then minimising total travel distance. A mentor has one cadre, so each cadre is
/// an independent min-cost flow.
pub fn form_teams(
    facilities: &[FacilitySite],
    mentors: &[TeamMentor],
    required: &[String],
    max_km: Option<f64>,
) -> Result<Teams, Error> {
    let mut teams: Vec<Team> = (0..facilities.len())
        .map(|f| Team {
            facility: f,
            members: Vec::new(),
            missing: Vec::new(),
            missing_reasons: Vec::new(),
        })
        .collect();
    let mut total_km = 0.0;
    // Keep the caller's order of cadres in each team.
    let mut seen = BTreeSet::new();
    for cadre in required.iter().filter(|c| seen.insert(c.as_str())) {
        let pool: Vec<usize> = (0..mentors.len())
            .filter(|&k| mentors[k].cadre == *cadre)
            .collect();
        let mut arcs = Vec::new();
        let mut in_range = vec![false; facilities.len()];
        for (f, fac) in facilities.iter().enumerate() {
            for (pi, &k) in pool.iter().enumerate() {
                let km = haversine_km(fac.lat, fac.lon, mentors[k].lat, mentors[k].lon);
                if max_km.is_none_or(|mx| km <= mx) {
                    in_range[f] = true;
                    arcs.push(Arc {
                        mentee: f as u32,
                        mentor: pi as u32,
                        cost: metres(km),
                    });
                }
            }
        }
        let caps = pool.iter().map(|&k| mentors[k].max_facilities).collect();
        let net = Network::new(facilities.len(), caps, &arcs, UNSERVED_M)?;
        let sol = solve(&net);
        for (f, team) in teams.iter_mut().enumerate() {
            match sol.mentor_of()[f] {
                Some(pi) => {
                    let k = pool[pi as usize];
                    let fac = &facilities[f];
                    total_km += haversine_km(fac.lat, fac.lon, mentors[k].lat, mentors[k].lon);
                    team.members.push((cadre.clone(), k));
                }
                None => {
                    team.missing.push(cadre.clone());
                    team.missing_reasons.push(if pool.is_empty() {
                        MissingReason::NoMentorOfCadre
                    } else if in_range[f] {
                        MissingReason::AllInRangeAtLimit
                    } else {
                        MissingReason::NoneInRange
                    });
                }
            }
        }
    }
    Ok(Teams { teams, total_km })
}

/// Largest distance limit a program may set, km (about half the Earth's circumference).
pub const MAX_FACILITY_KM: f64 = 20_000.0;

/// A program's facility coupling and team formation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FacilitySettings {
    /// Readiness (the latest site assessment's total, 0–100 %) below which a facility is weak.
    pub threshold: f64,
    /// Most weak facilities one strong facility takes.
    pub max_per_strong: u32,
    /// Farthest a weak facility is coupled from its strong one, and a team mentor from the
    /// facility, in km (great-circle).
    pub max_km: f64,
    /// Most facility teams one mentor joins.
    pub max_teams_per_mentor: u32,
    /// Cadres every facility team must cover, e.g. `surgeon`, `anesthetist`, `or_nurse`.
    pub required_cadres: Vec<String>,
}

impl Default for FacilitySettings {
    fn default() -> Self {
        Self {
            threshold: 60.0,
            max_per_strong: 2,
            max_km: 150.0,
            max_teams_per_mentor: 3,
            required_cadres: Vec::new(),
        }
    }
}

impl FacilitySettings {
    /// Checks ranges; the error names the offending field (`threshold`,
    /// `required_cadres[1]`, …).
    pub fn validate(&self) -> Result<(), (String, String)> {
        let fail = |field: &str, message: String| Err((field.to_owned(), message));
        if !(0.0..=100.0).contains(&self.threshold) {
            return fail(
                "threshold",
                format!("must be between 0 and 100 (%), got {}", self.threshold),
            );
        }
        if !(1..=1000).contains(&self.max_per_strong) {
            return fail(
                "max_per_strong",
                format!("must be between 1 and 1000, got {}", self.max_per_strong),
            );
        }
        // `!(x > 0)` also refuses NaN.
        if !(self.max_km > 0.0 && self.max_km <= MAX_FACILITY_KM) {
            return fail(
                "max_km",
                format!(
                    "must be more than 0 and at most {MAX_FACILITY_KM} km, got {}",
                    self.max_km
                ),
            );
        }
        if !(1..=1000).contains(&self.max_teams_per_mentor) {
            return fail(
                "max_teams_per_mentor",
                format!(
                    "must be between 1 and 1000, got {}",
                    self.max_teams_per_mentor
                ),
            );
        }
        if self.required_cadres.len() > 20 {
            return fail("required_cadres", "name at most 20 cadres".into());
        }
        let mut seen = BTreeSet::new();
        for (k, cadre) in self.required_cadres.iter().enumerate() {
            let ok = !cadre.is_empty()
                && cadre.len() <= 60
                && cadre.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !ok {
                return fail(
                    &format!("required_cadres[{k}]"),
                    format!(
                        "{cadre:?} is not a cadre: use lowercase letters, digits, _ or - (or_nurse)"
                    ),
                );
            }
            if !seen.insert(cadre.as_str()) {
                return fail(
                    &format!("required_cadres[{k}]"),
                    format!("{cadre} is listed twice"),
                );
            }
        }
        Ok(())
    }
}
