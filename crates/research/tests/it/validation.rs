//! Bad input gets an error naming the field, and nothing is half-written.

use chrono::NaiveDate;
use research::credit::{CreditRole, Degree, RoleAssignment, parse_roles};
use research::outputs::{NewAuthor, NewPublication};
use research::{Doi, MemberId, Move, Project, Stage};

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()
}

#[test]
fn stages_move_forward_one_or_back_for_revision() {
    assert_eq!(
        Stage::parse("Ethics approval").unwrap(),
        Stage::EthicsApproval
    );
    assert_eq!(
        Stage::parse("DATA_COLLECTION").unwrap(),
        Stage::DataCollection
    );
    assert_eq!(Stage::parse("review").unwrap_err().field, "stage");
    assert_eq!(
        Stage::Idea.check_move(Stage::Protocol).unwrap(),
        Move::Forward
    );
    assert_eq!(
        Stage::Submitted.check_move(Stage::Writing).unwrap(),
        Move::Revision
    );
    let skip = Stage::Protocol
        .check_move(Stage::DataCollection)
        .unwrap_err();
    assert_eq!(skip.field, "stage");
    assert!(skip.message.contains("ethics_approval"), "{skip}");
    assert!(!Stage::Published.can_move_to(Stage::Writing));
    assert!(!Stage::Writing.can_move_to(Stage::Writing));

    let mut p = Project::new("Study", date()).unwrap();
    assert!(p.move_to(Stage::Analysis, date()).is_err());
    assert_eq!(p.stage, Stage::Idea);
    assert!(p.history.is_empty());
}

#[test]
fn credit_roles_parse_from_slug_or_name() {
    assert_eq!(CreditRole::ALL.len(), 14);
    assert_eq!(
        CreditRole::parse("Writing – review & editing").unwrap(),
        CreditRole::WritingReviewEditing
    );
    assert_eq!(
        CreditRole::parse("writing - original draft").unwrap(),
        CreditRole::WritingOriginalDraft
    );
    assert_eq!(
        CreditRole::parse("FORMAL_ANALYSIS").unwrap(),
        CreditRole::FormalAnalysis
    );
    assert_eq!(
        CreditRole::WritingOriginalDraft.name(),
        "Writing – original draft"
    );
    assert_eq!(
        RoleAssignment::parse("formal_analysis:lead").unwrap(),
        RoleAssignment::new(CreditRole::FormalAnalysis, Some(Degree::Lead))
    );
}

#[test]
fn duplicate_credit_role_is_named_and_changes_nothing() {
    let err = parse_roles(&[
        "conceptualization",
        "methodology",
        "software",
        "Methodology:lead",
    ])
    .unwrap_err();
    assert_eq!(err.field, "roles[3]");
    assert!(err.message.contains("Methodology"), "{err}");
    assert!(err.message.contains("roles[1]"), "{err}");
    assert_eq!(
        parse_roles(&["software", "typing"]).unwrap_err().field,
        "roles[1]"
    );
    assert_eq!(
        parse_roles(&["software:most"]).unwrap_err().field,
        "roles[0]"
    );

    let mut p = Project::new("Study", date()).unwrap();
    p.set_roles(MemberId(1), &["software"]).unwrap();
    let before = p.clone();
    assert!(
        p.set_roles(MemberId(1), &["validation", "validation"])
            .is_err()
    );
    assert!(
        p.set_roles(MemberId(2), &["validation", "nonsense"])
            .is_err()
    );
    assert_eq!(p, before);
}

#[test]
fn dois_are_normalised() {
    for raw in [
        "10.5555/ABC.123",
        " https://doi.org/10.5555/abc.123 ",
        "http://dx.doi.org/10.5555/abc.123",
        "DOI: 10.5555/abc.123",
        "doi:10.5555/Abc.123",
    ] {
        let doi = Doi::parse(raw).unwrap();
        assert_eq!(doi.as_str(), "10.5555/abc.123", "{raw}");
    }
    assert_eq!(
        Doi::parse("10.1000.10/x(y)_z").unwrap().url(),
        "https://doi.org/10.1000.10/x(y)_z"
    );
    for (raw, reason) in [
        ("", "empty"),
        ("11.5555/x", "10."),
        ("10.55/x", "4 to 9 digits"),
        ("10.5555x", "'/'"),
        ("10.5555/", "empty suffix"),
        ("10.5555/a b", "space"),
        ("10.5555.ab/x", "sub-code"),
    ] {
        let err = Doi::parse(raw).unwrap_err();
        assert_eq!(err.field, "doi");
        assert!(err.message.contains(reason), "{raw}: {err}");
    }
}

fn paper() -> NewPublication {
    NewPublication {
        doi: Some("https://doi.org/10.5555/x1".into()),
        title: "A study".into(),
        journal: "A journal".into(),
        published_on: date(),
        authors: vec![
            NewAuthor::named("Ogbeide", "Osaretin"),
            NewAuthor {
                orcid: Some("0000-0002-1825-0097".into()),
                ..NewAuthor::named("Carberry", "Josiah")
            },
        ],
        ..NewPublication::default()
    }
}

#[test]
fn publications_validate_every_field() {
    let ok = paper().validate().unwrap();
    assert_eq!(ok.doi.unwrap().as_str(), "10.5555/x1");
    assert_eq!(
        ok.authors[1].orcid.as_ref().unwrap().as_str(),
        "0000-0002-1825-0097"
    );

    let mut bad = paper();
    bad.authors[1].orcid = Some("0000-0002-1825-0098".into());
    let err = bad.validate().unwrap_err();
    assert_eq!(err.field, "authors[1].orcid");
    assert!(err.message.contains("check digit"), "{err}");

    let mut bad = paper();
    bad.doi = Some("10.12/x".into());
    assert_eq!(bad.validate().unwrap_err().field, "doi");
    let mut bad = paper();
    bad.title = "  ".into();
    assert_eq!(bad.validate().unwrap_err().field, "title");
    let mut bad = paper();
    bad.authors.clear();
    assert_eq!(bad.validate().unwrap_err().field, "authors");
    let mut bad = paper();
    bad.authors[0].family = String::new();
    assert_eq!(bad.validate().unwrap_err().field, "authors[0].family");
}

#[test]
fn project_validation_names_nested_fields() {
    let mut p = Project::new("Study", date()).unwrap();
    p.set_roles(MemberId(1), &["software", "validation"])
        .unwrap();
    p.members[0]
        .roles
        .push(RoleAssignment::new(CreditRole::Software, None));
    assert_eq!(p.validate().unwrap_err().field, "members[0].roles[2]");
    assert_eq!(Project::new(" ", date()).unwrap_err().field, "title");
}
