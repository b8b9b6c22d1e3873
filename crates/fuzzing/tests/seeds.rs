//! Writes the text seeds of the `xlsform_sheets` and `form_expression` targets from the
//! example workbooks (the forms crate's fixtures and the pyxform ones in `../shared`). Run
//! once by hand when the examples change; the seeds it wrote are kept in `fuzz/corpus/`:
//!
//! ```text
//! cargo test -p fuzzing --test seeds -- --ignored
//! ```

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use fuzzing::workbook::Spec;

fn to_spec(path: &Path) -> Option<Spec> {
    let mut workbook: Xlsx<_> = calamine::open_workbook(path).ok()?;
    let mut spec = Spec::default();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).ok()?;
        let rows = range
            .rows()
            .map(|cells| {
                cells
                    .iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        other => other.to_string().replace(['\t', '\n', '\r'], " "),
                    })
                    .collect()
            })
            .collect();
        spec.sheets.push((name, rows));
    }
    Some(spec)
}

#[test]
#[ignore = "writes seed files; run by hand"]
fn write_seeds_from_the_example_workbooks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sheets = root.join("fuzz/corpus/xlsform_sheets");
    let expressions = root.join("fuzz/corpus/form_expression");
    std::fs::create_dir_all(&sheets).unwrap();
    std::fs::create_dir_all(&expressions).unwrap();
    let mut examples = Vec::new();
    for dir in [
        root.join("crates/forms/tests/fixtures"),
        root.join("../shared/fixtures/xlsform"),
    ] {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            examples.push(entry.path());
        }
    }
    for path in examples {
        let Some(spec) = to_spec(&path) else { continue };
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        std::fs::write(sheets.join(format!("{stem}.txt")), spec.to_text()).unwrap();
        // Every expression cell becomes a seed of its own.
        for (name, rows) in &spec.sheets {
            let Some(header) = rows.first() else { continue };
            for (c, head) in header.iter().enumerate() {
                let head = head.to_ascii_lowercase();
                if !["relevant", "constraint", "calculation", "choice_filter"]
                    .contains(&head.as_str())
                {
                    continue;
                }
                for (r, row) in rows.iter().enumerate().skip(1) {
                    if let Some(cell) = row.get(c).filter(|c| !c.is_empty()) {
                        let file = format!("{stem}-{name}-{r}-{head}.txt");
                        std::fs::write(expressions.join(file), cell).unwrap();
                    }
                }
            }
        }
    }
}
