//! Digital Object Identifiers, normalised so the same DOI is always stored the same way.

use std::fmt;

use domain::FieldError;
use serde::{Deserialize, Serialize};

/// A DOI such as `10.5555/tandem.2025.001`, stored lower case (DOIs are case-insensitive, so
/// lower case makes equal DOIs compare equal) without any `https://doi.org/` or `doi:` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Doi(String);

/// Prefixes people paste in front of a DOI, compared case-insensitively. Longest first so
/// `https://dx.doi.org/` is not mistaken for something shorter.
const PREFIXES: [&str; 6] = [
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "doi.org/",
    "doi:",
];

impl Doi {
    /// Parses a DOI, accepting the bare form, a `https://doi.org/` or `http://dx.doi.org/`
    /// URL, or `doi:` in front, with surrounding whitespace. The result must be
    /// `10.` + a registrant code of 4–9 digits (optionally followed by `.digits` parts) + `/` +
    /// a suffix of printable characters without spaces.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let lower = trimmed.to_lowercase();
        let mut bare = lower.as_str();
        for prefix in PREFIXES {
            if let Some(rest) = bare.strip_prefix(prefix) {
                bare = rest.trim_start();
                break;
            }
        }
        let fail = |reason: &str| FieldError::new("doi", format!("'{trimmed}' {reason}"));
        if bare.is_empty() {
            return Err(fail("is empty; a DOI looks like 10.1234/abc"));
        }
        let Some(after_10) = bare.strip_prefix("10.") else {
            return Err(fail(
                "does not start with '10.'; a DOI looks like 10.1234/abc",
            ));
        };
        let Some((registrant, suffix)) = after_10.split_once('/') else {
            return Err(fail("has no '/' between the prefix and the suffix"));
        };
        let mut parts = registrant.split('.');
        let first = parts.next().unwrap_or("");
        if !(4..=9).contains(&first.len()) || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("needs a registrant code of 4 to 9 digits after '10.'"));
        }
        if parts.any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(fail("has a registrant sub-code that is not digits"));
        }
        if suffix.is_empty() {
            return Err(fail("has an empty suffix after '/'"));
        }
        if let Some(bad) = suffix.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail(&format!(
                "has a space or control character ({:?}) in its suffix",
                bad
            )));
        }
        Ok(Self(bare.to_owned()))
    }

    /// The bare DOI, `10.5555/abc`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The resolver URL, `https://doi.org/10.5555/abc`.
    pub fn url(&self) -> String {
        format!("https://doi.org/{}", self.0)
    }
}

impl fmt::Display for Doi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Doi {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Doi> for String {
    fn from(value: Doi) -> Self {
        value.0
    }
}
