//! Aggregate indicator data (C2, C10): the writes that change what a program's indicator engine
//! holds (the store logs each change; these catch this process's engines up at once, so the
//! writer's next page shows it).

use crate::{App, Error};
use domain::access::Viewer;
use domain::indicators::NewValue;
use domain::programs::Program;
use store::Actor;
use store::indicators::{DataElementRecord, NewDataElement, SaveCounts};

/// Saves values for a program if the viewer may report there: managers anywhere in it,
/// facility leaders and mentors for the facilities of their area. All or nothing; each
/// refusal names `values[i].<field>`.
pub async fn save_values(
    app: &App,
    actor: &Actor,
    viewer: &Viewer,
    program: &Program,
    input: &[NewValue],
) -> Result<SaveCounts, Error> {
    crate::scope::reporting_program(&app.db, viewer, program.id).await?;
    if let Some(scope) = crate::scope::reporting_scope(viewer, program.id).filter(|s| !s.is_empty())
    {
        // Facility leaders and mentors report for the facilities of their area only.
        for (i, value) in input.iter().enumerate() {
            let field = || format!("values[{i}].org_unit");
            let code = domain::values::OrgUnitCode::parse(&value.org_unit_code)
                .map_err(|e| Error::invalid(field(), e.message))?;
            let unit = app
                .db
                .org_unit_by_code(&code)
                .await
                .map_err(|_| Error::invalid(field(), "no such org unit"))?;
            if !unit.path.starts_with(&scope) {
                return Err(Error::invalid(
                    field(),
                    format!("{} is outside your area", value.org_unit_code),
                ));
            }
        }
    }
    let counts = app.db.save_values(actor, program.id, input).await?;
    app.engines.after_write(&app.db).await;
    Ok(counts)
}

/// Defines a data element in a program.
pub async fn create_data_element(
    app: &App,
    actor: &Actor,
    program: &Program,
    input: &NewDataElement,
) -> Result<DataElementRecord, Error> {
    let element = app.db.create_data_element(actor, program.id, input).await?;
    app.engines.after_write(&app.db).await;
    Ok(element)
}
