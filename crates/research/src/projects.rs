//! A research project: its stage, members with CRediT roles, tasks, milestones and outputs.
//!
//! Changes go through methods that check everything first and only then change the project,
//! so a rejected change leaves it exactly as it was.

use chrono::NaiveDate;
use domain::FieldError;
use serde::{Deserialize, Serialize};

use crate::credit::{RoleAssignment, check_no_duplicates, parse_roles};
use crate::members::MemberId;
use crate::outputs::Output;
use crate::pipeline::{Move, Stage};

/// A member of a project and the CRediT roles they hold on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectMember {
    /// The member.
    pub member: MemberId,
    /// Their roles, each once.
    pub roles: Vec<RoleAssignment>,
}

/// A piece of work with an owner and a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// What to do.
    pub title: String,
    /// Who does it.
    pub owner: MemberId,
    /// When it is due.
    pub due_on: NaiveDate,
    /// When it was done, if it was.
    pub done_on: Option<NaiveDate>,
}

/// A point the project means to reach by a date (often a stage: "ethics approval by March").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What is reached.
    pub title: String,
    /// Who answers for it.
    pub owner: MemberId,
    /// The stage it marks, if any.
    pub stage: Option<Stage>,
    /// Target date.
    pub due_on: NaiveDate,
    /// When it was reached.
    pub reached_on: Option<NaiveDate>,
}

/// One stage change, kept so the pipeline's history can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// The stage entered.
    pub stage: Stage,
    /// When.
    pub on: NaiveDate,
    /// Forward or revision.
    pub kind: Move,
}

/// A research project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Working title.
    pub title: String,
    /// The current stage.
    pub stage: Stage,
    /// When the idea was recorded.
    pub started_on: NaiveDate,
    /// Stage changes after `started_on`, oldest first.
    pub history: Vec<StageChange>,
    /// Members and their roles.
    pub members: Vec<ProjectMember>,
    /// Tasks.
    pub tasks: Vec<Task>,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Outputs produced.
    pub outputs: Vec<Output>,
}

impl Project {
    /// A new project at the `idea` stage.
    pub fn new(title: &str, started_on: NaiveDate) -> Result<Self, FieldError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(FieldError::new("title", "is required"));
        }
        Ok(Self {
            title: title.to_owned(),
            stage: Stage::Idea,
            started_on,
            history: Vec::new(),
            members: Vec::new(),
            tasks: Vec::new(),
            milestones: Vec::new(),
            outputs: Vec::new(),
        })
    }

    /// Moves to `to` on `on` if the pipeline allows it (see [`crate::pipeline`]); on error the
    /// project is unchanged.
    pub fn move_to(&mut self, to: Stage, on: NaiveDate) -> Result<Move, FieldError> {
        let kind = self.stage.check_move(to)?;
        self.stage = to;
        self.history.push(StageChange {
            stage: to,
            on,
            kind,
        });
        Ok(kind)
    }

    /// Sets a member's roles from raw items (`formal_analysis:lead`…), adding the member if
    /// new. The whole list is parsed and checked before anything changes, so a bad item
    /// (error field `roles[i]`) or a duplicate role leaves the project as it was.
    pub fn set_roles(&mut self, member: MemberId, raw: &[&str]) -> Result<(), FieldError> {
        let roles = parse_roles(raw)?;
        match self.members.iter_mut().find(|m| m.member == member) {
            Some(existing) => existing.roles = roles,
            None => self.members.push(ProjectMember { member, roles }),
        }
        Ok(())
    }

    /// The roles `member` holds here (empty if not a member).
    pub fn roles_of(&self, member: MemberId) -> &[RoleAssignment] {
        self.members
            .iter()
            .find(|m| m.member == member)
            .map_or(&[], |m| m.roles.as_slice())
    }

    /// Checks the whole project as stored: a title, each member once, no duplicate role,
    /// task and milestone owners among the members, titles present. Errors name the field,
    /// `members[2].roles[3]`.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.title.trim().is_empty() {
            return Err(FieldError::new("title", "is required"));
        }
        for (i, m) in self.members.iter().enumerate() {
            if self.members[..i].iter().any(|o| o.member == m.member) {
                return Err(FieldError::new(
                    format!("members[{i}]"),
                    format!("{} is listed twice", m.member),
                ));
            }
            check_no_duplicates(&m.roles)
                .map_err(|e| FieldError::new(format!("members[{i}].{}", e.field), e.message))?;
        }
        let is_member = |id: MemberId| self.members.iter().any(|m| m.member == id);
        for (i, t) in self.tasks.iter().enumerate() {
            if t.title.trim().is_empty() {
                return Err(FieldError::new(format!("tasks[{i}].title"), "is required"));
            }
            if !is_member(t.owner) {
                return Err(FieldError::new(
                    format!("tasks[{i}].owner"),
                    format!("{} is not a member of this project", t.owner),
                ));
            }
        }
        for (i, m) in self.milestones.iter().enumerate() {
            if m.title.trim().is_empty() {
                return Err(FieldError::new(
                    format!("milestones[{i}].title"),
                    "is required",
                ));
            }
            if !is_member(m.owner) {
                return Err(FieldError::new(
                    format!("milestones[{i}].owner"),
                    format!("{} is not a member of this project", m.owner),
                ));
            }
        }
        Ok(())
    }
}
