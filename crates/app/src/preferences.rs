//! Matching preferences a mentee or mentor states themself (C5): whom they may rank, how well
//! each fits them, and the checked save. The page (`pages/preferences.rs`), the API and the
//! demo all go through here, so a ranking is checked the same way wherever it comes from.
//!
//! Who may be ranked follows the solver's hard rules exactly: the program's cadre pairs, pins,
//! forbids, named conflicts and (when the program never repeats pairs) previous pairings, and
//! mentors whose capacity is 0. Someone a rule excludes is simply not offered; the reason of a
//! conflict is for managers only, so no answer here ever carries it.

use crate::Error;
use crate::proposals::{PairRuleKind, pair_rules, profile};
use domain::FieldError;
use domain::ids::{PersonId, ProgramId};
use matching::criteria;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use store::matching::{MAX_RANKED, MatchPerson};
use store::{Actor, Db};

/// Which side of the program a person ranks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A mentee, ranking mentors.
    Mentee,
    /// A mentor, ranking mentees.
    Mentor,
}

/// A person's own preferences: everyone they may rank, best fit first, with the rank they gave.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preferences {
    /// Program.
    pub program: i64,
    /// The person stating them.
    pub person: i64,
    /// Whether they rank mentors (as a mentee) or mentees (as a mentor).
    pub side: Side,
    /// The highest rank they may give (at most 20, and no more than the people offered).
    pub max_rank: u32,
    /// The people they may rank, best fit first by the program's weights.
    pub options: Vec<Choice>,
}

impl Preferences {
    /// The ranked options, first choice first.
    pub fn ranked(&self) -> Vec<&Choice> {
        let mut ranked: Vec<&Choice> = self.options.iter().filter(|c| c.rank.is_some()).collect();
        ranked.sort_by_key(|c| c.rank);
        ranked
    }
}

/// Someone a person may rank, with what they would want to know.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    /// Person id.
    pub person: i64,
    /// Name.
    pub name: String,
    /// Cadre.
    pub cadre: String,
    /// Facility (org unit) of their membership.
    pub facility: String,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Years of experience, when recorded.
    pub years_experience: Option<i64>,
    /// How they fit the person, on the solver's own criteria.
    pub fit: FitFacts,
    /// The rank the person gave them (1 = first choice), if any.
    pub rank: Option<u32>,
}

/// The solver's criteria for one pair, as facts (see `matching::criteria::Fit`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FitFacts {
    /// Languages both speak.
    pub shared_languages: Vec<String>,
    /// Minutes of the working day (08:00–17:00 local) both share, of 540.
    pub working_overlap_minutes: i32,
    /// Kilometres between their facilities, when both are located.
    pub distance_km: Option<i64>,
    /// The other person's years of experience minus the person's own, when both are known.
    pub experience_difference: Option<i64>,
}

/// One rank as posted: the field it came from (named in a refusal), whom, and the rank.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The form field or JSON path (`rank_12`, `ranked[0]`).
    pub field: String,
    /// The person ranked.
    pub person: PersonId,
    /// The rank given (1 = first choice).
    pub rank: u32,
}

/// The preferences `person` may state in `program`. Refused (field `person`) when they are
/// neither a mentee nor a mentor there.
pub async fn load(db: &Db, program: ProgramId, person: PersonId) -> Result<Preferences, Error> {
    let settings = db.matching_settings(program).await?;
    let mentees = db.matching_people(program, "mentee").await?;
    let mentors = db.matching_people(program, "mentor").await?;
    // Someone who is both (a peer collaborative may allow it) ranks mentors, as a mentee:
    // one ranking per person and program is what the solver reads.
    let (side, me, others) = if let Some(me) = mentees.iter().find(|p| p.id == person) {
        (Side::Mentee, me, &mentors)
    } else if let Some(me) = mentors.iter().find(|p| p.id == person) {
        (Side::Mentor, me, &mentees)
    } else {
        return Err(Error::invalid(
            "person",
            format!("person {person} is not a mentee or mentor in this program"),
        ));
    };
    let rules = pair_rules(
        &settings,
        &db.match_rules(program).await?,
        &db.pairings_of_program(program, None).await?,
    );
    let pinned: BTreeSet<(PersonId, PersonId)> = rules
        .iter()
        .filter(|r| matches!(r.kind, PairRuleKind::Pin))
        .map(|r| (r.mentee, r.mentor))
        .collect();
    let blocked: BTreeSet<(PersonId, PersonId)> = rules
        .iter()
        .filter(|r| !matches!(r.kind, PairRuleKind::Pin))
        .map(|r| (r.mentee, r.mentor))
        .collect();
    let capacities = db.mentor_capacities(program).await?;
    let stated: HashMap<PersonId, u32> = db
        .match_preferences(program)
        .await?
        .into_iter()
        .filter(|(who, _, _)| *who == person)
        .map(|(_, whom, rank)| (whom, rank))
        .collect();
    let my_profile = profile(me);
    let mut options: Vec<(i64, Choice)> = Vec::new();
    for other in others.iter().filter(|o| o.id != person) {
        let (mentee, mentor) = match side {
            Side::Mentee => (me, other),
            Side::Mentor => (other, me),
        };
        let pair = (mentee.id, mentor.id);
        let allowed = settings.cadre_allows(&mentee.cadre, &mentor.cadre) || pinned.contains(&pair);
        let mentor_full = capacities.get(&mentor.id) == Some(&0);
        if !allowed || blocked.contains(&pair) || (side == Side::Mentee && mentor_full) {
            continue;
        }
        let other_profile = profile(other);
        let fit = match side {
            Side::Mentee => criteria::fit(&my_profile, &other_profile),
            Side::Mentor => criteria::fit(&other_profile, &my_profile),
        };
        let cost: i64 = fit.costs(&settings).iter().sum();
        options.push((
            cost,
            choice(me, other, &fit, stated.get(&other.id).copied()),
        ));
    }
    options.sort_by(|a, b| (a.0, &a.1.name, a.1.person).cmp(&(b.0, &b.1.name, b.1.person)));
    let options: Vec<Choice> = options.into_iter().map(|(_, c)| c).collect();
    Ok(Preferences {
        program: program.0,
        person: person.0,
        side,
        max_rank: options.len().min(MAX_RANKED) as u32,
        options,
    })
}

fn choice(me: &MatchPerson, other: &MatchPerson, fit: &criteria::Fit, rank: Option<u32>) -> Choice {
    Choice {
        person: other.id.0,
        name: other.name.clone(),
        cadre: other.cadre.clone(),
        facility: other.org_unit_name.clone(),
        languages: other.languages.clone(),
        time_zone: other.time_zone.clone(),
        years_experience: other.years_experience,
        fit: FitFacts {
            shared_languages: fit.shared_languages.clone(),
            working_overlap_minutes: fit.overlap_minutes,
            distance_km: fit.distance_km.map(|km| km.round() as i64),
            experience_difference: other
                .years_experience
                .zip(me.years_experience)
                .map(|(o, m)| o - m),
        },
        rank,
    }
}

/// Checks posted ranks against what the person may state; returns whom they ranked, first
/// choice first (gaps close up: ranks 1 and 3 keep their order). Each refusal names the field
/// it came from and never says why someone is not offered.
pub fn check(preferences: &Preferences, posted: &[Posted]) -> Result<Vec<PersonId>, FieldError> {
    let offered: BTreeSet<i64> = preferences.options.iter().map(|c| c.person).collect();
    let mut people = BTreeSet::new();
    let mut ranks = BTreeSet::new();
    for entry in posted {
        if !offered.contains(&entry.person.0) {
            return Err(FieldError::new(
                &entry.field,
                format!(
                    "person {} is not among the people you can rank",
                    entry.person
                ),
            ));
        }
        if !(1..=preferences.max_rank).contains(&entry.rank) {
            return Err(FieldError::new(
                &entry.field,
                format!(
                    "rank {} is out of range: give ranks from 1 to {}",
                    entry.rank, preferences.max_rank
                ),
            )
            .phrased(
                "prefs-error-rank-range",
                &[("rank", &entry.rank), ("max", &preferences.max_rank)],
            ));
        }
        if !people.insert(entry.person) {
            return Err(FieldError::new(
                &entry.field,
                format!("person {} is ranked twice", entry.person),
            ));
        }
        if !ranks.insert(entry.rank) {
            return Err(FieldError::new(
                &entry.field,
                format!("rank {} is given to two people", entry.rank),
            )
            .phrased("prefs-error-rank-twice", &[("rank", &entry.rank)]));
        }
    }
    let mut ordered: Vec<&Posted> = posted.iter().collect();
    ordered.sort_by_key(|p| p.rank);
    Ok(ordered.into_iter().map(|p| p.person).collect())
}

/// Replaces what `person` ranks in `program` after [`check`]ing it (audited by the store);
/// nothing is written when any rank is refused. An empty list clears their ranking.
pub async fn save(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    person: PersonId,
    posted: &[Posted],
) -> Result<Vec<PersonId>, Error> {
    let preferences = load(db, program, person).await?;
    let ranked = check(&preferences, posted)?;
    db.set_match_preferences(actor, program, person, &ranked)
        .await?;
    Ok(ranked)
}
