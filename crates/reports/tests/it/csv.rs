use reports::{Labels, csv::HEADER, sample, to_csv};

fn rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 byte order mark");
    let mut reader = csv::Reader::from_reader(body);
    assert_eq!(
        reader.headers().unwrap(),
        &csv::StringRecord::from(HEADER.to_vec())
    );
    reader.records().map(Result::unwrap).collect()
}

fn column(name: &str) -> usize {
    HEADER.iter().position(|h| *h == name).unwrap()
}

#[test]
fn one_file_carries_every_section_with_stable_codes() {
    let report = sample();
    let bytes = to_csv(&report).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");
    let rows = rows(&bytes);
    let count = |section: &str| rows.iter().filter(|r| &r[0] == section).count();
    assert_eq!(count("report"), 7);
    assert_eq!(count("kpi"), report.kpis.len());
    assert_eq!(count("dose"), report.dose.len());
    assert_eq!(count("participation"), report.participation.len());
    assert_eq!(count("change"), report.notable_changes.len());
    assert!(rows.iter().all(|r| r.len() == HEADER.len()));

    let ssc = rows
        .iter()
        .find(|r| &r[column("code")] == "SSC_USE")
        .unwrap();
    assert_eq!(&ssc[column("category")], "provider_behaviour");
    assert_eq!(&ssc[column("value")], "78.4");
    assert_eq!(&ssc[column("target")], "90");
    assert_eq!(&ssc[column("status")], "at_risk");
    assert_eq!(&ssc[column("numerator")], "1176");
    assert_eq!(ssc[column("change")].parse::<f64>().unwrap().round(), 7.0);

    // Missing data stays empty, never zero.
    let counts = rows
        .iter()
        .find(|r| &r[column("code")] == "SPONGE_COUNT")
        .unwrap();
    assert_eq!(&counts[column("value")], "");
    assert_eq!(&counts[column("status")], "");

    let gondar = rows
        .iter()
        .find(|r| r[column("name")].contains("Gondar"))
        .unwrap();
    assert_eq!(&gondar[column("visits")], "5");
    assert_eq!(&gondar[column("percent_of_plan")], "62.5");
    assert_eq!(&gondar[column("status")], "at_risk");
}

#[test]
fn accents_commas_and_quotes_survive() {
    let mut report = sample();
    report.labels = Labels::french();
    report.scope = "Région Amhara, « Nord »".into();
    report.notable_changes = vec!["Le \"sign-out\" est passé à 80 %, enfin.".into()];
    let rows = rows(&to_csv(&report).unwrap());
    let scope = rows
        .iter()
        .find(|r| &r[0] == "report" && &r[2] == "scope")
        .unwrap();
    assert_eq!(&scope[4], "Région Amhara, « Nord »");
    let change = rows.iter().find(|r| &r[0] == "change").unwrap();
    assert_eq!(&change[2], "Le \"sign-out\" est passé à 80 %, enfin.");
}

/// Names and sentences that people typed or imported never run as formulas in a spreadsheet
/// (a leading `'`), while the numbers stay numbers: a fall is still written `-…`.
#[test]
fn text_that_looks_like_a_formula_is_written_as_text() {
    let mut report = sample();
    report.scope = "=HYPERLINK(\"http://example.org\",\"Amhara\")".into();
    report.kpis[0].name = "+SUM(A1:A9)".into();
    report.kpis[0].previous = report.kpis[0].value.map(|v| v + 5.0);
    report.dose[0].who = "@Gondar".into();
    report.notable_changes = vec!["-2 visits since June".into(), "\tTabbed".into()];
    let rows = rows(&to_csv(&report).unwrap());
    let scope = rows
        .iter()
        .find(|r| &r[0] == "report" && &r[2] == "scope")
        .unwrap();
    assert_eq!(
        &scope[column("value")],
        "'=HYPERLINK(\"http://example.org\",\"Amhara\")"
    );
    let kpi = rows.iter().find(|r| &r[0] == "kpi").unwrap();
    assert_eq!(&kpi[column("name")], "'+SUM(A1:A9)");
    assert_eq!(kpi[column("change")].parse::<f64>().unwrap(), -5.0);
    let dose = rows.iter().find(|r| &r[0] == "dose").unwrap();
    assert_eq!(&dose[column("name")], "'@Gondar");
    let changes: Vec<&str> = rows
        .iter()
        .filter(|r| &r[0] == "change")
        .map(|r| &r[column("name")])
        .collect();
    assert_eq!(changes, ["'-2 visits since June", "'\tTabbed"]);
}
