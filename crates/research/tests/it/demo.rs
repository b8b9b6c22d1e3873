use chrono::NaiveDate;
use research::brain_gain::brain_gain;
use research::demo::demo_history;
use research::participation::{
    DisengagementRules, WarningReason, disengagement, gini_by_month, gini_overall, participation,
};
use research::pipeline::Stage;
use research::stretch::{StretchRole, firsts, history, suggest};
use research::{MemberId, Output};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 8).unwrap()
}

#[test]
fn demo_has_the_seed_shape() {
    let demo = demo_history(start());
    assert_eq!(demo.members.len(), 16);
    let cities: Vec<&str> = demo.members.iter().map(|m| m.city).collect();
    assert_eq!(&cities[..4], ["London"; 4]);
    assert_eq!(cities[4], "Toronto");
    assert_eq!(&cities[7..13], ["Lagos"; 6]);
    assert_eq!(cities[15], "Los Angeles");
    for m in &demo.members {
        assert_eq!(m.member.home.as_str(), "NG");
        assert!(m.orcid.is_some());
    }
    for p in &demo.projects {
        p.validate().unwrap();
    }
    let stages: Vec<Stage> = demo.projects.iter().map(|p| p.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Published,
            Stage::Published,
            Stage::Analysis,
            Stage::Writing,
            Stage::EthicsApproval
        ]
    );
    // Every move was recorded (the demo ignores move errors; there must be none).
    assert_eq!(demo.projects[0].history.len(), 9);
    let outputs = demo.outputs();
    let publications: Vec<_> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Publication(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(publications.len(), 2);
    for p in publications {
        assert!(p.doi.as_ref().unwrap().as_str().starts_with("10.5555/"));
    }
    assert_eq!(outputs.len(), 7);
}

#[test]
fn demo_participation_is_uneven_and_warns_three_members() {
    let demo = demo_history(start());
    let rows = participation(&demo.member_ids(), &demo.log);
    let overall = gini_overall(&rows);
    let by_month = gini_by_month(&rows);
    eprintln!("overall gini {overall:.3}");
    for (m, g) in &by_month {
        eprintln!("{m} {g:.3}");
    }
    assert!((0.3..=0.5).contains(&overall), "overall {overall}");
    let warnings = disengagement(
        &demo.member_list(),
        &demo.log,
        demo.today,
        &DisengagementRules::default(),
    );
    for w in &warnings {
        eprintln!("{w}");
    }
    let mut warned: Vec<MemberId> = warnings.iter().map(|w| w.member).collect();
    warned.dedup();
    assert_eq!(warned, [MemberId(3), MemberId(6), MemberId(10)]);
    // 3 and 10 stopped coming; 6 still works but her attendance collapsed.
    assert!(matches!(
        warnings[0].reason,
        WarningReason::NoRecentActivity { days: 68, .. }
    ));
    assert!(matches!(
        warnings[1].reason,
        WarningReason::FallingAttendance {
            recent_rate: 0.25,
            previous_rate: 1.0,
            window: 4
        }
    ));
    // Monthly figures stay in the same band except the short last month.
    let full_months = &by_month[..by_month.len() - 1];
    assert!(full_months.iter().all(|(_, g)| (0.25..=0.5).contains(g)));
}

#[test]
fn demo_brain_gain_and_stretch() {
    let demo = demo_history(start());
    let figures = brain_gain(
        &demo.member_list(),
        &demo.outputs(),
        domain::values::CountryCode::parse("NG").unwrap(),
    );
    eprintln!("{figures:#?}");
    assert_eq!(figures.total.outputs, 7);
    assert!(figures.total.linking_outputs >= 5);
    assert!(figures.total.collaborations > 10);

    let hist = history(&demo.projects);
    for f in firsts(&hist) {
        eprintln!("first: {f:?}");
    }
    let mixed = &demo.projects[2];
    let suggestions = suggest(
        &demo.member_list(),
        &hist,
        mixed,
        StretchRole::FirstAuthor,
        3,
    );
    for s in &suggestions {
        eprintln!("{s:?}");
    }
    // Member 9 (2 years) and 12 (2 years) are the least experienced; 9 already leads the
    // analysis, so 12 comes first on the tie-break.
    assert_eq!(suggestions[0].member, MemberId(12));
    assert_eq!(suggestions[1].member, MemberId(9));
    assert!(
        suggestions
            .iter()
            .all(|s| s.member != MemberId(0) && s.member != MemberId(7))
    );
}
