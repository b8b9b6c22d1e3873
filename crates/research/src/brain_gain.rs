//! Brain-gain figures: how much of the collaborative's work links members abroad (diaspora)
//! with members at home, and how much carries a home-country affiliation.

use std::collections::{BTreeMap, BTreeSet};

use domain::values::CountryCode;
use serde::{Deserialize, Serialize};

use crate::members::{Member, MemberId};
use crate::outputs::Output;

/// Brain-gain figures for one year (or, in [`BrainGain::total`], for all years).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BrainGainFigures {
    /// The year; `None` for the total.
    pub year: Option<i32>,
    /// Outputs in the period.
    pub outputs: usize,
    /// Outputs credited to at least one diaspora and one home-based member together.
    pub linking_outputs: usize,
    /// Outputs with at least one author affiliated in the home country.
    pub home_affiliated_outputs: usize,
    /// Distinct (diaspora member, home-based member) pairs who were credited together.
    pub collaborations: usize,
}

/// Figures per year, oldest first, and over all years (pairs counted once overall).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BrainGain {
    /// One row per year that has outputs.
    pub by_year: Vec<BrainGainFigures>,
    /// All years together.
    pub total: BrainGainFigures,
}

/// Counts brain-gain figures over `outputs`. People credited on an output (authors,
/// presenters, trainers) count when linked to one of `members`; a member is diaspora when
/// they live outside their own home country. `home` is the collaborative's home country, used
/// for affiliations.
pub fn brain_gain(members: &[Member], outputs: &[Output], home: CountryCode) -> BrainGain {
    let diaspora: BTreeMap<MemberId, bool> =
        members.iter().map(|m| (m.id, m.is_diaspora())).collect();
    let mut years: BTreeMap<i32, (BrainGainFigures, BTreeSet<(MemberId, MemberId)>)> =
        BTreeMap::new();
    let mut all_pairs = BTreeSet::new();
    let mut total = BrainGainFigures::default();
    for output in outputs {
        let linked: BTreeSet<MemberId> = output.people().iter().filter_map(|a| a.member).collect();
        let abroad: Vec<MemberId> = linked
            .iter()
            .copied()
            .filter(|m| diaspora.get(m) == Some(&true))
            .collect();
        let at_home: Vec<MemberId> = linked
            .iter()
            .copied()
            .filter(|m| diaspora.get(m) == Some(&false))
            .collect();
        let home_affiliated = output
            .people()
            .iter()
            .any(|a| a.affiliation.as_ref().is_some_and(|af| af.country == home));
        let (row, pairs) = years.entry(output.year()).or_default();
        row.year = Some(output.year());
        for figures in [&mut *row, &mut total] {
            figures.outputs += 1;
            figures.linking_outputs += usize::from(!abroad.is_empty() && !at_home.is_empty());
            figures.home_affiliated_outputs += usize::from(home_affiliated);
        }
        for a in &abroad {
            for h in &at_home {
                pairs.insert((*a, *h));
                all_pairs.insert((*a, *h));
            }
        }
    }
    total.collaborations = all_pairs.len();
    let by_year = years
        .into_values()
        .map(|(mut row, pairs)| {
            row.collaborations = pairs.len();
            row
        })
        .collect();
    BrainGain { by_year, total }
}
