//! Indicators for tandem's monitoring and evaluation (capability C10): DHIS2 and Ethiopian
//! periods, indicator definitions with validation rules, and a compact columnar in-memory
//! engine that serves every dashboard roll-up so that no page ever scans the row store.
//!
//! The library is pure: no I/O, except `bench`, which reads the benchmark events file and is
//! compiled only with the `bench` feature (as is the `kpi-bench` binary).
//!
//! - [`periods`]: period identifiers (`202401`, `2024Q1`, `2024July`, `ETHFY2017`…).
//! - [`definitions`]: data elements, indicators (numerator/denominator/factor), validation.
//! - [`dose`]: mentorship dose per mentee, facility, period and modality against the plan.
//! - [`engine`]: the fact store, org-unit tree, roll-ups, lookups and completeness.
//! - `bench` (feature `bench`): the 10-million-row benchmark against DuckDB and SQLite.

#[cfg(feature = "bench")]
pub mod bench;
pub mod definitions;
pub mod dose;
pub mod engine;
pub mod error;
pub mod periods;

pub use error::{Error, Result};
pub use periods::{EthiopianDate, Period, PeriodType};
