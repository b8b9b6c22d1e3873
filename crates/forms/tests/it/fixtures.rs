//! Every workbook in tests/fixtures (copied from the shared XLSForm fixtures, see
//! LICENSE-pyxform) either imports or is refused with each unsupported feature and its row.

use forms::{Form, FormError, Limits, QuestionType};

pub fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn import(name: &str) -> Result<Form, Vec<FormError>> {
    Form::from_xlsx_bytes(name, &read(name), &Limits::default())
}

fn summary(form: &Form) -> Vec<(String, QuestionType)> {
    form.questions()
        .into_iter()
        .map(|(_, q)| (q.name.clone(), q.kind))
        .collect()
}

/// (sheet, row, column, message fragment) for each expected error.
fn assert_refused(name: &str, expected: &[(&str, usize, &str, &str)]) {
    let errors = import(name).expect_err("should be refused");
    assert_eq!(errors.len(), expected.len(), "{name}: {errors:#?}");
    for (e, (sheet, row, column, fragment)) in errors.iter().zip(expected) {
        assert_eq!(e.sheet(), Some(*sheet), "{e}");
        assert_eq!(e.row(), Some(*row), "{e}");
        assert_eq!(e.column(), Some(*column), "{e}");
        assert!(
            e.message().contains(fragment),
            "{e} should mention {fragment}"
        );
        assert!(e.to_string().starts_with(name), "{e} should name the file");
    }
}

#[test]
fn every_fixture_is_covered_here() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "choice_filter_test.xlsx",
            "group.xlsx",
            "lying_bomb.xlsx",
            "not_a_zip.xlsx",
            "surgical_mentoring_checklist.xlsx",
            "survey_no_name.xlsx",
            "text_and_integer.xlsx",
            "xlsform_spec_test.xlsx",
            "yes_or_no_question.xlsx",
            "zip_bomb.xlsx",
        ]
    );
}

#[test]
fn group_imports_with_its_group_and_phone_number() {
    let form = import("group.xlsx").unwrap();
    assert_eq!(form.id, "group");
    assert_eq!(form.languages, ["English (en)"]);
    assert_eq!(
        summary(&form),
        [
            ("family_name".into(), QuestionType::Text),
            ("phone_number".into(), QuestionType::PhoneNumber),
            ("age".into(), QuestionType::Integer),
        ]
    );
    let (groups, age) = &form.questions()[2];
    assert_eq!(groups[0].name, "father");
    assert_eq!(groups[0].label.get("en"), Some("Father"));
    assert_eq!(
        age.label.get("English (en)"),
        Some("How old is your father?")
    );
}

#[test]
fn text_and_integer_imports() {
    let form = import("text_and_integer.xlsx").unwrap();
    assert_eq!(
        summary(&form),
        [
            ("your_name".into(), QuestionType::Text),
            ("your_age".into(), QuestionType::Integer),
        ]
    );
    assert_eq!(form.languages, ["english"]);
    assert!(form.choice_lists.is_empty());
}

#[test]
fn yes_or_no_question_imports_with_the_older_select_syntax() {
    let form = import("yes_or_no_question.xlsx").unwrap();
    assert_eq!(
        summary(&form),
        [("good_day".into(), QuestionType::SelectOne)]
    );
    let q = form.question("good_day").unwrap();
    assert_eq!(q.choices.as_deref(), Some("yes_or_no"));
    let names: Vec<&str> = form.choices_of(q).iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["yes", "no"]);
}

#[test]
fn survey_no_name_is_refused_for_its_missing_survey_sheet() {
    let errors = import("survey_no_name.xlsx").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].sheet(), Some("Sheet1"));
    assert!(
        errors[0].message().contains("no `survey` sheet"),
        "{}",
        errors[0]
    );
}

#[test]
fn choice_filter_test_is_refused_naming_each_choice_filter_row() {
    assert_refused(
        "choice_filter_test.xlsx",
        &[
            // Duplicate choices would be allowed by the refused setting below.
            (
                "choices",
                6,
                "name",
                "`king` is already in list `counties` (row 4)",
            ),
            (
                "settings",
                2,
                "allow_choice_duplicates",
                "allow_choice_duplicates",
            ),
            ("survey", 3, "choice_filter", "choice_filter"),
            ("survey", 4, "choice_filter", "choice_filter"),
        ],
    );
}

#[test]
fn xlsform_spec_test_is_refused_naming_each_unsupported_feature() {
    assert_refused(
        "xlsform_spec_test.xlsx",
        &[
            ("settings", 2, "public_key", "encrypted forms"),
            ("survey", 7, "relevant", "unsupported function `regex()`"),
            ("survey", 15, "repeat_count", "repeat_count"),
            ("survey", 30, "type", "`acknowledge`"),
            ("survey", 34, "type", "`geopoint`"),
            ("survey", 35, "type", "`barcode`"),
            ("survey", 36, "type", "`image`"),
            ("survey", 37, "type", "`audio`"),
            ("survey", 38, "type", "`video`"),
            ("survey", 48, "type", "`deviceid`"),
            ("survey", 50, "type", "`uri:deviceid`"),
            ("survey", 52, "type", "`phonenumber`"),
            (
                "survey",
                57,
                "appearance",
                "ex:org.thirdparty.app.ActivityName",
            ),
        ],
    );
}

#[test]
fn hostile_fixtures_are_refused_naming_the_file() {
    for name in ["zip_bomb.xlsx", "lying_bomb.xlsx", "not_a_zip.xlsx"] {
        let errors = import(name).unwrap_err();
        assert_eq!(errors.len(), 1, "{name}");
        assert!(errors[0].to_string().starts_with(name), "{}", errors[0]);
    }
}
