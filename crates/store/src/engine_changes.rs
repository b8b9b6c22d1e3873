//! The ordered log of changes to what the indicator engines hold (values saved, activities
//! recorded, structural changes), written in the same transaction as the rows it describes.
//! Every server keeps its engines in memory and tails this log in `seq` order, so a write on
//! one server reaches the figures of every other one without a restart.
//!
//! Invariant: `seq` order is commit order. SQLite has one writer at a time; on PostgreSQL an
//! identity column alone would not do (a transaction that took seq 7 may commit after the
//! one that took 8, and a reader that saw 8 would skip 7 for ever), so each writer takes a
//! transaction-scoped advisory lock before it takes its number and holds it to its commit.
//! That serialises only the last moment of these writes, not their checks.

use crate::visits::Activity;
use crate::{Db, DbError, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::{ActivityId, ProgramId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// The PostgreSQL channel a committed change is announced on.
const CHANNEL: &str = "tandem_engine_changes";

/// The advisory lock key that orders the log on PostgreSQL ("tandemEC" in ASCII).
const ORDER_LOCK: i64 = 0x7461_6e64_656d_4543;

/// Values saved in one write beyond which the log asks for a rebuild instead of carrying
/// them: a bulk import would otherwise make one huge log row.
pub const MAX_LOGGED_VALUES: usize = 1000;

/// A value as the engines hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineValue {
    /// Data element code.
    pub data_element: String,
    /// Facility code.
    pub org_unit: String,
    /// DHIS2 period id.
    pub period: String,
    /// The value.
    pub value: f64,
}

/// What changed.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineChange {
    /// Values were saved (a value saved twice is simply set again).
    Values(Vec<EngineValue>),
    /// An activity was recorded.
    Activity(ActivityId),
    /// The engine must be rebuilt from the rows (its data elements, the org-unit tree, or a
    /// bulk load changed).
    Rebuild,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedChange {
    /// Its place in commit order.
    pub seq: i64,
    /// The program it concerns; `None`: every program.
    pub program: Option<ProgramId>,
    /// What changed.
    pub change: EngineChange,
}

/// A recorded activity with what an engine needs beside it.
#[derive(Debug, Clone)]
pub struct EngineActivity {
    /// The activity.
    pub activity: Activity,
    /// Its facility's code, if it has a facility.
    pub facility_code: Option<String>,
    /// Percent of the points possible on its first scorable checklist.
    pub score: Option<f64>,
}

impl Tx {
    /// Logs a change to what `program`'s engine holds (`None`: every program's), to be seen
    /// by every server once this transaction commits.
    pub async fn log_engine_change(
        &mut self,
        program: Option<ProgramId>,
        change: &EngineChange,
    ) -> Result<(), DbError> {
        let (kind, activity, values) = match change {
            EngineChange::Values(values) if values.len() > MAX_LOGGED_VALUES => {
                ("rebuild", None, None)
            }
            EngineChange::Values(values) => (
                "values",
                None,
                Some(serde_json::to_string(values).map_err(|e| DbError::Corrupt(e.to_string()))?),
            ),
            EngineChange::Activity(id) => ("activity", Some(id.0), None),
            EngineChange::Rebuild => ("rebuild", None, None),
        };
        let program = program.map(|p| p.0);
        if let Tx::Postgres(t) = self {
            // Held to commit: the next writer takes its number after this one commits.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(ORDER_LOCK)
                .execute(&mut **t)
                .await?;
        }
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO engine_changes (program_id, kind, activity_id, values_json, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(program).bind(kind).bind(activity).bind(&values).bind(crate::now())
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
        if let Tx::Postgres(t) = self {
            // Delivered at commit, and not at all on rollback.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANNEL)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }
}

type ChangeRow = (i64, Option<i64>, String, Option<i64>, Option<String>);

/// An activity's id, facility code, and first scorable checklist's total and maximum.
type ExtrasRow = (i64, Option<String>, Option<f64>, Option<f64>);

impl Db {
    /// The last entry's `seq` (0 when the log is empty): an engine built after reading this
    /// holds at least every change up to it.
    pub async fn last_engine_change(&self) -> Result<i64, DbError> {
        let last: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(seq) FROM engine_changes").fetch_one(pool).await?
        });
        Ok(last.unwrap_or(0))
    }

    /// Up to `limit` entries after `seq`, in order.
    pub async fn engine_changes_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<LoggedChange>, DbError> {
        let rows: Vec<ChangeRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, program_id, kind, activity_id, values_json FROM engine_changes \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(seq).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(seq, program, kind, activity, values)| {
                let corrupt = |what: &str| DbError::Corrupt(format!("engine change {seq}: {what}"));
                let change = match (kind.as_str(), activity, values) {
                    ("values", _, Some(json)) => EngineChange::Values(
                        serde_json::from_str(&json).map_err(|e| corrupt(&e.to_string()))?,
                    ),
                    ("activity", Some(id), _) => EngineChange::Activity(ActivityId(id)),
                    ("rebuild", _, _) => EngineChange::Rebuild,
                    (other, _, _) => return Err(corrupt(&format!("unknown kind {other:?}"))),
                };
                Ok(LoggedChange {
                    seq,
                    program: program.map(ProgramId),
                    change,
                })
            })
            .collect()
    }

    /// The activities logged in entries `after < seq <= through`, with their facility codes
    /// and checklist scores: what the engines append for them.
    pub async fn engine_activities(
        &self,
        after: i64,
        through: i64,
    ) -> Result<HashMap<ActivityId, EngineActivity>, DbError> {
        let logged = "SELECT activity_id FROM engine_changes WHERE seq > $1 AND seq <= $2 AND kind = 'activity'";
        let activities = self
            .activities_where(&format!("a.id IN ({logged})"), after, through)
            .await?;
        let extras: Vec<ExtrasRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT a.id, o.code, c.score_total, c.score_max FROM activities a \
                 LEFT JOIN org_units o ON o.id = a.facility_id \
                 LEFT JOIN checklist_submissions c ON c.id = \
                   (SELECT MIN(s.id) FROM checklist_submissions s WHERE s.activity_id = a.id AND s.score_max > 0) \
                 WHERE a.id IN ({logged})"
            )))
            .bind(after).bind(through).fetch_all(pool).await?
        });
        let extras: HashMap<i64, (Option<String>, Option<f64>)> = extras
            .into_iter()
            .map(|(id, code, total, max)| {
                let score = total.zip(max).map(|(t, m)| 100.0 * t / m);
                (id, (code, score))
            })
            .collect();
        Ok(activities
            .into_iter()
            .map(|activity| {
                let (facility_code, score) =
                    extras.get(&activity.id.0).cloned().unwrap_or_default();
                (
                    activity.id,
                    EngineActivity {
                        activity,
                        facility_code,
                        score,
                    },
                )
            })
            .collect())
    }

    /// Deletes entries older than `before`. Safe for a server that keeps up (it polls every
    /// second); one that starts builds its engines from the rows, not from the log.
    pub async fn prune_engine_changes(&self, before: DateTime<Utc>) -> Result<u64, DbError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM engine_changes WHERE created_at < $1")
                .bind(before).execute(pool).await?.rows_affected()
        }))
    }

    /// Something that resolves when another server may have logged a change: a PostgreSQL
    /// notification (or a second without one, in case a notification was lost while
    /// reconnecting), or a short poll on SQLite, whose servers share only the file.
    pub async fn engine_change_waker(&self) -> Result<EngineChangeWaker, DbError> {
        Ok(match self {
            Db::Sqlite(_) => EngineChangeWaker::Poll(SQLITE_POLL),
            Db::Postgres(pool) => {
                let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
                listener.listen(CHANNEL).await?;
                EngineChangeWaker::Listen(Box::new(listener))
            }
        })
    }
}

/// How often a server on SQLite looks for other servers' changes.
const SQLITE_POLL: Duration = Duration::from_millis(200);

/// The longest a PostgreSQL server waits for a notification before looking anyway.
const POSTGRES_FALLBACK: Duration = Duration::from_secs(1);

/// See [`Db::engine_change_waker`].
#[derive(Debug)]
pub enum EngineChangeWaker {
    /// Sleep between looks (SQLite).
    Poll(Duration),
    /// Wait for a notification (PostgreSQL).
    Listen(Box<sqlx::postgres::PgListener>),
}

impl EngineChangeWaker {
    /// Waits until there may be something new.
    pub async fn wait(&mut self) {
        match self {
            EngineChangeWaker::Poll(every) => tokio::time::sleep(*every).await,
            EngineChangeWaker::Listen(listener) => {
                match tokio::time::timeout(POSTGRES_FALLBACK, listener.recv()).await {
                    // One look answers every notification already here.
                    Ok(Ok(_)) => while listener.next_buffered().is_some() {},
                    // The connection dropped (the listener reconnects on its next call):
                    // look now, but do not spin while the server is away.
                    Ok(Err(_)) => tokio::time::sleep(POSTGRES_FALLBACK).await,
                    // No notification within the fallback: look anyway.
                    Err(_) => {}
                }
            }
        }
    }
}
