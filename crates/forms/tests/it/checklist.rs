//! The surgical-safety mentoring checklist (after the WHO Surgical Safety Checklist): three
//! scored domains with weights and French labels. The committed
//! `tests/fixtures/surgical_mentoring_checklist.xlsx` is written from [`sheets`] by
//! `cargo test -p forms --test it -- --ignored regenerate_surgical_checklist`; the app's demo
//! uses it.

use chrono::NaiveDate;
use forms::submission::Context;
use forms::{Form, GroupKind, Item, Limits, QuestionType, RawSubmission};

use crate::build::{Sheet, xlsx};
use crate::fixtures;

const FILE: &str = "surgical_mentoring_checklist.xlsx";

#[rustfmt::skip]
pub fn sheets() -> Vec<Sheet<'static>> {
    let survey = vec![
        vec!["type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)", "hint::French (fr)", "required", "relevant", "constraint", "constraint_message::English (en)", "constraint_message::French (fr)", "weight", "appearance"],
        vec!["date", "visit_date", "Date of the mentoring visit", "Date de la visite de mentorat", "", "", "yes", "", ". <= today()", "The visit date cannot be in the future.", "La date de visite ne peut pas être dans le futur.", "", ""],
        vec!["text", "procedure", "Procedure observed", "Intervention observée", "", "", "yes", "", "", "", "", "", ""],
        vec!["begin group", "sign_in", "Sign in (before induction of anaesthesia)", "Accueil (avant l'induction de l'anesthésie)", "", "", "", "", "", "", "", "", "field-list"],
        vec!["select_one yes_no", "identity_confirmed", "Patient has confirmed identity, site, procedure and consent", "Le patient a confirmé son identité, le site, l'intervention et son consentement", "", "", "yes", "", "", "", "", "2", ""],
        vec!["select_one yes_no_na", "site_marked", "Site is marked", "Le site est marqué", "Not applicable when there is no laterality.", "Sans objet en l'absence de latéralité.", "yes", "", "", "", "", "", ""],
        vec!["select_one yes_no", "anaesthesia_check", "Anaesthesia machine and medication check complete", "Vérification du matériel et des médicaments d'anesthésie effectuée", "", "", "yes", "", "", "", "", "", ""],
        vec!["select_one yes_no", "pulse_oximeter", "Pulse oximeter on the patient and functioning", "Oxymètre de pouls en place et fonctionnel", "", "", "yes", "", "", "", "", "2", ""],
        vec!["select_one yes_no", "airway_assessed", "Difficult airway and aspiration risk assessed", "Risque d'intubation difficile et d'inhalation évalué", "", "", "yes", "", "", "", "", "", ""],
        vec!["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["begin group", "time_out", "Time out (before skin incision)", "Pause (avant l'incision cutanée)", "", "", "", "", "", "", "", "", "field-list"],
        vec!["select_one yes_no", "team_introduced", "All team members introduced by name and role", "Tous les membres de l'équipe se sont présentés par leur nom et leur fonction", "", "", "yes", "", "", "", "", "", ""],
        vec!["select_one yes_no_na", "antibiotic_given", "Antibiotic prophylaxis given within the last 60 minutes", "Antibioprophylaxie administrée au cours des 60 dernières minutes", "", "", "yes", "", "", "", "", "2", ""],
        vec!["select_multiple critical_events", "critical_events", "Anticipated critical events reviewed by", "Événements critiques anticipés passés en revue par", "Tick each team member who reviewed them.", "Cochez chaque membre de l'équipe qui les a passés en revue.", "", "", "", "", "", "", ""],
        vec!["select_one yes_no_na", "imaging_displayed", "Essential imaging displayed", "Imagerie essentielle affichée", "", "", "yes", "", "", "", "", "", ""],
        vec!["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["begin group", "sign_out", "Sign out (before the patient leaves the operating room)", "Sortie (avant que le patient ne quitte la salle d'opération)", "", "", "", "", "", "", "", "", "field-list"],
        vec!["select_one yes_no", "counts_correct", "Instrument, sponge and needle counts are correct", "Le compte des instruments, compresses et aiguilles est correct", "", "", "yes", "", "", "", "", "2", ""],
        vec!["select_one yes_no_na", "specimen_labelled", "Specimen labelled, including the patient's name", "Prélèvements étiquetés, avec le nom du patient", "", "", "yes", "", "", "", "", "", ""],
        vec!["select_one problems", "equipment_problems", "Equipment problems to be addressed?", "Problèmes de matériel à résoudre ?", "", "", "yes", "", "", "", "", "", ""],
        vec!["text", "equipment_notes", "Which equipment problems?", "Quels problèmes de matériel ?", "", "", "yes", "${equipment_problems} = 'yes'", "", "", "", "", "multiline"],
        vec!["integer", "team_communication", "Team communication during the procedure (0 = poor, 5 = excellent)", "Communication de l'équipe pendant l'intervention (0 = faible, 5 = excellente)", "", "", "yes", "", ". >= 0 and . <= 5", "Give a rating from 0 to 5.", "Donnez une note de 0 à 5.", "1", ""],
        vec!["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["text", "mentor_feedback", "Feedback agreed with the team", "Retour convenu avec l'équipe", "", "", "", "", "", "", "", "", "multiline"],
    ];
    let choices = vec![
        vec!["list_name", "name", "label::English (en)", "label::French (fr)", "score"],
        vec!["yes_no", "yes", "Yes", "Oui", "1"],
        vec!["yes_no", "no", "No", "Non", "0"],
        vec!["yes_no_na", "yes", "Yes", "Oui", "1"],
        vec!["yes_no_na", "no", "No", "Non", "0"],
        vec!["yes_no_na", "na", "Not applicable", "Sans objet", ""],
        vec!["problems", "yes", "Yes", "Oui", ""],
        vec!["problems", "no", "No", "Non", ""],
        vec!["critical_events", "surgeon", "Surgeon", "Chirurgien", "1"],
        vec!["critical_events", "anaesthetist", "Anaesthetist", "Anesthésiste", "1"],
        vec!["critical_events", "nursing", "Nursing team", "Équipe infirmière", "1"],
    ];
    let settings = vec![
        vec!["form_title", "form_id", "version", "default_language"],
        vec!["Surgical safety mentoring checklist", "surgical_mentoring_checklist", "2025.1", "English (en)"],
    ];
    vec![("survey", survey), ("choices", choices), ("settings", settings)]
}

fn form() -> Form {
    fixtures::import(FILE).unwrap()
}

#[test]
#[ignore = "writes tests/fixtures/surgical_mentoring_checklist.xlsx"]
fn regenerate_surgical_checklist() {
    let path = format!("{}/tests/fixtures/{FILE}", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(path, xlsx(&sheets())).unwrap();
}

#[test]
fn committed_checklist_matches_its_source() {
    let built = Form::from_xlsx_bytes(FILE, &xlsx(&sheets()), &Limits::default()).unwrap();
    assert_eq!(form(), built);
}

#[test]
fn checklist_imports_with_three_scored_domains_and_french_labels() {
    let form = form();
    assert_eq!(form.id, "surgical_mentoring_checklist");
    assert_eq!(form.title, "Surgical safety mentoring checklist");
    assert_eq!(form.version.as_deref(), Some("2025.1"));
    assert_eq!(form.languages, ["English (en)", "French (fr)"]);
    let groups: Vec<(&str, GroupKind, usize)> = form
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Group(g) => Some((g.name.as_str(), g.kind, g.items.len())),
            Item::Question(_) => None,
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("sign_in", GroupKind::Group, 5),
            ("time_out", GroupKind::Group, 4),
            ("sign_out", GroupKind::Group, 5),
        ]
    );
    assert_eq!(form.questions().len(), 17);
    let q = form.question("counts_correct").unwrap();
    assert_eq!(q.kind, QuestionType::SelectOne);
    assert_eq!(
        q.label.get("fr"),
        Some("Le compte des instruments, compresses et aiguilles est correct")
    );
    assert_eq!(q.scoring.as_ref().unwrap().weight, 2.0);
    let rating = form.question("team_communication").unwrap();
    assert_eq!(rating.scoring.as_ref().unwrap().range, Some((0.0, 5.0)));
    let na = &form.choices_of(form.question("site_marked").unwrap())[2];
    assert_eq!((na.name.as_str(), na.score), ("na", None));
    assert_eq!(na.label.best(Some("fr"), None), Some("Sans objet"));
}

fn context() -> Context {
    Context::on(NaiveDate::from_ymd_opt(2025, 3, 14).unwrap())
}

fn full_marks() -> Vec<(&'static str, &'static str)> {
    vec![
        ("visit_date", "2025-03-14"),
        ("procedure", "Caesarean section"),
        ("identity_confirmed", "yes"),
        ("site_marked", "yes"),
        ("anaesthesia_check", "yes"),
        ("pulse_oximeter", "yes"),
        ("airway_assessed", "yes"),
        ("team_introduced", "yes"),
        ("antibiotic_given", "yes"),
        ("critical_events", "surgeon anaesthetist nursing"),
        ("imaging_displayed", "yes"),
        ("counts_correct", "yes"),
        ("specimen_labelled", "yes"),
        ("equipment_problems", "no"),
        ("team_communication", "5"),
    ]
}

fn with(changes: &[(&'static str, &'static str)]) -> RawSubmission {
    let mut pairs = full_marks();
    for (k, v) in changes {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    RawSubmission::from_pairs(pairs)
}

#[test]
fn full_marks_score_one_hundred_percent() {
    let form = form();
    let answers = form.validate(&with(&[]), &context()).unwrap();
    let scores = form.score(&answers);
    // sign_in 2+1+1+2+1, time_out 1+2+3+1, sign_out 2+1+5
    assert_eq!((scores.total, scores.max), (22.0, 22.0));
    assert_eq!(scores.percent, Some(100.0));
    let by_group: Vec<(&str, f64, f64)> = scores
        .by_group
        .iter()
        .map(|g| (g.name.as_str(), g.earned, g.possible))
        .collect();
    assert_eq!(
        by_group,
        [
            ("sign_in", 7.0, 7.0),
            ("time_out", 7.0, 7.0),
            ("sign_out", 8.0, 8.0)
        ]
    );
    assert_eq!(
        scores.by_group[1].label.get("fr"),
        Some("Pause (avant l'incision cutanée)")
    );
}

#[test]
fn weights_not_applicable_and_partial_answers_shape_the_sub_scores() {
    let form = form();
    let raw = with(&[
        ("pulse_oximeter", "no"), // weight 2 lost
        ("site_marked", "na"),    // leaves the denominator
        ("critical_events", "surgeon"),
        ("team_communication", "3"),
        ("equipment_problems", "yes"),
        ("equipment_notes", "Suction pump fails"),
    ]);
    let answers = form.validate(&raw, &context()).unwrap();
    let scores = form.score(&answers);
    let by_group: Vec<(f64, f64)> = scores
        .by_group
        .iter()
        .map(|g| (g.earned, g.possible))
        .collect();
    assert_eq!(by_group, [(4.0, 6.0), (5.0, 7.0), (6.0, 8.0)]);
    assert_eq!((scores.total, scores.max), (15.0, 21.0));
    assert_eq!(scores.by_group[0].percent().map(|p| p.round()), Some(67.0));
}

#[test]
fn a_score_outside_its_range_is_refused() {
    let form = form();
    let errors = form
        .validate(&with(&[("team_communication", "7")]), &context())
        .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field(), Some("team_communication"));
    assert_eq!(errors[0].message(), "Give a rating from 0 to 5.");
    let french = Context {
        language: Some("fr".into()),
        ..context()
    };
    let errors = form
        .validate(&with(&[("team_communication", "-1")]), &french)
        .unwrap_err();
    assert_eq!(errors[0].message(), "Donnez une note de 0 à 5.");
}

#[test]
fn relevance_decides_what_is_required() {
    let form = form();
    // equipment_notes is required only when equipment problems were reported.
    assert!(form.validate(&with(&[]), &context()).is_ok());
    let errors = form
        .validate(&with(&[("equipment_problems", "yes")]), &context())
        .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field(), Some("equipment_notes"));
    assert_eq!(errors[0].message(), "an answer is required");
    // An answer to a question that is not relevant is dropped, not kept.
    let answers = form
        .validate(&with(&[("equipment_notes", "stale text")]), &context())
        .unwrap();
    assert!(answers.get("equipment_notes").is_none());
    assert!(!answers.is_relevant("equipment_notes"));
}

#[test]
fn every_field_error_is_reported_at_once() {
    let form = form();
    let raw = with(&[
        ("visit_date", "2025-03-15"),
        ("counts_correct", "maybe"),
        ("team_communication", "four"),
        ("procedure", ""),
    ]);
    let errors = form.validate(&raw, &context()).unwrap_err();
    let mut fields: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field().unwrap(), e.message()))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("counts_correct", "`maybe` is not one of the choices"),
            ("procedure", "an answer is required"),
            ("team_communication", "`four` is not a whole number"),
            ("visit_date", "The visit date cannot be in the future."),
        ]
    );
}
