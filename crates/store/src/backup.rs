//! Online backup and restore of the embedded SQLite database (PostgreSQL has its own tools:
//! `pg_dump`/`pg_restore`, or base backups with WAL archiving; see the README).
//!
//! A backup is `VACUUM INTO` a new file: one read transaction, so it is a consistent snapshot
//! of every write committed before it began, and in WAL mode it neither waits for writers nor
//! holds them up (a page-by-page copy restarts whenever a writer commits, and under a few
//! hundred writes a second never finishes; a file copy tears). Beside it goes `FILE.sha256`,
//! in `sha256sum`'s format, so the copy can be checked wherever it travels.
//!
//! A restore checks that checksum and SQLite's own integrity check before it touches the
//! live file, then replaces it in one rename. It refuses while a server holds the file: each
//! `tandem serve` keeps a shared lock on `DB.serving` ([`ServingLock`]) and a restore needs
//! it exclusively, because a server would go on writing to the file it had open.

use crate::{Db, DbError};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnectOptions;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a backup or restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The database file written.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// The SQLite file a database URL names (`sqlite://path`, `sqlite:path` or a bare path), or
/// `None` for PostgreSQL.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    // Connection options after `?` are not part of the file name.
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn refused(message: impl Into<String>) -> DbError {
    DbError::Backup(message.into())
}

fn io(what: &str, path: &Path, error: std::io::Error) -> DbError {
    refused(format!("{what} {}: {error}", path.display()))
}

/// The checksum file beside a backup.
pub fn checksum_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".sha256");
    PathBuf::from(name)
}

/// The SHA-256 of a file, hex.
pub fn sha256_of(path: &Path) -> Result<String, DbError> {
    let mut file = File::open(path).map_err(|e| io("reading", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(|e| io("reading", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

impl Db {
    /// Writes a consistent copy of the SQLite database to `target` (which must not exist)
    /// while the database stays in use, and its checksum beside it.
    pub async fn backup_to(&self, target: &Path) -> Result<BackupSummary, DbError> {
        let Db::Sqlite(pool) = self else {
            return Err(refused(
                "tandem backup copies the embedded SQLite database; back up PostgreSQL with pg_dump (see the README)",
            ));
        };
        if target.exists() {
            return Err(refused(format!(
                "{} already exists; a backup never overwrites a file",
                target.display()
            )));
        }
        let name = target
            .to_str()
            .ok_or_else(|| refused(format!("{} is not UTF-8", target.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(name)
            .execute(pool)
            .await?;
        let sha256 = sha256_of(target)?;
        let bytes = std::fs::metadata(target)
            .map_err(|e| io("reading", target, e))?
            .len();
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sums = checksum_path(target);
        std::fs::write(&sums, format!("{sha256}  {file_name}\n"))
            .map_err(|e| io("writing", &sums, e))?;
        Ok(BackupSummary {
            path: target.to_owned(),
            bytes,
            sha256,
        })
    }
}

/// Replaces the SQLite database at `database` with the backup at `backup`, after checking
/// the backup's checksum file and SQLite's integrity check. Refused while a server holds the
/// database; nothing is changed when any check fails.
pub async fn restore(database: &Path, backup: &Path) -> Result<BackupSummary, DbError> {
    let sums = checksum_path(backup);
    let recorded = std::fs::read_to_string(&sums).map_err(|e| io("reading", &sums, e))?;
    let expected = recorded.split_whitespace().next().unwrap_or_default();
    let actual = sha256_of(backup)?;
    if expected != actual {
        return Err(refused(format!(
            "{}: its SHA-256 is {actual}, but {} says {expected}; the file changed since the backup",
            backup.display(),
            sums.display()
        )));
    }
    check_integrity(backup).await?;
    let _lock = ServingLock::exclusive(database)?;
    let staging = database.with_extension("restoring");
    std::fs::copy(backup, &staging).map_err(|e| io("copying to", &staging, e))?;
    File::open(&staging)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("syncing", &staging, e))?;
    // The old write-ahead log belongs to the old file: replayed over the restored one it
    // would corrupt it.
    for suffix in ["-wal", "-shm"] {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("removing the old log of", database, e)),
        }
    }
    std::fs::rename(&staging, database).map_err(|e| io("replacing", database, e))?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable only once the directory is.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io("syncing", dir, e))?;
    }
    Ok(BackupSummary {
        path: database.to_owned(),
        bytes: std::fs::metadata(database)
            .map_err(|e| io("reading", database, e))?
            .len(),
        sha256: actual,
    })
}

/// SQLite's integrity check on a file opened read-only, and that it is a tandem database.
async fn check_integrity(path: &Path) -> Result<(), DbError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| refused(format!("{}: not a SQLite database ({e})", path.display())))?;
    let verdict: Result<(String, i64), sqlx::Error> = async {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await?;
        let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&pool)
            .await?;
        Ok((check, migrations))
    }
    .await;
    pool.close().await;
    match verdict {
        Ok((check, migrations)) if check == "ok" && migrations > 0 => Ok(()),
        Ok((check, _)) if check != "ok" => Err(refused(format!(
            "{}: SQLite's integrity check says {check}",
            path.display()
        ))),
        Ok(_) => Err(refused(format!(
            "{}: not a tandem database (no migrations recorded)",
            path.display()
        ))),
        Err(e) => Err(refused(format!(
            "{}: not a tandem database ({e})",
            path.display()
        ))),
    }
}

/// A lock on `DB.serving` beside a SQLite database: shared by every process serving it,
/// exclusive for a restore. Released when dropped (or when the process dies).
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

impl ServingLock {
    fn file(database: &Path) -> Result<File, DbError> {
        let mut name = database.as_os_str().to_owned();
        name.push(".serving");
        let path = PathBuf::from(name);
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io("opening", &path, e))
    }

    /// Held by a server for as long as it serves `database`; several servers may share it.
    pub fn shared(database: &Path) -> Result<Self, DbError> {
        let file = Self::file(database)?;
        file.try_lock_shared().map_err(|_| {
            refused(format!(
                "{} is being restored; serve it when the restore is done",
                database.display()
            ))
        })?;
        Ok(Self { _file: file })
    }

    /// Held by a restore; refused while any server holds the shared lock.
    pub fn exclusive(database: &Path) -> Result<Self, DbError> {
        let file = Self::file(database)?;
        file.try_lock().map_err(|_| {
            refused(format!(
                "a tandem server is serving {}; stop it before restoring",
                database.display()
            ))
        })?;
        Ok(Self { _file: file })
    }
}
