//! `kpi-bench EVENTS.csv [--targets TARGETS.csv] [--threads N] [--dump DIR]`: runs the KPI
//! benchmark and prints its JSON report; `--dump` also writes the answers (answers.json) for
//! comparison with DuckDB (`crates/indicators/bench/compare_duckdb.py`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut events = None;
    let mut targets = None;
    let mut dump = None;
    let mut threads = 2usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--targets" => targets = args.next().map(PathBuf::from),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--threads" => threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(2),
            "-h" | "--help" => {
                eprintln!(
                    "usage: kpi-bench EVENTS.csv [--targets TARGETS.csv] [--threads N] [--dump DIR]"
                );
                return ExitCode::SUCCESS;
            }
            _ => events = Some(PathBuf::from(a)),
        }
    }
    let Some(events) = events else {
        eprintln!("usage: kpi-bench EVENTS.csv [--targets TARGETS.csv] [--threads N] [--dump DIR]");
        return ExitCode::from(2);
    };
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let (report, answers) =
            indicators::bench::run_bench_with(&events, targets.as_deref(), threads)?;
        println!("{}", serde_json::to_string(&report)?);
        if let Some(dir) = dump {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("answers.json"), serde_json::to_string(&answers)?)?;
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kpi-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
