//! Integration tests of the indicators crate (one test binary, as the style guide asks).

mod bench;
mod definitions;
mod engine;
mod periods;
