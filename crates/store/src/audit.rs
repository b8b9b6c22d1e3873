//! The audit log: one row per change, written in the change's transaction.

use crate::{Actor, Db, DbError, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::AuditEntryId;
use serde::Serialize;

/// What happened to the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Created.
    Create,
    /// Changed.
    Update,
    /// Removed.
    Delete,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// One audit-log row.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Row id.
    #[schema(value_type = i64)]
    pub id: AuditEntryId,
    /// When, UTC.
    pub at: DateTime<Utc>,
    /// Account that acted, if any.
    pub account_id: Option<i64>,
    /// Who, readable.
    pub actor: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// Entity kind (`person`, `org_unit`, …).
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// JSON before the change.
    pub before: Option<serde_json::Value>,
    /// JSON after the change.
    pub after: Option<serde_json::Value>,
}

impl Tx {
    /// Records a change. `before` and `after` are serialised as JSON.
    pub async fn audit<B: Serialize, A: Serialize>(
        &mut self,
        actor: &Actor,
        action: Action,
        entity: &str,
        entity_id: impl ToString,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), DbError> {
        let before = before
            .map(serde_json::to_string)
            .transpose()
            .map_err(corrupt)?;
        let after = after
            .map(serde_json::to_string)
            .transpose()
            .map_err(corrupt)?;
        let account = actor.account.map(|a| a.0);
        let entity_id = entity_id.to_string();
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO audit_log (at, account_id, actor, action, entity, entity_id, before_json, after_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(crate::now())
            .bind(account)
            .bind(&actor.label)
            .bind(action.as_str())
            .bind(entity)
            .bind(&entity_id)
            .bind(&before)
            .bind(&after)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}

fn corrupt(error: serde_json::Error) -> DbError {
    DbError::Corrupt(error.to_string())
}

type AuditRow = (
    i64,
    DateTime<Utc>,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl Db {
    /// How many audit rows there are, optionally for one entity.
    pub async fn audit_count(&self, entity: Option<(&str, &str)>) -> Result<i64, DbError> {
        let (kind, id) = entity.unwrap_or(("", ""));
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE ($1 = '' OR (entity = $1 AND entity_id = $2))")
                .bind(kind).bind(id).fetch_one(pool).await?
        }))
    }

    /// The most recent audit rows, optionally for one entity, newest first.
    pub async fn audit_entries(
        &self,
        entity: Option<(&str, &str)>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, DbError> {
        let (kind, id) = entity.unwrap_or(("", ""));
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, at, account_id, actor, action, entity, entity_id, before_json, after_json \
                 FROM audit_log WHERE ($1 = '' OR (entity = $1 AND entity_id = $2)) \
                 ORDER BY id DESC LIMIT $3 OFFSET $4",
            )
            .bind(kind)
            .bind(id)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, at, account_id, actor, action, entity, entity_id, before, after)| {
                    let parse =
                        |raw: Option<String>| -> Result<Option<serde_json::Value>, DbError> {
                            raw.map(|r| serde_json::from_str(&r).map_err(corrupt))
                                .transpose()
                        };
                    Ok(AuditEntry {
                        id: AuditEntryId(id),
                        at,
                        account_id,
                        actor,
                        action,
                        entity,
                        entity_id,
                        before: parse(before)?,
                        after: parse(after)?,
                    })
                },
            )
            .collect()
    }
}
