//! `tandem import form`: every XLSForm fixture either imports (and is stored) or is refused
//! with each unsupported feature named by sheet, row and column, and nothing stored (C3, C6,
//! C17).

use super::{Cli, fails, ok};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../forms/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn xlsform_fixtures_import_or_are_refused_with_sheet_and_row() {
    let cli = Cli::new("forms");
    for (file, expected) in [
        ("group.xlsx", "3 questions in 1 groups"),
        ("text_and_integer.xlsx", "2 questions"),
        ("yes_or_no_question.xlsx", "1 questions"),
        (
            "surgical_mentoring_checklist.xlsx",
            "17 questions in 3 groups",
        ),
    ] {
        let out = ok(&cli.run(&["import", "form", &fixture(file)]));
        assert!(out.contains(expected), "{file}: {out}");
        assert!(out.contains("stored as form"), "{file}: {out}");
    }
    // The same version again is refused by name, and nothing is stored.
    let again = fails(&cli.run(&[
        "import",
        "form",
        &fixture("surgical_mentoring_checklist.xlsx"),
    ]));
    assert!(again.contains("version"), "{again}");
    assert!(again.contains("nothing was imported"), "{again}");
    let bad_purpose = fails(&cli.run(&[
        "import",
        "form",
        &fixture("group.xlsx"),
        "--purpose",
        "survey",
    ]));
    assert!(bad_purpose.contains("purpose"), "{bad_purpose}");

    let refused = fails(&cli.run(&["import", "form", &fixture("xlsform_spec_test.xlsx")]));
    assert!(
        refused.contains("13 problem(s); nothing was imported"),
        "{refused}"
    );
    for (row, feature) in [
        ("row 34", "geopoint"),
        ("row 36", "image"),
        ("row 15", "repeat_count"),
        ("row 7", "regex"),
    ] {
        assert!(
            refused
                .lines()
                .any(|l| l.contains(row) && l.contains(feature)),
            "{row} {feature} not named: {refused}"
        );
    }
    let filter = fails(&cli.run(&["import", "form", &fixture("choice_filter_test.xlsx")]));
    assert!(
        filter
            .lines()
            .any(|l| l.contains("sheet survey, row 3") && l.contains("choice_filter")),
        "{filter}"
    );
    let no_survey = fails(&cli.run(&["import", "form", &fixture("survey_no_name.xlsx")]));
    assert!(no_survey.contains("survey"), "{no_survey}");
    let bomb = fails(&cli.run(&["import", "form", &fixture("zip_bomb.xlsx")]));
    assert!(
        bomb.contains("zip_bomb.xlsx: refused before unpacking"),
        "{bomb}"
    );
    let not_zip = fails(&cli.run(&["import", "form", &fixture("not_a_zip.xlsx")]));
    assert!(
        not_zip.contains("not_a_zip.xlsx: not a readable XLSX workbook"),
        "{not_zip}"
    );
}
