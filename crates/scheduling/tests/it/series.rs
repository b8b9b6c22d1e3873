use chrono::Weekday;
use domain::values::TimeZone;
use proptest::prelude::*;
use scheduling::{
    Attendance, Availability, Member, SeriesCandidates, SeriesPlan, SeriesQuery, Window,
    WindowKind, demo::demo_members, plan_fixed_series,
};

use crate::{local, utc};

fn print_plan(label: &str, plan: &SeriesPlan, members: &[Member]) {
    println!(
        "{label}: total out of hours {} (minimum possible {:?})",
        plan.total_out_of_hours(),
        plan.minimum_total
    );
    for s in &plan.sessions {
        println!(
            "  {} attendees {} out of hours {}: {}",
            s.start.format("%Y-%m-%d %H:%M UTC"),
            s.attendees,
            s.out_of_hours,
            s.summary()
        );
    }
    let shares = plan.fair_share.clone().unwrap_or_default();
    for b in &plan.burden {
        println!(
            "  {:2} {:24} {:20} out of hours {:2} attended {:2} missed {:2} fair share {}",
            b.member,
            members[b.member].name,
            members[b.member].availability.zone().as_str(),
            b.out_of_hours,
            b.attended,
            b.missed,
            shares
                .get(b.member)
                .map_or("-".to_owned(), |s| format!("{s:.2}"))
        );
    }
}

fn max_burden(plan: &SeriesPlan) -> u32 {
    plan.burden
        .iter()
        .map(|b| b.out_of_hours)
        .max()
        .unwrap_or(0)
}

fn assert_fair(plan: &SeriesPlan) {
    let shares = plan
        .fair_share
        .as_ref()
        .expect("a rotating plan has fair shares");
    for b in &plan.burden {
        assert!(
            f64::from(b.out_of_hours) <= shares[b.member] + 1.0 + 1e-9,
            "member {} carries {} > fair share {:.2} + 1",
            b.member,
            b.out_of_hours,
            shares[b.member]
        );
    }
    assert!(plan.is_fair());
}

/// Twelve weekly sessions for the demo collaborative, from the week of 2026-10-12: across
/// London's (2026-10-25) and North America's (2026-11-01) changes back to standard time.
#[test]
fn demo_series_rotates_out_of_hours_burden_fairly() {
    let members = demo_members();
    let query = SeriesQuery::weekly(utc(2026, 10, 12, 0, 0), 12, 60);
    let candidates = SeriesCandidates::find(&members, &query).unwrap();
    let rotating = candidates.plan_rotating();
    let naive = candidates.plan_naive();
    print_plan("rotating", &rotating, &members);
    print_plan("naive", &naive, &members);

    // Everyone attends every session in both plans (attendance tolerance 0, and the best
    // slot of every week suits all 16).
    assert_eq!(rotating.sessions.len(), 12);
    for (r, n) in rotating.sessions.iter().zip(&naive.sessions) {
        assert_eq!(r.attendees, n.attendees);
        assert_eq!(r.attendees, 16);
    }
    assert_fair(&rotating);
    // The naive plan (the best slot every week) leaves five North Americans out of hours
    // in every winter week, far above their share.
    assert!(!naive.is_fair());
    assert_eq!(max_burden(&naive), 9);
    assert!(max_burden(&rotating) <= 5);
    assert!(max_burden(&rotating) < max_burden(&naive));
    // Rotation did not raise the total here.
    assert_eq!(rotating.total_out_of_hours(), naive.total_out_of_hours());
    assert_eq!(rotating.minimum_total, Some(rotating.total_out_of_hours()));
    // Deterministic.
    assert_eq!(rotating, candidates.plan_rotating());
}

/// The same across the spring changes (North America 2027-03-14, London 2027-03-28).
#[test]
fn demo_series_is_fair_across_the_spring_changes_too() {
    let members = demo_members();
    let query = SeriesQuery::weekly(utc(2027, 1, 11, 0, 0), 12, 60);
    let candidates = SeriesCandidates::find(&members, &query).unwrap();
    let rotating = candidates.plan_rotating();
    let naive = candidates.plan_naive();
    print_plan("spring rotating", &rotating, &members);
    assert_fair(&rotating);
    assert!(!naive.is_fair());
    assert!(max_burden(&rotating) < max_burden(&naive));
}

#[test]
fn fixed_series_reports_its_burden() {
    let members = demo_members();
    let london = TimeZone::parse("Europe/London").unwrap();
    // "Thursdays 19:00 Europe/London", twelve weeks from 2026-10-15.
    let plan = plan_fixed_series(&members, london, local(2026, 10, 15, 19, 0), 12, 60).unwrap();
    print_plan("fixed Thursdays 19:00 London", &plan, &members);
    assert!(plan.fair_share.is_none());
    assert_eq!(plan.sessions.len(), 12);
    // Always 19:00 in London, so 18:00 UTC in British Summer Time, 19:00 after.
    assert_eq!(plan.sessions[0].start, utc(2026, 10, 15, 18, 0));
    assert_eq!(plan.sessions[2].start, utc(2026, 10, 29, 19, 0));
    for s in &plan.sessions {
        assert_eq!(s.members[0].local_label(), "Thu 19:00");
    }
    // New York's member 5 is at lunch for every session but the one week (2026-10-29) when
    // only London has changed clocks.
    let ny = &plan.burden[5];
    assert_eq!((ny.out_of_hours, ny.attended, ny.missed), (11, 12, 0));
    let rotating = SeriesCandidates::find(
        &members,
        &SeriesQuery::weekly(utc(2026, 10, 12, 0, 0), 12, 60),
    )
    .unwrap()
    .plan_rotating();
    assert!(max_burden(&rotating) < max_burden(&plan));
}

#[test]
fn series_errors_name_the_parameter() {
    let members = demo_members();
    let mut query = SeriesQuery::weekly(utc(2026, 10, 12, 0, 0), 0, 60);
    assert_eq!(
        SeriesCandidates::find(&members, &query)
            .unwrap_err()
            .field(),
        "sessions"
    );
    query.sessions = 4;
    query.duration_minutes = 0;
    assert_eq!(
        SeriesCandidates::find(&members, &query)
            .unwrap_err()
            .field(),
        "duration_minutes"
    );
    // 01:30 on 2027-03-28 does not exist in London.
    let london = TimeZone::parse("Europe/London").unwrap();
    let err = plan_fixed_series(&members, london, local(2027, 3, 28, 1, 30), 2, 60).unwrap_err();
    assert_eq!(err.field(), "start");
}

const ZONES: [&str; 6] = [
    "Africa/Lagos",
    "Europe/London",
    "America/Toronto",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
];

fn arb_member() -> impl Strategy<Value = Member> {
    let window = (0usize..7, 0u32..46, 1u32..8, any::<bool>());
    (0..ZONES.len(), proptest::collection::vec(window, 1..6)).prop_map(|(z, ws)| {
        let windows = ws
            .into_iter()
            .map(|(d, start, len, preferred)| {
                let start = start * 30;
                let end = (start + len * 30).min(24 * 60);
                let kind = if preferred {
                    WindowKind::Preferred
                } else {
                    WindowKind::Possible
                };
                let day = Weekday::try_from(d as u8).expect("weekday 0..7");
                Window::hm(
                    day,
                    (start / 60, start % 60),
                    ((end / 60) % 24, end % 60),
                    kind,
                )
                .expect("valid window")
            })
            .collect();
        Member {
            name: ZONES[z].into(),
            availability: Availability::new(
                TimeZone::parse(ZONES[z]).expect("known zone"),
                windows,
            ),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On random groups: shares add up to the plan's total within their bounds, the rotation
    /// keeps each week's best attendance, and it is never worse than naive (leximax).
    #[test]
    fn rotation_keeps_attendance_and_never_loses_to_naive(
        members in proptest::collection::vec(arb_member(), 2..6),
        sessions in 1u32..7,
    ) {
        let query = SeriesQuery::weekly(utc(2026, 10, 19, 0, 0), sessions, 60);
        let candidates = SeriesCandidates::find(&members, &query).unwrap();
        let rotating = candidates.plan_rotating();
        let naive = candidates.plan_naive();
        for (r, n) in rotating.sessions.iter().zip(&naive.sessions) {
            prop_assert_eq!(r.attendees, n.attendees);
        }
        let shares = rotating.fair_share.clone().unwrap();
        let total: f64 = shares.iter().sum();
        prop_assert!((total - f64::from(rotating.total_out_of_hours())).abs() < 1e-6);
        let (forced, capacity) = candidates.bounds();
        for (i, share) in shares.iter().enumerate() {
            prop_assert!(f64::from(forced[i]) - 1e-9 <= *share);
            prop_assert!(*share <= f64::from(capacity[i]) + 1e-9);
            prop_assert!(rotating.burden[i].out_of_hours >= forced[i]);
        }
        let sorted = |p: &SeriesPlan| {
            let mut v: Vec<u32> = p.burden.iter().map(|b| b.out_of_hours).collect();
            v.sort_unstable_by(|a, b| b.cmp(a));
            v
        };
        prop_assert!(sorted(&rotating) <= sorted(&naive));
        for s in &rotating.sessions {
            let counted = s.members.iter().filter(|m| m.status != Attendance::Absent).count();
            prop_assert_eq!(counted, s.attendees);
        }
    }
}
