//! Roll-ups and ratio indicators against hand-computed figures on a small program:
//!
//! ```text
//! C ─ R1 ─ D1 ─ F1, F2
//!   └ R2 ─ D2 ─ F3
//! ```
//! Facts (cadre, modality, minutes, score):
//! F1 202401: (0, onsite, 60, 90), (1, virtual, 30, 70); F1 202402: (0, onsite, 45, none)
//! F2 202404: (0, phone, 20, 80)
//! F3 202403: (1, onsite, 50, 60); F3 202407: (1, onsite, 40, 100)

use indicators::definitions::{Catalog, Category, DataElement, Indicator, ValidationRule};
use indicators::engine::{
    Engine, EngineConfig, FacilityIdx, Fact, GroupKey, Measures, OrgTree, Query,
};
use indicators::{Error, Period, PeriodType};
use proptest::prelude::*;

fn p(id: &str) -> Period {
    id.parse().expect(id)
}

fn tree() -> OrgTree {
    let mut t = OrgTree::new(["country", "region", "district", "facility"]).expect("levels");
    t.add("C", None).expect("C");
    t.add("R1", Some("C")).expect("R1");
    t.add("R2", Some("C")).expect("R2");
    t.add("D1", Some("R1")).expect("D1");
    t.add("D2", Some("R2")).expect("D2");
    t.add("F1", Some("D1")).expect("F1");
    t.add("F2", Some("D1")).expect("F2");
    t.add("F3", Some("D2")).expect("F3");
    t
}

fn catalog() -> Catalog {
    let mut c = Catalog::new();
    for code in ["SSI", "SURG"] {
        c.add(DataElement {
            code: code.into(),
            name: code.into(),
            category_option_combos: vec![],
        })
        .expect("add");
    }
    c
}

fn fact(f: u32, period: &str, cadre: u8, modality: u8, minutes: u16, score: Option<f64>) -> Fact {
    Fact {
        facility: FacilityIdx(f),
        period: p(period),
        cadre,
        modality,
        minutes,
        score,
    }
}

fn facts() -> Vec<Fact> {
    vec![
        fact(0, "202401", 0, 0, 60, Some(90.0)),
        fact(0, "202401", 1, 1, 30, Some(70.0)),
        fact(0, "202402", 0, 0, 45, None),
        fact(1, "202404", 0, 2, 20, Some(80.0)),
        fact(2, "202403", 1, 0, 50, Some(60.0)),
        fact(2, "202407", 1, 0, 40, Some(100.0)),
    ]
}

fn engine() -> Engine {
    let mut e = Engine::new(EngineConfig::default(), tree(), catalog()).expect("engine");
    e.rebuild(facts()).expect("rebuild");
    e
}

fn key(e: &Engine, org: &str, period: &str) -> GroupKey {
    GroupKey {
        org: Some(e.tree().find(org).expect(org)),
        period: Some(p(period)),
        cadre: None,
        modality: None,
    }
}

fn find(rows: &[indicators::engine::Row], k: GroupKey) -> Measures {
    rows.iter()
        .find(|r| r.key == k)
        .map(|r| r.measures)
        .unwrap_or_else(|| panic!("no row {k:?}"))
}

#[test]
fn region_by_quarter_by_hand() {
    let e = engine();
    let rows = e
        .group(&Query {
            level: Some(1),
            period_type: Some(PeriodType::Quarterly),
            ..Query::default()
        })
        .expect("group");
    assert_eq!(rows.len(), 4);
    let r1q1 = find(&rows, key(&e, "R1", "2024Q1"));
    assert_eq!(
        (
            r1q1.visits,
            r1q1.minutes,
            r1q1.scored,
            r1q1.meeting_standard
        ),
        (3, 135, 2, 1)
    );
    assert_eq!(r1q1.mean_score(), Some(80.0));
    assert_eq!(r1q1.by_modality[0], 2);
    let r1q2 = find(&rows, key(&e, "R1", "2024Q2"));
    assert_eq!(
        (r1q2.visits, r1q2.minutes, r1q2.meeting_standard),
        (1, 20, 1)
    ); // 80 meets 80
    let r2q1 = find(&rows, key(&e, "R2", "2024Q1"));
    assert_eq!((r2q1.visits, r2q1.meeting_standard), (1, 0));
    let r2q3 = find(&rows, key(&e, "R2", "2024Q3"));
    assert_eq!(
        (r2q3.visits, r2q3.minutes, r2q3.meeting_standard),
        (1, 40, 1)
    );
}

#[test]
fn cadre_groups_and_filters() {
    let e = engine();
    let rows = e
        .group(&Query {
            level: Some(0),
            period_type: Some(PeriodType::Yearly),
            by_cadre: true,
            ..Query::default()
        })
        .expect("group");
    let c0 = rows
        .iter()
        .find(|r| r.key.cadre == Some(0))
        .expect("cadre 0")
        .measures;
    let c1 = rows
        .iter()
        .find(|r| r.key.cadre == Some(1))
        .expect("cadre 1")
        .measures;
    assert_eq!((c0.visits, c0.minutes), (3, 125));
    assert_eq!((c1.visits, c1.minutes), (3, 120));
    let only = e
        .group(&Query {
            cadre: Some(1),
            modality: Some(0),
            ..Query::default()
        })
        .expect("filtered");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].measures.visits, 2);
    // Subtree and period range filters.
    let r1 = e.tree().find("R1").expect("R1");
    let within = e
        .group(&Query {
            within: Some(r1),
            from: Some(p("202402")),
            to: Some(p("2024Q2")),
            ..Query::default()
        })
        .expect("g");
    assert_eq!(within[0].measures.visits, 2); // F1 202402 and F2 202404
}

#[test]
fn rollup_over_tree_and_fiscal_years() {
    let e = engine();
    let rows = e
        .rollup(
            &Query {
                period_type: Some(PeriodType::Yearly),
                ..Query::default()
            },
            &[0, 1, 2],
        )
        .expect("rollup");
    assert_eq!(rows.len(), 5); // C, R1, R2, D1, D2 for 2024
    let c = find(&rows, key(&e, "C", "2024"));
    assert_eq!(
        (
            c.visits,
            c.minutes,
            c.scored,
            c.score_sum_tenths,
            c.meeting_standard
        ),
        (6, 245, 5, 4000, 3)
    );
    assert_eq!(c.mean_score(), Some(80.0));
    assert_eq!(find(&rows, key(&e, "D1", "2024")).visits, 4);
    assert_eq!(find(&rows, key(&e, "R2", "2024")).visits, 2);
    let fy = e
        .group(&Query {
            period_type: Some(PeriodType::FinancialJuly),
            ..Query::default()
        })
        .expect("fy");
    let by: Vec<(String, u64)> = fy
        .iter()
        .map(|r| (r.key.period.expect("p").to_string(), r.measures.visits))
        .collect();
    assert_eq!(
        by,
        vec![("2023July".to_owned(), 5), ("2024July".to_owned(), 1)]
    );
    let err = e.group(&Query {
        period_type: Some(PeriodType::EthiopianFinancialYearly),
        ..Query::default()
    });
    assert!(matches!(err, Err(Error::NotNested { .. })));
}

#[test]
fn ratio_indicators_by_hand() {
    let mut e = engine();
    let cat = e.catalog().clone();
    let onsite = cat
        .resolve(
            &Indicator::new(
                "ONSITE",
                "on site",
                Category::Input,
                "visits_modality:0",
                "visits",
                100.0,
            )
            .expect("i"),
        )
        .expect("resolve");
    let score = cat
        .resolve(
            &Indicator::new(
                "SCORE",
                "mean",
                Category::ProviderBehaviour,
                "score_sum",
                "scored_visits",
                1.0,
            )
            .expect("i"),
        )
        .expect("resolve");
    let q = Query {
        level: Some(1),
        period_type: Some(PeriodType::Quarterly),
        ..Query::default()
    };
    let many = e.evaluate_many(&[onsite, score], &q).expect("eval");
    let r1q1 = many
        .rows
        .iter()
        .find(|r| r.key == key(&e, "R1", "2024Q1"))
        .expect("row");
    assert!((r1q1.values[0].value.expect("v") - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(r1q1.values[1].value, Some(80.0));

    // Surgical site infections per 100 surgeries, from data elements.
    for (de, org, per, v) in [
        ("SSI", "F1", "202401", 2.0),
        ("SURG", "F1", "202401", 50.0),
        ("SSI", "F2", "202401", 1.0),
        ("SURG", "F2", "202401", 25.0),
        ("SSI", "F3", "202402", 3.0),
        ("SURG", "F3", "202402", 20.0),
    ] {
        e.set_value(de, None, org, p(per), v).expect("value");
    }
    e.set_value("SURG", None, "F2", p("202401"), 25.0)
        .expect("replacing a value is fine");
    let ssi = cat
        .resolve(
            &Indicator::new(
                "SSI_RATE",
                "SSI rate",
                Category::Outcome,
                "#{SSI}",
                "#{SURG}",
                100.0,
            )
            .expect("i")
            .with_rule(ValidationRule::NumeratorLeDenominator)
            .with_rule(ValidationRule::Range {
                min: 0.0,
                max: 10.0,
            }),
        )
        .expect("resolve");
    let ev = e.evaluate(&ssi, &q).expect("eval");
    assert_eq!(ev.values.len(), 2);
    let r1 = ev
        .values
        .iter()
        .find(|v| v.key == key(&e, "R1", "2024Q1"))
        .expect("R1");
    assert_eq!(
        (r1.numerator, r1.denominator, r1.value),
        (3.0, 75.0, Some(4.0))
    );
    let r2 = ev
        .values
        .iter()
        .find(|v| v.key == key(&e, "R2", "2024Q1"))
        .expect("R2");
    assert_eq!(r2.value, Some(15.0));
    assert_eq!(ev.violations.len(), 1);
    assert_eq!(ev.violations[0].place, "R2 2024Q1");
    assert!(ev.violations[0].to_string().contains("SSI_RATE"));
    // Data elements have no cadre.
    let err = e
        .evaluate(
            &ssi,
            &Query {
                by_cadre: true,
                ..q
            },
        )
        .expect_err("no cadre");
    assert!(err.to_string().contains("SSI_RATE"), "{err}");
}

#[test]
fn values_only_on_facilities_and_known_elements() {
    let mut e = engine();
    let err = e
        .set_value("SSI", None, "D1", p("202401"), 1.0)
        .expect_err("district");
    assert_eq!(
        err.to_string(),
        "org unit \"D1\" is a district and not a facility: values are recorded on facilities only"
    );
    let err = e
        .set_value("DEATHS", None, "F1", p("202401"), 1.0)
        .expect_err("unknown");
    assert!(matches!(err, Error::UnknownDataElement { ref element, .. } if element == "DEATHS"));
    assert!(matches!(
        e.set_value("SSI", None, "F9", p("202401"), 1.0),
        Err(Error::UnknownOrgUnit(_))
    ));
}

#[test]
fn completeness_by_hand() {
    let mut e = engine();
    for (org, per) in [("F1", "202401"), ("F2", "202401"), ("F3", "202402")] {
        e.set_value("SSI", None, org, p(per), 1.0).expect("value");
    }
    let ssi = e.catalog().find("SSI").expect("SSI");
    let q = Query {
        level: Some(1),
        period_type: Some(PeriodType::Quarterly),
        from: Some(p("2024Q1")),
        to: Some(p("2024Q1")),
        ..Query::default()
    };
    let c = e.completeness(&[ssi], &q).expect("completeness");
    let r1 = c
        .iter()
        .find(|r| r.key == key(&e, "R1", "2024Q1"))
        .expect("R1");
    assert_eq!((r1.expected, r1.received), (6, 2));
    let r2 = c
        .iter()
        .find(|r| r.key == key(&e, "R2", "2024Q1"))
        .expect("R2");
    assert_eq!((r2.expected, r2.received), (3, 1));
}

#[test]
fn facility_month_lookup_and_appends() {
    let mut e = engine();
    let m = e
        .facility_period(FacilityIdx(0), &p("202401"))
        .expect("lookup");
    assert_eq!((m.visits, m.minutes, m.mean_score()), (2, 90, Some(80.0)));
    // An append is visible at once, before and after compaction, also in a new month.
    e.append(&fact(0, "202401", 2, 1, 10, Some(50.0)))
        .expect("append");
    e.append(&fact(2, "202501", 0, 0, 15, None))
        .expect("append new month");
    let m = e
        .facility_period(FacilityIdx(0), &p("202401"))
        .expect("lookup");
    assert_eq!((m.visits, m.minutes), (3, 100));
    assert_eq!(
        e.facility_period(FacilityIdx(2), &p("202501"))
            .expect("lookup")
            .visits,
        1
    );
    e.compact().expect("compact");
    assert_eq!(
        e.facility_period(FacilityIdx(0), &p("202401"))
            .expect("lookup")
            .visits,
        3
    );
    let total = e.group(&Query::default()).expect("all");
    assert_eq!(total[0].measures.visits, 8);
    // Bad facts are refused and say why.
    let err = e
        .append(&fact(7, "202401", 0, 0, 10, None))
        .expect_err("no facility 7");
    assert!(err.to_string().contains("facility"), "{err}");
    let err = e
        .append(&fact(0, "2024Q1", 0, 0, 10, None))
        .expect_err("not a month");
    assert!(err.to_string().contains("2024Q1"), "{err}");
    assert!(e.append(&fact(0, "202401", 40, 0, 10, None)).is_err());
}

#[test]
fn a_new_facility_joins_after_start() {
    let mut e = engine();
    e.tree_mut().add("F4", Some("D2")).expect("add F4");
    let f4 = e.tree().facility("F4").expect("facility");
    e.append(&fact(f4.0, "202401", 0, 0, 30, Some(85.0)))
        .expect("append");
    let rows = e
        .group(&Query {
            level: Some(1),
            ..Query::default()
        })
        .expect("g");
    assert_eq!(
        rows.iter()
            .find(|r| r.key.org == e.tree().find("R2").ok())
            .expect("R2")
            .measures
            .visits,
        3
    );
    e.compact().expect("compact");
    assert_eq!(
        e.facility_period(f4, &p("202401")).expect("lookup").visits,
        1
    );
}

#[test]
fn ethiopian_base_rolls_up_to_the_fiscal_year() {
    let config = EngineConfig {
        base: PeriodType::EthiopianMonthly,
        ..EngineConfig::default()
    };
    let mut e = Engine::new(config, tree(), catalog()).expect("engine");
    let hamle_2016 = Period::containing(
        PeriodType::EthiopianMonthly,
        chrono::NaiveDate::from_ymd_opt(2024, 7, 20).expect("d"),
    )
    .expect("month");
    assert_eq!(hamle_2016.to_string(), "ETH2016M11");
    e.rebuild([
        fact(0, "ETH2016M11", 0, 0, 30, None),
        fact(0, "ETH2017M01", 0, 0, 30, None),
        fact(1, "ETH2017M11", 0, 0, 30, None),
    ])
    .expect("rebuild");
    let rows = e
        .group(&Query {
            period_type: Some(PeriodType::EthiopianFinancialYearly),
            ..Query::default()
        })
        .expect("g");
    let by: Vec<(String, u64)> = rows
        .iter()
        .map(|r| (r.key.period.expect("p").to_string(), r.measures.visits))
        .collect();
    assert_eq!(
        by,
        vec![("ETHFY2017".to_owned(), 2), ("ETHFY2018".to_owned(), 1)]
    );
    let q = e
        .group(&Query {
            period_type: Some(PeriodType::EthiopianFinancialQuarterly),
            ..Query::default()
        })
        .expect("g");
    assert_eq!(q[0].key.period.expect("p").to_string(), "ETHFY2017Q1");
    assert_eq!(q[0].measures.visits, 2);
    assert!(
        e.group(&Query {
            period_type: Some(PeriodType::Quarterly),
            ..Query::default()
        })
        .is_err()
    );
}

#[test]
fn tree_errors() {
    let mut t = tree();
    assert!(t.add("F1", Some("D1")).is_err());
    assert!(t.add("X", Some("NOPE")).is_err());
    assert!(t.add("Y", Some("F1")).is_err());
    assert!(matches!(t.facility("R1"), Err(Error::NotAFacility { .. })));
}

fn arb_fact() -> impl Strategy<Value = Fact> {
    (
        0u32..3,
        0u16..30,
        0u8..4,
        0u8..3,
        0u16..300,
        proptest::option::of(0u16..1000),
    )
        .prop_map(|(f, m, c, md, min, s)| {
            let period = Period::new(PeriodType::Monthly, 2023 + i32::from(m / 12), m % 12 + 1)
                .expect("month");
            Fact {
                facility: FacilityIdx(f),
                period,
                cadre: c,
                modality: md,
                minutes: min,
                score: s.map(|t| f64::from(t) / 10.0),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Appending fact by fact (with compactions in between) answers as a rebuild does.
    #[test]
    fn appends_equal_rebuild(facts in proptest::collection::vec(arb_fact(), 0..60), split in 0usize..60) {
        let mut rebuilt = Engine::new(EngineConfig::default(), tree(), catalog()).expect("engine");
        rebuilt.rebuild(facts.clone()).expect("rebuild");
        let mut appended = Engine::new(EngineConfig::default(), tree(), catalog()).expect("engine");
        for (i, f) in facts.iter().enumerate() {
            appended.append(f).expect("append");
            if i == split {
                appended.compact().expect("compact");
            }
        }
        let q = Query { level: Some(2), period_type: Some(PeriodType::Quarterly), by_cadre: true, by_modality: true, ..Query::default() };
        prop_assert_eq!(rebuilt.group(&q).expect("g"), appended.group(&q).expect("g"));
        for f in &facts {
            prop_assert_eq!(
                rebuilt.facility_period(f.facility, &f.period).expect("l"),
                appended.facility_period(f.facility, &f.period).expect("l")
            );
        }
        // And both equal a naive sum.
        let total: u64 = facts.iter().map(|f| u64::from(f.minutes)).sum();
        let all = rebuilt.group(&Query::default()).expect("all");
        prop_assert_eq!(all.first().map_or(0, |r| r.measures.minutes), total);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Removing facts (before or after a compaction, some appended after the rebuild)
    /// answers as a rebuild from the facts that remain; so does replacing one.
    #[test]
    fn removals_equal_rebuild_of_the_rest(
        facts in proptest::collection::vec(arb_fact(), 1..60),
        later in proptest::collection::vec(arb_fact(), 0..20),
        gone in proptest::collection::vec(any::<proptest::sample::Index>(), 0..30),
        compact_first in any::<bool>(),
        replace in any::<bool>(),
    ) {
        let config = EngineConfig { threads: 2, ..EngineConfig::default() };
        let mut e = Engine::new(config.clone(), tree(), catalog()).expect("engine");
        e.rebuild(facts.clone()).expect("rebuild");
        for f in &later {
            e.append(f).expect("append");
        }
        if compact_first {
            e.compact().expect("compact");
        }
        let mut rest: Vec<Fact> = facts.iter().chain(&later).copied().collect();
        for g in &gone {
            if rest.is_empty() {
                break;
            }
            let f = rest.swap_remove(g.index(rest.len()));
            e.remove(&f).expect("remove");
        }
        if replace && !rest.is_empty() {
            let new = Fact { minutes: rest[0].minutes / 2, ..rest[0] };
            e.update(&rest[0], &new).expect("update");
            rest[0] = new;
        }
        let mut rebuilt = Engine::new(config, tree(), catalog()).expect("engine");
        rebuilt.rebuild(rest.clone()).expect("rebuild");
        let q = Query { level: Some(1), period_type: Some(PeriodType::Monthly), by_cadre: true, by_modality: true, ..Query::default() };
        let zero = |rows: Vec<indicators::engine::Row>| -> Vec<_> { rows.into_iter().filter(|r| r.measures.visits > 0).collect() };
        prop_assert_eq!(zero(rebuilt.group(&q).expect("g")), zero(e.group(&q).expect("g")));
        for f in facts.iter().chain(&later) {
            prop_assert_eq!(
                rebuilt.facility_period(f.facility, &f.period).expect("l"),
                e.facility_period(f.facility, &f.period).expect("l")
            );
        }
        e.compact().expect("compact after removals");
        prop_assert_eq!(zero(rebuilt.group(&q).expect("g")), zero(e.group(&q).expect("g")));
        prop_assert_eq!(e.len(), rest.len());
    }
}

#[test]
fn removing_a_fact_not_held_is_refused() {
    let mut e = engine();
    let absent = fact(0, "202401", 0, 0, 61, Some(90.0));
    assert!(matches!(e.remove(&absent), Err(Error::UnknownFact(_))));
    let held = facts()[0];
    e.remove(&held).expect("held once");
    // Held once only: the second removal is refused, before and after compaction.
    assert!(matches!(e.remove(&held), Err(Error::UnknownFact(_))));
    e.compact().expect("compact");
    assert!(matches!(e.remove(&held), Err(Error::UnknownFact(_))));
    // An update whose new fact is invalid changes nothing.
    let bad = Fact {
        cadre: 200,
        ..facts()[1]
    };
    assert!(e.update(&facts()[1], &bad).is_err());
    e.remove(&facts()[1]).expect("still held");
}

/// Column batches given in several chunks, sorted and merged on two threads, answer as one
/// batch on one thread.
#[test]
fn chunked_parallel_rebuild_equals_serial() {
    use indicators::engine::FactColumns;
    let all: Vec<Fact> = (0..5000u32)
        .map(|i| {
            let m = (i * 7919) % 30;
            let period = Period::new(
                PeriodType::Monthly,
                2023 + (m / 12) as i32,
                (m % 12 + 1) as u16,
            )
            .expect("month");
            Fact {
                facility: FacilityIdx(i % 3),
                period,
                cadre: (i % 5) as u8,
                modality: (i % 3) as u8,
                minutes: (i % 200) as u16,
                score: (i % 4 != 0).then(|| f64::from(i % 1000) / 10.0),
            }
        })
        .collect();
    let mut one = Engine::new(
        EngineConfig {
            threads: 1,
            ..EngineConfig::default()
        },
        tree(),
        catalog(),
    )
    .expect("engine");
    one.rebuild(all.clone()).expect("rebuild");
    let mut two = Engine::new(
        EngineConfig {
            threads: 2,
            ..EngineConfig::default()
        },
        tree(),
        catalog(),
    )
    .expect("engine");
    let chunks: Vec<FactColumns> = all
        .chunks(777)
        .map(|c| {
            let mut cols = FactColumns::default();
            for f in c {
                let ord = two.period_ordinal(&f.period).expect("ordinal");
                cols.push(
                    f.facility.0,
                    ord,
                    f.cadre,
                    f.modality,
                    f.minutes,
                    f.score.map(|s| (s * 10.0).round() as u16),
                )
                .expect("push");
            }
            cols
        })
        .collect();
    two.rebuild_columns(chunks).expect("rebuild");
    let q = Query {
        level: Some(3),
        period_type: Some(PeriodType::Monthly),
        by_cadre: true,
        by_modality: true,
        ..Query::default()
    };
    assert_eq!(one.group(&q).expect("g"), two.group(&q).expect("g"));
    let mut bad = FactColumns::default();
    bad.push(3, 0, 0, 0, 1, None).expect("push");
    assert!(
        two.rebuild_columns(vec![bad]).is_err(),
        "facility 3 is not in the tree"
    );
    assert_eq!(two.len(), all.len(), "a failed rebuild keeps the facts");
}

/// More facts in one facility-month than the scan's packed counters hold between flushes,
/// each with the largest minutes and score the store takes.
#[test]
fn huge_slot_does_not_overflow() {
    let n = 150_000u64;
    let mut e = Engine::new(EngineConfig::default(), tree(), catalog()).expect("engine");
    e.rebuild((0..n).map(|i| fact(0, "202401", 0, (i % 2) as u8, u16::MAX, Some(6553.4))))
        .expect("rebuild");
    let all = e
        .group(&Query {
            by_modality: true,
            ..Query::default()
        })
        .expect("group");
    let total: u64 = all.iter().map(|r| r.measures.visits).sum();
    assert_eq!(total, n);
    let m = all[0].measures;
    assert_eq!(m.visits, n / 2);
    assert_eq!(m.minutes, n / 2 * 65_535);
    assert_eq!(m.score_sum_tenths, n / 2 * 65_534);
    assert_eq!((m.scored, m.meeting_standard), (n / 2, n / 2));
    let look = e
        .facility_period(FacilityIdx(0), &p("202401"))
        .expect("lookup");
    assert_eq!(look.minutes, n * 65_535);
}

/// Every facility by month on a country-sized tree (cells collapse cadres there): equal to
/// naive sums, and to the same query filtered to one district's subtree.
#[test]
fn fine_grained_groups_equal_naive_sums() {
    use std::collections::BTreeMap;
    let mut t = OrgTree::new(["country", "region", "district", "facility"]).expect("levels");
    t.add("C", None).expect("C");
    for r in 0..10 {
        t.add(&format!("R{r}"), Some("C")).expect("R");
    }
    for d in 0..100 {
        t.add(&format!("D{d}"), Some(&format!("R{}", d / 10)))
            .expect("D");
    }
    for f in 0..5000 {
        t.add(&format!("F{f}"), Some(&format!("D{}", f % 100)))
            .expect("F");
    }
    let mut state = 3u64;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) % n
    };
    let facts: Vec<Fact> = (0..3000)
        .map(|_| {
            let m = next(36) as u16;
            Fact {
                facility: FacilityIdx(next(5000) as u32),
                period: Period::new(PeriodType::Monthly, 2023 + i32::from(m / 12), m % 12 + 1)
                    .expect("month"),
                cadre: next(6) as u8,
                modality: next(3) as u8,
                minutes: next(240) as u16,
                score: Some(next(1000) as f64 / 10.0),
            }
        })
        .collect();
    let mut e = Engine::new(EngineConfig::default(), t, Catalog::new()).expect("engine");
    e.rebuild(facts.clone()).expect("rebuild");
    let q = Query {
        level: Some(3),
        period_type: Some(PeriodType::Monthly),
        ..Query::default()
    };
    let mut naive: BTreeMap<(u32, Period), (u64, u64, u64)> = BTreeMap::new();
    for f in &facts {
        let s = naive.entry((f.facility.0, f.period)).or_default();
        s.0 += 1;
        s.1 += u64::from(f.minutes);
        s.2 += u64::from(f.modality == 0);
    }
    let got: BTreeMap<(u32, Period), (u64, u64, u64)> = e
        .group(&q)
        .expect("group")
        .into_iter()
        .map(|r| {
            let org = r.key.org.expect("org");
            let f = e.tree().facility(e.tree().code(org)).expect("facility").0;
            let m = r.measures;
            (
                (f, r.key.period.expect("period")),
                (m.visits, m.minutes, m.by_modality[0]),
            )
        })
        .collect();
    assert_eq!(got, naive);
    let d7 = e.tree().find("D7").expect("D7");
    let within = e
        .group(&Query {
            within: Some(d7),
            ..q.clone()
        })
        .expect("within");
    let expected = naive.keys().filter(|(f, _)| f % 100 == 7).count();
    assert_eq!(within.len(), expected);
}
