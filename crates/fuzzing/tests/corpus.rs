//! Every kept input of every fuzz target goes through its parser on each `cargo test`: the
//! corpora in `fuzz/corpus/<target>/` (what the fuzzer found interesting) and the crash
//! reproducers in `fuzz/regressions/<target>/` (what once crashed a parser, fixed since), so a
//! fixed crash stays fixed without libFuzzer or a nightly toolchain.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_input_goes_through_its_parser_without_a_panic() {
    let mut failures = Vec::new();
    let mut fed = 0;
    for target in fuzzing::TARGETS {
        let corpus = files(&fuzz_dir().join("corpus").join(target.name));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{} has no inputs: every target keeps its corpus",
            target.name
        );
        let regressions = files(&fuzz_dir().join("regressions").join(target.name));
        for file in corpus.iter().chain(&regressions) {
            let data = std::fs::read(file).unwrap();
            fed += 1;
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| (target.run)(&data))) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {fed} inputs panicked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_its_libfuzzer_harness() {
    for target in fuzzing::TARGETS {
        let harness = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        let text = std::fs::read_to_string(&harness)
            .unwrap_or_else(|e| panic!("{}: {e}", harness.display()));
        assert!(
            text.contains(&format!("fuzzing::{}(", target.name)),
            "{} should call fuzzing::{}",
            harness.display(),
            target.name
        );
    }
}
