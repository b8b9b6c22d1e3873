//! One fuzz target per parser of untrusted input, as plain functions over bytes.
//!
//! The same functions serve two callers, so a crash found once stays fixed:
//!
//! - the coverage-guided harness in `fuzz/` (its own Cargo workspace, libFuzzer), run by
//!   `cargo xtask fuzz`, whose `fuzz_targets/<name>.rs` each call one function here;
//! - the regression test of this crate (`tests/corpus.rs`), run by plain `cargo test`, which
//!   feeds every file of `fuzz/corpus/<name>/` and `fuzz/regressions/<name>/` through it.
//!
//! A target passes when it returns: a parser may refuse any input, but must never panic,
//! hang or allocate without bound. Where a parser promises more (a printed period id reads
//! back as the same period, a refusal names where it is), the target asserts that too, so a
//! broken promise is a crash like any other.

pub mod workbook;

use chrono::NaiveDate;

/// A named fuzz target: the name of its `fuzz_targets/` file and corpus folder.
#[derive(Clone, Copy)]
pub struct Target {
    /// The target's name, as `cargo xtask fuzz` and the corpus folders know it.
    pub name: &'static str,
    /// The parser under test, fed one input.
    pub run: fn(&[u8]),
}

/// Every target, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "xlsform_bytes",
        run: xlsform_bytes,
    },
    Target {
        name: "xlsform_sheets",
        run: xlsform_sheets,
    },
    Target {
        name: "form_expression",
        run: form_expression,
    },
    Target {
        name: "org_units_csv",
        run: org_units_csv,
    },
    Target {
        name: "people_csv",
        run: people_csv,
    },
    Target {
        name: "values_csv",
        run: values_csv,
    },
    Target {
        name: "dhis2_org_units_json",
        run: dhis2_org_units_json,
    },
    Target {
        name: "period_id",
        run: period_id,
    },
    Target {
        name: "indicator_expression",
        run: indicator_expression,
    },
    Target {
        name: "dhis2_import_summary",
        run: dhis2_import_summary,
    },
    Target {
        name: "doi",
        run: doi,
    },
];

/// The target called `name`, if there is one.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}

/// The date expressions and submissions are checked on: fixed, so a run is reproducible.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
}

/// An uploaded XLSForm workbook, byte for byte: the zip guard, calamine and the reader.
pub fn xlsform_bytes(data: &[u8]) {
    if let Err(errors) = forms::Form::from_xlsx_bytes("fuzz.xlsx", data, &forms::Limits::default())
    {
        assert!(!errors.is_empty(), "a refusal must say why");
    }
}

/// An XLSForm built from text (see [`workbook`]) so that mutations reach the cells rather
/// than the zip's compressed bytes; a form that reads is then given the submission the text
/// carries, validated and scored.
pub fn xlsform_sheets(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let spec = workbook::Spec::parse(&text);
    let bytes = spec.to_xlsx();
    let form = match forms::Form::from_xlsx_bytes("fuzz.xlsx", &bytes, &forms::Limits::default()) {
        Ok(form) => form,
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal must say why");
            for e in &errors {
                // Every problem inside the workbook names its sheet, and a cell problem its
                // row and column.
                if let forms::FormError::Cell { sheet, column, .. } = e {
                    assert!(!sheet.is_empty() && !column.is_empty(), "{e}");
                }
            }
            return;
        }
    };
    let mut raw = forms::RawSubmission::new();
    for (key, value) in &spec.submission {
        raw.push(key.as_str(), value.as_str());
    }
    if let Ok(answers) = form.validate(&raw, &forms::Context::on(today())) {
        let _ = form.score(&answers);
    }
}

/// A `relevant`/`constraint`/`calculation` cell, parsed and then evaluated with `.` and
/// every `${name}` bound to values taken from the text itself.
pub fn form_expression(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(expression) = forms::Expression::parse(&text) else {
        return;
    };
    struct Env<'a>(&'a str);
    impl forms::expr::Env for Env<'_> {
        fn value(&self, name: &str) -> forms::Value {
            // Vary the kinds of value by name so every comparison rule is reached.
            match name.len() % 4 {
                0 => forms::Value::empty(),
                1 => forms::Value::Number(self.0.len() as f64),
                2 => forms::Value::Text(self.0.chars().take(20).collect()),
                _ => forms::Value::Text("2024-02-29".into()),
            }
        }
        fn today(&self) -> NaiveDate {
            today()
        }
    }
    for current in [
        forms::Value::empty(),
        forms::Value::Number(3.0),
        forms::Value::Text("yes no".into()),
        forms::Value::Bool(true),
        forms::Value::Date(today()),
    ] {
        let _ = expression.eval(&Env(&text), &current).to_string();
    }
}

/// An org unit CSV import.
pub fn org_units_csv(data: &[u8]) {
    if let Err(e) = interop::org_units_csv::parse("fuzz.csv", data) {
        assert_named(&e);
    }
}

/// A people CSV import.
pub fn people_csv(data: &[u8]) {
    if let Err(e) = interop::people_csv::parse("fuzz.csv", data) {
        assert_named(&e);
    }
}

/// An aggregate values CSV import.
pub fn values_csv(data: &[u8]) {
    if let Err(e) = interop::values_csv::parse("fuzz.csv", data) {
        assert_named(&e);
    }
}

/// A DHIS2 `organisationUnits` JSON export.
pub fn dhis2_org_units_json(data: &[u8]) {
    if let Err(e) = interop::dhis2::parse("fuzz.json", data) {
        assert_named(&e);
    }
}

/// An import refusal must list at least one problem, each saying where and what.
fn assert_named(e: &interop::ImportError) {
    assert!(!e.errors.is_empty(), "a refusal must say why");
    for problem in &e.errors {
        assert!(
            !problem.location.is_empty() && !problem.field.is_empty(),
            "{problem}"
        );
    }
}

/// A DHIS2 or Ethiopian period id (and a period type name). A period that parses must print
/// to an id that reads back as the same period, contain its own first and last day, and its neighbours and parents
/// must be computable or refused without a panic.
pub fn period_id(data: &[u8]) {
    use indicators::{EthiopianDate, Period, PeriodType};
    let text = String::from_utf8_lossy(data);
    let _ = text.parse::<PeriodType>();
    let Ok(period) = text.parse::<Period>() else {
        return;
    };
    // Ids are read leniently (`2024W01` is week 1, as DHIS2 reads it) and printed in one
    // form, which must read back as the same period.
    let printed = period.to_string();
    assert_eq!(
        printed.parse::<Period>().ok(),
        Some(period),
        "{text:?} printed as {printed:?}"
    );
    let (start, end) = (period.start(), period.end());
    assert!(start <= end, "{period}: {start} after {end}");
    assert_eq!(
        Period::containing(period.period_type(), start).ok(),
        Some(period)
    );
    assert_eq!(
        Period::containing(period.period_type(), end).ok(),
        Some(period)
    );
    let _ = period.next();
    let _ = period.prev();
    for parent in PeriodType::ALL {
        if let Ok(p) = period.parent_in(parent) {
            assert!(p.contains_period(&period), "{p} should contain {period}");
        }
    }
    let ethiopian = EthiopianDate::from_gregorian(start);
    assert_eq!(ethiopian.to_gregorian().ok(), Some(start));
}

/// An indicator's numerator or denominator (`#{DE.COC} + visits + 1`): what parses prints
/// back to an expression that parses to the same terms.
pub fn indicator_expression(data: &[u8]) {
    use indicators::definitions::Expression;
    let text = String::from_utf8_lossy(data);
    if let Ok(expression) = Expression::parse("fuzz", &text) {
        let printed = expression.to_string();
        let again = Expression::parse("fuzz", &printed);
        assert!(
            again.is_ok(),
            "{text:?} printed as {printed:?}, which does not parse"
        );
    }
}

/// A DHIS2 server's answer to a push, which tandem reads and merges chunk by chunk: two
/// answers separated by a NUL byte, the second merged after the first as the client does.
pub fn dhis2_import_summary(data: &[u8]) {
    use dhis2::payload::ImportSummary;
    let mut parts = data.splitn(2, |b| *b == 0);
    let first = ImportSummary::parse(parts.next().unwrap_or_default());
    let second = ImportSummary::parse(parts.next().unwrap_or_default());
    let Ok(mut summary) = first else {
        return;
    };
    let _ = summary.to_string();
    if let Ok(second) = second {
        summary.merge(second, 1_000);
    }
    for conflict in &summary.conflicts {
        let _ = conflict.describe(&[]);
    }
}

/// A DOI typed into a research output.
pub fn doi(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(doi) = research::Doi::parse(&text) {
        assert_eq!(research::Doi::parse(doi.as_str()).ok().as_ref(), Some(&doi));
        let _ = doi.url();
    }
}
