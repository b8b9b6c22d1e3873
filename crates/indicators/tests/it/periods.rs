use chrono::{Days, NaiveDate};
use indicators::periods::ethiopian::{days_in_month, is_leap_year};
use indicators::{Error, EthiopianDate, Period, PeriodType};
use proptest::prelude::*;

fn date_in_range() -> impl Strategy<Value = NaiveDate> {
    // 1900-01-01 ..= 2200-12-31
    (0u64..110_000).prop_map(|n| {
        NaiveDate::from_ymd_opt(1900, 1, 1)
            .and_then(|d| d.checked_add_days(Days::new(n)))
            .expect("in range")
    })
}

fn ptype() -> impl Strategy<Value = PeriodType> {
    proptest::sample::select(PeriodType::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn period_round_trips(pt in ptype(), d in date_in_range()) {
        let p = Period::containing(pt, d).expect("containing");
        prop_assert!(p.contains(d), "{p} does not contain {d}");
        prop_assert!(p.start() <= p.end());
        let id = p.to_string();
        let back: Period = id.parse().expect("parses its own id");
        prop_assert_eq!(back, p);
        prop_assert_eq!(back.start(), p.start());
        let next = p.next().expect("next");
        prop_assert_eq!(next.start(), p.end().succ_opt().expect("day after"));
        let prev = p.prev().expect("prev");
        prop_assert_eq!(prev.end(), p.start().pred_opt().expect("day before"));
        prop_assert_eq!(Period::containing(pt, p.start()).expect("start"), p);
        prop_assert_eq!(Period::containing(pt, p.end()).expect("end"), p);
    }

    #[test]
    fn parents_agree_with_containing(child in ptype(), parent in ptype(), d in date_in_range()) {
        let c = Period::containing(child, d).expect("child");
        match c.parent_in(parent) {
            Ok(p) => {
                prop_assert_eq!(p, Period::containing(parent, d).expect("parent"));
                prop_assert!(p.contains_period(&c));
            }
            Err(Error::NotNested { .. }) => prop_assert!(!child.nests_in(parent), "{child} should nest in {parent}"),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn gregorian_to_ethiopian_and_back(d in date_in_range()) {
        let e = EthiopianDate::from_gregorian(d);
        prop_assert!(EthiopianDate::new(e.year, e.month, e.day).is_ok(), "{e} invalid");
        prop_assert_eq!(e.to_gregorian().expect("back"), d);
        // The next Gregorian day is the next Ethiopian day.
        let n = EthiopianDate::from_gregorian(d.succ_opt().expect("next"));
        let expected = if e.day < days_in_month(e.year, e.month) {
            (e.year, e.month, e.day + 1)
        } else if e.month < 13 {
            (e.year, e.month + 1, 1)
        } else {
            (e.year + 1, 1, 1)
        };
        prop_assert_eq!((n.year, n.month, n.day), expected);
    }

    #[test]
    fn ethiopian_to_gregorian_and_back(y in 1i32..9000, m in 1u8..=13, d in 1u8..=30) {
        prop_assume!(d <= days_in_month(y, m));
        let e = EthiopianDate::new(y, m, d).expect("valid");
        let g = e.to_gregorian().expect("representable");
        prop_assert_eq!(EthiopianDate::from_gregorian(g), e);
    }
}

fn g(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

#[test]
fn ethiopian_anchor_dates() {
    // Ethiopian New Year (Meskerem 1).
    assert_eq!(
        EthiopianDate::new(2016, 1, 1)
            .and_then(EthiopianDate::to_gregorian)
            .expect("ok"),
        g(2023, 9, 12)
    );
    assert_eq!(
        EthiopianDate::new(2017, 1, 1)
            .and_then(EthiopianDate::to_gregorian)
            .expect("ok"),
        g(2024, 9, 11)
    );
    assert_eq!(
        EthiopianDate::new(2018, 1, 1)
            .and_then(EthiopianDate::to_gregorian)
            .expect("ok"),
        g(2025, 9, 11)
    );
    // Ethiopian Christmas (Genna) on 7 January is Tahsas 28 in the year after a leap year.
    assert_eq!(
        EthiopianDate::from_gregorian(g(2024, 1, 7)),
        EthiopianDate {
            year: 2016,
            month: 4,
            day: 28
        }
    );
    // Fiscal year 2017 EFY: Hamle 1 2016 = 8 July 2024.
    let fy: Period = "ETHFY2017".parse().expect("parses");
    assert_eq!((fy.start(), fy.end()), (g(2024, 7, 8), g(2025, 7, 7)));
    assert!(is_leap_year(2015));
    assert!(!is_leap_year(2016));
    assert_eq!(
        EthiopianDate::from_gregorian(g(2023, 9, 11)).month_name(),
        "Pagume"
    );
}

#[test]
fn nonexistent_periods_are_rejected_with_their_id() {
    for (id, needle) in [
        ("2024Q5", "1..=4"),
        ("202413", "1..=12"),
        ("2024S3", "1..=2"),
        ("2023W53", "1..=52"),
        ("20230229", "no such day"),
        ("ETH2016M14", "1..=13"),
        ("2024Nov", "not a DHIS2"),
        ("abcd", "four-digit year"),
    ] {
        let err = id.parse::<Period>().expect_err(id).to_string();
        assert!(
            err.contains(&format!("{id:?}")) && err.contains(needle),
            "{id}: {err}"
        );
    }
}

#[test]
fn serde_uses_the_id() {
    let p: Period = "2024July".parse().expect("ok");
    let json = serde_json::to_string(&p).expect("serializes");
    assert_eq!(json, "\"2024July\"");
    let back: Period = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, p);
    assert!(serde_json::from_str::<Period>("\"2024Q9\"").is_err());
}
