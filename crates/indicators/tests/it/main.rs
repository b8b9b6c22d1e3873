//! Integration tests of the indicators crate (one test binary, as the style guide asks).

// The benchmark harness and its file readers are compiled only with the `bench` feature
// (`cargo test -p indicators --features bench`; `cargo xtask ci` runs it).
#[cfg(feature = "bench")]
mod bench;
mod definitions;
mod engine;
mod periods;
