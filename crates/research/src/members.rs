//! Members of a research collaborative, as the figures in this crate need them.

use std::fmt;

use chrono::NaiveDate;
use domain::values::CountryCode;
use serde::{Deserialize, Serialize};

/// A member of the collaborative. The application maps it to a person; this crate only needs
/// a stable, ordered key (the demo uses indices 0..16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub u32);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "member {}", self.0)
    }
}

/// What the equity and stretch figures need to know about a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member.
    pub id: MemberId,
    /// When they joined; inactivity is counted from here if they have never been active.
    pub joined_on: NaiveDate,
    /// Years since qualification, the experience score used to pick stretch roles.
    pub years_qualified: u32,
    /// Country of residence.
    pub residence: CountryCode,
    /// Home country (where they trained); Nigeria for the seed collaborative.
    pub home: CountryCode,
}

impl Member {
    /// A diaspora member lives outside their home country.
    pub fn is_diaspora(&self) -> bool {
        self.residence != self.home
    }
}
