//! `tandem match propose | approve | mentor-left | couple | teams`: the matching workflow from
//! the command line, through the same code as the web pages and the API (`app::proposals`,
//! `app::facility_matching`).

use anyhow::{Context, bail};
use app::facility_matching;
use app::proposals::{self, Start};
use clap::Subcommand;
use domain::ids::{FacilityProposalId, PersonId, ProgramId, ProposalId};
use domain::values::Email;
use serde_json::json;
use store::facility_matching::FacilityProposalKind;
use store::{Actor, Db};

/// Matching commands that work on a program in the database.
#[derive(Debug, Subcommand)]
pub enum ProposalCommand {
    /// Run a matching proposal for a program and print it as JSON (a draft until approved).
    Propose {
        /// Program code, e.g. `safe-surgery`.
        #[arg(long)]
        program: String,
        /// Approve it at once, creating the pairings.
        #[arg(long)]
        approve: bool,
        /// Solve from scratch instead of warm-starting from the last approved proposal.
        #[arg(long)]
        cold: bool,
    },
    /// Approve a draft proposal: its pairings (or couplings, or teams) become active, the
    /// ones it replaces end.
    Approve {
        /// Mentee matching proposal id (printed by `propose`).
        #[arg(
            long,
            required_unless_present = "facility_proposal",
            conflicts_with = "facility_proposal"
        )]
        proposal: Option<i64>,
        /// Facility coupling or team proposal id (printed by `couple` and `teams`).
        #[arg(long)]
        facility_proposal: Option<i64>,
    },
    /// Run a facility coupling proposal (weak facilities with nearby strong ones) and print it
    /// as JSON (a draft until approved).
    Couple {
        /// Program code.
        #[arg(long)]
        program: String,
        /// Approve it at once.
        #[arg(long)]
        approve: bool,
    },
    /// Run a mentor team proposal (a team per facility covering the required cadres) and print
    /// it as JSON (a draft until approved).
    Teams {
        /// Program code.
        #[arg(long)]
        program: String,
        /// Approve it at once.
        #[arg(long)]
        approve: bool,
    },
    /// Record that a mentor left: their pairings end and their mentees are re-matched.
    MentorLeft {
        /// Program code.
        #[arg(long)]
        program: String,
        /// The mentor's email address or person id.
        #[arg(long)]
        mentor: String,
    },
}

async fn program_id(db: &Db, code: &str) -> anyhow::Result<ProgramId> {
    Ok(crate::program_flag(db, code).await?.id)
}

async fn person_id(db: &Db, text: &str) -> anyhow::Result<PersonId> {
    if let Ok(id) = text.parse::<i64>() {
        db.person(PersonId(id))
            .await
            .with_context(|| format!("--mentor: no person has id {id}"))?;
        return Ok(PersonId(id));
    }
    let email = Email::parse(text).map_err(|e| anyhow::anyhow!("--mentor: {e}"))?;
    match db.person_by_email(&email).await? {
        Some(person) => Ok(person.id),
        None => bail!("--mentor: no person has email {text}"),
    }
}

fn summary(stored: &store::matching::StoredProposal) -> anyhow::Result<serde_json::Value> {
    let result = proposals::result_of(stored).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(json!({
        "id": stored.id,
        "status": stored.status,
        "reason": stored.reason,
        "objective": result.objective,
        "changes": result.changes,
        "warm_started": result.warm_started,
        "solve_ms": result.solve_ms,
        "pairs": result.pairs,
        "unassigned": result.unassigned,
    }))
}

/// Runs a facility proposal of `kind` for the program (code) and prints it (approving it first
/// when asked) as JSON.
async fn propose_facility(
    db: &Db,
    actor: &Actor,
    program: &str,
    kind: FacilityProposalKind,
    approve: bool,
) -> anyhow::Result<()> {
    let program = program_id(db, program).await?;
    let mut stored = facility_matching::propose(
        db,
        actor,
        program,
        kind,
        &domain::matching::ProposalReason::FromCommandLine,
    )
    .await
    .map_err(|e| anyhow::anyhow!("--program: {e}"))?;
    if approve {
        facility_matching::approve(db, actor, stored.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        stored = db.facility_proposal(stored.id).await?;
    }
    let result = facility_matching::result_of(&stored).map_err(|e| anyhow::anyhow!("{e}"))?;
    let body = json!({
        "id": stored.id,
        "kind": stored.kind,
        "status": stored.status,
        "reason": stored.reason,
        "result": result,
    });
    println!("{}", serde_json::to_string_pretty(&body)?);
    Ok(())
}

/// Runs one command, printing JSON on standard output.
pub async fn run(db: &Db, command: ProposalCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match command {
        ProposalCommand::Propose {
            program,
            approve,
            cold,
        } => {
            let program = program_id(db, &program).await?;
            let start = if cold { Start::Cold } else { Start::Warm };
            let mut stored = proposals::propose_with(
                db,
                &actor,
                program,
                &domain::matching::ProposalReason::FromCommandLine,
                start,
            )
            .await?;
            if approve {
                proposals::approve(db, &actor, stored.id).await?;
                stored = db.proposal(stored.id).await?;
            }
            println!("{}", serde_json::to_string_pretty(&summary(&stored)?)?);
        }
        ProposalCommand::Approve {
            proposal: Some(proposal),
            ..
        } => {
            let created = proposals::approve(db, &actor, ProposalId(proposal))
                .await
                .map_err(|e| anyhow::anyhow!("--proposal: {e}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({"proposal": proposal, "created": created}))?
            );
        }
        ProposalCommand::Approve {
            facility_proposal, ..
        } => {
            let Some(id) = facility_proposal else {
                bail!("give --proposal or --facility-proposal");
            };
            let counts = facility_matching::approve(db, &actor, FacilityProposalId(id))
                .await
                .map_err(|e| anyhow::anyhow!("--facility-proposal: {e}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"facility_proposal": id, "created": counts.created, "ended": counts.ended})
                )?
            );
        }
        ProposalCommand::Couple { program, approve } => {
            propose_facility(
                db,
                &actor,
                &program,
                FacilityProposalKind::Coupling,
                approve,
            )
            .await?;
        }
        ProposalCommand::Teams { program, approve } => {
            propose_facility(db, &actor, &program, FacilityProposalKind::Teams, approve).await?;
        }
        ProposalCommand::MentorLeft { program, mentor } => {
            let program = program_id(db, &program).await?;
            let mentor = person_id(db, &mentor).await?;
            let stored = proposals::mentor_leaves(db, &actor, program, mentor)
                .await
                .map_err(|e| anyhow::anyhow!("--mentor: {e}"))?;
            println!("{}", serde_json::to_string_pretty(&summary(&stored)?)?);
        }
    }
    Ok(())
}
