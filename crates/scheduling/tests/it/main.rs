//! Integration tests for the scheduling crate.

mod explore;
