//! The org-unit tree.

use crate::audit::Action;
use crate::error::stored;
use crate::{Actor, Db, DbError, Tx, on_pool, on_tx};
use domain::FieldError;
use domain::ids::OrgUnitId;
use domain::org_units::{NewOrgUnit, OrgUnit, OrgUnitLevel, check_parent_level};
use domain::values::{Coordinates, Dhis2Uid, Name, OrgUnitCode};

const COLUMNS: &str = "id, parent_id, level, code, name, dhis2_uid, latitude, longitude, path";

type Row = (
    i64,
    Option<i64>,
    i64,
    String,
    String,
    Option<String>,
    Option<f64>,
    Option<f64>,
    String,
);

fn from_row(row: Row) -> Result<OrgUnit, DbError> {
    let (id, parent, level, code, name, uid, lat, lon, path) = row;
    Ok(OrgUnit {
        id: OrgUnitId(id),
        parent: parent.map(OrgUnitId),
        level: stored(OrgUnitLevel::from_number(level))?,
        code: stored(OrgUnitCode::parse(&code))?,
        name: stored(Name::parse(&name))?,
        dhis2_uid: uid
            .as_deref()
            .map(Dhis2Uid::parse)
            .transpose()
            .map_err(|e| DbError::Corrupt(e.to_string()))?,
        coordinates: match (lat, lon) {
            (Some(lat), Some(lon)) => Some(stored(Coordinates::new(lat, lon))?),
            _ => None,
        },
        path,
    })
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New rows.
    pub created: usize,
    /// Existing rows (matched by code) whose fields changed.
    pub updated: usize,
    /// Existing rows left as they were.
    pub unchanged: usize,
}

impl Db {
    /// The unit with this id.
    pub async fn org_unit(&self, id: OrgUnitId) -> Result<OrgUnit, DbError> {
        let row: Row = self
            .one_by_id(
                format!("SELECT {COLUMNS} FROM org_units WHERE id = $1"),
                id.0,
                "org unit",
            )
            .await?;
        from_row(row)
    }

    /// The unit with this code.
    pub async fn org_unit_by_code(&self, code: &OrgUnitCode) -> Result<OrgUnit, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM org_units WHERE code = $1");
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code.as_str()).fetch_optional(pool).await?
        });
        from_row(row.ok_or_else(|| DbError::NotFound {
            entity: "org unit",
            key: code.to_string(),
        })?)
    }

    /// Every unit, in tree order (parents before children, siblings by name).
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM org_units ORDER BY path");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        let mut units = rows
            .into_iter()
            .map(from_row)
            .collect::<Result<Vec<_>, _>>()?;
        sort_tree(&mut units);
        Ok(units)
    }

    /// The unit and its ancestors, root first (breadcrumbs).
    pub async fn org_unit_ancestry(&self, unit: &OrgUnit) -> Result<Vec<OrgUnit>, DbError> {
        let mut chain = Vec::new();
        for id in unit.path.split('/').filter(|s| !s.is_empty()) {
            let id: i64 = id
                .parse()
                .map_err(|_| DbError::Corrupt(format!("org unit path {}", unit.path)))?;
            chain.push(self.org_unit(OrgUnitId(id)).await?);
        }
        Ok(chain)
    }

    /// The direct children of a unit, by name.
    pub async fn org_unit_children(&self, id: OrgUnitId) -> Result<Vec<OrgUnit>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM org_units WHERE parent_id = $1 ORDER BY name");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_all(pool).await?
        });
        rows.into_iter().map(from_row).collect()
    }

    /// Creates one unit.
    pub async fn create_org_unit(
        &self,
        actor: &Actor,
        new: &NewOrgUnit,
    ) -> Result<OrgUnit, DbError> {
        let mut tx = self.begin().await?;
        let unit = tx.insert_org_unit(actor, new).await?;
        // Every program's engine holds the tree.
        tx.log_engine_change(None, &crate::engine_changes::EngineChange::Rebuild)
            .await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Imports units in file order, all or nothing. A row whose code exists updates that
    /// unit's name, UID and coordinates; moving a unit to another parent is refused.
    pub async fn import_org_units(
        &self,
        actor: &Actor,
        rows: &[(usize, NewOrgUnit)],
    ) -> Result<ImportCounts, DbError> {
        let mut tx = self.begin().await?;
        let mut counts = ImportCounts::default();
        for (row, new) in rows {
            let outcome = tx
                .upsert_org_unit(actor, new)
                .await
                .map_err(|e| e.at_row(*row))?;
            match outcome {
                Upsert::Created => counts.created += 1,
                Upsert::Updated => counts.updated += 1,
                Upsert::Unchanged => counts.unchanged += 1,
            }
        }
        if counts.created > 0 {
            // Every program's engine holds the tree; names and coordinates it does not hold.
            tx.log_engine_change(None, &crate::engine_changes::EngineChange::Rebuild)
                .await?;
        }
        tx.commit().await?;
        Ok(counts)
    }
}

/// Orders units depth-first with siblings by name, from any order.
fn sort_tree(units: &mut [OrgUnit]) {
    let name_of: std::collections::HashMap<i64, String> = units
        .iter()
        .map(|u| (u.id.0, u.name.as_str().to_lowercase()))
        .collect();
    let key = |u: &OrgUnit| -> Vec<(String, i64)> {
        u.path
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .map(|id| (name_of.get(&id).cloned().unwrap_or_default(), id))
            .collect()
    };
    units.sort_by_cached_key(key);
}

enum Upsert {
    Created,
    Updated,
    Unchanged,
}

impl Tx {
    pub(crate) async fn org_unit_by_code(
        &mut self,
        code: &OrgUnitCode,
    ) -> Result<Option<OrgUnit>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM org_units WHERE code = $1");
        let row: Option<Row> = on_tx!(self, conn => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code.as_str()).fetch_optional(&mut *conn).await?
        });
        row.map(from_row).transpose()
    }

    async fn upsert_org_unit(
        &mut self,
        actor: &Actor,
        new: &NewOrgUnit,
    ) -> Result<Upsert, DbError> {
        let Some(existing) = self.org_unit_by_code(&new.code).await? else {
            self.insert_org_unit(actor, new).await?;
            return Ok(Upsert::Created);
        };
        let parent = match &new.parent_code {
            Some(code) => self.org_unit_by_code(code).await?.map(|p| p.id),
            None => None,
        };
        if parent != existing.parent || new.level != existing.level {
            return Err(DbError::Invalid(FieldError::new(
                "parent_code",
                format!(
                    "org unit {} exists under another parent or level; moving units is not supported by import",
                    new.code
                ),
            )));
        }
        let changed = OrgUnit {
            name: new.name.clone(),
            dhis2_uid: new.dhis2_uid.clone(),
            coordinates: new.coordinates,
            ..existing.clone()
        };
        if changed == existing {
            return Ok(Upsert::Unchanged);
        }
        let (lat, lon) = coordinates(&changed);
        on_tx!(self, conn => {
            sqlx::query("UPDATE org_units SET name = $1, dhis2_uid = $2, latitude = $3, longitude = $4 WHERE id = $5")
                .bind(changed.name.as_str())
                .bind(changed.dhis2_uid.as_ref().map(Dhis2Uid::as_str))
                .bind(lat)
                .bind(lon)
                .bind(changed.id.0)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        self.audit(
            actor,
            Action::Update,
            "org_unit",
            changed.id,
            Some(&existing),
            Some(&changed),
        )
        .await?;
        Ok(Upsert::Updated)
    }

    /// Inserts a unit under the parent its code names, checking the level.
    pub async fn insert_org_unit(
        &mut self,
        actor: &Actor,
        new: &NewOrgUnit,
    ) -> Result<OrgUnit, DbError> {
        let parent = match &new.parent_code {
            None => None,
            Some(code) => Some(self.org_unit_by_code(code).await?.ok_or_else(|| {
                DbError::Invalid(FieldError::new(
                    "parent_code",
                    format!("no org unit has code {code}"),
                ))
            })?),
        };
        check_parent_level(new.level, parent.as_ref().map(|p| p.level))?;
        let (lat, lon) = new
            .coordinates
            .map(|c| (Some(c.latitude), Some(c.longitude)))
            .unwrap_or_default();
        let parent_path = parent.as_ref().map_or("/", |p| p.path.as_str()).to_owned();
        // The path needs the new id, so it is written in a second statement of the same
        // transaction; the placeholder '' never becomes visible to other connections.
        let id: i64 = on_tx!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO org_units (parent_id, level, code, name, dhis2_uid, latitude, longitude, path) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, '') RETURNING id",
            )
            .bind(parent.as_ref().map(|p| p.id.0))
            .bind(new.level.number())
            .bind(new.code.as_str())
            .bind(new.name.as_str())
            .bind(new.dhis2_uid.as_ref().map(Dhis2Uid::as_str))
            .bind(lat)
            .bind(lon)
            .fetch_one(&mut *conn)
            .await?
        });
        let path = format!("{parent_path}{id}/");
        on_tx!(self, conn => {
            sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
                .bind(&path)
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        let unit = OrgUnit {
            id: OrgUnitId(id),
            parent: parent.map(|p| p.id),
            level: new.level,
            code: new.code.clone(),
            name: new.name.clone(),
            dhis2_uid: new.dhis2_uid.clone(),
            coordinates: new.coordinates,
            path,
        };
        self.audit::<(), _>(
            actor,
            Action::Create,
            "org_unit",
            unit.id,
            None,
            Some(&unit),
        )
        .await?;
        Ok(unit)
    }
}

fn coordinates(unit: &OrgUnit) -> (Option<f64>, Option<f64>) {
    unit.coordinates
        .map(|c| (Some(c.latitude), Some(c.longitude)))
        .unwrap_or_default()
}
