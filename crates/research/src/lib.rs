//! Research collaboration (capability C11) and participation and equity (C12) for tandem's
//! peer research collaboratives: projects through a pipeline, CRediT roles, tasks and
//! milestones, outputs with checked DOIs and ORCID iDs, BibTeX and CSL-JSON export, stretch
//! roles for less experienced members, participation figures with a Gini coefficient, early
//! warning of disengagement, and brain-gain figures.
//!
//! The crate is pure: no I/O, no database, no clock (callers pass `today`). Validation errors
//! are `domain::FieldError`, naming the field (`authors[2].orcid`, `roles[3]`, `doi`), and
//! every change is checked whole before it is applied, so bad input changes nothing.
//!
//! - [`pipeline`]: the eight stages and which moves are allowed.
//! - [`credit`]: the 14 CRediT roles, degrees, duplicate checks.
//! - [`doi`]: DOI normalisation and checking.
//! - [`outputs`]: publications, presentations, trainings.
//! - [`projects`]: projects with members, roles, tasks, milestones and outputs.
//! - [`bibtex`], [`csl`]: exports.
//! - [`participation`]: attendance and contributions per month, Gini, disengagement.
//! - [`stretch`]: stretch-role suggestions and firsts.
//! - [`brain_gain`]: diaspora–home links.
//! - [`demo`]: eighteen months of a sixteen-member collaborative.

pub mod bibtex;
pub mod brain_gain;
pub mod credit;
pub mod csl;
pub mod demo;
pub mod doi;
pub mod members;
pub mod outputs;
pub mod participation;
pub mod pipeline;
pub mod projects;
pub mod stretch;

pub use credit::{CreditRole, Degree, RoleAssignment};
pub use doi::Doi;
pub use domain::FieldError;
pub use members::{Member, MemberId};
pub use outputs::{Author, Output, Presentation, Publication, Training};
pub use pipeline::{Move, Stage};
pub use projects::Project;
