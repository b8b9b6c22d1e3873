//! Payloads: exact JSON for small sets, number formatting, chunking, and every refusal named
//! by row and field.

use std::num::NonZeroUsize;

use dhis2::{DataValueInput, DataValueSet, IdScheme, IdSchemes, Key, Value};
use indicators::Period;

fn period(id: &str) -> Period {
    id.parse().expect("period id")
}

fn uid(s: &str) -> Key {
    Key::uid(s).expect("uid")
}

fn code(s: &str) -> Key {
    Key::code(s).expect("code")
}

fn row(de: Key, ou: Key, pe: &str, value: impl Into<Value>) -> DataValueInput {
    DataValueInput {
        data_element: de,
        org_unit: ou,
        period: period(pe),
        category_option_combo: None,
        value: value.into(),
        comment: None,
    }
}

fn json(set: &DataValueSet) -> String {
    String::from_utf8(set.to_json()).expect("utf-8")
}

#[test]
fn golden_uids_with_combos_comments_and_period_types() {
    let mut first = row(uid("fbfJHSPpUQD"), uid("DiszpKrYNg8"), "202603", 12_i64);
    first.category_option_combo = Some(uid("Prlt0C1RF0s"));
    let mut second = row(uid("cYeuwXTCPkU"), uid("DiszpKrYNg8"), "2026Q1", 0.25);
    second.comment = Some("Verified at the quarterly review".to_owned());
    let third = row(uid("cYeuwXTCPkU"), uid("jUb8gELQApl"), "2026April", 3.0);
    let fourth = row(uid("Jtf34kNZhzP"), uid("jUb8gELQApl"), "202603", "Yes");
    let set = DataValueSet::build(&[first, second, third, fourth]).expect("valid");
    assert_eq!(
        json(&set),
        concat!(
            r#"{"dataValues":["#,
            r#"{"dataElement":"fbfJHSPpUQD","period":"202603","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"Prlt0C1RF0s","value":"12"},"#,
            r#"{"dataElement":"cYeuwXTCPkU","period":"2026Q1","orgUnit":"DiszpKrYNg8","value":"0.25","comment":"Verified at the quarterly review"},"#,
            r#"{"dataElement":"cYeuwXTCPkU","period":"2026April","orgUnit":"jUb8gELQApl","value":"3"},"#,
            r#"{"dataElement":"Jtf34kNZhzP","period":"202603","orgUnit":"jUb8gELQApl","value":"Yes"}"#,
            r#"]}"#
        )
    );
    assert_eq!(
        set.id_schemes(),
        IdSchemes {
            data_element: IdScheme::Uid,
            org_unit: IdScheme::Uid,
            category_option_combo: IdScheme::Uid,
        }
    );
    assert_eq!(set.len(), 4);
}

#[test]
fn golden_codes() {
    let mut visits = row(code("MENTOR_VISITS"), code("OU_KANO_GH"), "202603", 7_i64);
    visits.category_option_combo = Some(code("FEMALE_U25"));
    let score = row(code("CHECKLIST_SCORE"), code("OU_KANO_GH"), "2026W10", 87.5);
    let set = DataValueSet::build(&[visits, score]).expect("valid");
    assert_eq!(
        json(&set),
        concat!(
            r#"{"dataValues":["#,
            r#"{"dataElement":"MENTOR_VISITS","period":"202603","orgUnit":"OU_KANO_GH","categoryOptionCombo":"FEMALE_U25","value":"7"},"#,
            r#"{"dataElement":"CHECKLIST_SCORE","period":"2026W10","orgUnit":"OU_KANO_GH","value":"87.5"}"#,
            r#"]}"#
        )
    );
    assert_eq!(
        set.id_schemes(),
        IdSchemes {
            data_element: IdScheme::Code,
            org_unit: IdScheme::Code,
            category_option_combo: IdScheme::Code,
        }
    );
}

#[test]
fn numbers_are_written_without_exponent_or_trailing_zero() {
    let cases: [(Value, &str); 10] = [
        (Value::Integer(0), "0"),
        (Value::Integer(-42), "-42"),
        (Value::Integer(i64::MAX), "9223372036854775807"),
        (Value::Decimal(3.0), "3"),
        (Value::Decimal(-0.0), "0"),
        (Value::Decimal(12.5), "12.5"),
        (Value::Decimal(1e21), "1000000000000000000000"),
        (Value::Decimal(1e-7), "0.0000001"),
        (Value::Decimal(0.1 + 0.2), "0.30000000000000004"),
        (Value::Decimal(-1234.5678), "-1234.5678"),
    ];
    for (value, text) in cases {
        let set = DataValueSet::build(&[row(code("DE"), code("OU"), "202603", value.clone())])
            .expect("valid");
        assert_eq!(set.values()[0].value, text, "{value:?}");
    }
}

#[test]
fn chunks_keep_order_and_offsets() {
    let rows: Vec<_> = (0..25_i64)
        .map(|i| row(code("DE"), code("OU"), "202603", i))
        .collect();
    let set = DataValueSet::build(&rows).expect("valid");
    let chunks: Vec<_> = set
        .chunks(NonZeroUsize::new(10).expect("non-zero"))
        .collect();
    let shape: Vec<(usize, usize)> = chunks.iter().map(|c| (c.offset, c.values.len())).collect();
    assert_eq!(shape, [(0, 10), (10, 10), (20, 5)]);
    assert_eq!(chunks[2].values[0].value, "20");
    assert_eq!(dhis2::DEFAULT_CHUNK_SIZE.get(), 10_000);
}

fn refused(rows: &[DataValueInput]) -> (String, String) {
    let e = DataValueSet::build(rows).expect_err("should be refused");
    (e.field, e.message)
}

#[test]
fn mixing_uids_and_codes_names_the_row_and_property() {
    let ok = || row(code("DE"), code("OU"), "202603", 1_i64);
    let mut rows = vec![ok(), ok(), ok(), ok()];
    rows[3].org_unit = uid("DiszpKrYNg8");
    let (field, message) = refused(&rows);
    assert_eq!(field, "dataValues[3].orgUnit");
    assert!(
        message.contains("'DiszpKrYNg8' is a UID but dataValues[0].orgUnit is a code"),
        "{message}"
    );
    assert!(message.contains("orgUnitIdScheme"), "{message}");

    let mut rows = vec![row(uid("fbfJHSPpUQD"), code("OU"), "202603", 1_i64), ok()];
    rows[1].data_element = code("DE");
    assert_eq!(refused(&rows).0, "dataValues[1].dataElement");

    let mut rows = vec![ok(), ok(), ok()];
    rows[0].category_option_combo = Some(code("FEMALE"));
    rows[2].category_option_combo = Some(uid("Prlt0C1RF0s"));
    let (field, message) = refused(&rows);
    assert_eq!(field, "dataValues[2].categoryOptionCombo");
    assert!(message.contains("dataValues[0].categoryOptionCombo is a code"));
}

#[test]
fn non_finite_numbers_are_refused_by_row() {
    for (bad, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let rows = [
            row(code("DE"), code("OU"), "202603", 1.5),
            row(code("DE"), code("OU"), "202604", 2_i64),
            row(code("DE"), code("OU"), "202605", bad),
        ];
        let (field, message) = refused(&rows);
        assert_eq!(field, "dataValues[2].value");
        assert!(
            message.starts_with(&format!("{shown} is not a number")),
            "{message}"
        );
    }
}

#[test]
fn blank_and_oversized_text_is_refused() {
    let (field, message) = refused(&[row(code("DE"), code("OU"), "202603", "  ")]);
    assert_eq!(field, "dataValues[0].value");
    assert!(message.contains("blank"), "{message}");

    let long = "x".repeat(50_001);
    let (field, _) = refused(&[
        row(code("DE"), code("OU"), "202603", 1_i64),
        row(code("DE"), code("OU"), "202603", long.as_str()),
    ]);
    assert_eq!(field, "dataValues[1].value");

    let mut with_comment = row(code("DE"), code("OU"), "202603", 1_i64);
    with_comment.comment = Some(long);
    assert_eq!(refused(&[with_comment]).0, "dataValues[0].comment");
}

#[test]
fn ethiopian_periods_are_refused_with_advice() {
    let rows = [
        row(code("DE"), code("OU"), "202603", 1_i64),
        row(code("DE"), code("OU"), "ETH2017M11", 1_i64),
    ];
    let (field, message) = refused(&rows);
    assert_eq!(field, "dataValues[1].period");
    assert!(
        message.starts_with("ETH2017M11 is an Ethiopian-calendar period"),
        "{message}"
    );
    assert!(
        message.contains("aggregate to a Gregorian period"),
        "{message}"
    );
    assert_eq!(
        refused(&[row(code("DE"), code("OU"), "ETHFY2017", 1_i64)]).0,
        "dataValues[0].period"
    );
}

#[test]
fn an_empty_payload_is_refused() {
    let (field, message) = refused(&[]);
    assert_eq!(field, "dataValues");
    assert!(message.contains("no values"), "{message}");
}

#[test]
fn keys_are_checked_when_built() {
    let e = Key::uid("12345678901").expect_err("digit first");
    assert_eq!(e.field, "dhis2_uid");
    assert!(Key::uid("abc").is_err());
    assert_eq!(Key::code("   ").expect_err("blank").field, "dhis2_code");
    assert!(
        Key::code(&"C".repeat(51))
            .expect_err("too long")
            .message
            .contains("50")
    );
    assert!(Key::code("A\nB").is_err());
    assert_eq!(code("  OU_KANO ").as_str(), "OU_KANO");
    assert_eq!(uid("DiszpKrYNg8").scheme(), IdScheme::Uid);
    assert_eq!(code("DiszpKrYNg8").scheme(), IdScheme::Code);
}
