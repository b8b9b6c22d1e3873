use reports::{Labels, Report, Status, sample};

#[test]
fn the_report_round_trips_through_json_with_stable_codes() {
    let report = sample();
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"provider_behaviour\""));
    assert!(json.contains("\"off_track\""));
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn the_sample_covers_every_status_missing_data_and_a_ratio() {
    let report = sample();
    for status in [Status::OnTrack, Status::AtRisk, Status::OffTrack] {
        assert!(report.kpis.iter().any(|k| k.status == Some(status)));
    }
    assert!(report.kpis.iter().any(|k| k.value.is_none()));
    let ssc = report.kpis.iter().find(|k| k.code == "SSC_USE").unwrap();
    assert_eq!(
        ssc.numerator.unwrap() / ssc.denominator.unwrap() * 100.0,
        78.4
    );
    assert!((ssc.change().unwrap() - 7.2).abs() < 1e-9);
}

#[test]
fn french_labels_differ_from_english_where_the_words_do() {
    let (en, fr) = (Labels::english(), Labels::french());
    assert_eq!(fr.status_word(Status::AtRisk), "À risque");
    assert_ne!(en.kpis, fr.kpis);
    assert_eq!(fr.decimal_separator, ",");
}
