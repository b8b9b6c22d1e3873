//! Action items agreed at debriefs and followed up later: the open ones, one by id, and the
//! follow-up that marks one done or dropped. Apart because they change long after their
//! activity was recorded, through their own audited writes.

use super::stored_date;
use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::NaiveDate;
use domain::field::ActionStatus;
use domain::ids::{ActionItemId, ActivityId};
use domain::ids::{PersonId, ProgramId};
use domain::values::free_text;
use serde::Serialize;

/// An action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ActionItemId,
    /// The activity whose debrief agreed it.
    #[schema(value_type = i64)]
    pub activity: ActivityId,
    /// Who does it.
    #[schema(value_type = i64)]
    pub owner: PersonId,
    /// Their name.
    pub owner_name: String,
    /// What.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub status: ActionStatus,
    /// When it was closed.
    pub closed_on: Option<NaiveDate>,
    /// What the follow-up found.
    pub follow_up_note: String,
}

pub(super) type ActionRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Code<ActionStatus>,
    Option<String>,
    String,
);

pub(super) const ACTION_SELECT: &str = "SELECT x.id, x.activity_id, x.owner_id, p.name, x.description, x.due_on, x.status, x.closed_on, x.follow_up_note \
     FROM action_items x JOIN people p ON p.id = x.owner_id";

pub(super) fn action_from_row(row: ActionRow) -> Result<ActionItem, DbError> {
    let (id, activity, owner, owner_name, description, due_on, status, closed_on, note) = row;
    Ok(ActionItem {
        id: ActionItemId(id),
        activity: ActivityId(activity),
        owner: PersonId(owner),
        owner_name,
        description,
        due_on: stored_date(&due_on)?,
        status: status.0,
        closed_on: closed_on.as_deref().map(stored_date).transpose()?,
        follow_up_note: note,
    })
}

impl Db {
    /// A program's open action items by due date, optionally only at facilities under a
    /// path prefix and/or owned by one person.
    pub async fn open_actions(
        &self,
        program: ProgramId,
        under_path: Option<&str>,
        owner: Option<PersonId>,
    ) -> Result<Vec<ActionItem>, DbError> {
        let under = under_path.unwrap_or_default();
        let sql = format!(
            "{ACTION_SELECT} JOIN activities a ON a.id = x.activity_id LEFT JOIN org_units o ON o.id = a.facility_id \
             WHERE a.program_id = $1 AND x.status = 'open' AND ($2 = '' OR o.path LIKE $3) AND ($4 = 0 OR x.owner_id = $4) \
             ORDER BY x.due_on, x.id"
        );
        let rows: Vec<ActionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(program.0)
                .bind(under)
                .bind(format!("{under}%"))
                .bind(owner.map_or(0, |p| p.0))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(action_from_row).collect()
    }

    /// One action item.
    pub async fn action_item(&self, id: ActionItemId) -> Result<ActionItem, DbError> {
        let row: ActionRow = self
            .one_by_id(
                format!("{ACTION_SELECT} WHERE x.id = $1"),
                id.0,
                "action item",
            )
            .await?;
        action_from_row(row)
    }

    /// Follows up an action item: `done` or `dropped` closes it today (UTC), `open` reopens
    /// it. A non-empty `note` replaces the follow-up note; an empty one keeps it.
    pub async fn update_action(
        &self,
        actor: &Actor,
        id: ActionItemId,
        status: &str,
        note: &str,
    ) -> Result<ActionItem, DbError> {
        let status = ActionStatus::parse(status, "status")?;
        let note = free_text(note, "note", 2000, false)?;
        let before = self.action_item(id).await?;
        let closed_on = (status != ActionStatus::Open).then(|| {
            before
                .closed_on
                .filter(|_| before.status == status)
                .unwrap_or_else(|| crate::now().date_naive())
        });
        let note = if note.is_empty() {
            before.follow_up_note.clone()
        } else {
            note
        };
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE action_items SET status = $1, closed_on = $2, follow_up_note = $3 WHERE id = $4")
                .bind(status.as_str()).bind(closed_on.map(|d| d.to_string())).bind(&note).bind(id.0)
                .execute(&mut *conn).await?;
        });
        let after = ActionItem {
            status,
            closed_on,
            follow_up_note: note,
            ..before.clone()
        };
        tx.audit(
            actor,
            Action::Update,
            "action_item",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
