//! Optimal mentor–mentee assignment for tandem (capability C5).
//!
//! Layers, bottom up:
//! - [`Network`] + [`solve`] / [`resolve`]: min-cost flow on the compact graph
//!   mentee → eligible mentor → sink with an "unassigned" arc per mentee; exact `i64` costs;
//!   independent components solved in parallel; warm starts after changes.
//! - [`solve_dense`]: dense square assignment (LAPJV) for full cost matrices.
//! - [`Problem`] + [`Rules`] + [`propose`]: the domain view the app uses — criteria with cost
//!   breakdowns, hard rules (cadre pairs, exclusions, pins, forbids) and explanations for every
//!   pair and every unassigned mentee.
//! - [`couple_facilities`] and [`form_teams`]: facility coupling and team formation built on the
//!   same solver; [`haversine_km`] for great-circle distances.
//! - `instance` (feature `bench`): the only module that touches files (the benchmark formats),
//!   compiled only for the benchmark harness (`match-bench`, `tandem match solve`).
//!
//! The library does no other I/O.

pub mod criteria;
mod dense;
mod error;
mod flow;
mod geo;
#[cfg(feature = "bench")]
pub mod instance;
mod network;
mod problem;

pub use dense::{DenseAssignment, solve_dense};
pub use error::{Error, InstanceError, PinProblem};
pub use flow::{Matcher, Solution, WarmStart, is_optimal, resolve, solve};
pub use geo::{
    Coupling, CouplingParams, FacilitySettings, FacilitySite, MAX_FACILITY_KM, MissingReason, Team,
    TeamMentor, Teams, UncoupledReason, couple_facilities, form_teams, haversine_km,
};
pub use network::{Arc, MAX_ABS_COST, MAX_OBJECTIVE_BOUND, Network};
pub use problem::{
    Backup, Candidate, CostComponent, Exclusion, Mentee, Mentor, Pair, Problem, Proposal, Rules,
    Unassigned, UnassignedReason, propose, repropose,
};
