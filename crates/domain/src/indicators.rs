//! Aggregate indicator data as it enters tandem: one value per data element, facility and
//! period, before the store checks codes, levels, periods and ranges; and the kinds of value
//! a data element holds.

use crate::coded_enum;

coded_enum! {
    /// What kind of number a data element holds.
    pub enum ValueType {
        /// A whole number.
        Integer = "integer",
        /// Any number.
        Number = "number",
        /// A percentage, 0 to 100.
        Percentage = "percentage",
    }
}

/// One aggregate value as entered.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, utoipa::ToSchema)]
pub struct NewValue {
    /// Data element code.
    pub data_element_code: String,
    /// Facility code.
    pub org_unit_code: String,
    /// Period id (`202603`, `2026Q1`, `2026April`, `ETH2018M07`).
    pub period: String,
    /// The value.
    pub value: f64,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}
