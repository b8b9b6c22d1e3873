//! tandem's domain: identifiers, value types that can only hold valid data, the entities of a
//! mentorship program, and the pure rules over them (who may see what).
//!
//! Invariant: this crate does no I/O — no database, no network, no files, no clock reads.
//! Everything that crosses the edge of the system is parsed into these types first, so code past
//! the edge never re-validates.

pub mod access;
pub mod codes;
pub mod error;
pub mod field;
pub mod ids;
pub mod indicators;
pub mod matching;
pub mod org_units;
pub mod people;
pub mod programs;
pub mod research;
pub mod scheduling;
pub mod values;

pub use error::{FieldError, FieldErrors, Phrase};
