//! tandem's values as DHIS2 `dataValueSets` (C10, C17): stored aggregate values mapped to
//! DHIS2 ids. One id scheme per kind, as DHIS2 imports want: UIDs when every data element (or
//! org unit) involved has one, else codes. Elements with no DHIS2 mapping are not exported.

use crate::Error;
use chrono::NaiveDate;
use dhis2::{DataValueInput, DataValueSet, Key, Value};
use domain::ids::ProgramId;
use std::collections::BTreeMap;
use store::Db;

/// The program's values in `[from, to]` as a DHIS2 data value set.
pub async fn data_value_set(
    db: &Db,
    program: ProgramId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DataValueSet, Error> {
    let elements = db.data_elements(program).await?;
    let mapped: Vec<_> = elements
        .iter()
        .filter(|e| e.dhis2_uid.is_some() || e.dhis2_code.is_some())
        .collect();
    let by_uid = mapped.iter().all(|e| e.dhis2_uid.is_some());
    let element_key: BTreeMap<domain::ids::DataElementId, (Key, bool, Option<Key>)> = mapped
        .iter()
        .map(|e| {
            let key = if by_uid {
                Key::uid(e.dhis2_uid.as_deref().unwrap_or_default())
            } else {
                Key::code(e.dhis2_code.as_deref().unwrap_or(&e.code))
            };
            let coc = e.category_option_combo.as_deref().map(Key::uid).transpose();
            Ok::<_, domain::FieldError>((
                e.id,
                (
                    key?,
                    e.value_type == domain::indicators::ValueType::Integer,
                    coc?,
                ),
            ))
        })
        .collect::<Result<_, _>>()?;
    let rows = db.values_of(program, None, Some((from, to))).await?;
    let units: BTreeMap<String, Option<String>> = db
        .org_units()
        .await?
        .into_iter()
        .map(|u| {
            (
                u.code.as_str().to_owned(),
                u.dhis2_uid.map(|d| d.as_str().to_owned()),
            )
        })
        .collect();
    let units_by_uid = rows
        .iter()
        .all(|r| units.get(&r.org_unit_code).is_some_and(Option::is_some));
    let mut inputs = Vec::new();
    for row in rows {
        let Some((element, integer, coc)) = element_key.get(&row.data_element) else {
            continue;
        };
        let org_unit = match (units_by_uid, units.get(&row.org_unit_code)) {
            (true, Some(Some(uid))) => Key::uid(uid)?,
            _ => Key::code(&row.org_unit_code)?,
        };
        let period = store::indicators::parse_period(&row.period, "period")
            .map_err(|e| Error::caused("stored period", e))?;
        inputs.push(DataValueInput {
            data_element: element.clone(),
            org_unit,
            period,
            category_option_combo: coc.clone(),
            value: if *integer {
                Value::Integer(row.value.round() as i64)
            } else {
                Value::Decimal(row.value)
            },
            comment: (!row.comment.is_empty()).then(|| row.comment.clone()),
        });
    }
    Ok(DataValueSet::build(&inputs)?)
}
