//! Archives that must be refused before calamine unpacks them.

use forms::{Form, FormError, Limits};

use crate::build::xlsx;
use crate::fixtures::read;

#[test]
fn a_zip_bomb_is_refused_from_its_declared_size() {
    let errors =
        Form::from_xlsx_bytes("bomb.xlsx", &read("zip_bomb.xlsx"), &Limits::default()).unwrap_err();
    assert!(
        matches!(errors[0], FormError::TooLarge { .. }),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].to_string().contains("declares 50000000 bytes"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_bomb_with_lying_headers_is_caught_while_inflating_with_a_cap() {
    let errors = Form::from_xlsx_bytes("lying.xlsx", &read("lying_bomb.xlsx"), &Limits::default())
        .unwrap_err();
    // The zip reader notices the entry outgrowing its declared size; were it not to, the
    // capped inflation in forms::archive would stop at the limit.
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().starts_with("lying.xlsx: "),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].message().contains("xl/worksheets/sheet1.xml"),
        "{}",
        errors[0]
    );
}

#[test]
fn the_real_inflated_total_is_capped() {
    // An honest, ordinary workbook refused by a tight inflated limit: its entries are small
    // enough one by one, but not together.
    let bytes = xlsx(&[("survey", vec![vec!["type", "name"], vec!["text", "a"]])]);
    let limits = Limits {
        max_uncompressed_bytes: 2_000,
        ..Limits::default()
    };
    let errors = Form::from_xlsx_bytes("small.xlsx", &bytes, &limits).unwrap_err();
    assert!(
        matches!(errors[0], FormError::TooLarge { .. }),
        "{}",
        errors[0]
    );
}

#[test]
fn oversized_uploads_and_too_many_entries_are_refused() {
    let bytes = xlsx(&[("survey", vec![vec!["type", "name"], vec!["text", "a"]])]);
    let tight = Limits {
        max_compressed_bytes: 100,
        ..Limits::default()
    };
    let errors = Form::from_xlsx_bytes("big.xlsx", &bytes, &tight).unwrap_err();
    assert!(
        errors[0].message().contains("the limit is 100"),
        "{}",
        errors[0]
    );
    let few = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    let errors = Form::from_xlsx_bytes("many.xlsx", &bytes, &few).unwrap_err();
    assert!(errors[0].message().contains("entries"), "{}", errors[0]);
}

#[test]
fn not_a_zip_and_truncated_files_name_the_file() {
    let errors = Form::from_xlsx_bytes("notes.xlsx", &read("not_a_zip.xlsx"), &Limits::default())
        .unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "notes.xlsx: not a readable XLSX workbook: it is not a zip archive \
         (invalid Zip archive: Could not find EOCD)"
    );
    let bytes = xlsx(&[("survey", vec![vec!["type", "name"], vec!["text", "a"]])]);
    let truncated = &bytes[..bytes.len() / 2];
    let errors = Form::from_xlsx_bytes("cut.xlsx", truncated, &Limits::default()).unwrap_err();
    assert!(
        matches!(errors[0], FormError::Unreadable { .. }),
        "{}",
        errors[0]
    );
    assert!(errors[0].to_string().starts_with("cut.xlsx: "));
}

#[test]
fn control_characters_are_refused_naming_sheet_row_and_column() {
    let errors = crate::build::import(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label", "hint", "relevant"],
                vec!["select_one yn", "ok", "All\u{0} fine?", "", ""],
                vec!["text", "no\u{1b}te", "Note", "", ""],
                vec![
                    "integer",
                    "age",
                    "Age",
                    "in\u{7}years",
                    "${ok} = 'yes'\u{0}",
                ],
            ],
        ),
        (
            "choices",
            vec![
                vec!["list_name", "name", "label"],
                vec!["yn", "yes", "Yes"],
                vec!["yn", "no", "N\u{8}o"],
            ],
        ),
        ("settings", vec![vec!["form_title"], vec!["Visit\u{0}"]]),
    ])
    .unwrap_err();
    let found: Vec<(String, usize, String)> = crate::build::locations(&errors)
        .into_iter()
        .map(|(sheet, row, column, message)| {
            assert!(
                message.starts_with(domain::values::REFUSED_CHARACTER_MESSAGE),
                "{sheet} {row} {column}: {message}"
            );
            (sheet, row, column)
        })
        .collect();
    let expected = [
        ("survey", 2, "label"),
        ("survey", 3, "name"),
        ("survey", 4, "hint"),
        ("survey", 4, "relevant"),
        ("choices", 3, "label"),
        ("settings", 2, "form_title"),
    ];
    let expected: Vec<(String, usize, String)> = expected
        .iter()
        .map(|(s, r, c)| ((*s).to_owned(), *r, (*c).to_owned()))
        .collect();
    assert_eq!(found, expected);
    assert!(
        errors[0].message().ends_with("(found U+0000)"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_control_character_in_a_header_is_named_by_the_column_letter() {
    let errors = crate::build::import(&[(
        "survey",
        vec![vec!["type", "name", "lab\u{0}el"], vec!["text", "a", "A"]],
    )])
    .unwrap_err();
    let found = crate::build::locations(&errors);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2.as_str()),
        ("survey", 1, "column C")
    );
}

#[test]
fn line_breaks_and_tabs_in_labels_are_kept() {
    let form = crate::build::import(&[(
        "survey",
        vec![
            vec!["type", "name", "label"],
            vec!["text", "a", "First line\nsecond line\tand a tab"],
        ],
    )])
    .unwrap();
    let questions = form.questions();
    assert_eq!(
        questions[0].1.label.0.get(""),
        Some(&"First line\nsecond line\tand a tab".to_owned())
    );
}

#[test]
fn filled_cells_under_no_header_are_named_by_the_column_letter() {
    // Found by fuzzing (fuzz/regressions/xlsform_sheets): the error once named no column.
    let errors = crate::build::import(&[(
        "survey",
        vec![
            vec!["type", "name", "label"],
            vec!["text", "a", "A", "stray"],
        ],
    )])
    .unwrap_err();
    assert_eq!(
        crate::build::locations(&errors),
        [(
            "survey".to_owned(),
            1,
            "column D".to_owned(),
            "column D has cells filled in but no header naming what they are".to_owned()
        )]
    );
}
