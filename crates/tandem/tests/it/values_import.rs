//! `tandem import values` on a file large enough to span several of the store's chunks: all
//! or nothing across chunks, and the counts of a re-import (on SQLite, and on PostgreSQL when
//! `TANDEM_TEST_DATABASE_URL` is set).

use super::{Cli, fails, ok};
use std::fmt::Write as _;

/// Facilities × months × elements = 20,000 rows: four chunks of 5,000.
const FACILITIES: usize = 50;
const MONTHS: usize = 200;
const ELEMENTS: [&str; 2] = ["OPS", "DEATHS"];
const ROWS: usize = FACILITIES * MONTHS * ELEMENTS.len();

/// The values file: every (facility, month, element) once; `value(i)` gives row i's value
/// (i from 0, the first data row).
fn values_file(value: impl Fn(usize) -> String) -> String {
    let mut text = String::from("data_element,org_unit,period,value\n");
    let mut i = 0;
    for facility in 0..FACILITIES {
        for month in 0..MONTHS {
            let period = format!("{}{:02}", 1990 + month / 12, month % 12 + 1);
            for element in ELEMENTS {
                writeln!(
                    text,
                    "{element},ET-AM-EG-F{facility:02},{period},{}",
                    value(i)
                )
                .expect("write");
                i += 1;
            }
        }
    }
    text
}

#[test]
fn a_large_values_file_imports_all_or_nothing_and_counts_a_reimport() {
    let cli = Cli::new("values_import");
    let mut units = String::from(
        "code,name,level,parent_code\nET,Ethiopia,country,\nET-AM,Amhara,region,ET\nET-AM-EG,East Gojjam,district,ET-AM\n",
    );
    for facility in 0..FACILITIES {
        writeln!(
            units,
            "ET-AM-EG-F{facility:02},Facility {facility},facility,ET-AM-EG"
        )
        .expect("write");
    }
    ok(&cli.run(&["import", "org-units", &cli.file("units.csv", &units)]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = runtime.block_on(async {
        let db = store::Db::connect(&cli.url).await.expect("database");
        let actor = store::Actor::system("test");
        let root = db
            .org_unit_by_code(&domain::values::OrgUnitCode::parse("ET-AM").expect("code"))
            .await
            .expect("root");
        let program = db
            .create_program(
                &actor,
                &domain::programs::NewProgram {
                    code: domain::values::Slug::parse("big_values").expect("code"),
                    name: domain::values::Name::parse("Big values").expect("name"),
                    kind: domain::programs::ProgramKind::ClinicalMentorship,
                    description: String::new(),
                    root_org_unit: Some(root.id),
                },
            )
            .await
            .expect("program");
        for code in ELEMENTS {
            db.create_data_element(
                &actor,
                program.id,
                &store::indicators::NewDataElement {
                    code: code.into(),
                    name: code.into(),
                    value_type: "integer".into(),
                    min: Some(0.0),
                    ..Default::default()
                },
            )
            .await
            .expect("element");
        }
        db
    });
    let stored = || {
        runtime.block_on(async {
            let code = domain::values::Slug::parse("big_values").expect("code");
            let program = db.program_by_code(&code).await.expect("program").id;
            db.values_of(program, None, None).await.expect("values")
        })
    };
    let import = |name: &str, text: &str| {
        cli.run(&[
            "import",
            "values",
            &cli.file(name, text),
            "--program",
            "big_values",
        ])
    };

    // A value below the minimum on the last row, three chunks after the first was written:
    // the error names the file, the row and the field, and nothing is kept.
    let last_row = ROWS + 1;
    let bad = values_file(|i| {
        if i == ROWS - 1 {
            "-1".into()
        } else {
            "7".into()
        }
    });
    let err = fails(&import("bad.csv", &bad));
    assert!(
        err.contains(&format!("bad.csv: row {last_row}"))
            && err.contains("value")
            && err.contains("minimum")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(stored().is_empty(), "a refused import wrote values");
    // The same for a row the reader refuses, and for a repeat of a row in the first chunk.
    let unreadable = values_file(|i| {
        if i == ROWS - 1 {
            "many".into()
        } else {
            "7".into()
        }
    });
    let err = fails(&import("unreadable.csv", &unreadable));
    assert!(
        err.contains(&format!(
            "unreadable.csv: row {last_row}, value: 'many' is not a number"
        )),
        "{err}"
    );
    let repeated = format!("{}OPS,ET-AM-EG-F00,199001,7\n", values_file(|_| "7".into()));
    let err = fails(&import("repeated.csv", &repeated));
    assert!(
        err.contains(&format!("row {}", ROWS + 2)) && err.contains("repeats row 2"),
        "{err}"
    );
    assert!(stored().is_empty(), "a refused import wrote values");

    let good = values_file(|i| (i % 100).to_string());
    let out = ok(&import("good.csv", &good));
    assert!(
        out.contains(&format!("{ROWS} created, 0 updated, 0 unchanged")),
        "{out}"
    );
    assert_eq!(stored().len(), ROWS);

    // Every tenth value changed, and 100 new rows (a month more at the first facility, and
    // so on): counted as updated, unchanged and created.
    let mut again = values_file(|i| (i % 100 + usize::from(i % 10 == 0)).to_string());
    for facility in 0..FACILITIES {
        for element in ELEMENTS {
            writeln!(again, "{element},ET-AM-EG-F{facility:02},202001,5").expect("write");
        }
    }
    let out = ok(&import("again.csv", &again));
    let (updated, created) = (ROWS / 10, FACILITIES * ELEMENTS.len());
    assert!(
        out.contains(&format!(
            "{created} created, {updated} updated, {} unchanged",
            ROWS - updated
        )),
        "{out}"
    );
    let values = stored();
    assert_eq!(values.len(), ROWS + created);
    let first = values
        .iter()
        .find(|v| {
            v.org_unit_code == "ET-AM-EG-F00"
                && v.period == "199001"
                && v.data_element_code == "OPS"
        })
        .expect("the first row's value");
    assert_eq!(first.value, 1.0, "row 2 was changed from 0 to 1");
    runtime.block_on(db.close());
}
