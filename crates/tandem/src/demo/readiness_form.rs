//! The situation-analysis questionnaire the demo's readiness assessments answer (C3), built
//! in code because the `forms` fixtures hold only the checklist. Apart because it is a form
//! definition, not a step of the load.

/// A questionnaire domain: (group name, label, two (question name, label)).
type Domain = (
    &'static str,
    &'static str,
    [(&'static str, &'static str); 2],
);

/// The situation-analysis questionnaire of the demo (C3): five domains of two questions,
/// each answered yes (2 points), partly (1) or no (0). Built in code because the forms
/// fixtures hold only the checklist.
pub(super) fn readiness_form() -> forms::Form {
    use forms::model::QuestionScoring;
    use forms::{Choice, Form, Group, GroupKind, Item, Question, QuestionType, Translated};
    const LANGUAGE: &str = "English (en)";
    let text = |t: &str| Translated([(LANGUAGE.to_owned(), t.to_owned())].into_iter().collect());
    let domains: [Domain; 5] = [
        (
            "leadership",
            "Leadership and governance",
            [
                (
                    "leadership_engaged",
                    "Hospital leadership follows surgical quality",
                ),
                (
                    "quality_committee",
                    "A surgical quality committee meets monthly",
                ),
            ],
        ),
        (
            "infrastructure",
            "Infrastructure and equipment",
            [
                (
                    "theatre_functional",
                    "At least one fully functional operating theatre",
                ),
                (
                    "oxygen_reliable",
                    "Oxygen is available without interruption",
                ),
            ],
        ),
        (
            "workforce",
            "Surgical workforce",
            [
                (
                    "anaesthesia_cover",
                    "An anaesthesia provider is on call day and night",
                ),
                (
                    "surgical_cover",
                    "A surgeon or surgical officer is on call day and night",
                ),
            ],
        ),
        (
            "supplies",
            "Supplies and medicines",
            [
                (
                    "sterile_supplies",
                    "Sterilisation works and sterile packs are available",
                ),
                (
                    "essential_drugs",
                    "Essential anaesthesia drugs are in stock",
                ),
            ],
        ),
        (
            "data",
            "Data and quality",
            [
                (
                    "theatre_register",
                    "The operating theatre register is complete",
                ),
                (
                    "checklist_in_use",
                    "The surgical safety checklist is used for every case",
                ),
            ],
        ),
    ];
    let mut row = 1;
    let mut items = Vec::new();
    for (name, label, questions) in domains {
        row += 1;
        let group_row = row;
        let mut inner = Vec::new();
        for (q, qlabel) in questions {
            row += 1;
            inner.push(Item::Question(Question {
                name: q.into(),
                kind: QuestionType::SelectOne,
                label: text(qlabel),
                hint: Translated::default(),
                required: true,
                required_message: Translated::default(),
                constraint: None,
                constraint_message: Translated::default(),
                relevant: None,
                calculation: None,
                choices: Some("readiness".into()),
                appearance: None,
                scoring: Some(QuestionScoring {
                    weight: 1.0,
                    range: None,
                }),
                row,
            }));
        }
        row += 1;
        items.push(Item::Group(Group {
            name: name.into(),
            kind: GroupKind::Group,
            label: text(label),
            relevant: None,
            appearance: None,
            items: inner,
            row: group_row,
        }));
    }
    let choices = [
        ("yes", "Yes", 2.0),
        ("partly", "Partly", 1.0),
        ("no", "No", 0.0),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, label, score))| Choice {
        name: name.into(),
        label: text(label),
        score: Some(score),
        row: i + 2,
    })
    .collect();
    Form {
        id: "surgical_readiness_assessment".into(),
        title: "Surgical readiness situation analysis".into(),
        version: Some("2025.1".into()),
        default_language: Some(LANGUAGE.into()),
        languages: vec![LANGUAGE.into()],
        items,
        choice_lists: [("readiness".to_owned(), choices)].into_iter().collect(),
    }
}
