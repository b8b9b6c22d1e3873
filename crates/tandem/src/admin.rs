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
        /// Days until the token stops working (1–3650); without it, 90.
        #[arg(long, conflicts_with = "no_expiry")]
        expires_days: Option<i64>,
        /// Let the token work until it is revoked.
        #[arg(long)]
        no_expiry: bool,
    },
    /// Revoke a personal access token by its id (as `list-tokens` shows it): refused from now on.
    RevokeToken {
        /// The token's id.
        #[arg(long)]
        id: i64,
    },
    /// List personal access tokens (never their secrets): one account's, or everyone's.
    ListTokens {
        /// Only this account's tokens.
        #[arg(long)]
        username: Option<String>,
    },
    /// Lift a sign-in lockout at once: forget the failed sign-ins of an account or from a
    /// client address.
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["username", "address"])))]
    Unlock {
        /// The account's username.
        #[arg(long)]
        username: Option<String>,
        /// The client address (as the server sees it: after trusted proxies).
        #[arg(long)]
        address: Option<String>,
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
        AdminCommand::CreateToken {
            username,
            name,
            expires_days,
            no_expiry,
        } => {
            let account = db
                .account_by_username(&username)
                .await?
                .with_context(|| format!("--username: no account {username}"))?;
            let days = if no_expiry {
                None
            } else {
                Some(expires_days.unwrap_or(app::accounts::DEFAULT_TOKEN_DAYS))
            };
            let token =
                app::accounts::create_token(db, &actor, account.id, &name, days, store::now())
                    .await
                    .map_err(|e| match e {
                        app::Error::Invalid(e) => {
                            anyhow::anyhow!("--{}: {}", e.field.replace('_', "-"), e.message)
                        }
                        other => other.into(),
                    })?;
            match token.expires_at {
                Some(end) => eprintln!(
                    "token {} expires {}",
                    token.id,
                    end.format("%Y-%m-%d %H:%M UTC")
                ),
                None => eprintln!("token {} does not expire; revoke it when done", token.id),
            }
            println!("{}", token.secret);
            Ok(())
        }
        AdminCommand::RevokeToken { id } => {
            let id = domain::ids::ApiTokenId(id);
            let token = db
                .api_token(id)
                .await
                .map_err(|e| anyhow::anyhow!("--id: {e}"))?;
            if db.revoke_api_token(&actor, id, store::now()).await? {
                println!(
                    "revoked token {} ({}) of {}",
                    id, token.name, token.username
                );
            } else {
                println!("token {} ({}) was already revoked", id, token.name);
            }
            Ok(())
        }
        AdminCommand::ListTokens { username } => {
            let account = match username {
                None => None,
                Some(username) => Some(
                    db.account_by_username(&username)
                        .await?
                        .with_context(|| format!("--username: no account {username}"))?
                        .id,
                ),
            };
            let now = store::now();
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map_or_else(
                    || "never".to_owned(),
                    |t| t.format("%Y-%m-%d %H:%M").to_string(),
                )
            };
            println!("id\taccount\tname\tstate\tcreated\texpires\tlast used");
            for token in db.api_tokens(account).await? {
                let state = if token.revoked {
                    "revoked"
                } else if token.is_live(now) {
                    "active"
                } else {
                    "expired"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    token.id,
                    token.username,
                    token.name,
                    state,
                    when(Some(token.created_at)),
                    when(token.expires_at),
                    when(token.last_used_at)
                );
            }
            Ok(())
        }
        AdminCommand::Unlock { username, address } => {
            let key = match (username, address) {
                (Some(username), _) => app::accounts::account_key(&username),
                (None, Some(address)) => app::accounts::address_key(&address),
                (None, None) => bail!("give --username or --address"),
            };
            let forgotten = db.unlock_login(&actor, &key).await?;
            println!("unlocked {key}: {forgotten} failed sign-ins forgotten");
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
