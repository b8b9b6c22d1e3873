//! Memberships (a person's role in a program at an org unit) and pairings.

use crate::audit::Action;
use crate::codes::Code;
use crate::error::stored;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use domain::access::{Grant, Role};
use domain::ids::{MembershipId, OrgUnitId, PairingId, PersonId, ProgramId};
use domain::matching::PairingStatus;
use serde::Serialize;

/// A membership with the names a page or API client needs.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Membership {
    /// Id.
    #[schema(value_type = i64)]
    pub id: MembershipId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Person's name.
    pub person_name: String,
    /// Role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Scope org unit.
    #[schema(value_type = i64)]
    pub org_unit: OrgUnitId,
    /// Its name.
    pub org_unit_name: String,
    /// Its path.
    pub org_unit_path: String,
}

type Row = (i64, i64, i64, String, String, i64, String, String);

fn from_row(
    (id, program, person, person_name, role, org_unit, org_unit_name, path): Row,
) -> Result<Membership, DbError> {
    Ok(Membership {
        id: MembershipId(id),
        program: ProgramId(program),
        person: PersonId(person),
        person_name,
        role: stored(Role::parse(&role))?,
        org_unit: OrgUnitId(org_unit),
        org_unit_name,
        org_unit_path: path,
    })
}

const SELECT: &str = "SELECT m.id, m.program_id, m.person_id, p.name, m.role, m.org_unit_id, o.name, o.path \
     FROM memberships m JOIN people p ON p.id = m.person_id JOIN org_units o ON o.id = m.org_unit_id";

/// A mentorship pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Pairing {
    /// Id.
    #[schema(value_type = i64)]
    pub id: PairingId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Mentor.
    #[schema(value_type = i64)]
    pub mentor: PersonId,
    /// Mentee.
    #[schema(value_type = i64)]
    pub mentee: PersonId,
    /// Where it stands (C4: `awaiting_training` waits for the mentee's required courses).
    pub status: PairingStatus,
}

impl Db {
    /// Memberships in a program under an org-unit path prefix, by person name.
    pub async fn memberships_of_program(
        &self,
        program: ProgramId,
        under_path: &str,
    ) -> Result<Vec<Membership>, DbError> {
        let sql =
            format!("{SELECT} WHERE m.program_id = $1 AND o.path LIKE $2 ORDER BY p.name, m.role");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(format!("{under_path}%")).fetch_all(pool).await?
        });
        rows.into_iter().map(from_row).collect()
    }

    /// A person's memberships in every program.
    pub async fn memberships_of_person(
        &self,
        person: PersonId,
    ) -> Result<Vec<Membership>, DbError> {
        let sql = format!("{SELECT} WHERE m.person_id = $1 ORDER BY m.program_id, m.role");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person.0).fetch_all(pool).await?
        });
        rows.into_iter().map(from_row).collect()
    }

    /// One membership.
    pub async fn membership(&self, id: MembershipId) -> Result<Membership, DbError> {
        let row: Row = self
            .one_by_id(format!("{SELECT} WHERE m.id = $1"), id.0, "membership")
            .await?;
        from_row(row)
    }

    /// The roles a person holds, for access decisions.
    pub async fn grants_of(&self, person: PersonId) -> Result<Vec<Grant>, DbError> {
        Ok(self
            .memberships_of_person(person)
            .await?
            .into_iter()
            .map(|m| Grant {
                program: m.program,
                role: m.role,
                org_unit_path: m.org_unit_path,
            })
            .collect())
    }

    /// Gives a person a role in a program at an org unit, checking the role fits the unit's
    /// level (a facility leader at a facility, a regional viewer at a region).
    pub async fn add_membership(
        &self,
        actor: &Actor,
        program: ProgramId,
        person: PersonId,
        role: Role,
        org_unit: OrgUnitId,
    ) -> Result<Membership, DbError> {
        self.program(program).await?;
        self.person(person).await?;
        let unit = self.org_unit(org_unit).await.map_err(|_| {
            DbError::Invalid(domain::FieldError::new(
                "org_unit",
                format!("no org unit has id {org_unit}"),
            ))
        })?;
        role.check_scope(unit.level)?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO memberships (program_id, person_id, role, org_unit_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(program.0)
            .bind(person.0)
            .bind(role.as_str())
            .bind(org_unit.0)
            .bind(crate::now())
            .fetch_one(&mut *conn)
            .await?
        });
        let record = serde_json::json!({
            "id": id, "program": program, "person": person, "role": role, "org_unit": org_unit,
        });
        tx.audit::<(), _>(actor, Action::Create, "membership", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        self.membership(MembershipId(id)).await
    }

    /// Removes a membership.
    pub async fn remove_membership(&self, actor: &Actor, id: MembershipId) -> Result<(), DbError> {
        let before = self.membership(id).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM memberships WHERE id = $1").bind(id.0).execute(&mut *conn).await?.rows_affected()
        });
        tx.audit::<_, ()>(actor, Action::Delete, "membership", id, Some(&before), None)
            .await?;
        tx.commit().await
    }

    /// Records a pairing (matching creates these; the demo and tests too). The status is
    /// taken as given: [`Db::add_gated_pairing`] applies the training gate (C4).
    pub async fn add_pairing(
        &self,
        actor: &Actor,
        program: ProgramId,
        mentor: PersonId,
        mentee: PersonId,
        status: PairingStatus,
    ) -> Result<Pairing, DbError> {
        let mut tx = self.begin().await?;
        let pairing = insert_pairing_in(&mut tx, actor, program, mentor, mentee, status).await?;
        tx.commit().await?;
        Ok(pairing)
    }

    /// Pairings a person is part of (as mentor or mentee), not ended.
    pub async fn pairings_of(&self, person: PersonId) -> Result<Vec<Pairing>, DbError> {
        let rows: Vec<PairingRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, program_id, mentor_id, mentee_id, status FROM pairings \
                 WHERE status <> 'ended' AND (mentor_id = $1 OR mentee_id = $1) ORDER BY id",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Pairing::from_row).collect())
    }
}

/// Inserts a pairing and its audit row inside `tx`, so a caller can decide the status in the
/// same transaction (the training gate reads completions there).
pub(crate) async fn insert_pairing_in(
    tx: &mut crate::Tx,
    actor: &Actor,
    program: ProgramId,
    mentor: PersonId,
    mentee: PersonId,
    status: PairingStatus,
) -> Result<Pairing, DbError> {
    let id: i64 = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO pairings (program_id, mentor_id, mentee_id, status, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(program.0)
        .bind(mentor.0)
        .bind(mentee.0)
        .bind(status.as_str())
        .bind(crate::now())
        .fetch_one(&mut *conn)
        .await?
    });
    let pairing = Pairing {
        id: PairingId(id),
        program,
        mentor,
        mentee,
        status,
    };
    tx.audit::<(), _>(actor, Action::Create, "pairing", id, None, Some(&pairing))
        .await?;
    Ok(pairing)
}

/// `(id, program_id, mentor_id, mentee_id, status)` as a query reads a pairing.
pub(crate) type PairingRow = (i64, i64, i64, i64, Code<PairingStatus>);

impl Pairing {
    /// From `(id, program_id, mentor_id, mentee_id, status)`.
    pub(crate) fn from_row((id, program, mentor, mentee, status): PairingRow) -> Self {
        Pairing {
            id: PairingId(id),
            program: ProgramId(program),
            mentor: PersonId(mentor),
            mentee: PersonId(mentee),
            status: status.0,
        }
    }

    /// Ends this pairing inside `tx`, with its audit row.
    pub(crate) async fn end_in(&self, tx: &mut crate::Tx, actor: &Actor) -> Result<(), DbError> {
        on_tx!(&mut *tx, conn => {
            sqlx::query("UPDATE pairings SET status = 'ended' WHERE id = $1").bind(self.id.0).execute(&mut *conn).await?.rows_affected()
        });
        let after = Pairing {
            status: PairingStatus::Ended,
            ..self.clone()
        };
        tx.audit(
            actor,
            Action::Update,
            "pairing",
            self.id,
            Some(self),
            Some(&after),
        )
        .await
    }
}
