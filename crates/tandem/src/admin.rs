//! `tandem admin …`: accounts and tokens from the command line.

use anyhow::{Context, bail};
use clap::Subcommand;
use domain::values::Email;
use std::io::BufRead;

/// Account administration.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a sign-in account. The password is read from TANDEM_PASSWORD, or from standard
    /// input (one line), never from a flag (flags show in process lists and shell history).
    CreateUser {
        /// Sign-in name, usually an email address.
        #[arg(long)]
        username: String,
        /// Make the account a system administrator.
        #[arg(long)]
        admin: bool,
        /// Link the account to the person with this email address.
        #[arg(long)]
        person_email: Option<String>,
    },
    /// Create a personal access token for API clients; prints it once.
    CreateToken {
        /// The account's username.
        #[arg(long)]
        username: String,
        /// A name to recognise the token by.
        #[arg(long)]
        name: String,
    },
}

/// Runs an admin command.
pub async fn run(db: &store::Db, command: AdminCommand) -> anyhow::Result<()> {
    let actor = store::Actor::system("cli");
    match command {
        AdminCommand::CreateUser {
            username,
            admin,
            person_email,
        } => {
            let username = username.trim().to_lowercase();
            if username.is_empty() || username.len() > 200 {
                bail!("--username: must be 1–200 characters");
            }
            let person = match person_email {
                None => None,
                Some(raw) => {
                    let email = Email::parse(&raw)
                        .map_err(|e| anyhow::anyhow!("--person-email: {}", e.message))?;
                    let person = db
                        .person_by_email(&email)
                        .await?
                        .with_context(|| format!("--person-email: no person has email {email}"))?;
                    Some(person.id)
                }
            };
            let password = match std::env::var("TANDEM_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    eprintln!("password (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("reading the password")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            app::accounts::check_new_password(&password)
                .map_err(|e| anyhow::anyhow!("password: {}", field_message(&e)))?;
            let hash = app::accounts::hash_password(&password)?;
            let account = db
                .create_account(&actor, &username, &hash, person, admin)
                .await
                .map_err(|e| anyhow::anyhow!("--username {username}: {e}"))?;
            println!(
                "created account {} (id {}){}",
                account.username,
                account.id,
                if admin { ", administrator" } else { "" }
            );
            Ok(())
        }
        AdminCommand::CreateToken { username, name } => {
            let account = db
                .account_by_username(&username)
                .await?
                .with_context(|| format!("--username: no account {username}"))?;
            if name.trim().is_empty() {
                bail!("--name: must not be empty");
            }
            let token = format!("tdm_{}", app::accounts::random_token()?);
            db.create_api_token(
                &actor,
                account.id,
                name.trim(),
                &app::accounts::token_hash(&token),
            )
            .await?;
            println!("{token}");
            Ok(())
        }
    }
}

fn field_message(error: &app::Error) -> String {
    match error {
        app::Error::Invalid(e) => e.message.clone(),
        other => other.to_string(),
    }
}
