//! Stretch roles: giving less experienced members the roles that build a research career
//! (first authorship, leading the analysis, presenting), and noticing each member's "firsts".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::credit::{CreditRole, Degree};
use crate::members::{Member, MemberId};
use crate::outputs::Output;
use crate::projects::Project;

/// A role that stretches a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StretchRole {
    /// First author of a publication.
    FirstAuthor,
    /// Formal analysis at the lead degree on a project.
    LeadAnalysis,
    /// First presenter of a conference presentation.
    LeadPresenter,
}

impl StretchRole {
    /// Every stretch role.
    pub const ALL: [StretchRole; 3] = [
        StretchRole::FirstAuthor,
        StretchRole::LeadAnalysis,
        StretchRole::LeadPresenter,
    ];

    /// Plain words for reasons: `first author`.
    pub fn label(self) -> &'static str {
        match self {
            StretchRole::FirstAuthor => "first author",
            StretchRole::LeadAnalysis => "lead on formal analysis",
            StretchRole::LeadPresenter => "lead presenter",
        }
    }
}

/// A stretch role a member held, on what, and when.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleRecord {
    /// When it was held (publication date, talk date, project start for lead analysis).
    pub on: NaiveDate,
    /// Who.
    pub member: MemberId,
    /// Which role.
    pub role: StretchRole,
    /// The output or project title.
    pub on_what: String,
}

/// The stretch roles held in `projects`, sorted by date: first authors of publications,
/// first presenters of presentations, and `formal_analysis:lead` on each project.
pub fn history(projects: &[Project]) -> Vec<RoleRecord> {
    let mut records = Vec::new();
    for project in projects {
        for m in &project.members {
            if m.roles
                .iter()
                .any(|r| r.role == CreditRole::FormalAnalysis && r.degree == Some(Degree::Lead))
            {
                records.push(RoleRecord {
                    on: project.started_on,
                    member: m.member,
                    role: StretchRole::LeadAnalysis,
                    on_what: project.title.clone(),
                });
            }
        }
        for output in &project.outputs {
            let role = match output {
                Output::Publication(_) => StretchRole::FirstAuthor,
                Output::Presentation(_) => StretchRole::LeadPresenter,
                Output::Training(_) => continue,
            };
            if let Some(member) = output.people().first().and_then(|a| a.member) {
                records.push(RoleRecord {
                    on: output.date(),
                    member,
                    role,
                    on_what: output.title().to_owned(),
                });
            }
        }
    }
    records.sort();
    records
}

/// A member suggested for a stretch role, with the reason to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Who.
    pub member: MemberId,
    /// For which role.
    pub role: StretchRole,
    /// Their experience score.
    pub years_qualified: u32,
    /// Why: `never first author; 3 years since qualification, least experienced of 5 eligible`.
    pub reason: String,
}

/// Suggests, for `role` on `project`, the project's members who have never held that role,
/// least experienced first. Ties go to whoever has held fewer stretch roles of any kind, then
/// to the lower member id, so the order is always the same. At most `limit` suggestions.
/// Members missing from `members` (no experience known) are left out.
pub fn suggest(
    members: &[Member],
    history: &[RoleRecord],
    project: &Project,
    role: StretchRole,
    limit: usize,
) -> Vec<Suggestion> {
    let held = |id: MemberId, r: Option<StretchRole>| {
        history
            .iter()
            .filter(|h| h.member == id && r.is_none_or(|r| h.role == r))
            .count()
    };
    let mut eligible: Vec<(&Member, usize)> = project
        .members
        .iter()
        .filter_map(|pm| members.iter().find(|m| m.id == pm.member))
        .filter(|m| held(m.id, Some(role)) == 0)
        .map(|m| (m, held(m.id, None)))
        .collect();
    eligible.sort_by_key(|(m, other)| (m.years_qualified, *other, m.id));
    let count = eligible.len();
    eligible
        .into_iter()
        .take(limit)
        .enumerate()
        .map(|(rank, (m, other))| {
            let standing = if rank == 0 {
                format!("least experienced of {count} eligible")
            } else {
                format!("{} of {count} eligible by experience", ordinal(rank + 1))
            };
            let others = match other {
                0 => "no stretch role yet".to_owned(),
                1 => "1 other stretch role".to_owned(),
                n => format!("{n} other stretch roles"),
            };
            Suggestion {
                member: m.id,
                role,
                years_qualified: m.years_qualified,
                reason: format!(
                    "never {}; {} years since qualification, {standing}; {others}",
                    role.label(),
                    m.years_qualified
                ),
            }
        })
        .collect()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Whether `new` is its member's first time in that role, given the `history` (which may or
/// may not already contain `new`). Records on the same day are ordered by title, so exactly
/// one of them is the first.
pub fn is_first(history: &[RoleRecord], new: &RoleRecord) -> bool {
    !history.iter().any(|h| {
        h.member == new.member && h.role == new.role && (h.on, &h.on_what) < (new.on, &new.on_what)
    })
}

/// Every member's first time in each stretch role, oldest first (the "firsts" to celebrate).
pub fn firsts(history: &[RoleRecord]) -> Vec<RoleRecord> {
    let mut sorted = history.to_vec();
    sorted.sort();
    let mut seen = std::collections::BTreeSet::new();
    sorted
        .into_iter()
        .filter(|r| seen.insert((r.member, r.role)))
        .collect()
}
