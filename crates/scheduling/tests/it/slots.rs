use chrono::Weekday;
use domain::values::TimeZone;
use scheduling::{
    Attendance, Availability, Member, SlotQuery, Window, WindowKind, demo::demo_members,
    evaluate_slot, find_slots, week_start,
};

use crate::utc;

fn member(name: &str, zone: &str, windows: Vec<Window>) -> Member {
    Member {
        name: name.into(),
        availability: Availability::new(TimeZone::parse(zone).expect("known zone"), windows),
    }
}

fn evenings(days: &[Weekday], kind: WindowKind, from: u32, to: u32) -> Vec<Window> {
    days.iter()
        .map(|&d| Window::hm(d, (from, 0), (to, 0), kind).expect("valid window"))
        .collect()
}

#[test]
fn finds_the_slot_that_suits_lagos_london_and_toronto() {
    use Weekday::*;
    let members = vec![
        member(
            "Lagos",
            "Africa/Lagos",
            evenings(&[Tue, Wed], WindowKind::Preferred, 18, 21),
        ),
        member(
            "London",
            "Europe/London",
            evenings(&[Tue, Wed], WindowKind::Preferred, 17, 20),
        ),
        member(
            "Toronto",
            "America/Toronto",
            evenings(&[Tue, Wed], WindowKind::Possible, 13, 15),
        ),
    ];
    // The week of Monday 2026-11-16: all three on standard time.
    let query = SlotQuery::week(utc(2026, 11, 16, 0, 0), 60);
    let top = find_slots(&members, &query, 3).unwrap();
    let best = &top[0];
    assert_eq!(best.start, utc(2026, 11, 17, 18, 0));
    assert_eq!((best.attendees, best.out_of_hours, best.absent), (3, 1, 0));
    assert_eq!(
        best.summary(),
        "Tue 19:00 in Africa/Lagos, Tue 18:00 in Europe/London, Tue 13:00 in America/Toronto"
    );
    assert_eq!(best.members[2].status, Attendance::OutOfHours);
    // Ranked: most attendees, fewest out of hours, earliest.
    for pair in top.windows(2) {
        assert!(pair[0].rank_key() <= pair[1].rank_key());
    }
    // Then every 30 minutes while all three fit.
    assert_eq!(top[1].start, utc(2026, 11, 17, 18, 30));
    assert_eq!(top[2].start, utc(2026, 11, 17, 19, 0));
    // Deterministic.
    assert_eq!(top, find_slots(&members, &query, 3).unwrap());
}

#[test]
fn a_fixed_utc_slot_moves_locally_across_the_dst_change() {
    let members = demo_members();
    // 17:00 UTC on the Tuesday before and after London's change on 2026-10-25.
    let before = evaluate_slot(&members, utc(2026, 10, 20, 17, 0), 60);
    let after = evaluate_slot(&members, utc(2026, 10, 27, 17, 0), 60);
    let london = |s: &scheduling::Slot| s.members[0].local_label();
    let toronto = |s: &scheduling::Slot| s.members[4].local_label();
    let lagos = |s: &scheduling::Slot| s.members[7].local_label();
    assert_eq!(
        (london(&before), london(&after)),
        ("Tue 18:00".into(), "Tue 17:00".into())
    );
    assert_eq!(
        (toronto(&before), toronto(&after)),
        ("Tue 13:00".into(), "Tue 13:00".into())
    );
    assert_eq!(
        (lagos(&before), lagos(&after)),
        ("Tue 18:00".into(), "Tue 18:00".into())
    );
    // After Toronto's change on 2026-11-01 it moves there too.
    let later = evaluate_slot(&members, utc(2026, 11, 3, 17, 0), 60);
    assert_eq!(toronto(&later), "Tue 12:00");
    // London's member 0 is Preferred from 18:00, so the change costs them the slot.
    assert_eq!(before.members[0].status, Attendance::Preferred);
    assert_eq!(after.members[0].status, Attendance::Absent);
}

#[test]
fn bad_queries_name_the_parameter() {
    let members = demo_members();
    let mut query = SlotQuery::week(utc(2026, 11, 16, 0, 0), 0);
    assert_eq!(
        find_slots(&members, &query, 3).unwrap_err().field(),
        "duration_minutes"
    );
    query.duration_minutes = 60;
    query.step_minutes = 0;
    assert_eq!(
        find_slots(&members, &query, 3).unwrap_err().field(),
        "step_minutes"
    );
    query.step_minutes = 30;
    assert_eq!(find_slots(&[], &query, 3).unwrap_err().field(), "members");
}

#[test]
fn week_start_is_monday_midnight_utc() {
    assert_eq!(
        week_start(utc(2026, 11, 19, 15, 30)),
        utc(2026, 11, 16, 0, 0)
    );
    assert_eq!(week_start(utc(2026, 11, 16, 0, 0)), utc(2026, 11, 16, 0, 0));
}
