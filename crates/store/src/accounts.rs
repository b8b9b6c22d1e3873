//! Accounts, sessions, API tokens and sign-in throttling. Secrets are never stored: sessions
//! and tokens are kept as SHA-256 hashes computed by the caller, passwords as argon2id hashes.

use crate::audit::Action;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::SessionId;
use domain::ids::{AccountId, ApiTokenId, PersonId};
use serde::Serialize;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Id.
    pub id: AccountId,
    /// Sign-in name (lower case).
    pub username: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// The person this account belongs to.
    pub person: Option<PersonId>,
    /// System administrator.
    pub is_admin: bool,
    /// Interface language the person chose; empty until they choose.
    pub locale: String,
}

/// Audit view of an account: everything but the hash.
#[derive(Serialize)]
struct AccountRecord<'a> {
    id: i64,
    username: &'a str,
    person: Option<PersonId>,
    is_admin: bool,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Row id.
    pub id: SessionId,
    /// Owner.
    pub account: AccountId,
    /// Token forms must echo.
    pub csrf_token: String,
    /// Created (absolute time-out counts from here).
    pub created_at: DateTime<Utc>,
    /// Last request (idle time-out counts from here).
    pub last_seen_at: DateTime<Utc>,
    /// Hard end.
    pub expires_at: DateTime<Utc>,
}

type SessionRow = (
    i64,
    i64,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    DateTime<Utc>,
);

type AccountRow = (i64, String, String, Option<i64>, bool, String);

/// A personal access token as listed: never its secret (only its hash is stored anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Id.
    pub id: ApiTokenId,
    /// Owner.
    pub account: AccountId,
    /// The owner's username, for an administrator's list of everyone's tokens.
    pub username: String,
    /// The name its owner recognises it by.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Refused from then on (none: until revoked).
    pub expires_at: Option<DateTime<Utc>>,
    /// Last used, to within [`TOKEN_USE_GRANULARITY_SECONDS`].
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked then (none: not revoked).
    pub revoked_at: Option<DateTime<Utc>>,
    /// Revoked (tokens revoked before `revoked_at` was kept have no time).
    pub revoked: bool,
}

impl ApiToken {
    /// Whether the token is accepted at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at.is_none_or(|end| now < end)
    }
}

/// What a presented API token turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Accepted: the account it acts for.
    Live(AccountId),
    /// Past its expiry.
    Expired,
    /// Revoked by its owner or an administrator.
    Revoked,
    /// No such token.
    Unknown,
}

/// How stale a token's stored `last_used_at` may grow before a use writes it again: a
/// client's burst of requests should be reads, not a write each.
pub const TOKEN_USE_GRANULARITY_SECONDS: i64 = 300;

fn token_use_granularity() -> chrono::Duration {
    chrono::Duration::seconds(TOKEN_USE_GRANULARITY_SECONDS)
}

type TokenRow = (
    i64,
    i64,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    bool,
);

const TOKEN_SELECT: &str = "SELECT t.id, t.account_id, a.username, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.revoked FROM api_tokens t JOIN accounts a ON a.id = t.account_id";

fn token_from(
    (id, account, username, name, created_at, expires_at, last_used_at, revoked_at, revoked): TokenRow,
) -> ApiToken {
    ApiToken {
        id: ApiTokenId(id),
        account: AccountId(account),
        username,
        name,
        created_at,
        expires_at,
        last_used_at,
        revoked_at,
        revoked,
    }
}

fn account_from((id, username, hash, person, is_admin, locale): AccountRow) -> Account {
    Account {
        id: AccountId(id),
        username,
        password_hash: hash,
        person: person.map(PersonId),
        is_admin,
        locale,
    }
}

const ACCOUNT_COLUMNS: &str = "id, username, password_hash, person_id, is_admin, locale";

impl Db {
    /// Creates an account.
    pub async fn create_account(
        &self,
        actor: &Actor,
        username: &str,
        password_hash: &str,
        person: Option<PersonId>,
        is_admin: bool,
    ) -> Result<Account, DbError> {
        let username = username.trim().to_lowercase();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO accounts (username, password_hash, person_id, is_admin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&username)
            .bind(password_hash)
            .bind(person.map(|p| p.0))
            .bind(is_admin)
            .bind(crate::now())
            .fetch_one(&mut *conn)
            .await?
        });
        let record = AccountRecord {
            id,
            username: &username,
            person,
            is_admin,
        };
        tx.audit::<(), _>(actor, Action::Create, "account", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        self.account(AccountId(id)).await
    }

    /// Sets a new password hash.
    pub async fn set_password(
        &self,
        actor: &Actor,
        account: AccountId,
        password_hash: &str,
    ) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
                .bind(password_hash).bind(account.0).execute(&mut *conn).await?.rows_affected()
        });
        let note = serde_json::json!({ "password": "changed" });
        tx.audit::<(), _>(actor, Action::Update, "account", account, None, Some(&note))
            .await?;
        tx.commit().await
    }

    /// Remembers the account's interface language (so it follows the person across devices).
    pub async fn set_account_locale(
        &self,
        actor: &Actor,
        account: AccountId,
        locale: &str,
    ) -> Result<(), DbError> {
        let before = self.account(account).await?;
        if before.locale == locale {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE accounts SET locale = $1 WHERE id = $2")
                .bind(locale)
                .bind(account.0)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        let b = serde_json::json!({ "locale": before.locale });
        let a = serde_json::json!({ "locale": locale });
        tx.audit(
            actor,
            Action::Update,
            "account",
            account,
            Some(&b),
            Some(&a),
        )
        .await?;
        tx.commit().await
    }

    /// The account with this id.
    pub async fn account(&self, id: AccountId) -> Result<Account, DbError> {
        let row: AccountRow = self
            .one_by_id(
                format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
                id.0,
                "account",
            )
            .await?;
        Ok(account_from(row))
    }

    /// The account with this username, if any.
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>, DbError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1");
        let row: Option<AccountRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username.trim().to_lowercase()).fetch_optional(pool).await?
        });
        Ok(row.map(account_from))
    }

    /// Stores a new session.
    pub async fn create_session(
        &self,
        account: AccountId,
        token_hash: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(token_hash).bind(account.0).bind(csrf_token).bind(now).bind(expires_at)
            .execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    /// The session with this token hash, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>, DbError> {
        let row: Option<SessionRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, account_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(
            |(id, account, csrf_token, created_at, last_seen_at, expires_at)| Session {
                id: SessionId(id),
                account: AccountId(account),
                csrf_token,
                created_at,
                last_seen_at,
                expires_at,
            },
        ))
    }

    /// Records activity on a session (the idle time-out restarts).
    pub async fn touch_session(&self, id: SessionId, now: DateTime<Utc>) -> Result<(), DbError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2").bind(now).bind(id.0).execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, id: SessionId) -> Result<(), DbError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id.0).execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    /// Removes sessions past their idle or absolute limit.
    pub async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, DbError> {
        let done = on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR expires_at < $2")
                .bind(idle_before).bind(now).execute(pool).await?.rows_affected()
        });
        Ok(done)
    }

    /// Stores a personal access token, refused from `expires_at` on (never, when `None`).
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        account: AccountId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ApiTokenId, DbError> {
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO api_tokens (account_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(account.0).bind(name).bind(token_hash).bind(crate::now()).bind(expires_at)
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({
            "id": id, "account": account, "name": name, "expires_at": expires_at,
        });
        tx.audit::<(), _>(actor, Action::Create, "api_token", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        Ok(ApiTokenId(id))
    }

    /// Tokens as listed (never their secrets), newest first: one account's, or everyone's
    /// when `account` is `None`.
    pub async fn api_tokens(&self, account: Option<AccountId>) -> Result<Vec<ApiToken>, DbError> {
        let sql = format!(
            "{TOKEN_SELECT} WHERE ($1 = 0 OR t.account_id = $1) ORDER BY t.created_at DESC, t.id DESC"
        );
        let rows: Vec<TokenRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account.map_or(0, |a| a.0)).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(token_from).collect())
    }

    /// One token as listed.
    pub async fn api_token(&self, id: ApiTokenId) -> Result<ApiToken, DbError> {
        let row: TokenRow = self
            .one_by_id(format!("{TOKEN_SELECT} WHERE t.id = $1"), id.0, "api token")
            .await?;
        Ok(token_from(row))
    }

    /// Revokes a token: refused from now on. Revoking a revoked token changes nothing and
    /// answers `false`.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: ApiTokenId,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut tx = self.begin().await?;
        let changed = on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE api_tokens SET revoked = $1, revoked_at = $2 WHERE id = $3 AND NOT revoked")
                .bind(true).bind(now).bind(id.0).execute(&mut *conn).await?.rows_affected()
        });
        if changed == 0 {
            tx.commit().await?;
            return Ok(false);
        }
        let before = serde_json::json!({ "revoked": false });
        let after = serde_json::json!({ "revoked": true, "revoked_at": now });
        tx.audit(
            actor,
            Action::Update,
            "api_token",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whose a presented token is, or why it is refused. A live token's `last_used_at` is
    /// written only when the stored value is older than [`TOKEN_USE_GRANULARITY_SECONDS`], so a
    /// client's burst of requests reads the token without writing it each time.
    pub async fn check_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenCheck, DbError> {
        type CheckRow = (i64, i64, bool, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
        let row: Option<CheckRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, account_id, revoked, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1")
                .bind(token_hash).fetch_optional(pool).await?
        });
        let Some((id, account, revoked, expires_at, last_used_at)) = row else {
            return Ok(TokenCheck::Unknown);
        };
        if revoked {
            return Ok(TokenCheck::Revoked);
        }
        if expires_at.is_some_and(|end| now >= end) {
            return Ok(TokenCheck::Expired);
        }
        if last_used_at.is_none_or(|last| now - last >= token_use_granularity()) {
            // The condition repeats the check, so two requests racing here write once.
            on_pool!(self, pool => {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)")
                    .bind(now).bind(id).bind(now - token_use_granularity()).execute(pool).await?.rows_affected()
            });
        }
        Ok(TokenCheck::Live(AccountId(account)))
    }

    /// Reserves a sign-in attempt under each of `keys` before the password is checked, and
    /// answers, per key, the reserved row and how many attempts the key now has since `since`,
    /// this one included. Each key's insert and count happen alone (SQLite's write
    /// transaction; a transaction lock per key on PostgreSQL), so of many attempts at once
    /// exactly those within the limit go on. The rows stand as failures unless
    /// [`Db::release_login_attempt`] takes them back.
    pub async fn reserve_login_attempt(
        &self,
        keys: &[&str],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64)>, DbError> {
        let mut tx = self.begin().await?;
        let mut counted = Vec::with_capacity(keys.len());
        for key in keys {
            if let crate::Tx::Postgres(t) = &mut tx {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(*key)
                    .execute(&mut **t)
                    .await?;
            }
            let id: i64 = on_tx!(&mut tx, conn => {
                sqlx::query_scalar("INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING id")
                    .bind(*key).bind(at).fetch_one(&mut *conn).await?
            });
            let count: i64 = on_tx!(&mut tx, conn => {
                sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                    .bind(*key).bind(since).fetch_one(&mut *conn).await?
            });
            counted.push((id, count));
        }
        tx.commit().await?;
        Ok(counted)
    }

    /// Takes back reserved attempts (the sign-in succeeded, or was throttled before any
    /// password was checked).
    pub async fn release_login_attempt(&self, ids: &[i64]) -> Result<(), DbError> {
        for id in ids {
            on_pool!(self, pool => {
                sqlx::query("DELETE FROM login_failures WHERE id = $1").bind(*id).execute(pool).await?.rows_affected()
            });
        }
        Ok(())
    }

    /// Records a failed sign-in under `key`.
    pub async fn record_login_failure(&self, key: &str, at: DateTime<Utc>) -> Result<(), DbError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)").bind(key).bind(at).execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    /// Failed sign-ins under `key` since `since`.
    pub async fn login_failures_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key).bind(since).fetch_one(pool).await?
        }))
    }

    /// Keys with at least `at_least` failed sign-ins since `since`, with their counts, most
    /// failures first.
    pub async fn login_failure_counts(
        &self,
        since: DateTime<Utc>,
        at_least: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT key, COUNT(*) FROM login_failures WHERE at >= $1 GROUP BY key HAVING COUNT(*) >= $2 ORDER BY COUNT(*) DESC, key",
            )
            .bind(since).bind(at_least).fetch_all(pool).await?
        }))
    }

    /// The time of the failure under `key` since `since` that has `skip` older ones beside it
    /// (0: the oldest), if there are that many.
    pub async fn login_failure_at(
        &self,
        key: &str,
        since: DateTime<Utc>,
        skip: i64,
    ) -> Result<Option<DateTime<Utc>>, DbError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at, id LIMIT 1 OFFSET $3")
                .bind(key).bind(since).bind(skip).fetch_optional(pool).await?
        }))
    }

    /// Lifts a lockout: forgets every failure under `key` (an administrator's decision, so
    /// audited). Answers how many failures were forgotten.
    pub async fn unlock_login(&self, actor: &Actor, key: &str) -> Result<u64, DbError> {
        let mut tx = self.begin().await?;
        let removed = on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(&mut *conn).await?.rows_affected()
        });
        let before = serde_json::json!({ "key": key, "failures": removed });
        tx.audit::<_, ()>(
            actor,
            Action::Delete,
            "login_lockout",
            key,
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Forgets failures under `key` (after a successful sign-in to that account).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), DbError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(pool).await?.rows_affected()
        });
        Ok(())
    }
}
