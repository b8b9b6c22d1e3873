//! From people to a [`Problem`]: the weighted preferences a program sets (shared language,
//! working-day overlap across time zones, travel distance, experience gap near a target, ranked
//! preferences, continuity of current pairs) turned into per-criterion integer costs.
//!
//! Costs are integers so that the solver is exact and ties are broken the same way on every
//! machine; each criterion's unit is chosen so that a weight of 100 means "about as bad as
//! one step of this criterion" and the manager can read the breakdown directly.

use serde::{Deserialize, Serialize};

use crate::geo::haversine_km;
use crate::{Candidate, Mentee, Mentor, Problem};

/// The criteria, in the order of every [`Candidate::costs`] this module builds.
pub const CRITERIA: [&str; 6] = [
    "language",
    "working_hours",
    "distance",
    "experience",
    "preference",
    "continuity",
];

/// Largest weight a program may set; keeps every cost far from overflow.
pub const MAX_WEIGHT: i64 = 10_000;
/// Largest penalty for leaving a mentee unassigned.
pub const MAX_UNASSIGNED_COST: i64 = 1_000_000_000;

/// Weight per criterion (0 switches a criterion off).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Cost when the two share no language.
    pub language: i64,
    /// Cost per hour of the working day (08:00–17:00 local) the two do not share.
    pub working_hours: i64,
    /// Cost per 100 km of great-circle distance between their facilities.
    pub distance: i64,
    /// Cost per year that the experience gap (mentor minus mentee) misses the target.
    pub experience: i64,
    /// Cost per place down a stated ranking (and for an unranked choice when the person
    /// ranked someone else).
    pub preference: i64,
    /// Bonus (subtracted) for keeping a pairing that is active now, so re-runs do not reshuffle
    /// people without a strong reason.
    pub continuity: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            language: 300,
            working_hours: 40,
            distance: 30,
            experience: 10,
            preference: 50,
            continuity: 200,
        }
    }
}

/// A program's matching settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Weights of the preferences.
    pub weights: Weights,
    /// Ideal years of experience a mentor has beyond their mentee.
    pub target_experience_gap: i64,
    /// Penalty for leaving a mentee without a mentor; a pair costing more is never chosen.
    pub unassigned_cost: i64,
    /// Mentees per mentor unless a mentor's own capacity is set.
    pub default_capacity: u32,
    /// Allowed (mentee cadre, mentor cadre) pairs; empty means "same cadre only"; `*` stands
    /// for any cadre (`("*", "*")` lets anyone mentor anyone, as in a peer collaborative).
    pub cadre_pairs: Vec<(String, String)>,
    /// Never pair people again who were paired before (programs that rotate mentors).
    pub exclude_previous_pairings: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            weights: Weights::default(),
            target_experience_gap: 5,
            unassigned_cost: 100_000,
            default_capacity: 3,
            cadre_pairs: Vec::new(),
            exclude_previous_pairings: false,
        }
    }
}

impl Settings {
    /// Checks ranges; the error names the offending field (`weights.language`, …).
    pub fn validate(&self) -> Result<(), (String, String)> {
        let w = &self.weights;
        for (name, value) in [
            ("language", w.language),
            ("working_hours", w.working_hours),
            ("distance", w.distance),
            ("experience", w.experience),
            ("preference", w.preference),
            ("continuity", w.continuity),
        ] {
            if !(0..=MAX_WEIGHT).contains(&value) {
                return Err((
                    format!("weights.{name}"),
                    format!("must be between 0 and {MAX_WEIGHT}, got {value}"),
                ));
            }
        }
        if !(0..=70).contains(&self.target_experience_gap) {
            return Err((
                "target_experience_gap".into(),
                format!(
                    "must be between 0 and 70 years, got {}",
                    self.target_experience_gap
                ),
            ));
        }
        if !(1..=MAX_UNASSIGNED_COST).contains(&self.unassigned_cost) {
            return Err((
                "unassigned_cost".into(),
                format!(
                    "must be between 1 and {MAX_UNASSIGNED_COST}, got {}",
                    self.unassigned_cost
                ),
            ));
        }
        if self.default_capacity > 1000 {
            return Err((
                "default_capacity".into(),
                format!("must be at most 1000, got {}", self.default_capacity),
            ));
        }
        for (k, (a, b)) in self.cadre_pairs.iter().enumerate() {
            if a.trim().is_empty() || b.trim().is_empty() {
                return Err((
                    format!("cadre_pairs[{k}]"),
                    "both cadres must be named".into(),
                ));
            }
        }
        Ok(())
    }

    /// The cadre rule as [`crate::Rules::cadre_pairs`] wants it.
    pub fn cadre_rule(&self) -> Option<Vec<(String, String)>> {
        (!self.cadre_pairs.is_empty()).then(|| self.cadre_pairs.clone())
    }

    /// Whether the cadre rule lets a mentor of `mentor` cadre take a mentee of `mentee` cadre.
    /// A person whose cadre is unknown (`""`) is allowed with nobody.
    pub fn cadre_allows(&self, mentee: &str, mentor: &str) -> bool {
        !mentee.is_empty() && !mentor.is_empty() && self.cadre_allowed(mentee, mentor)
    }

    fn cadre_allowed(&self, mentee: &str, mentor: &str) -> bool {
        if self.cadre_pairs.is_empty() {
            mentee == mentor
        } else {
            self.cadre_pairs
                .iter()
                .any(|(a, b)| (a == "*" || a == mentee) && (b == "*" || b == mentor))
        }
    }
}

/// What matching needs to know about a person.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Cadre (`""` when unknown: such a person matches nobody under the cadre rule).
    pub cadre: String,
    /// Languages spoken (BCP 47 tags; compared by primary subtag, so `fr` meets `fr-CA`).
    pub languages: Vec<String>,
    /// Offset from UTC in minutes on the reference date.
    pub utc_offset_minutes: i32,
    /// Where they work (latitude, longitude), when known.
    pub location: Option<(f64, f64)>,
    /// Years of experience, when known.
    pub years_experience: Option<i64>,
}

/// A stated preference: `who` ranks `whom` at `rank` (1 = first choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranking {
    /// Mentee index when a mentee states it, mentor index when a mentor does.
    pub who: usize,
    /// The other side's index.
    pub whom: usize,
    /// 1-based rank.
    pub rank: u32,
}

/// Everything [`build_problem`] reads.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Mentees.
    pub mentees: Vec<Profile>,
    /// Mentors with their capacity (`None` = the program default; `Some(0)` = not available).
    pub mentors: Vec<(Profile, Option<u32>)>,
    /// Rankings stated by mentees (`who` is a mentee index).
    pub mentee_rankings: Vec<Ranking>,
    /// Rankings stated by mentors (`who` is a mentor index).
    pub mentor_rankings: Vec<Ranking>,
    /// Pairs active now `(mentee, mentor)`.
    pub current: Vec<(usize, usize)>,
    /// Pairs that must be candidates whatever the cadre rule says (manager pins).
    pub pinned: Vec<(usize, usize)>,
}

/// Builds the problem: one candidate per cadre-compatible (or pinned) mentee–mentor pair, with
/// its cost broken down by [`CRITERIA`].
pub fn build_problem(settings: &Settings, inputs: &Inputs) -> Problem {
    let n = inputs.mentees.len();
    let m = inputs.mentors.len();
    let rank_lookup = |rankings: &[Ranking], rows: usize| {
        let mut by_who: Vec<Vec<(usize, u32)>> = vec![Vec::new(); rows];
        for r in rankings {
            if r.who < rows {
                by_who[r.who].push((r.whom, r.rank));
            }
        }
        by_who
    };
    let mentee_ranks = rank_lookup(&inputs.mentee_rankings, n);
    let mentor_ranks = rank_lookup(&inputs.mentor_rankings, m);
    let current: std::collections::HashSet<(usize, usize)> =
        inputs.current.iter().copied().collect();
    let pinned: std::collections::HashSet<(usize, usize)> = inputs.pinned.iter().copied().collect();
    let w = &settings.weights;
    let mut candidates = Vec::new();
    for (i, mentee) in inputs.mentees.iter().enumerate() {
        for (j, (mentor, _)) in inputs.mentors.iter().enumerate() {
            let allowed = settings.cadre_allows(&mentee.cadre, &mentor.cadre);
            if !allowed && !pinned.contains(&(i, j)) {
                continue;
            }
            let [language, working_hours, distance, experience] =
                fit(mentee, mentor).costs(settings);
            let preference =
                w.preference * (rank_cost(&mentee_ranks[i], j) + rank_cost(&mentor_ranks[j], i));
            let continuity = if current.contains(&(i, j)) {
                -w.continuity
            } else {
                0
            };
            candidates.push(Candidate {
                mentee: i,
                mentor: j,
                costs: vec![
                    language,
                    working_hours,
                    distance,
                    experience,
                    preference,
                    continuity,
                ],
            });
        }
    }
    Problem {
        criteria: CRITERIA.iter().map(|c| c.to_string()).collect(),
        mentees: inputs
            .mentees
            .iter()
            .map(|p| Mentee {
                cadre: p.cadre.clone(),
            })
            .collect(),
        mentors: inputs
            .mentors
            .iter()
            .map(|(p, capacity)| Mentor {
                cadre: p.cadre.clone(),
                capacity: capacity.unwrap_or(settings.default_capacity),
            })
            .collect(),
        candidates,
        unassigned_cost: settings.unassigned_cost,
    }
}

/// What a mentee and a mentor have in common on the criteria that do not depend on anyone's
/// choices, before weights: the facts [`build_problem`] prices, and what a person choosing
/// whom to rank wants to read. One computation for both, so a page never disagrees with the
/// solver.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// The mentee's languages that the mentor speaks too (compared by primary subtag).
    pub shared_languages: Vec<String>,
    /// Minutes of the working day (08:00–17:00 local) they share.
    pub overlap_minutes: i32,
    /// Great-circle distance between their facilities, when both are known.
    pub distance_km: Option<f64>,
    /// The mentor's years of experience minus the mentee's, when both are known.
    pub experience_gap: Option<i64>,
}

/// The [`Fit`] of a mentee with a mentor.
pub fn fit(mentee: &Profile, mentor: &Profile) -> Fit {
    Fit {
        shared_languages: mentee
            .languages
            .iter()
            .filter(|tag| {
                mentor
                    .languages
                    .iter()
                    .any(|other| same_primary_subtag(tag, other))
            })
            .cloned()
            .collect(),
        overlap_minutes: working_overlap_minutes(
            mentee.utc_offset_minutes,
            mentor.utc_offset_minutes,
        ),
        distance_km: mentee
            .location
            .zip(mentor.location)
            .map(|(a, b)| haversine_km(a.0, a.1, b.0, b.1)),
        experience_gap: mentee
            .years_experience
            .zip(mentor.years_experience)
            .map(|(a, b)| b - a),
    }
}

impl Fit {
    /// The costs of the language, working-hours, distance and experience criteria (the first
    /// four of [`CRITERIA`]) under the program's settings.
    pub fn costs(&self, settings: &Settings) -> [i64; 4] {
        let w = &settings.weights;
        let language = if self.shared_languages.is_empty() {
            w.language
        } else {
            0
        };
        let missing_minutes = i64::from(WORKING_DAY_MINUTES - self.overlap_minutes);
        let working_hours = (w.working_hours * missing_minutes + 30) / 60;
        let distance = self
            .distance_km
            .map_or(0, |km| (w.distance as f64 * km / 100.0).round() as i64);
        let experience = self.experience_gap.map_or(0, |gap| {
            w.experience * (gap - settings.target_experience_gap).abs()
        });
        [language, working_hours, distance, experience]
    }
}

/// Places down someone's ranking: 0 for their first choice, `rank - 1` below it, and one past
/// their last rank for anyone unranked. Nothing when they ranked nobody.
fn rank_cost(ranked: &[(usize, u32)], whom: usize) -> i64 {
    if ranked.is_empty() {
        return 0;
    }
    match ranked.iter().find(|(w, _)| *w == whom) {
        Some((_, rank)) => i64::from(rank.saturating_sub(1)),
        None => ranked.len() as i64,
    }
}

/// Whether two language tags share their primary subtag (`en-GB` and `EN_us` do). Compared in
/// place: this runs for every candidate pair's every language pair when a problem is built.
fn same_primary_subtag(a: &str, b: &str) -> bool {
    fn primary(tag: &str) -> &str {
        tag.split(['-', '_']).next().unwrap_or_default()
    }
    primary(a).eq_ignore_ascii_case(primary(b))
}

/// A working day is 08:00–17:00 local.
const WORKING_DAY_START: i32 = 8 * 60;
/// Length of the working day the working-hours criterion compares, in minutes.
pub const WORKING_DAY_MINUTES: i32 = 9 * 60;
const DAY: i32 = 24 * 60;

/// Minutes of the working day two people share, given their UTC offsets. The day wraps, so
/// Honolulu and Auckland are compared across midnight as well.
pub fn working_overlap_minutes(offset_a: i32, offset_b: i32) -> i32 {
    // Working day of each in UTC minutes: [start - offset, start - offset + length).
    let a = WORKING_DAY_START - offset_a;
    let b = WORKING_DAY_START - offset_b;
    [-DAY, 0, DAY]
        .iter()
        .map(|shift| {
            let (b0, b1) = (b + shift, b + shift + WORKING_DAY_MINUTES);
            (a + WORKING_DAY_MINUTES).min(b1) - a.max(b0)
        })
        .max()
        .unwrap_or(0)
        .max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(cadre: &str, lang: &[&str], offset_h: i32) -> Profile {
        Profile {
            cadre: cadre.into(),
            languages: lang.iter().map(|s| s.to_string()).collect(),
            utc_offset_minutes: offset_h * 60,
            location: None,
            years_experience: None,
        }
    }

    #[test]
    fn overlap_of_working_days_across_zones() {
        assert_eq!(working_overlap_minutes(0, 0), 540);
        // Lagos (UTC+1) and London in winter (UTC+0): 8 of 9 hours.
        assert_eq!(working_overlap_minutes(60, 0), 480);
        // Lagos and Toronto in winter (UTC-5): 3 hours.
        assert_eq!(working_overlap_minutes(60, -300), 180);
        // Twelve hours apart: nothing, in either order.
        assert_eq!(working_overlap_minutes(0, 720), 0);
        assert_eq!(working_overlap_minutes(720, 0), 0);
        // Across midnight: UTC+14 and UTC-10 are the same wall clock a day apart.
        assert_eq!(working_overlap_minutes(14 * 60, -10 * 60), 540);
    }

    #[test]
    fn costs_follow_the_weights_and_explain_themselves() {
        let settings = Settings::default();
        let mut mentee = person("surgeon", &["am"], 3);
        mentee.years_experience = Some(2);
        mentee.location = Some((10.33, 37.73));
        let mut near = person("surgeon", &["am", "en"], 3);
        near.years_experience = Some(7);
        near.location = Some((10.45, 38.20));
        let mut far = person("surgeon", &["en"], 0);
        far.years_experience = Some(30);
        far.location = Some((51.5, -0.12));
        let anesthetist = person("anesthetist", &["am"], 3);
        let inputs = Inputs {
            mentees: vec![mentee],
            mentors: vec![(near, None), (far, Some(1)), (anesthetist, None)],
            mentee_rankings: vec![Ranking {
                who: 0,
                whom: 1,
                rank: 1,
            }],
            current: vec![(0, 0)],
            ..Inputs::default()
        };
        let problem = build_problem(&settings, &inputs);
        // The anesthetist is not a candidate under the same-cadre rule.
        assert_eq!(problem.candidates.len(), 2);
        assert_eq!(problem.mentors[0].capacity, settings.default_capacity);
        assert_eq!(problem.mentors[1].capacity, 1);
        let near = &problem.candidates[0].costs;
        // Shares Amharic, same zone, ~53 km, gap exactly 5, not ranked (ranked one other), current.
        assert_eq!(near[0], 0);
        assert_eq!(near[1], 0);
        assert_eq!(
            near[2],
            (30.0 * haversine_km(10.33, 37.73, 10.45, 38.20) / 100.0).round() as i64
        );
        assert_eq!(near[3], 0);
        assert_eq!(near[4], 50);
        assert_eq!(near[5], -200);
        let far = &problem.candidates[1].costs;
        assert_eq!(far[0], 300);
        assert_eq!(far[1], 40 * 3);
        assert!(far[2] > 1000, "Debre Markos to London is far: {}", far[2]);
        assert_eq!(far[3], 10 * (28 - 5));
        assert_eq!(far[4], 0);
        assert_eq!(far[5], 0);
    }

    #[test]
    fn the_fit_a_page_shows_is_what_the_solver_prices() {
        let settings = Settings::default();
        let mut mentee = person("surgeon", &["am", "fr-CA"], 3);
        mentee.years_experience = Some(2);
        mentee.location = Some((10.33, 37.73));
        let mut mentor = person("surgeon", &["fr", "en"], 1);
        mentor.years_experience = Some(10);
        mentor.location = Some((9.09, 36.55));
        let fit = fit(&mentee, &mentor);
        assert_eq!(fit.shared_languages, vec!["fr-CA".to_owned()]);
        assert_eq!(fit.overlap_minutes, 7 * 60);
        assert_eq!(fit.experience_gap, Some(8));
        let km = fit.distance_km.expect("both located");
        assert!(
            (180.0..200.0).contains(&km),
            "Debre Markos to Nekemte: {km}"
        );
        let problem = build_problem(
            &settings,
            &Inputs {
                mentees: vec![mentee],
                mentors: vec![(mentor, None)],
                ..Inputs::default()
            },
        );
        let costs = fit.costs(&settings);
        assert_eq!(problem.candidates[0].costs[..4], costs);
        assert_eq!(costs[0], 0, "French is shared");
        assert_eq!(costs[1], 40 * 2);
        assert_eq!(costs[3], 10 * 3);
        assert!(settings.cadre_allows("surgeon", "surgeon"));
        assert!(
            !settings.cadre_allows("", ""),
            "an unknown cadre matches nobody"
        );
    }

    #[test]
    fn allowed_cadre_pairs_and_pins_add_candidates() {
        let settings = Settings {
            cadre_pairs: vec![("or_nurse".into(), "anesthetist".into())],
            ..Settings::default()
        };
        let inputs = Inputs {
            mentees: vec![person("or_nurse", &[], 0), person("surgeon", &[], 0)],
            mentors: vec![(person("anesthetist", &[], 0), None)],
            pinned: vec![(1, 0)],
            ..Inputs::default()
        };
        let problem = build_problem(&settings, &inputs);
        let pairs: Vec<_> = problem
            .candidates
            .iter()
            .map(|c| (c.mentee, c.mentor))
            .collect();
        assert_eq!(pairs, vec![(0, 0), (1, 0)]);
    }

    #[test]
    fn languages_meet_by_primary_subtag_whatever_the_case_or_separator() {
        let mentee = person("surgeon", &["EN_us", "am", "fr-CA"], 0);
        let mentor = person("surgeon", &["en-GB", "FR", "om"], 0);
        assert_eq!(fit(&mentee, &mentor).shared_languages, ["EN_us", "fr-CA"]);
        let stranger = person("surgeon", &["sw", "e"], 0);
        assert!(fit(&mentee, &stranger).shared_languages.is_empty());
    }

    #[test]
    fn a_wildcard_cadre_pair_lets_anyone_mentor_anyone() {
        let settings = Settings {
            cadre_pairs: vec![("*".into(), "*".into())],
            ..Settings::default()
        };
        let inputs = Inputs {
            mentees: vec![person("paediatrician", &["en"], 0)],
            mentors: vec![(person("surgeon", &["en"], 1), None)],
            ..Inputs::default()
        };
        let problem = build_problem(&settings, &inputs);
        let proposal = crate::propose(
            &problem,
            &crate::Rules {
                cadre_pairs: settings.cadre_rule(),
                ..crate::Rules::default()
            },
        )
        .expect("valid");
        assert_eq!(proposal.pairs.len(), 1);
    }

    #[test]
    fn settings_name_the_bad_field() {
        let mut s = Settings::default();
        s.weights.distance = -1;
        assert_eq!(s.validate().unwrap_err().0, "weights.distance");
        let s = Settings {
            unassigned_cost: 0,
            ..Settings::default()
        };
        assert_eq!(s.validate().unwrap_err().0, "unassigned_cost");
        assert!(Settings::default().validate().is_ok());
    }
}
