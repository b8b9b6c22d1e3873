//! Secrets of accounts (C16): password hashes, the password rule, random tokens and the hashes
//! the database keeps of them. Shared by sign-in, the admin command line and the demo loader.
//!
//! - Passwords: argon2id (RustCrypto `argon2`, its default parameters).
//! - Tokens (sessions, API tokens, calendar feeds): 32 bytes of OS randomness, hex encoded;
//!   only their SHA-256 is stored.
//! - API tokens: created with an optional end, revoked by their owner or an administrator.
//! - Sign-in throttling: its keys, and the lockouts an administrator may lift.

use crate::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use domain::access::Viewer;
use domain::ids::{AccountId, ApiTokenId};
use sha2::{Digest, Sha256};
use store::accounts::ApiToken;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, Error> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| Error::caused("OS randomness", e.to_string()))?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| Error::caused("password hashing", e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::caused("password hashing", e))
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The rule new passwords must meet.
pub fn check_new_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < 10 {
        return Err(Error::invalid("password", "must be at least 10 characters"));
    }
    Ok(())
}

/// A fresh random secret, hex encoded (32 bytes of OS randomness).
pub fn random_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::caused("OS randomness", e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// SHA-256 of a secret, hex encoded: what the database stores.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A short random id (8 bytes of OS randomness, hex encoded) for telling requests and jobs
/// apart in logs; not a secret.
pub fn random_id() -> String {
    let mut bytes = [0u8; 8];
    // Without OS randomness the id is only less unique, which logs can bear.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

/// The sign-in throttle's key for an account (the username as stored: trimmed, lower case).
pub fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

/// The sign-in throttle's key for a client address.
pub fn address_key(address: &str) -> String {
    format!("addr:{}", address.trim())
}

/// Sign-in throttling limits: failures within `window` after which sign-in is refused.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Failures per account.
    pub per_account: i64,
    /// Failures per client address (higher: a hospital's staff share one address).
    pub per_address: i64,
    /// The window failures are counted over.
    pub window: chrono::Duration,
}

/// What a lockout holds back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locked {
    /// Sign-in to this account (username).
    Account(String),
    /// Sign-in from this client address.
    Address(String),
}

/// A current lockout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockout {
    /// Its throttle key, which an unlock names.
    pub key: String,
    /// The account or address held back.
    pub locked: Locked,
    /// Failures within the window.
    pub failures: i64,
    /// When enough of them have aged out of the window for sign-in to be tried again.
    pub until: DateTime<Utc>,
}

/// The lockouts in force at `now`, most failures first.
pub async fn lockouts(
    db: &store::Db,
    throttle: &Throttle,
    now: DateTime<Utc>,
) -> Result<Vec<Lockout>, Error> {
    let since = now - throttle.window;
    let least = throttle.per_account.min(throttle.per_address).max(1);
    let mut found = Vec::new();
    for (key, failures) in db.login_failure_counts(since, least).await? {
        let (locked, limit) = if let Some(username) = key.strip_prefix("account:") {
            (Locked::Account(username.to_owned()), throttle.per_account)
        } else if let Some(address) = key.strip_prefix("addr:") {
            (Locked::Address(address.to_owned()), throttle.per_address)
        } else {
            continue;
        };
        // A sign-in is refused while the key has `limit` failures in the window; it may be
        // tried again once the failure `failures - limit` places from the oldest ages out.
        if failures < limit {
            continue;
        }
        let Some(at) = db.login_failure_at(&key, since, failures - limit).await? else {
            continue;
        };
        found.push(Lockout {
            key,
            locked,
            failures,
            until: at + throttle.window,
        });
    }
    Ok(found)
}

/// How long a new API token lives unless its creator chooses otherwise.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// The longest life a token may be given in days (about ten years); "never" is `None`.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// A token just created: its secret, shown once and never again.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Its id.
    pub id: ApiTokenId,
    /// The secret the client sends as `Authorization: Bearer …`.
    pub secret: String,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a personal access token for `account`, named `name`, living `expires_days` days
/// (`None`: until revoked).
pub async fn create_token(
    db: &store::Db,
    actor: &store::Actor,
    account: AccountId,
    name: &str,
    expires_days: Option<i64>,
    now: DateTime<Utc>,
) -> Result<NewToken, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    let expires_at = match expires_days {
        None => None,
        Some(days) if (1..=MAX_TOKEN_DAYS).contains(&days) => {
            Some(now + chrono::Duration::days(days))
        }
        Some(_) => {
            return Err(Error::invalid(
                "expires_days",
                format!("must be 1 to {MAX_TOKEN_DAYS} days, or none"),
            ));
        }
    };
    let secret = format!("tdm_{}", random_token()?);
    let id = db
        .create_api_token(actor, account, name, &token_hash(&secret), expires_at)
        .await?;
    Ok(NewToken {
        id,
        secret,
        expires_at,
    })
}

/// The tokens `viewer` may manage: their own, and for an administrator everyone's.
pub async fn visible_tokens(db: &store::Db, viewer: &Viewer) -> Result<Vec<ApiToken>, Error> {
    let account = (!viewer.is_admin).then_some(viewer.account);
    Ok(db.api_tokens(account).await?)
}

/// Revokes a token: its owner may, and an administrator may revoke anyone's; anyone else is
/// refused. Answers whether it was live until now (revoking twice changes nothing).
pub async fn revoke_token(
    db: &store::Db,
    actor: &store::Actor,
    viewer: &Viewer,
    id: ApiTokenId,
) -> Result<bool, Error> {
    let token = db.api_token(id).await?;
    if token.account != viewer.account && !viewer.is_admin {
        return Err(Error::Forbidden);
    }
    Ok(db.revoke_api_token(actor, id, store::now()).await?)
}
