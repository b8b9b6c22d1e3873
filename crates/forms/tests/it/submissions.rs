//! Small forms built in memory: import errors with their rows, expressions, and submissions.

use chrono::NaiveDate;
use forms::submission::Context;
use forms::{Answer, Expression, QuestionType, RawSubmission, Value};
use proptest::prelude::*;

use crate::build::{import, locations};

fn ctx() -> Context {
    Context::on(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
}

fn row(cells: &[&'static str]) -> Vec<&'static str> {
    cells.to_vec()
}

#[test]
fn import_collects_every_error_with_sheet_row_and_column() {
    let survey = vec![
        row(&[
            "type",
            "name",
            "label",
            "relevant",
            "constraint",
            "calculation",
        ]),
        row(&["integer", "age", "Age", "", ". >= (0", ""]),
        row(&["text", "2nd", "Bad name", "", "", ""]),
        row(&["text", "age", "Duplicate", "", "", ""]),
        row(&["", "", "", "", "", ""]),
        row(&["note", "n", "Hello ${nobody}", "pulldata('x', 'y')", "", ""]),
        row(&["calculate", "c", "", "", "", "${ghost} + 1"]),
        row(&["select_one missing_list", "s", "Pick", "", "", ""]),
        row(&["select_one yn or_other", "o", "Other", "", "", ""]),
        row(&["begin group", "g", "G", "", "", ""]),
        row(&["end repeat", "", "", "", "", ""]),
        row(&["begin group", "h", "H", "", "", ""]),
    ];
    let errors = import(&[("survey", survey)]).unwrap_err();
    let got: Vec<(String, usize, String)> = locations(&errors)
        .into_iter()
        .map(|(s, r, c, _)| (s, r, c))
        .collect();
    let want = [
        (2, "constraint"),
        (3, "name"),
        (4, "name"),
        (6, "relevant"),
        (8, "type"),
        (9, "type"),
        (11, "type"),
        (12, "type"),
    ];
    let want: Vec<(String, usize, String)> = want
        .iter()
        .map(|(r, c)| ("survey".to_owned(), *r, (*c).to_owned()))
        .collect();
    assert_eq!(got, want, "{errors:#?}");
    let messages: Vec<&str> = errors.iter().map(|e| e.message()).collect();
    assert!(messages[0].contains("`(` without its closing `)`"));
    assert!(messages[2].contains("already used on row 2"));
    assert!(messages[3].contains("unsupported function `pulldata()`"));
    assert!(messages[5].contains("or_other"));
    assert!(messages[6].contains("closes the group `g` begun on row 10"));
    assert!(messages[7].contains("never ended"));
}

#[test]
fn unknown_references_are_reported_once_the_structure_is_sound() {
    let survey = vec![
        row(&["type", "name", "label", "calculation"]),
        row(&["note", "n", "Hello ${nobody}", ""]),
        row(&["calculate", "c", "", "${ghost} + 1"]),
    ];
    let errors = import(&[("survey", survey)]).unwrap_err();
    let got: Vec<(usize, String, String)> = locations(&errors)
        .into_iter()
        .map(|(_, r, c, m)| (r, c, m))
        .collect();
    assert_eq!(
        got,
        [
            (
                2,
                "label".into(),
                "`${nobody}` does not name a question in this form".into()
            ),
            (
                3,
                "calculation".into(),
                "`${ghost}` does not name a question in this form".into()
            ),
        ]
    );
}

#[test]
fn unknown_columns_and_scoring_mistakes_are_refused() {
    let survey = vec![
        row(&["type", "name", "label", "colour", "weight"]),
        row(&["text", "t", "T", "blue", ""]),
        row(&["integer", "n", "N", "", "2"]),
        row(&["select_one yn", "s", "S", "", "1"]),
    ];
    let choices = vec![
        row(&["list_name", "name", "label"]),
        row(&["yn", "yes", "Yes"]),
        row(&["yn", "no", "No"]),
    ];
    let errors = import(&[("survey", survey), ("choices", choices)]).unwrap_err();
    let got: Vec<(usize, String)> = locations(&errors)
        .into_iter()
        .map(|(_, r, c, _)| (r, c))
        .collect();
    assert_eq!(
        got,
        [(1, "colour".into()), (3, "type".into()), (4, "type".into())]
    );
    assert!(errors[1].message().contains("needs a range"));
    assert!(
        errors[2]
            .message()
            .contains("none of its choices has a score")
    );
}

fn survey_form() -> forms::Form {
    let survey = vec![
        row(&[
            "type",
            "name",
            "label::English (en)",
            "label::French (fr)",
            "required",
            "required_message::French (fr)",
            "relevant",
            "constraint",
            "calculation",
        ]),
        row(&[
            "integer",
            "patients",
            "Patients seen",
            "Patients vus",
            "yes",
            "Obligatoire",
            "",
            ". >= 0",
            "",
        ]),
        row(&[
            "select_multiple topics",
            "topics",
            "Topics",
            "Thèmes",
            "",
            "",
            "",
            "count-selected(.) <= 2",
            "",
        ]),
        row(&[
            "text",
            "other_topic",
            "Other topic",
            "Autre thème",
            "yes",
            "",
            "selected(${topics}, 'other')",
            "string-length(.) >= 3",
            "",
        ]),
        row(&["decimal", "hours", "Hours", "Heures", "", "", "", "", ""]),
        row(&[
            "calculate",
            "per_hour",
            "",
            "",
            "",
            "",
            "",
            "",
            "if(${hours} > 0, round(${patients} div ${hours}, 1), 0)",
        ]),
        row(&["time", "arrived", "Arrival", "Arrivée", "", "", "", "", ""]),
        row(&["begin repeat", "cases", "Cases", "Cas", "", "", "", "", ""]),
        row(&[
            "integer", "case_age", "Age", "Âge", "yes", "", "", ". < 120", "",
        ]),
        row(&[
            "text",
            "case_note",
            "Note",
            "Note",
            "yes",
            "",
            "${case_age} < 5",
            "",
            "",
        ]),
        row(&["end repeat", "", "", "", "", "", "", "", ""]),
    ];
    let choices = vec![
        row(&[
            "list name",
            "name",
            "label::English (en)",
            "label::French (fr)",
        ]),
        row(&["topics", "triage", "Triage", "Triage"]),
        row(&["topics", "hygiene", "Hygiene", "Hygiène"]),
        row(&["topics", "other", "Other", "Autre"]),
    ];
    import(&[("survey", survey), ("choices", choices)]).unwrap()
}

#[test]
fn types_relevance_constraints_calculations_and_repeats() {
    let form = survey_form();
    assert_eq!(form.question("cases").map(|q| q.kind), None);
    assert_eq!(
        form.question("case_age").unwrap().kind,
        QuestionType::Integer
    );
    let raw = RawSubmission::from_pairs([
        ("patients", "12"),
        ("topics", "hygiene"),
        ("topics", "other"),
        ("other_topic", "Waste"),
        ("hours", "2.5"),
        ("arrived", "08:30"),
        ("cases[0].case_age", "3"),
        ("cases[0].case_note", "Fever"),
        ("cases[1].case_age", "40"),
        ("cases[1].case_note", "dropped: not relevant"),
        ("csrf_token", "ignored"),
    ]);
    let answers = form.validate(&raw, &ctx()).unwrap();
    assert_eq!(answers.get("patients"), Some(&Answer::Integer(12)));
    assert_eq!(
        answers.get("topics"),
        Some(&Answer::Choices(vec!["hygiene".into(), "other".into()]))
    );
    assert_eq!(
        answers.get("per_hour"),
        Some(&Answer::Computed(Value::Number(4.8)))
    );
    assert_eq!(answers.repeat_count("cases"), 2);
    assert_eq!(
        answers.get("cases[0].case_note"),
        Some(&Answer::Text("Fever".into()))
    );
    assert_eq!(answers.get("cases[1].case_note"), None);
}

#[test]
fn submission_errors_name_each_field_in_plain_english() {
    let form = survey_form();
    let raw = RawSubmission::from_pairs([
        ("topics", "triage hygiene other"),
        ("other_topic", "x"),
        ("hours", "lots"),
        ("arrived", "25:00"),
        ("cases[0].case_age", "130"),
    ]);
    let french = Context {
        language: Some("fr".into()),
        ..ctx()
    };
    let errors = form.validate(&raw, &french).unwrap_err();
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field().unwrap(), e.message()))
        .collect();
    assert_eq!(
        got,
        [
            ("hours", "`lots` is not a number"),
            ("arrived", "`25:00` is not a time (HH:MM)"),
            ("patients", "Obligatoire"),
            (
                "topics",
                "the answer `triage hygiene other` does not meet the condition `count-selected(.) <= 2`"
            ),
            (
                "other_topic",
                "the answer `x` does not meet the condition `string-length(.) >= 3`"
            ),
            (
                "cases[0].case_age",
                "the answer `130` does not meet the condition `. < 120`"
            ),
        ]
    );
}

/// A decimal typed with a comma (a French keypad) is the same number; a comma that could
/// be a thousands separator is refused, not guessed at.
#[test]
fn a_decimal_comma_is_read_and_an_ambiguous_comma_refused() {
    let form = survey_form();
    let with = |hours: &str| {
        RawSubmission::from_pairs([("patients", "12"), ("topics", "triage"), ("hours", hours)])
    };
    for (typed, value) in [("2,5", 2.5), ("2.5", 2.5), (" 3,25 ", 3.25), ("-0,5", -0.5)] {
        let answers = form.validate(&with(typed), &ctx()).unwrap();
        assert_eq!(
            answers.get("hours"),
            Some(&Answer::Decimal(value)),
            "{typed:?}"
        );
    }
    for typed in ["1,000.5", "1,2,3", ",", "2,5e400"] {
        let errors = form.validate(&with(typed), &ctx()).unwrap_err();
        assert_eq!(errors[0].field(), Some("hours"), "{typed:?}");
        assert_eq!(errors[0].message(), format!("`{typed}` is not a number"));
    }
}

#[test]
fn required_applies_only_when_relevant() {
    let form = survey_form();
    let ok = RawSubmission::from_pairs([("patients", "3"), ("topics", "triage")]);
    assert!(form.validate(&ok, &ctx()).is_ok());
    let missing = RawSubmission::from_pairs([("patients", "3"), ("topics", "other")]);
    let errors = form.validate(&missing, &ctx()).unwrap_err();
    assert_eq!(errors[0].field(), Some("other_topic"));
    assert_eq!(errors[0].message(), "an answer is required");
}

proptest! {
    /// The parser never panics, and whatever it accepts evaluates without panicking.
    #[test]
    fn parser_is_total(src in "[ -~]{0,40}") {
        struct Nothing;
        impl forms::expr::Env for Nothing {
            fn value(&self, _: &str) -> Value { Value::empty() }
            fn today(&self) -> NaiveDate { NaiveDate::default() }
        }
        if let Ok(e) = Expression::parse(&src) {
            let _ = e.eval(&Nothing, &Value::Number(1.0));
        }
    }

    /// Integers round-trip through validation.
    #[test]
    fn integers_round_trip(n in -1_000_000i64..1_000_000) {
        // Built once: importing the workbook for each case would dominate the test's time.
        static FORM: std::sync::LazyLock<forms::Form> = std::sync::LazyLock::new(survey_form);
        let form = &*FORM;
        let raw = RawSubmission::from_pairs([("patients", n.to_string()), ("topics", "triage".to_string())]);
        match form.validate(&raw, &ctx()) {
            Ok(a) => prop_assert_eq!(a.get("patients"), Some(&Answer::Integer(n))),
            Err(e) => {
                prop_assert!(n < 0);
                prop_assert_eq!(e[0].field(), Some("patients"));
            }
        }
    }
}

#[test]
fn behaviour_on_a_group_row_is_refused_not_dropped() {
    let survey = vec![
        row(&["type", "name", "label", "required", "constraint"]),
        row(&["begin group", "g", "G", "yes", ". > 1"]),
        row(&["text", "t", "T", "", ""]),
        row(&["end group", "", "", "", ""]),
    ];
    let errors = import(&[("survey", survey)]).unwrap_err();
    let got: Vec<(usize, String)> = locations(&errors)
        .into_iter()
        .map(|(_, r, _, m)| (r, m))
        .collect();
    assert_eq!(
        got,
        [
            (2, "`required` on a group is not supported".into()),
            (2, "`constraint` on a group is not supported".into()),
        ]
    );
}
