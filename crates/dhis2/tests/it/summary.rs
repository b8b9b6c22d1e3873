//! Import summaries in the shapes DHIS2 writes them (Web API, "Data values" → "Import
//! summaries"): the 2.36+ WebMessage envelope with 200 or 409, and older servers' bare
//! ImportSummary.

use dhis2::{DataValueInput, DataValueSet, ImportCount, ImportStatus, ImportSummary, Key};

/// `importOptions` as DHIS2 echoes them; the parser must ignore them.
const IMPORT_OPTIONS: &str = r#"{"idSchemes":{"dataElementIdScheme":{"type":"CODE"},"orgUnitIdScheme":{"type":"CODE"}},"dryRun":false,"async":false,"importStrategy":"CREATE_AND_UPDATE","mergeMode":"REPLACE","reportMode":"FULL","skipExistingCheck":false,"sharing":false,"skipNotifications":false,"skipAudit":false,"datasetAllowsPeriods":false,"strictPeriods":false,"strictDataElements":false,"strictCategoryOptionCombos":false,"strictAttributeOptionCombos":false,"strictOrganisationUnits":false,"requireCategoryOptionCombo":false,"requireAttributeOptionCombo":false,"skipPatternValidation":false,"ignoreEmptyCollection":false,"force":false,"firstRowIsHeader":true,"skipLastUpdated":false,"mergeDataValues":false,"skipCache":false}"#;

pub fn success_body(imported: u64, updated: u64) -> String {
    format!(
        r#"{{"httpStatus":"OK","httpStatusCode":200,"status":"OK","message":"Import was successful.","response":{{"responseType":"ImportSummary","status":"SUCCESS","importOptions":{IMPORT_OPTIONS},"description":"Import process completed successfully","importCount":{{"imported":{imported},"updated":{updated},"ignored":0,"deleted":0}},"conflicts":[],"rejectedIndexes":[],"dataSetComplete":"false"}}}}"#
    )
}

/// A 2.38+ answer to a partly refused import: 409, status WARNING, conflicts with indexes.
pub fn conflict_body(indexes_period: &str, indexes_de: &str) -> String {
    format!(
        r#"{{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","message":"One more conflicts encountered, please check import summary.","response":{{"responseType":"ImportSummary","status":"WARNING","importOptions":{IMPORT_OPTIONS},"description":"Import process completed successfully","importCount":{{"imported":1,"updated":0,"ignored":2,"deleted":0}},"conflicts":[{{"object":"202612","objects":{{"period":"202612"}},"value":"Period: `202612` is after latest open future period: `202603` for data element: `MENTOR_VISITS`","errorCode":"E7641","property":"period","indexes":[{indexes_period}]}},{{"object":"NO_SUCH_DE","objects":{{"dataElement":"NO_SUCH_DE"}},"value":"Data element not found or not accessible: `NO_SUCH_DE`","errorCode":"E7610","property":"dataElement","indexes":[{indexes_de}]}}],"rejectedIndexes":[{indexes_period},{indexes_de}],"dataSetComplete":"false"}}}}"#
    )
}

/// A 2.38+ answer to an import refused whole (the data set is locked for the user).
pub const ERROR_BODY: &str = r#"{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"An error occurred, please check import summary.","response":{"responseType":"ImportSummary","status":"ERROR","importOptions":{"idSchemes":{},"dryRun":true,"async":false,"importStrategy":"CREATE_AND_UPDATE"},"description":"Import process was aborted","importCount":{"imported":0,"updated":0,"ignored":3,"deleted":0},"conflicts":[{"object":"OU_KANO_GH","objects":{"orgUnit":"OU_KANO_GH"},"value":"User is not allowed to write data for organisation unit: `OU_KANO_GH`","errorCode":"E7620","property":"orgUnit","indexes":[0,1,2]}],"rejectedIndexes":[0,1,2],"dataSetComplete":"false"}}"#;

/// A pre-2.36 server: the ImportSummary itself, conflicts with object and value only.
pub const OLD_TOP_LEVEL_BODY: &str = r#"{"responseType":"ImportSummary","status":"WARNING","importOptions":{"idSchemes":{},"dryRun":false,"async":false,"importStrategy":"CREATE_AND_UPDATE","mergeMode":"REPLACE","reportMode":"FULL","skipExistingCheck":false,"sharing":false,"skipNotifications":false,"datasetAllowsPeriods":false,"strictPeriods":false,"strictCategoryOptionCombos":false,"strictAttributeOptionCombos":false,"strictOrganisationUnits":false,"requireCategoryOptionCombo":false,"requireAttributeOptionCombo":false,"skipPatternValidation":false},"description":"Import process completed successfully","importCount":{"imported":2,"updated":1,"ignored":1,"deleted":0},"conflicts":[{"object":"OU_999","value":"Organisation unit not found or not accessible"}],"dataSetComplete":"false"}"#;

fn sent() -> DataValueSet {
    let row = |de: &str, pe: &str| DataValueInput {
        data_element: Key::code(de).expect("code"),
        org_unit: Key::code("OU_KANO_GH").expect("code"),
        period: pe.parse().expect("period"),
        category_option_combo: None,
        value: 4_i64.into(),
        comment: None,
    };
    DataValueSet::build(&[
        row("MENTOR_VISITS", "202603"),
        row("MENTOR_VISITS", "202612"),
        row("NO_SUCH_DE", "202603"),
    ])
    .expect("valid")
}

#[test]
fn success() {
    let s = ImportSummary::parse(success_body(3, 1).as_bytes()).expect("summary");
    assert_eq!(s.status, ImportStatus::Success);
    assert_eq!(
        s.import_count,
        ImportCount {
            imported: 3,
            updated: 1,
            ignored: 0,
            deleted: 0
        }
    );
    assert!(s.conflicts.is_empty());
    assert_eq!(s.message.as_deref(), Some("Import was successful."));
    assert_eq!(
        s.description.as_deref(),
        Some("Import process completed successfully")
    );
    assert_eq!(
        s.to_string(),
        "SUCCESS: 3 imported, 1 updated, 0 ignored, 0 deleted, 0 conflicts"
    );
}

#[test]
fn warning_with_conflicts_maps_indexes_to_the_values_sent() {
    let s = ImportSummary::parse(conflict_body("1", "2").as_bytes()).expect("summary");
    assert_eq!(s.status, ImportStatus::Warning);
    assert_eq!(s.import_count.ignored, 2);
    assert_eq!(s.rejected_indexes, [1, 2]);
    let c = &s.conflicts[0];
    assert_eq!(c.error_code.as_deref(), Some("E7641"));
    assert_eq!(c.property.as_deref(), Some("period"));
    assert_eq!(c.indexes, [1]);
    assert_eq!(c.objects.get("period").map(String::as_str), Some("202612"));
    assert_eq!(
        s.conflict_lines(&sent()),
        [
            "dataValues[1] (dataElement MENTOR_VISITS, orgUnit OU_KANO_GH, period 202612): \
             Period: `202612` is after latest open future period: `202603` for data element: \
             `MENTOR_VISITS` [E7641, period]",
            "dataValues[2] (dataElement NO_SUCH_DE, orgUnit OU_KANO_GH, period 202603): \
             Data element not found or not accessible: `NO_SUCH_DE` [E7610, dataElement]",
        ]
    );
}

#[test]
fn error_answer_is_still_a_summary() {
    let s = ImportSummary::parse(ERROR_BODY.as_bytes()).expect("summary");
    assert_eq!(s.status, ImportStatus::Error);
    assert_eq!(
        s.message.as_deref(),
        Some("An error occurred, please check import summary.")
    );
    assert_eq!(
        s.conflict_lines(&sent()),
        [
            "dataValues[0] (dataElement MENTOR_VISITS, orgUnit OU_KANO_GH, period 202603); \
          dataValues[1] (dataElement MENTOR_VISITS, orgUnit OU_KANO_GH, period 202612); \
          dataValues[2] (dataElement NO_SUCH_DE, orgUnit OU_KANO_GH, period 202603): \
          User is not allowed to write data for organisation unit: `OU_KANO_GH` [E7620, orgUnit]"
        ]
    );
}

#[test]
fn old_top_level_summary() {
    let s = ImportSummary::parse(OLD_TOP_LEVEL_BODY.as_bytes()).expect("summary");
    assert_eq!(s.status, ImportStatus::Warning);
    assert_eq!(s.message, None);
    assert_eq!(s.import_count.imported, 2);
    assert_eq!(
        s.conflict_lines(&sent()),
        ["OU_999: Organisation unit not found or not accessible"]
    );
}

#[test]
fn many_indexes_and_unknown_ones_stay_readable() {
    let body = r#"{"responseType":"ImportSummary","status":"WARNING","importCount":{"imported":0,"updated":0,"ignored":9,"deleted":0},"conflicts":[{"object":"X","value":"Bad","indexes":[0,1,2,0,1,2,0,1,2]},{"object":"Y","value":"Odd","property":null,"errorCode":"E7600","indexes":[7]}]}"#;
    let s = ImportSummary::parse(body.as_bytes()).expect("summary");
    let lines = s.conflict_lines(&sent());
    assert!(
        lines[0].ends_with(" and 4 more values: Bad"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "dataValues[7] (beyond the 3 values sent): Odd [E7600]"
    );
}

#[test]
fn bodies_that_are_not_summaries() {
    let not =
        ImportSummary::parse(b"<!DOCTYPE html><html><title>DHIS 2</title>").expect_err("html");
    assert_eq!(not.message, None);
    let web_message = br#"{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"Data set not found or not accessible: `XYZ`"}"#;
    let not = ImportSummary::parse(web_message).expect_err("no response");
    assert_eq!(
        not.message.as_deref(),
        Some("Data set not found or not accessible: `XYZ`")
    );
    assert!(ImportSummary::parse(br#"{"status":"OK"}"#).is_err());
    // A summary with a status DHIS2 never writes is not read as one.
    assert!(ImportSummary::parse(br#"{"responseType":"ImportSummary","status":"MAYBE"}"#).is_err());
}

#[test]
fn merging_sums_counts_shifts_indexes_and_keeps_the_worst_status() {
    let mut a = ImportSummary::parse(success_body(10, 0).as_bytes()).expect("summary");
    let b = ImportSummary::parse(conflict_body("1", "2").as_bytes()).expect("summary");
    a.merge(b, 10);
    assert_eq!(a.status, ImportStatus::Warning);
    assert_eq!(a.import_count.imported, 11);
    assert_eq!(a.import_count.ignored, 2);
    assert_eq!(a.conflicts[0].indexes, [11]);
    assert_eq!(a.conflicts[1].indexes, [12]);
    assert_eq!(a.rejected_indexes, [11, 12]);
    assert_eq!(
        a.message.as_deref(),
        Some("One more conflicts encountered, please check import summary.")
    );
}

#[test]
fn absurd_counts_and_indexes_from_the_server_saturate_when_merged() {
    let huge = r#"{"responseType":"ImportSummary","status":"WARNING","importCount":{"imported":18446744073709551615,"updated":0,"ignored":0,"deleted":0},"conflicts":[{"object":"X","value":"v","indexes":[18446744073709551615]}],"rejectedIndexes":[18446744073709551615]}"#;
    let mut summary = ImportSummary::parse(huge.as_bytes()).unwrap();
    summary.merge(ImportSummary::parse(huge.as_bytes()).unwrap(), 1_000);
    assert_eq!(summary.import_count.imported, u64::MAX);
    assert_eq!(summary.rejected_indexes, [usize::MAX, usize::MAX]);
    assert_eq!(summary.conflicts[1].indexes, [usize::MAX]);
    assert!(
        summary.conflict_lines(&sent())[1].contains("beyond the"),
        "{:?}",
        summary.conflict_lines(&sent())
    );
}
