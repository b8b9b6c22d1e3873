//! `cargo xtask fuzz [--seconds N] [--keep] [TARGET…]`: runs each libFuzzer target of `fuzz/`
//! for a bounded time and fails if any crashed (see docs/fuzzing.md).
//!
//! The toolchain is stable Rust, and cargo-fuzz asks for nightly-only flags; stable rustc
//! accepts them under `RUSTC_BOOTSTRAP=1`, and `--sanitizer none` leaves out AddressSanitizer,
//! which the project needs none of (`unsafe_code` is forbidden). The crates are rebuilt with
//! coverage instrumentation in `<target dir>/fuzz`, apart from the ordinary builds.
//!
//! New inputs go to a scratch corpus beside the build, never into the repository: the kept
//! corpus in `fuzz/corpus/<target>/` and the crash reproducers in `fuzz/regressions/<target>/`
//! are only read. `--keep` then merges into the kept corpus the scratch inputs that reach new
//! coverage (libFuzzer's `-merge=1`), so it grows by what matters and stays small.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Result, step, target_dir, workspace_root};

/// How long each target runs unless `--seconds` says otherwise.
const DEFAULT_SECONDS: u64 = 60;

/// What one target's run found.
struct Outcome {
    target: String,
    crashed: bool,
    figures: String,
}

pub(crate) fn fuzz(args: &[String]) -> Result {
    let mut seconds = DEFAULT_SECONDS;
    let mut keep = false;
    let mut wanted = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--seconds needs a whole number of seconds above 0")?;
            }
            "--keep" => keep = true,
            other if other.starts_with('-') => {
                return Err(format!(
                    "unknown option `{other}`; usage: cargo xtask fuzz [--seconds N] [--keep] [TARGET…]"
                ));
            }
            target => wanted.push(target.to_owned()),
        }
    }
    let fuzz_dir = workspace_root().join("fuzz");
    let all = targets(&fuzz_dir)?;
    for target in &wanted {
        if !all.contains(target) {
            return Err(format!(
                "no fuzz target `{target}`; the targets are: {}",
                all.join(", ")
            ));
        }
    }
    let targets = if wanted.is_empty() { all } else { wanted };

    step("cargo-fuzz (cargo install cargo-fuzz)");
    fuzz_command(&fuzz_dir, &["--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .ok_or("cargo-fuzz is not installed: run `cargo install cargo-fuzz`")?;

    step("building the fuzz targets with coverage instrumentation");
    super::run(&mut fuzz_command(
        &fuzz_dir,
        &["build", "--sanitizer", "none"],
    ))?;

    let mut outcomes = Vec::new();
    for target in &targets {
        step(&format!("fuzzing {target} for {seconds} s"));
        let outcome = run_target(&fuzz_dir, target, seconds)?;
        eprintln!("{}", outcome.figures);
        if keep && !outcome.crashed {
            merge_into_corpus(&fuzz_dir, target)?;
        }
        outcomes.push(outcome);
    }

    eprintln!("\nfuzz summary ({seconds} s per target):");
    for o in &outcomes {
        let verdict = if o.crashed { "CRASHED" } else { "ok" };
        eprintln!("  {:<22} {verdict:<8} {}", o.target, o.figures);
    }
    let crashed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.crashed)
        .map(|o| o.target.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} crashed; the reproducers are in fuzz/artifacts/<target>/ (replay one with \
             `cargo fuzz run --sanitizer none <target> <file>` in fuzz/, and keep it in \
             fuzz/regressions/<target>/ once fixed)",
            crashed.join(", ")
        ))
    }
}

/// The targets, as the files of `fuzz/fuzz_targets/` name them.
fn targets(fuzz_dir: &Path) -> Result<Vec<String>> {
    let dir = fuzz_dir.join("fuzz_targets");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// `cargo fuzz <args>` in `fuzz/`, on the stable toolchain, built apart from normal builds.
fn fuzz_command(fuzz_dir: &Path, args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("fuzz")
        .args(args)
        .current_dir(fuzz_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target_dir().join("fuzz"));
    command
}

/// Where a target's new inputs go during a run: beside the build, not in the repository.
fn scratch_corpus(target: &str) -> Result<PathBuf> {
    let dir = target_dir().join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn run_target(fuzz_dir: &Path, target: &str, seconds: u64) -> Result<Outcome> {
    let scratch = scratch_corpus(target)?;
    let kept = fuzz_dir.join("corpus").join(target);
    let regressions = fuzz_dir.join("regressions").join(target);
    let mut args = vec![
        "run".to_owned(),
        "--sanitizer".to_owned(),
        "none".to_owned(),
        target.to_owned(),
        // libFuzzer writes new inputs into the first folder only.
        scratch.display().to_string(),
        kept.display().to_string(),
    ];
    if regressions.is_dir() {
        args.push(regressions.display().to_string());
    }
    args.extend([
        "--".to_owned(),
        format!("-max_total_time={seconds}"),
        // One input taking more than ten seconds is a hang, and reported as a crash.
        "-timeout=10".to_owned(),
        "-rss_limit_mb=2048".to_owned(),
        "-print_final_stats=1".to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = fuzz_command(fuzz_dir, &args)
        .output()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let crashed = !output.status.success();
    if crashed {
        // libFuzzer's log holds the panic and where the input was written; cargo-fuzz's own
        // error follows, so pick those lines out rather than print the tail.
        for line in log.lines().filter(|l| {
            l.contains("panicked at")
                || l.starts_with("==")
                || l.contains("Test unit written to")
                || l.starts_with("Base64:")
        }) {
            eprintln!("{line}");
        }
    }
    Ok(Outcome {
        target: target.to_owned(),
        crashed,
        figures: figures(&log),
    })
}

/// "N execs in S s (R/s), cov C, ft F, corpus K": read from libFuzzer's final lines.
fn figures(log: &str) -> String {
    let stat = |name: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .map(str::trim)
            .unwrap_or("?")
            .to_owned()
    };
    let done = log
        .lines()
        .rev()
        .find(|l| l.starts_with("Done "))
        .unwrap_or("");
    let seconds = done
        .split_whitespace()
        .nth(4)
        .map_or_else(|| "?".to_owned(), str::to_owned);
    // The last status line: `#1234 DONE cov: 567 ft: 890 corp: 12/3456b …`.
    let status = log
        .lines()
        .rev()
        .find(|l| l.starts_with('#') && l.contains("cov:"))
        .unwrap_or("");
    let after = |key: &str| {
        status
            .split_whitespace()
            .skip_while(|w| *w != key)
            .nth(1)
            .unwrap_or("?")
            .to_owned()
    };
    format!(
        "{} execs in {seconds} s ({}/s), cov {}, ft {}, corpus {}, peak RSS {} MB",
        stat("number_of_executed_units"),
        stat("average_exec_per_sec"),
        after("cov:"),
        after("ft:"),
        after("corp:"),
        stat("peak_rss_mb"),
    )
}

/// Adds to `fuzz/corpus/<target>/` the scratch inputs that reach coverage the kept corpus
/// does not.
fn merge_into_corpus(fuzz_dir: &Path, target: &str) -> Result {
    step(&format!(
        "keeping {target}'s new coverage in fuzz/corpus/{target}"
    ));
    let kept = fuzz_dir.join("corpus").join(target).display().to_string();
    let scratch = scratch_corpus(target)?.display().to_string();
    super::run(&mut fuzz_command(
        fuzz_dir,
        &[
            "run",
            "--sanitizer",
            "none",
            target,
            &kept,
            &scratch,
            "--",
            "-merge=1",
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_read_from_libfuzzers_final_lines() {
        let log = "#2 INITED cov: 10 ft: 11 corp: 3/40b exec/s: 0 rss: 30Mb\n\
                   #3139080 DONE cov: 245 ft: 610 corp: 57/1320b lim: 4096 exec/s: 196192 rss: 371Mb\n\
                   Done 3139080 runs in 16 second(s)\n\
                   stat::number_of_executed_units: 3139080\n\
                   stat::average_exec_per_sec:     196192\n\
                   stat::peak_rss_mb:              371\n";
        assert_eq!(
            figures(log),
            "3139080 execs in 16 s (196192/s), cov 245, ft 610, corpus 57/1320b, peak RSS 371 MB"
        );
    }

    #[test]
    fn every_target_has_a_kept_corpus() {
        let fuzz_dir = workspace_root().join("fuzz");
        let targets = targets(&fuzz_dir).unwrap();
        assert!(targets.contains(&"xlsform_bytes".to_owned()), "{targets:?}");
        for target in targets {
            let corpus = fuzz_dir.join("corpus").join(&target);
            let count = std::fs::read_dir(&corpus).map_or(0, |d| d.count());
            assert!(count > 0, "{} is empty", corpus.display());
        }
    }
}
