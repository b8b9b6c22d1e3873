use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use reports::{Labels, sample, to_xlsx};

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

#[test]
fn sheets_hold_the_sections_with_percentages_as_fractions() {
    let report = sample();
    let mut book = open(to_xlsx(&report).unwrap());
    assert_eq!(
        book.sheet_names(),
        ["KPIs", "Dose", "Participation", "Changes", "Report"]
    );

    let kpis = book.worksheet_range("KPIs").unwrap();
    assert_eq!(kpis.height(), report.kpis.len() + 1);
    assert_eq!(
        kpis.get_value((0, 1)),
        Some(&Data::String("Indicator".into()))
    );
    let row = report
        .kpis
        .iter()
        .position(|k| k.code == "SSC_USE")
        .unwrap() as u32
        + 1;
    assert_eq!(
        kpis.get_value((row, 0)),
        Some(&Data::String("SSC_USE".into()))
    );
    assert_eq!(
        kpis.get_value((row, 2)),
        Some(&Data::String("Provider behaviours".into()))
    );
    let Some(Data::Float(value)) = kpis.get_value((row, 3)) else {
        panic!("SSC_USE value is a number")
    };
    assert!((value - 0.784).abs() < 1e-12, "87.5 % is stored as 0.875");
    assert_eq!(kpis.get_value((row, 4)), Some(&Data::Float(0.9)));
    assert_eq!(
        kpis.get_value((row, 5)),
        Some(&Data::String("At risk".into()))
    );
    assert_eq!(kpis.get_value((row, 8)), Some(&Data::Float(1176.0)));
    // Plain numbers stay plain.
    let visits = report.kpis.iter().position(|k| k.code == "VISITS").unwrap() as u32 + 1;
    assert_eq!(kpis.get_value((visits, 3)), Some(&Data::Float(46.0)));
    // Missing data is an empty cell.
    let counts = report
        .kpis
        .iter()
        .position(|k| k.code == "SPONGE_COUNT")
        .unwrap() as u32
        + 1;
    assert!(matches!(
        kpis.get_value((counts, 3)),
        None | Some(Data::Empty)
    ));

    let dose = book.worksheet_range("Dose").unwrap();
    assert_eq!(
        dose.get_value((1, 0)),
        Some(&Data::String("Debre Markos Referral Hospital".into()))
    );
    assert_eq!(dose.get_value((1, 1)), Some(&Data::Float(8.0)));
    assert_eq!(dose.get_value((1, 2)), Some(&Data::Float(41.5)));
    assert_eq!(dose.get_value((1, 5)), Some(&Data::Float(1.0)));

    let participation = book.worksheet_range("Participation").unwrap();
    assert_eq!(
        participation.get_value((1, 1)),
        Some(&Data::String("34 of 38".into()))
    );
    let changes = book.worksheet_range("Changes").unwrap();
    assert_eq!(changes.height(), report.notable_changes.len() + 1);
    let about = book.worksheet_range("Report").unwrap();
    assert_eq!(
        about.get_value((2, 1)),
        Some(&Data::String(report.program.clone()))
    );
}

#[test]
fn styles_freeze_panes_and_status_colours_are_in_the_sheet_xml() {
    // calamine reads values, not styles, so look at the sheet's XML for what it ignores.
    let bytes = to_xlsx(&sample()).unwrap();
    let mut zip = zip_entries(&bytes);
    let sheet = zip.remove("xl/worksheets/sheet1.xml").unwrap();
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
    assert!(sheet.contains("<conditionalFormatting"));
    assert!(sheet.contains(r#"<formula>"On track"</formula>"#));
    assert!(sheet.contains(r#"<formula>"Off track"</formula>"#));
    assert!(sheet.contains("<autoFilter"));
    let styles = zip.remove("xl/styles.xml").unwrap();
    assert!(styles.contains(r#"formatCode="0.0%""#));
    assert!(styles.contains(r#"formatCode="0.0""#));
    assert!(styles.contains("FFC6EFCE"), "green fill");
    assert!(styles.contains("FFFFC7CE"), "red fill");
}

#[test]
fn french_labels_name_the_sheets_and_statuses() {
    let mut report = sample();
    report.labels = Labels::french();
    let mut book = open(to_xlsx(&report).unwrap());
    assert_eq!(
        book.sheet_names(),
        [
            "Indicateurs",
            "Dose",
            "Participation",
            "Changements",
            "Rapport"
        ]
    );
    let kpis = book.worksheet_range("Indicateurs").unwrap();
    assert_eq!(
        kpis.get_value((0, 6)),
        Some(&Data::String("Trimestre précédent".into()))
    );
    let row = report
        .kpis
        .iter()
        .position(|k| k.code == "ABX_TIMING")
        .unwrap() as u32
        + 1;
    assert_eq!(
        kpis.get_value((row, 5)),
        Some(&Data::String("Hors trajectoire".into()))
    );
}

#[test]
fn sheet_names_excel_refuses_are_cleaned_and_kept_distinct() {
    let mut report = sample();
    report.labels.kpis = "KPIs: Q3/2026 [draft] with a name much longer than Excel allows".into();
    report.labels.dose = "Participation".into();
    let book = open(to_xlsx(&report).unwrap());
    let names = book.sheet_names();
    assert_eq!(names[0], "KPIs- Q3-2026 -draft- with a na");
    assert_eq!(names[1], "Participation");
    assert_eq!(names[2], "Participation 2");
}

/// The workbook's XML parts as text, read with the zip calamine brings.
fn zip_entries(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut parts = std::collections::HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            parts.insert(file.name().unwrap().into_owned(), text);
        }
    }
    parts
}
