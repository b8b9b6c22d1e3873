//! tandem's project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! - `ci`: everything CI checks, in order: the README's test command on SQLite, the benchmark
//!   harnesses and the commands built on them (feature `bench`), the database suites again on
//!   PostgreSQL, clippy, rustfmt, the calendar and citation files through independent parsers
//!   (Python), and the browser tests in headless Chromium.
//! - `openapi`: rewrite the committed OpenAPI snapshot (`docs/openapi.json`) from the router.
//! - `tidy`: the fast repository checks (formatting, lints with and without the `bench`
//!   feature, snapshots, translation parity).
//!
//! Written in Rust rather than shell so it runs the same wherever cargo does and fails loudly
//! with the step that failed.

mod fuzz;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str =
    "usage: cargo xtask <ci | ci-bench | ci-postgres | ci-formats | ci-browser | faults | fuzz | load | openapi | tidy>

  ci           the whole CI run (what .ci/run calls)
  ci-bench     only the tests of the benchmark harnesses (feature `bench`)
  ci-postgres  only the database suites on PostgreSQL
  ci-formats   only the .ics, BibTeX and CSL-JSON checks with Python's own parsers
  ci-browser   only the browser tests (demo server + headless Chromium)
  faults       the fault battery's long form (`--cycles N`, default 55) on SQLite and PostgreSQL
  load         the load benchmark (release build, server on one core, wrk with 64 connections);
               `--postgres` for PostgreSQL; JSON report in <target>/load-report.json
  openapi      rewrite docs/openapi.json from the router
  tidy         clippy, rustfmt and the tidy tests
  fuzz         each libFuzzer target for a bounded time: [--seconds N] [--keep] [TARGET…]";

/// The PostgreSQL CI talks to unless `TANDEM_CI_POSTGRES_URL` says otherwise.
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let started = Instant::now();
    let outcome = match task.as_str() {
        "ci" => ci(),
        "ci-postgres" => postgres_suites(),
        "ci-bench" => bench_suites(),
        "ci-formats" => format_checks(),
        "ci-browser" => browser_tests(),
        "faults" => fault_battery(),
        "load" => load_benchmark(),
        "openapi" => openapi(),
        "tidy" => tidy(),
        "fuzz" => fuzz::fuzz(&std::env::args().skip(2).collect::<Vec<_>>()),
        "" | "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match outcome {
        Ok(()) => {
            eprintln!("\nxtask {task}: ok in {:.0?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("\nxtask {task}: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result {
    step("tests on SQLite (the README test command)");
    cargo(&["test", "--workspace"], &[])?;
    bench_suites()?;
    postgres_suites()?;
    tidy()?;
    format_checks()?;
    browser_tests()
}

/// Writes the calendar files (the scheduling crate's fixtures and what the app serves) and
/// the citation exports, then parses them with independent Python parsers: `icalendar`,
/// `bibtexparser` and `citeproc-py`, installed in a virtual environment beside the build.
fn format_checks() -> Result {
    step("calendar and citation files through independent parsers (Python)");
    let venv = target_dir().join("ci-python");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "icalendar>=7,<8",
        "bibtexparser>=2,<3",
        "citeproc-py>=0.6,<1",
        "jsonschema>=4,<5",
    ]))?;
    let out = target_dir().join("format-checks");
    let _ = std::fs::remove_dir_all(&out);
    let root = workspace_root();
    let path = |p: &Path| p.display().to_string();
    let ics = out.join("ics");
    let app_ics = out.join("app-ics");
    let exports = out.join("research");
    let app_exports = out.join("app-exports");
    cargo(
        &[
            "test",
            "-p",
            "scheduling",
            "--test",
            "it",
            "writes_ics_fixtures",
        ],
        &[("SCHEDULING_ICS_OUT", &path(&ics))],
    )?;
    cargo(
        &[
            "test",
            "-p",
            "web",
            "--test",
            "it",
            "writes_app_calendar_files",
        ],
        &[("TANDEM_ICS_OUT", &path(&app_ics))],
    )?;
    cargo(
        &[
            "test",
            "-p",
            "research",
            "--test",
            "it",
            "writes_export_fixtures",
        ],
        &[("RESEARCH_EXPORT_OUT", &path(&exports))],
    )?;
    cargo(
        &[
            "test",
            "-p",
            "tandem",
            "--test",
            "it",
            "the_research_demo_has_eighteen_months_of_history",
        ],
        &[("TANDEM_EXPORT_OUT", &path(&app_exports))],
    )?;
    let check_ics = root.join("crates/scheduling/tests/ics/check_ics.py");
    for dir in [&ics, &app_ics] {
        if !dir.join("expectations.json").exists() {
            return Err(format!("{} was not written", dir.display()));
        }
        run(Command::new(&python).arg(&check_ics).arg(dir))?;
    }
    for dir in [&exports, &app_exports] {
        if !dir.join("demo.bib").exists() {
            return Err(format!("{} was not written", dir.display()));
        }
        run(Command::new(&python)
            .arg(root.join("crates/research/tests/formats/check_exports.py"))
            .arg(dir))?;
    }
    Ok(())
}

/// The suites of the crates with a `bench` feature, built with it: the harnesses, their file
/// readers and `kpi-bench`/`match-bench` (indicators, matching), and `tandem match solve` and
/// `tandem bench indicators` (the CLI). The README's test command builds none of them, as the
/// shipped binary does not.
fn bench_suites() -> Result {
    step("the benchmark harnesses and the commands built on them (feature `bench`)");
    cargo(
        &[
            "test",
            "-p",
            "indicators",
            "-p",
            "matching",
            "-p",
            "tandem",
            "--features",
            "bench",
        ],
        &[],
    )
}

/// The store, web and CLI suites again, each test in its own PostgreSQL schema.
fn postgres_suites() -> Result {
    step("the database suites on PostgreSQL");
    let url = postgres_url();
    ensure_postgres_running()?;
    // Each test makes its own schema; drop what earlier runs left behind.
    let drops = output(
        Command::new("psql").args([
            &url,
            "-qAt",
            "-c",
            r"SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 't\_%' OR nspname LIKE 'cli\_%'",
        ]),
    )?;
    if !drops.trim().is_empty() {
        // Fed on standard input, each DROP commits on its own; one `-c` string would be one
        // transaction and run out of lock slots after a few hundred test schemas.
        let mut psql = Command::new("psql")
            .args([&url, "-q", "-v", "ON_ERROR_STOP=1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start psql: {e}"))?;
        if let Some(mut stdin) = psql.stdin.take() {
            stdin
                .write_all(drops.as_bytes())
                .map_err(|e| format!("writing to psql: {e}"))?;
        }
        let status = psql.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("dropping old test schemas failed: psql {status}"));
        }
    }
    cargo(
        &["test", "-p", "store", "-p", "web", "-p", "tandem"],
        &[("TANDEM_TEST_DATABASE_URL", &url)],
    )
}

/// The fault battery's long form: the `faults` tests of the command line (CI runs them with 10
/// cycles in every suite) with `--cycles N` kill -9 cycles, on SQLite and then PostgreSQL,
/// each printing one JSON line of figures.
fn fault_battery() -> Result {
    let mut args = std::env::args().skip(2);
    let mut cycles = String::from("55");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cycles" => {
                cycles = args
                    .next()
                    .filter(|n| n.parse::<usize>().is_ok_and(|n| n > 0))
                    .ok_or("--cycles takes a positive number")?;
            }
            other => return Err(format!("faults: unknown argument `{other}`")),
        }
    }
    let url = postgres_url();
    ensure_postgres_running()?;
    for (backend, database) in [("SQLite", ""), ("PostgreSQL", url.as_str())] {
        step(&format!("the fault battery on {backend}, {cycles} cycles"));
        cargo(
            &[
                "test",
                "-p",
                "tandem",
                "--test",
                "it",
                "faults::",
                "--",
                "--nocapture",
            ],
            &[
                ("TANDEM_FAULT_CYCLES", &cycles),
                ("TANDEM_TEST_DATABASE_URL", database),
            ],
        )?;
    }
    Ok(())
}

/// The load benchmark: the ignored `load` test of the command line, built in release, with
/// Debian's `wrk` as the load generator (installed when missing, as Chromium is).
fn load_benchmark() -> Result {
    let postgres = match std::env::args().nth(2).as_deref() {
        None => false,
        Some("--postgres") => true,
        Some(other) => return Err(format!("load: unknown argument `{other}`")),
    };
    if Command::new("wrk").arg("--version").output().is_err() {
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let url = if postgres {
        ensure_postgres_running()?;
        postgres_url()
    } else {
        String::new()
    };
    let report = target_dir().join(if postgres {
        "load-report-postgres.json"
    } else {
        "load-report.json"
    });
    step("the load benchmark (release build)");
    cargo(
        &[
            "test",
            "--release",
            "-p",
            "tandem",
            "--test",
            "it",
            "load::",
            "--",
            "--ignored",
            "--nocapture",
        ],
        &[
            ("TANDEM_TEST_DATABASE_URL", &url),
            ("TANDEM_LOAD_REPORT", &report.display().to_string()),
        ],
    )?;
    eprintln!("report: {}", report.display());
    Ok(())
}

/// The PostgreSQL CI talks to: `TANDEM_CI_POSTGRES_URL`, or [`DEFAULT_PG_URL`].
fn postgres_url() -> String {
    std::env::var("TANDEM_CI_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into())
}

fn ensure_postgres_running() -> Result {
    let ready = || {
        Command::new("pg_isready")
            .args(["-h", "127.0.0.1", "-p", "5432", "-q"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready() {
        return Ok(());
    }
    let version = std::fs::read_dir("/etc/postgresql")
        .map_err(|e| format!("PostgreSQL is not running and /etc/postgresql is unreadable: {e}"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .next()
        .ok_or("PostgreSQL is not running and no cluster is installed in /etc/postgresql")?;
    run(Command::new("pg_ctlcluster").args([
        "--skip-systemctl-redirect",
        &version,
        "main",
        "start",
    ]))?;
    for _ in 0..30 {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    Err("PostgreSQL did not answer within 30 s of starting".into())
}

fn tidy() -> Result {
    step("clippy and rustfmt");
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // Again with the benchmark harnesses, which the line above leaves out (`tandem/bench`
    // turns on `indicators/bench` and `matching/bench`).
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "tandem/bench",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo(&["fmt", "--all", "--", "--check"], &[])
}

fn openapi() -> Result {
    step("rewriting docs/openapi.json");
    cargo(
        &[
            "test",
            "-p",
            "web",
            "--test",
            "it",
            "tidy::openapi_snapshot_is_current",
        ],
        &[("UPDATE_SNAPSHOTS", "1")],
    )
}

/// Starts the demo on a free port and runs the Playwright suite against it in Chromium.
fn browser_tests() -> Result {
    step("browser tests in headless Chromium");
    if Command::new("chromium").arg("--version").output().is_err() {
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    cargo(&["build", "-p", "tandem"], &[])?;
    let root = workspace_root();
    let workdir = std::env::temp_dir().join(format!("tandem-browser-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).map_err(|e| format!("{}: {e}", workdir.display()))?;
    let port = free_port()?;
    let log = std::fs::File::create(workdir.join("server.log")).map_err(|e| e.to_string())?;
    let server = Command::new(target_dir().join("debug/tandem"))
        .args(["demo", "--addr", &format!("127.0.0.1:{port}")])
        .env(
            "TANDEM_DATABASE_URL",
            format!("sqlite://{}/demo.db", workdir.display()),
        )
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting the demo server: {e}"))?;
    let server = KillOnDrop(server);
    let outcome = wait_healthy(port).and_then(|()| {
        let browser = root.join("tests/browser");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&browser))?;
        run(Command::new("npm")
            .arg("test")
            .current_dir(&browser)
            .env("TANDEM_BASE_URL", format!("http://127.0.0.1:{port}")))
    });
    drop(server);
    if outcome.is_err() {
        let log = std::fs::read_to_string(workdir.join("server.log")).unwrap_or_default();
        eprintln!("--- demo server log ---\n{log}");
    }
    let _ = std::fs::remove_dir_all(&workdir);
    outcome
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("finding a port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Polls `GET /healthz` for up to 60 s (the demo loads and migrates before it listens).
fn wait_healthy(port: u16) -> Result {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err(format!(
        "the demo server on port {port} was not healthy within 60 s"
    ))
}

fn step(title: &str) {
    eprintln!("\n==> {title}");
}

fn workspace_root() -> PathBuf {
    // CARGO_MANIFEST_DIR is xtask/; its parent is the workspace root. Read it at run time
    // (`cargo run` sets it): the compile-time value would point at whichever checkout last
    // built the shared target directory.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    for (key, value) in env {
        command.env(key, value);
    }
    run(&mut command)
}

fn run(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} exited with {status}"))
    }
}

fn output(command: &mut Command) -> Result<String> {
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{command:?} exited with {}", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}
