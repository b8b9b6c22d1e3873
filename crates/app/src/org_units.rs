//! The org-unit tree (C1): changes to it, which every program's indicator engine holds.

use crate::{App, Error};
use domain::org_units::{NewOrgUnit, OrgUnit};
use store::Actor;

/// Adds a unit under its parent.
pub async fn create(app: &App, actor: &Actor, new: &NewOrgUnit) -> Result<OrgUnit, Error> {
    let unit = app.db.create_org_unit(actor, new).await?;
    app.engines.after_write(&app.db).await;
    Ok(unit)
}
