//! Integration tests for the forms crate: the shared XLSForm fixtures, the surgical mentoring
//! checklist, hostile archives, submissions and scoring.

// Helpers outside #[test] functions build fixtures; a broken fixture should panic loudly.
#![expect(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod build;
mod checklist;
mod fixtures;
mod hostile;
mod submissions;
