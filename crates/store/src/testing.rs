//! Fresh, isolated databases for tests of every crate: SQLite in a temporary file by default,
//! PostgreSQL (a new schema per test) when `TANDEM_TEST_DATABASE_URL` is set. The same test
//! suite thus runs on both backends.

use crate::{Db, DbError};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A unique name for this test's database or schema.
fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A migrated, empty database for one test.
pub async fn fresh_db() -> Result<Db, DbError> {
    fresh_db_through(i64::MAX).await
}

/// An empty database for one test, migrated up to migration `last` only.
pub async fn fresh_db_through(last: i64) -> Result<Db, DbError> {
    let db = match std::env::var("TANDEM_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = unique("t");
            let admin = Db::connect(&url).await?;
            crate::on_pool!(&admin, pool => {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(pool).await?.rows_affected()
            });
            admin.close().await;
            let options =
                PgConnectOptions::from_str(&url)?.options([("search_path", schema.as_str())]);
            Db::connect_postgres(options).await?
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{}.db", unique("tandem_test")));
            Db::connect_sqlite(
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true),
            )
            .await?
        }
    };
    db.migrate_through(last).await?;
    Ok(db)
}
