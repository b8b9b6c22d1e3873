use chrono::NaiveDate;
use proptest::prelude::*;
use research::members::{Member, MemberId};
use research::participation::{
    ActivityLog, Contribution, ContributionKind, DisengagementRules, Session, WarningReason,
    disengagement, gini, participation,
};

/// The definition, straight from the formula, to check the sorted closed form against.
fn gini_naive(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let total: f64 = xs.iter().sum();
    if xs.is_empty() || total == 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for a in xs {
        for b in xs {
            sum += (a - b).abs();
        }
    }
    sum / (2.0 * n * total)
}

proptest! {
    #[test]
    fn gini_matches_its_definition(xs in proptest::collection::vec(0.0f64..1000.0, 0..40)) {
        let g = gini(&xs);
        prop_assert!((g - gini_naive(&xs)).abs() < 1e-9);
        prop_assert!(g >= 0.0);
        let n = xs.len().max(1) as f64;
        prop_assert!(g <= (n - 1.0) / n + 1e-12);
    }

    #[test]
    fn gini_ignores_scale_and_order(xs in proptest::collection::vec(0.0f64..100.0, 1..30), k in 0.1f64..50.0) {
        let scaled: Vec<f64> = xs.iter().rev().map(|x| x * k).collect();
        prop_assert!((gini(&xs) - gini(&scaled)).abs() < 1e-9);
    }

    #[test]
    fn one_person_doing_everything(n in 1usize..50, v in 0.5f64..100.0) {
        let mut xs = vec![0.0; n];
        xs[n - 1] = v;
        prop_assert!((gini(&xs) - (n as f64 - 1.0) / n as f64).abs() < 1e-12);
        prop_assert_eq!(gini(&vec![v; n]), 0.0);
    }
}

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i64::from(day))
}

fn member(i: u32) -> Member {
    Member {
        id: MemberId(i),
        joined_on: d(0),
        years_qualified: 5,
        residence: domain::values::CountryCode::parse("NG").unwrap(),
        home: domain::values::CountryCode::parse("NG").unwrap(),
    }
}

#[test]
fn counts_per_member_and_month_and_warns() {
    let everyone = vec![MemberId(0), MemberId(1), MemberId(2)];
    let sessions = (0..10)
        .map(|s| Session {
            held_on: d(s * 7),
            expected: everyone.clone(),
            // 0 always comes; 1 comes to the first six only; 2 never.
            attended: if s < 6 {
                vec![MemberId(0), MemberId(1)]
            } else {
                vec![MemberId(0)]
            },
        })
        .collect();
    let log = ActivityLog {
        sessions,
        contributions: vec![Contribution {
            member: MemberId(1),
            on: d(60),
            kind: ContributionKind::TaskDone,
        }],
    };
    let rows = participation(&everyone, &log);
    assert_eq!(rows.len(), 9); // January to March × 3 members
    let jan1 = rows
        .iter()
        .find(|r| r.member == MemberId(1) && r.month.month == 1)
        .unwrap();
    assert_eq!((jan1.sessions_held, jan1.sessions_attended), (5, 5));
    assert_eq!(rows[0].month.to_string(), "202501");

    let members: Vec<Member> = (0..3).map(member).collect();
    let warnings = disengagement(&members, &log, d(63), &DisengagementRules::default());
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{text:?}");
    assert_eq!(warnings[0].member, MemberId(1));
    assert_eq!(
        warnings[0].reason,
        WarningReason::FallingAttendance {
            recent_rate: 0.0,
            previous_rate: 1.0,
            window: 4
        }
    );
    assert_eq!(warnings[1].member, MemberId(2));
    assert!(matches!(
        warnings[1].reason,
        WarningReason::NoRecentActivity {
            last_active: None,
            days: 63,
            ..
        }
    ));
    assert!(text[1].contains("since joining"));
}
