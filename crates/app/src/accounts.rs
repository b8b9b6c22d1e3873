//! Secrets of accounts (C16): password hashes, the password rule, random tokens and the hashes
//! the database keeps of them. Shared by sign-in, the admin command line and the demo loader.
//!
//! - Passwords: argon2id (RustCrypto `argon2`, its default parameters).
//! - Tokens (sessions, API tokens, calendar feeds): 32 bytes of OS randomness, hex encoded;
//!   only their SHA-256 is stored.

use crate::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

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
