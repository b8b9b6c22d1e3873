//! The stages a research project moves through, and which moves between them are allowed.
//!
//! The rule: a project moves **forward one stage at a time** (no skipping ethics approval on the
//! way to data collection), or **back to any earlier stage** for a revision (a rejected
//! manuscript goes from `submitted` back to `writing`; reviewers asking for more data send it
//! back to `data_collection`). `published` is final: a correction or follow-up is a new
//! output, so nothing moves out of it. Staying on the same stage is not a move.

use std::fmt;

use domain::FieldError;
use serde::{Deserialize, Serialize};

/// One stage of a research project, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A question worth asking, not yet written up.
    Idea,
    /// The study protocol is being written.
    Protocol,
    /// Waiting for (or holding) ethics committee approval.
    EthicsApproval,
    /// Collecting data.
    DataCollection,
    /// Analysing the data.
    Analysis,
    /// Writing the manuscript.
    Writing,
    /// Submitted to a journal, under review.
    Submitted,
    /// Published; final.
    Published,
}

/// How a project moved between two stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// The next stage.
    Forward,
    /// Back to an earlier stage, for a revision.
    Revision,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 8] = [
        Stage::Idea,
        Stage::Protocol,
        Stage::EthicsApproval,
        Stage::DataCollection,
        Stage::Analysis,
        Stage::Writing,
        Stage::Submitted,
        Stage::Published,
    ];

    /// The stable id used in URLs, JSON and storage: `ethics_approval`.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Idea => "idea",
            Stage::Protocol => "protocol",
            Stage::EthicsApproval => "ethics_approval",
            Stage::DataCollection => "data_collection",
            Stage::Analysis => "analysis",
            Stage::Writing => "writing",
            Stage::Submitted => "submitted",
            Stage::Published => "published",
        }
    }

    /// The label shown to people: `Ethics approval`.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Idea => "Idea",
            Stage::Protocol => "Protocol",
            Stage::EthicsApproval => "Ethics approval",
            Stage::DataCollection => "Data collection",
            Stage::Analysis => "Analysis",
            Stage::Writing => "Writing",
            Stage::Submitted => "Submitted",
            Stage::Published => "Published",
        }
    }

    /// Position in the pipeline, 0 for `idea`.
    pub fn position(self) -> usize {
        // ALL lists every variant, so the search always succeeds.
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Parses an id (`data_collection`) or a label (`Data collection`), case-insensitively.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let wanted = raw.trim().to_lowercase().replace([' ', '-'], "_");
        Stage::ALL
            .into_iter()
            .find(|s| s.id() == wanted)
            .ok_or_else(|| {
                let ids: Vec<&str> = Stage::ALL.iter().map(|s| s.id()).collect();
                FieldError::new(
                    "stage",
                    format!(
                        "'{}' is not a stage; use one of {}",
                        raw.trim(),
                        ids.join(", ")
                    ),
                )
            })
    }

    /// The stage after this one, `None` for `published`.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.position() + 1).copied()
    }

    /// Checks a move from `self` to `to` against the rule in the module docs.
    pub fn check_move(self, to: Stage) -> Result<Move, FieldError> {
        if self == Stage::Published {
            return Err(FieldError::new(
                "stage",
                "a published project is final; record a correction or follow-up as a new output",
            ));
        }
        if self.next() == Some(to) {
            Ok(Move::Forward)
        } else if to < self {
            Ok(Move::Revision)
        } else if to == self {
            Err(FieldError::new(
                "stage",
                format!("the project is already at '{}'", self.id()),
            ))
        } else {
            // `next()` is Some here: only `published` has no next stage, handled above.
            let next = self.next().map_or("", Stage::id);
            Err(FieldError::new(
                "stage",
                format!(
                    "cannot skip from '{}' to '{}'; the next stage is '{next}'",
                    self.id(),
                    to.id()
                ),
            ))
        }
    }

    /// Whether `check_move` allows the move.
    pub fn can_move_to(self, to: Stage) -> bool {
        self.check_move(to).is_ok()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.id()).unwrap(), stage);
            assert_eq!(Stage::parse(stage.label()).unwrap(), stage);
        }
    }
}
