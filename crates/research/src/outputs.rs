//! What a project produces: publications, conference presentations and trainings given.
//!
//! Each is built from a raw `New…` struct whose `validate()` checks every field and returns
//! the finished value or the first error naming its field (`authors[2].orcid`), so an invalid
//! output is never half-built.

use chrono::{Datelike, NaiveDate};
use domain::values::{CountryCode, Orcid};
use domain::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

use crate::doi::Doi;
use crate::members::MemberId;

/// An institution an author writes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    /// Its name, `University of Benin Teaching Hospital`.
    pub name: String,
    /// Its country.
    pub country: CountryCode,
}

/// A person credited on an output, in the order they are credited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Family name.
    pub family: String,
    /// Given names (may be empty for mononyms).
    pub given: String,
    /// Checked ORCID iD, when known.
    pub orcid: Option<Orcid>,
    /// The collaborative member this author is, if they are one.
    pub member: Option<MemberId>,
    /// The affiliation given on this output.
    pub affiliation: Option<Affiliation>,
}

/// An author as typed in, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuthor {
    /// Family name; required.
    pub family: String,
    /// Given names.
    pub given: String,
    /// ORCID iD in any form [`Orcid::parse`] accepts.
    pub orcid: Option<String>,
    /// The member this author is.
    pub member: Option<MemberId>,
    /// The affiliation.
    pub affiliation: Option<Affiliation>,
}

impl NewAuthor {
    /// An author without ORCID, member link or affiliation.
    pub fn named(family: &str, given: &str) -> Self {
        Self {
            family: family.to_owned(),
            given: given.to_owned(),
            ..Self::default()
        }
    }

    /// Checks the author; errors are named under `field` (e.g. `authors[1]`).
    pub fn validate(&self, field: &str) -> Result<Author, FieldError> {
        let family = required(&self.family, &format!("{field}.family"))?;
        let orcid = match self.orcid.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Orcid::parse(raw).map_err(|e| e.at(format!("{field}.orcid")))?),
        };
        Ok(Author {
            family,
            given: self.given.trim().to_owned(),
            orcid,
            member: self.member,
            affiliation: self.affiliation.clone(),
        })
    }
}

/// A journal article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Its DOI, when it has one.
    pub doi: Option<Doi>,
    /// Title.
    pub title: String,
    /// Journal name.
    pub journal: String,
    /// Publication date.
    pub published_on: NaiveDate,
    /// Volume.
    pub volume: Option<String>,
    /// Issue.
    pub issue: Option<String>,
    /// Pages or article number, `e071234` or `112-119`.
    pub pages: Option<String>,
    /// Authors in byline order; never empty.
    pub authors: Vec<Author>,
}

/// A publication as typed in, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPublication {
    /// DOI in any form [`Doi::parse`] accepts; blank for none.
    pub doi: Option<String>,
    /// Title; required.
    pub title: String,
    /// Journal; required.
    pub journal: String,
    /// Publication date.
    pub published_on: NaiveDate,
    /// Volume.
    pub volume: Option<String>,
    /// Issue.
    pub issue: Option<String>,
    /// Pages.
    pub pages: Option<String>,
    /// Authors in order; at least one.
    pub authors: Vec<NewAuthor>,
}

impl NewPublication {
    /// Checks every field; the first error names its field.
    pub fn validate(&self) -> Result<Publication, FieldError> {
        let mut errors = FieldErrors::default();
        let doi = match self.doi.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check(Doi::parse(raw)),
        };
        let title = errors.check(required(&self.title, "title"));
        let journal = errors.check(required(&self.journal, "journal"));
        let authors = errors.check(validate_people(&self.authors, "authors", "author"));
        errors.into_result()?;
        match (title, journal, authors) {
            (Some(title), Some(journal), Some(authors)) => Ok(Publication {
                doi,
                title,
                journal,
                published_on: self.published_on,
                volume: optional(&self.volume),
                issue: optional(&self.issue),
                pages: optional(&self.pages),
                authors,
            }),
            // into_result() returned early if any field failed.
            _ => Err(FieldError::new("publication", "invalid")),
        }
    }
}

/// A talk or poster at a conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    /// Title of the talk.
    pub title: String,
    /// The conference, `West African College of Surgeons Annual Conference`.
    pub event: String,
    /// Where it was held, `Accra, Ghana`.
    pub place: String,
    /// When it was given.
    pub date: NaiveDate,
    /// Presenters, the one who spoke first.
    pub presenters: Vec<Author>,
}

/// A presentation as typed in, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPresentation {
    /// Title; required.
    pub title: String,
    /// Conference; required.
    pub event: String,
    /// Place; required.
    pub place: String,
    /// Date.
    pub date: NaiveDate,
    /// Presenters; at least one.
    pub presenters: Vec<NewAuthor>,
}

impl NewPresentation {
    /// Checks every field; the first error names its field.
    pub fn validate(&self) -> Result<Presentation, FieldError> {
        let mut errors = FieldErrors::default();
        let title = errors.check(required(&self.title, "title"));
        let event = errors.check(required(&self.event, "event"));
        let place = errors.check(required(&self.place, "place"));
        let presenters = errors.check(validate_people(&self.presenters, "presenters", "presenter"));
        errors.into_result()?;
        match (title, event, place, presenters) {
            (Some(title), Some(event), Some(place), Some(presenters)) => Ok(Presentation {
                title,
                event,
                place,
                date: self.date,
                presenters,
            }),
            // into_result() returned early if any field failed.
            _ => Err(FieldError::new("presentation", "invalid")),
        }
    }
}

/// A training the collaborative gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    /// Title of the training.
    pub title: String,
    /// Who it was for, `Surgical residents`.
    pub audience: String,
    /// Where (or `Online`).
    pub place: String,
    /// When.
    pub date: NaiveDate,
    /// Trainers.
    pub trainers: Vec<Author>,
    /// How many people took part.
    pub participants: u32,
}

/// A training as typed in, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTraining {
    /// Title; required.
    pub title: String,
    /// Audience; required.
    pub audience: String,
    /// Place; required.
    pub place: String,
    /// Date.
    pub date: NaiveDate,
    /// Trainers; at least one.
    pub trainers: Vec<NewAuthor>,
    /// Participants.
    pub participants: u32,
}

impl NewTraining {
    /// Checks every field; the first error names its field.
    pub fn validate(&self) -> Result<Training, FieldError> {
        let mut errors = FieldErrors::default();
        let title = errors.check(required(&self.title, "title"));
        let audience = errors.check(required(&self.audience, "audience"));
        let place = errors.check(required(&self.place, "place"));
        let trainers = errors.check(validate_people(&self.trainers, "trainers", "trainer"));
        errors.into_result()?;
        match (title, audience, place, trainers) {
            (Some(title), Some(audience), Some(place), Some(trainers)) => Ok(Training {
                title,
                audience,
                place,
                date: self.date,
                trainers,
                participants: self.participants,
            }),
            // into_result() returned early if any field failed.
            _ => Err(FieldError::new("training", "invalid")),
        }
    }
}

/// Any output of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Output {
    /// A journal article.
    Publication(Publication),
    /// A conference presentation.
    Presentation(Presentation),
    /// A training given.
    Training(Training),
}

impl Output {
    /// The title.
    pub fn title(&self) -> &str {
        match self {
            Output::Publication(p) => &p.title,
            Output::Presentation(p) => &p.title,
            Output::Training(t) => &t.title,
        }
    }

    /// The date it appeared or was given.
    pub fn date(&self) -> NaiveDate {
        match self {
            Output::Publication(p) => p.published_on,
            Output::Presentation(p) => p.date,
            Output::Training(t) => t.date,
        }
    }

    /// Its year.
    pub fn year(&self) -> i32 {
        self.date().year()
    }

    /// The people credited, in order: authors, presenters or trainers.
    pub fn people(&self) -> &[Author] {
        match self {
            Output::Publication(p) => &p.authors,
            Output::Presentation(p) => &p.presenters,
            Output::Training(t) => &t.trainers,
        }
    }
}

/// A required text field, trimmed.
fn required(value: &str, field: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(FieldError::new(field, "is required"))
    } else {
        Ok(trimmed.to_owned())
    }
}

/// An optional text field: blank means absent.
fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Checks a non-empty list of people, naming errors `field[i].…`.
fn validate_people(
    people: &[NewAuthor],
    field: &str,
    noun: &str,
) -> Result<Vec<Author>, FieldError> {
    if people.is_empty() {
        return Err(FieldError::new(field, format!("needs at least one {noun}")));
    }
    people
        .iter()
        .enumerate()
        .map(|(i, p)| p.validate(&format!("{field}[{i}]")))
        .collect()
}
