use chrono::NaiveDate;
use domain::values::CountryCode;
use research::Output;
use research::brain_gain::brain_gain;
use research::members::{Member, MemberId};
use research::outputs::{Affiliation, NewAuthor, NewPresentation};
use research::stretch::{RoleRecord, StretchRole, firsts, is_first};

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i64::from(day))
}

#[test]
fn firsts_are_recognised_once() {
    let rec = |member, on, what: &str| RoleRecord {
        on: d(on),
        member: MemberId(member),
        role: StretchRole::FirstAuthor,
        on_what: what.into(),
    };
    let history = vec![
        rec(1, 10, "Paper A"),
        rec(1, 40, "Paper B"),
        rec(2, 40, "Paper B"),
    ];
    assert!(is_first(&history, &history[0]));
    assert!(!is_first(&history, &history[1]));
    assert!(is_first(&history, &history[2]));
    assert!(is_first(&history, &rec(3, 90, "Paper C")));
    assert!(!is_first(&history, &rec(2, 90, "Paper C")));
    assert_eq!(
        firsts(&history),
        vec![history[0].clone(), history[2].clone()]
    );
}

#[test]
fn brain_gain_counts_diaspora_home_links() {
    let ng = CountryCode::parse("NG").unwrap();
    let gb = CountryCode::parse("GB").unwrap();
    let member = |i, residence| Member {
        id: MemberId(i),
        joined_on: d(0),
        years_qualified: 5,
        residence,
        home: ng,
    };
    let members = vec![member(0, gb), member(1, ng), member(2, ng), member(3, gb)];
    let talk = |people: &[u32], home_affiliation: bool, day| {
        Output::Presentation(
            NewPresentation {
                title: "Talk".into(),
                event: "Conference".into(),
                place: "Abuja".into(),
                date: d(day),
                presenters: people
                    .iter()
                    .map(|i| NewAuthor {
                        member: Some(MemberId(*i)),
                        affiliation: Some(Affiliation {
                            name: "Hospital".into(),
                            country: if home_affiliation { ng } else { gb },
                        }),
                        ..NewAuthor::named("X", "Y")
                    })
                    .collect(),
            }
            .validate()
            .unwrap(),
        )
    };
    let outputs = vec![
        talk(&[0, 1, 2], true, 10),
        talk(&[0, 3], false, 20),
        talk(&[3, 1], true, 400),
    ];
    let figures = brain_gain(&members, &outputs, ng);
    assert_eq!(figures.by_year.len(), 2);
    assert_eq!(figures.by_year[0].year, Some(2025));
    assert_eq!(figures.by_year[0].linking_outputs, 1);
    assert_eq!(figures.by_year[0].collaborations, 2);
    assert_eq!(figures.by_year[0].home_affiliated_outputs, 1);
    assert_eq!(figures.total.outputs, 3);
    assert_eq!(figures.total.linking_outputs, 2);
    assert_eq!(figures.total.collaborations, 3);
}
