//! Programs.

use crate::audit::Action;
use crate::error::stored;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use domain::ids::{OrgUnitId, ProgramId};
use domain::programs::{NewProgram, Program, ProgramKind};
use domain::values::{Name, Slug};

type Row = (i64, String, String, String, String, Option<i64>);

fn from_row((id, code, name, kind, description, root): Row) -> Result<Program, DbError> {
    Ok(Program {
        id: ProgramId(id),
        code: stored(Slug::parse(&code))?,
        name: stored(Name::parse(&name))?,
        kind: stored(ProgramKind::parse(&kind))?,
        description,
        root_org_unit: root.map(OrgUnitId),
    })
}

impl Db {
    /// Every program, by name.
    pub async fn programs(&self) -> Result<Vec<Program>, DbError> {
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, name, kind, description, root_org_unit_id FROM programs ORDER BY name")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(from_row).collect()
    }

    /// The program with this id.
    pub async fn program(&self, id: ProgramId) -> Result<Program, DbError> {
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, name, kind, description, root_org_unit_id FROM programs WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        from_row(row.ok_or_else(|| DbError::NotFound {
            entity: "program",
            key: id.to_string(),
        })?)
    }

    /// The program with this code.
    pub async fn program_by_code(&self, code: &Slug) -> Result<Program, DbError> {
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, name, kind, description, root_org_unit_id FROM programs WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(pool)
                .await?
        });
        from_row(row.ok_or_else(|| DbError::NotFound {
            entity: "program",
            key: code.to_string(),
        })?)
    }

    /// Creates a program.
    pub async fn create_program(
        &self,
        actor: &Actor,
        new: &NewProgram,
    ) -> Result<Program, DbError> {
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO programs (code, name, kind, description, root_org_unit_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(new.code.as_str())
            .bind(new.name.as_str())
            .bind(new.kind.as_str())
            .bind(&new.description)
            .bind(new.root_org_unit.map(|o| o.0))
            .bind(crate::now())
            .fetch_one(&mut *conn)
            .await?
        });
        let program = Program {
            id: ProgramId(id),
            code: new.code.clone(),
            name: new.name.clone(),
            kind: new.kind,
            description: new.description.clone(),
            root_org_unit: new.root_org_unit,
        };
        tx.audit::<(), _>(actor, Action::Create, "program", id, None, Some(&program))
            .await?;
        tx.commit().await?;
        Ok(program)
    }
}
