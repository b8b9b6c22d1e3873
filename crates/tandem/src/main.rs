//! `tandem`: the one binary. Serves the web application, runs migrations, loads the demo,
//! imports files, manages accounts, and, built with the `bench` feature, runs the solvers'
//! bench commands (`match solve`, `bench indicators`, `bench values-file`).

mod admin;
#[cfg(feature = "bench")]
mod bench_values;
mod demo;
mod dhis2_push;
mod import;
mod proposals;
mod serve;

use anyhow::Context;
use clap::{Parser, Subcommand};
#[cfg(feature = "bench")]
use std::path::PathBuf;

/// Health-workforce mentorship programs: peer research collaboratives and clinical mentorship.
#[derive(Debug, Parser)]
#[command(name = "tandem", version, about, long_about = None)]
struct Cli {
    /// Database: a SQLite file (`sqlite://tandem.db`, the default) or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "TANDEM_DATABASE_URL",
        default_value = "sqlite://tandem.db"
    )]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and API (migrates the database first).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the two demo programs (once) and serve them; prints the sign-ins to use.
    Demo {
        #[command(flatten)]
        serve: serve::ServeArgs,
        /// Load the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Write a consistent copy of the SQLite database to FILE while it stays in use, and
    /// FILE.sha256 beside it (PostgreSQL: use pg_dump, see the README).
    Backup {
        /// The copy to write; must not exist.
        file: std::path::PathBuf,
    },
    /// Replace the SQLite database with the backup FILE, after checking FILE.sha256 and
    /// SQLite's integrity check; refused while a server serves the database.
    Restore {
        /// A file written by `tandem backup`.
        file: std::path::PathBuf,
    },
    /// Accounts and tokens.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Import org units or people from files (all or nothing).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Mentor–mentee matching.
    #[command(subcommand)]
    Match(MatchCommand),
    /// Exchange with DHIS2.
    #[command(subcommand)]
    Dhis2(Dhis2Command),
    /// Benchmarks that print a JSON report.
    #[cfg(feature = "bench")]
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
enum Dhis2Command {
    /// Push a program's values to DHIS2's `/api/dataValueSets` and print the import summary.
    Push(dhis2_push::PushArgs),
}

#[derive(Debug, Subcommand)]
enum MatchCommand {
    /// Solve an instance written by shared/bench/matching/gen.py; prints a JSON report.
    #[cfg(feature = "bench")]
    Solve(SolveArgs),
    #[command(flatten)]
    Program(proposals::ProposalCommand),
}

#[cfg(feature = "bench")]
#[derive(Debug, clap::Args)]
struct SolveArgs {
    /// `mentee,mentor,cost` rows.
    #[arg(long)]
    edges: PathBuf,
    /// `mentor,capacity` rows.
    #[arg(long)]
    mentors: PathBuf,
    /// Cost of leaving a mentee unassigned.
    #[arg(long, default_value_t = 100_000)]
    unassigned_cost: i64,
    /// Mentor ids who leave after the solve (comma-separated); the report adds the re-match.
    #[arg(long, value_delimiter = ',')]
    leave: Vec<i64>,
    /// With --leave: how much cheaper the pairs as they stood are in the re-match (a program's
    /// continuity weight, so people keep their mentor unless a move saves more); 0
    /// re-optimises freely.
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(0..=matching::MAX_ABS_COST)
    )]
    continuity: i64,
}

#[cfg(feature = "bench")]
#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Indicator roll-ups over an events CSV (see docs/benchmarks.md); prints a JSON report.
    Indicators {
        /// Events file.
        #[arg(long)]
        events: PathBuf,
    },
    /// Write a large valid values file for a program (and the extra facilities it needs), to
    /// measure `tandem import values`.
    ValuesFile(bench_values::ValuesFileArgs),
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        #[cfg(feature = "bench")]
        Command::Match(MatchCommand::Solve(args)) => {
            let report = matching::instance::solve_instance_files(
                &args.edges,
                &args.mentors,
                args.unassigned_cost,
                &args.leave,
                args.continuity,
            )?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        #[cfg(feature = "bench")]
        Command::Bench(BenchCommand::Indicators { events }) => {
            let report = indicators::bench::run_bench(&events)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        command => {
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            runtime.block_on(run_with_db(&cli.database_url, command))
        }
    }
}

/// The program a `--program CODE` flag names; errors name the flag, and an unknown code lists
/// the codes there are (the usual cause is a typo or a shortened code).
pub(crate) async fn program_flag(
    db: &store::Db,
    code: &str,
) -> anyhow::Result<domain::programs::Program> {
    let slug = domain::values::Slug::parse(code).map_err(|e| anyhow::anyhow!("--program: {e}"))?;
    match db.program_by_code(&slug).await {
        Ok(program) => Ok(program),
        Err(store::DbError::NotFound { .. }) => {
            let codes: Vec<String> = db
                .programs()
                .await
                .context("--program: listing the programs")?
                .into_iter()
                .map(|p| p.code.as_str().to_owned())
                .collect();
            let known = if codes.is_empty() {
                "there are no programs yet".to_owned()
            } else {
                format!("the programs are {}", codes.join(", "))
            };
            anyhow::bail!("--program: no program has code {code:?} ({known})")
        }
        Err(e) => Err(anyhow::anyhow!("--program {code}: {e}")),
    }
}

async fn connect(url: &str) -> anyhow::Result<store::Db> {
    let db = store::Db::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

/// On SQLite, the lock every serving process shares so that a restore cannot replace the file
/// under it.
fn serving_lock(url: &str) -> anyhow::Result<Option<store::backup::ServingLock>> {
    store::backup::sqlite_path(url)
        .map(|path| store::backup::ServingLock::shared(&path))
        .transpose()
        .map_err(anyhow::Error::from)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

async fn run_with_db(url: &str, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Migrate => {
            let db = store::Db::connect(url)
                .await
                .with_context(|| format!("connecting to {}", redact(url)))?;
            let applied = db.migrate().await?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Serve(args) => {
            let _serving = serving_lock(url)?;
            serve::serve(connect(url).await?, args).await
        }
        Command::Backup { file } => {
            let db = store::Db::connect(url)
                .await
                .with_context(|| format!("connecting to {}", redact(url)))?;
            let started = std::time::Instant::now();
            let copy = db.backup_to(&file).await?;
            db.close().await;
            println!(
                "backed up to {} ({} bytes, SHA-256 {}) in {:.2} s",
                copy.path.display(),
                copy.bytes,
                copy.sha256,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { file } => {
            let Some(database) = store::backup::sqlite_path(url) else {
                anyhow::bail!(
                    "tandem restore replaces the embedded SQLite database; restore PostgreSQL with pg_restore (see the README)"
                );
            };
            let restored = store::backup::restore(&database, &file).await?;
            println!(
                "restored {} from {} ({} bytes, SHA-256 {}); start the server again",
                restored.path.display(),
                file.display(),
                restored.bytes,
                restored.sha256
            );
            Ok(())
        }
        Command::Demo {
            serve: args,
            no_serve,
        } => {
            let db = connect(url).await?;
            let signins = demo::load(&db).await?;
            println!("{signins}");
            if no_serve {
                return Ok(());
            }
            let _serving = serving_lock(url)?;
            serve::serve(db, args).await
        }
        Command::Admin(command) => admin::run(&connect(url).await?, command).await,
        Command::Import(command) => import::run(&connect(url).await?, command).await,
        Command::Dhis2(Dhis2Command::Push(args)) => {
            dhis2_push::run(&connect(url).await?, args).await
        }
        Command::Match(MatchCommand::Program(command)) => {
            proposals::run(&connect(url).await?, command).await
        }
        // `run` answers these before any database is opened.
        #[cfg(feature = "bench")]
        Command::Match(MatchCommand::Solve(_))
        | Command::Bench(BenchCommand::Indicators { .. }) => {
            unreachable!("handled without a database")
        }
        #[cfg(feature = "bench")]
        Command::Bench(BenchCommand::ValuesFile(args)) => {
            bench_values::run(&connect(url).await?, args).await
        }
    }
}
