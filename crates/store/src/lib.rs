//! tandem's database. One [`Db`] over SQLite (the embedded default) or PostgreSQL (the
//! scale-out store). Each query is written once, in the SQL both dialects share (`$1`
//! placeholders, `RETURNING`, `ON CONFLICT`), and run through [`on_pool!`] / [`on_tx!`], which
//! expand the same code once per backend. The shared contract tests in `tests/it` prove the
//! two agree.
//!
//! Invariant: every method that changes data takes an [`Actor`] and writes its audit-log row in
//! the same transaction as the change.

mod codes;
mod error;

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod engine_changes;
pub mod facility_matching;
pub mod forms;
pub mod indicators;
pub mod matching;
pub mod memberships;
pub mod org_units;
pub mod people;
mod program_settings;
pub mod programs;
pub mod readiness;
pub mod research;
pub mod scheduling;
pub mod testing;
pub mod training;
pub mod visits;

pub use error::DbError;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

mod migrations {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// Runs `$body` with `$pool` bound to the backend's pool; the body is compiled once per
/// backend, so it may use backend-typed sqlx calls.
#[macro_export]
#[doc(hidden)]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut XConnection`);
/// pass `&mut *$conn` to each query.
#[macro_export]
#[doc(hidden)]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// The database: a pool on one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    /// Embedded SQLite file.
    Sqlite(SqlitePool),
    /// PostgreSQL server.
    Postgres(PgPool),
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

/// Who makes a change, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in account, if the change came through one.
    pub account: Option<domain::ids::AccountId>,
    /// A readable label: the username, or `cli` / `demo` / `system`.
    pub label: String,
}

impl Actor {
    /// A change made by a signed-in account.
    pub fn account(id: domain::ids::AccountId, username: &str) -> Self {
        Self {
            account: Some(id),
            label: username.to_owned(),
        }
    }

    /// A change made by the system itself (command line, demo loader, jobs).
    pub fn system(label: &str) -> Self {
        Self {
            account: None,
            label: label.to_owned(),
        }
    }
}

/// Which backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Db {
    /// Connects to `url`: `sqlite://path.db` (or a bare file path) or `postgres://…`.
    ///
    /// SQLite runs in WAL mode with `synchronous=FULL` and foreign keys on, so a write
    /// acknowledged to a client survives a crash or power loss.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.application_name("tandem");
            Self::connect_postgres(options).await
        } else {
            let path = backup::sqlite_path(url).unwrap_or_default();
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            Self::connect_sqlite(options).await
        }
    }

    pub(crate) async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self, DbError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    pub(crate) async fn connect_postgres(options: PgConnectOptions) -> Result<Self, DbError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend's folder; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, DbError> {
        self.migrate_through(i64::MAX).await
    }

    /// Applies pending migrations numbered up to `last`: a test of a migration's conversion of
    /// data stops before it, writes rows as they were, then migrates the rest.
    pub async fn migrate_through(&self, last: i64) -> Result<usize, DbError> {
        let list = match self {
            Db::Sqlite(_) => migrations::SQLITE,
            Db::Postgres(_) => migrations::POSTGRES,
        };
        let migrator = sqlx::migrate::Migrator::with_migrations(
            list.iter()
                .filter(|(version, _, _)| *version <= last)
                .map(|(version, description, sql)| {
                    sqlx::migrate::Migration::new(
                        *version,
                        (*description).into(),
                        sqlx::migrate::MigrationType::Simple,
                        sqlx::SqlSafeStr::into_sql_str(*sql),
                        false,
                    )
                })
                .collect(),
        );
        let before = self.applied_migrations().await.unwrap_or(0);
        on_pool!(self, pool => migrator.run(pool).await)?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize, DbError> {
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?
        });
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Names of the migration files for both backends, for the tidy check that they match.
    pub fn migration_names() -> (Vec<&'static str>, Vec<&'static str>) {
        let names = |list: &'static [(i64, &str, &str)]| list.iter().map(|m| m.1).collect();
        (names(migrations::SQLITE), names(migrations::POSTGRES))
    }

    /// The one row `sql` selects for `id` (bound as `$1`), or `NotFound` naming `entity`:
    /// every fetch of a stored thing by its id.
    pub(crate) async fn one_by_id<R>(
        &self,
        sql: String,
        id: i64,
        entity: &'static str,
    ) -> Result<R, DbError>
    where
        R: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let row: Option<R> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        row.ok_or_else(|| DbError::NotFound {
            entity,
            key: id.to_string(),
        })
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), DbError> {
        let _: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(pool).await?);
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue on the busy timeout instead of failing when a read
    /// lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction for reading only: several reads from one snapshot (SQLite's deferred
    /// `BEGIN` takes no write lock), so a read can share its code with the same read inside a
    /// write transaction.
    pub(crate) async fn read(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}

impl Tx {
    /// Makes the transaction's changes durable.
    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The current time, truncated to microseconds so both backends store it exactly.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Joins validated tokens for a list column.
pub(crate) fn join_list<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(",")
}

/// Splits a list column.
pub(crate) fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').filter(|s| !s.is_empty())
}
