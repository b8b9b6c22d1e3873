//! CSL-JSON export (Citation Style Language data schema 1.0.2).
//!
//! Hand-written serde structs rather than `citationberg`/`hayagriva`: those model CSL styles
//! and a whole bibliography pipeline, while we only write one array of items with a dozen
//! fields. CI renders the output with `citeproc-py` and validates it against the schema
//! (`tests/formats/check_exports.py`).

use chrono::Datelike;
use serde::Serialize;

use crate::bibtex::citation_keys;
use crate::outputs::{Author, Output};

/// One CSL-JSON item. Fields follow the schema's names; absent ones are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CslItem {
    /// Same id as the BibTeX citation key.
    pub id: String,
    /// `article-journal`, `speech` or `event`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Journal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_title: Option<String>,
    /// Conference name (CSL 1.0.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_title: Option<String>,
    /// The same name under CSL 1.0.1's `event`, deprecated in 1.0.2 but still valid; written
    /// so that 1.0.1 processors (citeproc-py, older Zotero) show the conference too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Where the event was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_place: Option<String>,
    /// Kind of talk or event, `Conference presentation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// Free note (training audience and size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// DOI (bare).
    #[serde(rename = "DOI", skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Resolver URL for the DOI.
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Date of issue.
    pub issued: CslDate,
    /// Authors (presenters, trainers) in order.
    pub author: Vec<CslName>,
}

/// A CSL date: `{"date-parts": [[2025, 3, 14]]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CslDate {
    /// One `[year, month, day]` part.
    #[serde(rename = "date-parts")]
    pub date_parts: Vec<[i32; 3]>,
}

/// A personal name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CslName {
    /// Family name.
    pub family: String,
    /// Given names.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub given: String,
}

/// The CSL items for `outputs`, in order: publications as `article-journal`, presentations
/// as `speech` (with `event-title` and `event-place`), trainings as `event`.
pub fn csl_items(outputs: &[Output]) -> Vec<CslItem> {
    let keys = citation_keys(outputs);
    outputs
        .iter()
        .zip(keys)
        .map(|(output, id)| {
            let d = output.date();
            // Month and day are at most 12 and 31, so the casts cannot overflow.
            let issued = CslDate {
                date_parts: vec![[d.year(), d.month() as i32, d.day() as i32]],
            };
            let mut item = CslItem {
                id,
                kind: "article-journal",
                title: output.title().to_owned(),
                container_title: None,
                event_title: None,
                event: None,
                event_place: None,
                genre: None,
                note: None,
                volume: None,
                issue: None,
                page: None,
                doi: None,
                url: None,
                issued,
                author: names(output.people()),
            };
            match output {
                Output::Publication(p) => {
                    item.container_title = Some(p.journal.clone());
                    item.volume = p.volume.clone();
                    item.issue = p.issue.clone();
                    item.page = p.pages.clone();
                    item.doi = p.doi.as_ref().map(|d| d.as_str().to_owned());
                    item.url = p.doi.as_ref().map(crate::doi::Doi::url);
                }
                Output::Presentation(p) => {
                    item.kind = "speech";
                    item.genre = Some("Conference presentation".to_owned());
                    item.event_title = Some(p.event.clone());
                    item.event = Some(p.event.clone());
                    item.event_place = Some(p.place.clone());
                }
                Output::Training(t) => {
                    item.kind = "event";
                    item.genre = Some("Training".to_owned());
                    item.event_place = Some(t.place.clone());
                    item.note = Some(format!(
                        "For {}; {} participants",
                        t.audience, t.participants
                    ));
                }
            }
            item
        })
        .collect()
}

/// The CSL-JSON array for `outputs`, pretty-printed (stable field order, so diffs are small).
pub fn to_csl_json(outputs: &[Output]) -> String {
    // Serialising plain strings, integers and vectors of them cannot fail.
    serde_json::to_string_pretty(&csl_items(outputs)).unwrap_or_else(|_| "[]".to_owned())
}

fn names(people: &[Author]) -> Vec<CslName> {
    people
        .iter()
        .map(|a| CslName {
            family: a.family.clone(),
            given: a.given.clone(),
        })
        .collect()
}
