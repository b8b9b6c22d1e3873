use chrono::NaiveDate;
use research::Output;
use research::bibtex::{citation_keys, to_bibtex};
use research::csl::to_csl_json;
use research::demo::demo_history;
use research::outputs::{NewAuthor, NewPublication, NewTraining};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 8).unwrap()
}

fn paper(title: &str, family: &str) -> Output {
    Output::Publication(
        NewPublication {
            doi: Some("10.5555/a_b{1}".into()),
            title: title.into(),
            journal: "Journal of 100% Things & Stuff".into(),
            published_on: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
            pages: Some("112-121".into()),
            authors: vec![
                NewAuthor::named(family, "Ọ̀sàrẹ́tìn"),
                NewAuthor::named("Smith", "J. ~R."),
            ],
            ..NewPublication::default()
        }
        .validate()
        .unwrap(),
    )
}

#[test]
fn bibtex_entries_are_escaped_and_keyed() {
    let outputs = vec![
        paper("Surgical mentorship in Nigeria: costs in $ & #s", "Ogbeide"),
        paper("The surgical workforce", "Ogbeide"),
        paper("On mentoring_at_scale", "Ọ̀kọ́"),
    ];
    assert_eq!(
        citation_keys(&outputs),
        [
            "Ogbeide2025Surgicala",
            "Ogbeide2025Surgicalb",
            "Oko2025Mentoringatscale"
        ]
    );
    let bib = to_bibtex(&outputs);
    assert!(bib.starts_with("@article{Ogbeide2025Surgicala,\n"), "{bib}");
    assert!(
        bib.contains("title = {Surgical mentorship in Nigeria: costs in \\$ \\& \\#s},"),
        "{bib}"
    );
    assert!(
        bib.contains("author = {Ogbeide, Ọ̀sàrẹ́tìn and Smith, J. \\textasciitilde{}R.},"),
        "{bib}"
    );
    assert!(bib.contains("journal = {Journal of 100\\% Things \\& Stuff},"));
    assert!(bib.contains("pages = {112--121},"));
    assert!(bib.contains("doi = {10.5555/a_b\\{1\\}},"), "{bib}");
    assert_eq!(bib, to_bibtex(&outputs), "deterministic");
}

#[test]
fn csl_json_follows_the_schema_shape() {
    let training = Output::Training(
        NewTraining {
            title: "Bootcamp".into(),
            audience: "Residents".into(),
            place: "Online".into(),
            date: NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
            trainers: vec![NewAuthor::named("Omoregie", "Uyi")],
            participants: 40,
        }
        .validate()
        .unwrap(),
    );
    let json: serde_json::Value = serde_json::from_str(&to_csl_json(&[
        paper("Surgical mentorship", "Ogbeide"),
        training,
    ]))
    .unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items[0]["id"], "Ogbeide2025Surgical");
    assert_eq!(items[0]["type"], "article-journal");
    assert_eq!(items[0]["DOI"], "10.5555/a_b{1}");
    assert_eq!(
        items[0]["container-title"],
        "Journal of 100% Things & Stuff"
    );
    assert_eq!(
        items[0]["issued"]["date-parts"],
        serde_json::json!([[2025, 3, 14]])
    );
    assert_eq!(
        items[0]["author"][0],
        serde_json::json!({"family": "Ogbeide", "given": "Ọ̀sàrẹ́tìn"})
    );
    assert_eq!(items[1]["type"], "event");
    assert_eq!(items[1]["event-place"], "Online");
}

#[test]
fn demo_exports_have_unique_keys() {
    let outputs = demo_history(start()).outputs();
    let keys = citation_keys(&outputs);
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    let bib = to_bibtex(&outputs);
    assert_eq!(bib.matches("\n@").count() + 1, outputs.len());
    assert!(bib.contains("@article{Ogbeide2024Surgical,"), "{bib}");
}

/// Writes the demo's exports for the CI parse check (tests/formats/check_exports.py) when
/// `RESEARCH_EXPORT_OUT` names a directory; does nothing otherwise.
#[test]
fn writes_export_fixtures() {
    let Ok(dir) = std::env::var("RESEARCH_EXPORT_OUT") else {
        return;
    };
    let outputs = demo_history(start()).outputs();
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("demo.bib"), to_bibtex(&outputs)).unwrap();
    std::fs::write(dir.join("demo.csl.json"), to_csl_json(&outputs)).unwrap();
}
