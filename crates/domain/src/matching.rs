//! Pairings and the proposals that decide them (C5): their states and why a proposal was run.

use crate::coded_enum;

coded_enum! {
    /// Where a mentor–mentee pairing stands.
    pub enum PairingStatus {
        /// Made, not yet in force.
        Proposed = "proposed",
        /// Approved, waiting for the mentee's required courses (C4's training gate).
        AwaitingTraining = "awaiting_training",
        /// In force.
        Active = "active",
        /// Over (the mentor left, or a later proposal paired the mentee otherwise).
        Ended = "ended",
    }
}

impl PairingStatus {
    /// Whether the pairing holds a mentor's place: in force or waiting only for training.
    pub fn is_current(self) -> bool {
        matches!(self, Self::Active | Self::AwaitingTraining)
    }
}

coded_enum! {
    /// Where a proposal (mentee matching, facility coupling, mentor teams) stands.
    pub enum ProposalStatus {
        /// Waiting for a manager's decision.
        Draft = "draft",
        /// Approved into pairings, couplings or teams.
        Approved = "approved",
        /// Set aside by a newer proposal's approval.
        Discarded = "discarded",
    }
}

/// Why a proposal was run, as stored: a code, and for a departure the name of the mentor who
/// left. Pages say it in the reader's language; the API and command line in English
/// ([`fmt::Display`](std::fmt::Display)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalReason {
    /// Run by a manager from a page or the API.
    ByManager,
    /// Run from `tandem match …`.
    FromCommandLine,
    /// Run by the demo loader.
    Demo,
    /// Run because this mentor left the program.
    MentorLeft(String),
}

impl ProposalReason {
    /// The stored code (the name of a departed mentor is stored beside it).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ByManager => "manager",
            Self::FromCommandLine => "command_line",
            Self::Demo => "demo",
            Self::MentorLeft(_) => "mentor_left",
        }
    }

    /// The stored detail: the departed mentor's name, empty otherwise.
    pub fn detail(&self) -> &str {
        match self {
            Self::MentorLeft(name) => name,
            _ => "",
        }
    }

    /// Reads a stored code and detail back.
    pub fn from_stored(code: &str, detail: &str) -> Result<Self, crate::FieldError> {
        match code {
            "manager" => Ok(Self::ByManager),
            "command_line" => Ok(Self::FromCommandLine),
            "demo" => Ok(Self::Demo),
            "mentor_left" => Ok(Self::MentorLeft(detail.to_owned())),
            other => Err(crate::FieldError::new(
                "reason",
                format!("must be one of manager, command_line, demo, mentor_left, not {other:?}"),
            )),
        }
    }
}

impl std::fmt::Display for ProposalReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ByManager => f.write_str("requested by a manager"),
            Self::FromCommandLine => f.write_str("requested from the command line"),
            Self::Demo => f.write_str("demo"),
            Self::MentorLeft(name) => write!(f, "{name} left the program"),
        }
    }
}

/// The API has always sent the reason as its English sentence; it still does.
impl serde::Serialize for ProposalReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
