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

/// The result of facility coupling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coupling {
    /// `(weak, strong, km)` by weak facility index.
    pub pairs: Vec<(usize, usize, f64)>,
    /// Weak facilities left without a partner (no strong one in range with room).
    pub unpaired: Vec<usize>,
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
        unpaired: Vec::new(),
        total_km: 0.0,
    };
    for (wi, &w) in weak.iter().enumerate() {
        match sol.mentor_of()[wi] {
            Some(si) => {
                let s = strong[si as usize];
                let km = haversine_km(sites[w].lat, sites[w].lon, sites[s].lat, sites[s].lon);
                out.total_km += km;
                out.pairs.push((w, s, km));
            }
            None => out.unpaired.push(w),
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
        for (f, fac) in facilities.iter().enumerate() {
            for (pi, &k) in pool.iter().enumerate() {
                let km = haversine_km(fac.lat, fac.lon, mentors[k].lat, mentors[k].lon);
                if max_km.is_none_or(|mx| km <= mx) {
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
                None => team.missing.push(cadre.clone()),
            }
        }
    }
    Ok(Teams { teams, total_km })
}
