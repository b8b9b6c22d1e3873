use chrono::{TimeZone, Utc};
use scheduling::demo::demo_members;
use scheduling::*;

#[test]
#[ignore]
fn explore_demo() {
    let members = demo_members();
    let q = SeriesQuery::weekly(Utc.with_ymd_and_hms(2026, 10, 12, 0, 0, 0).unwrap(), 12, 60);
    let c = SeriesCandidates::find(&members, &q).unwrap();
    for (k, w) in c.weeks().iter().enumerate() {
        println!(
            "week {k}: {} candidates, best attendance {}",
            w.len(),
            w[0].attendees
        );
        let mut seen = Vec::new();
        for s in w {
            let set: Vec<usize> = (0..16).filter(|&i| s.is_out_of_hours(i)).collect();
            if !seen.contains(&set) {
                println!("   {} ooh={:?} {}", s.start, set, s.summary());
                seen.push(set);
            }
        }
    }
    for (name, plan) in [("naive", c.plan_naive()), ("rotating", c.plan_rotating())] {
        println!(
            "{name}: total {} min {:?}",
            plan.total_out_of_hours(),
            plan.minimum_total
        );
        for s in &plan.sessions {
            println!(
                "  {} ooh {} att {}",
                s.summary(),
                s.out_of_hours,
                s.attendees
            );
        }
        let fs = plan.fair_share.clone().unwrap();
        for b in &plan.burden {
            println!(
                "  m{:2} ooh {:2} att {:2} missed {:2} share {:.2}",
                b.member, b.out_of_hours, b.attended, b.missed, fs[b.member]
            );
        }
        println!("fair: {}", plan.is_fair());
    }
}
