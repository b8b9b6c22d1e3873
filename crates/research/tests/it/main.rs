//! Integration tests of the research crate (one test binary, as the style guide asks).

// Helpers outside `#[test]` functions build fixed, known-valid fixtures; a panic there is a
// broken test, which is what unwrap reports.
#![expect(clippy::unwrap_used)]

mod demo;
mod exports;
mod participation;
mod stretch;
mod validation;
