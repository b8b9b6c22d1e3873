//! `tandem dhis2 push`: a program's values of a date range to a DHIS2 server's
//! `/api/dataValueSets`, printing DHIS2's import summary and each conflict. Credentials come
//! from the environment (never the command line, which other users can see in `ps`):
//! `TANDEM_DHIS2_TOKEN` (a personal access token) or `TANDEM_DHIS2_USERNAME` and
//! `TANDEM_DHIS2_PASSWORD`.

use anyhow::{Context, bail};
use clap::Args;

/// What to push where.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The program (code).
    #[arg(long)]
    program: String,
    /// The DHIS2 server, e.g. `https://dhis2.example.org` (with its context path, if any).
    #[arg(long, env = "TANDEM_DHIS2_URL")]
    url: String,
    /// First day (`YYYY-MM-DD`).
    #[arg(long)]
    from: String,
    /// Last day (`YYYY-MM-DD`).
    #[arg(long)]
    to: String,
    /// Ask DHIS2 to check everything and store nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs the push; an import with conflicts or errors exits non-zero after listing them.
pub async fn run(db: &store::Db, args: PushArgs) -> anyhow::Result<()> {
    let program = crate::program_flag(db, &args.program).await?;
    let from = domain::values::parse_date(&args.from, "--from").map_err(anyhow::Error::msg)?;
    let to = domain::values::parse_date(&args.to, "--to").map_err(anyhow::Error::msg)?;
    if to < from {
        bail!("--to: {to} is before --from {from}");
    }
    let auth = match (
        std::env::var("TANDEM_DHIS2_TOKEN").ok(),
        std::env::var("TANDEM_DHIS2_USERNAME").ok(),
    ) {
        (Some(token), _) => dhis2::Auth::api_token(&token).map_err(anyhow::Error::msg)?,
        (None, Some(user)) => {
            let password = std::env::var("TANDEM_DHIS2_PASSWORD")
                .context("TANDEM_DHIS2_USERNAME is set but TANDEM_DHIS2_PASSWORD is not")?;
            dhis2::Auth::basic(&user, password).map_err(anyhow::Error::msg)?
        }
        (None, None) => bail!(
            "set TANDEM_DHIS2_TOKEN (a DHIS2 personal access token) or TANDEM_DHIS2_USERNAME and TANDEM_DHIS2_PASSWORD"
        ),
    };
    let set = app::dhis2::data_value_set(db, program.id, from, to)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if set.is_empty() {
        println!("no values with a DHIS2 mapping between {from} and {to}; nothing sent");
        return Ok(());
    }
    let client =
        dhis2::Dhis2Client::new(&args.url, auth).map_err(|e| anyhow::anyhow!("--url: {e}"))?;
    let options = dhis2::PushOptions {
        dry_run: args.dry_run,
        ..dhis2::PushOptions::default()
    };
    // The client blocks (ureq); keep it off the async workers.
    let summary = tokio::task::spawn_blocking(move || {
        client
            .push(&set, &options)
            .map(|summary| (summary.clone(), summary.conflict_lines(&set)))
    })
    .await
    .context("the push task failed")?
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (summary, conflicts) = summary;
    println!("{}{summary}", if args.dry_run { "dry run: " } else { "" });
    for line in &conflicts {
        println!("  {line}");
    }
    if summary.status != dhis2::ImportStatus::Success {
        bail!(
            "DHIS2 did not import everything ({} conflict(s))",
            conflicts.len()
        );
    }
    Ok(())
}
