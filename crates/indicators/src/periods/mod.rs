//! Periods: DHIS2 period identifiers and Ethiopian calendar periods.
//!
//! A [`Period`] is a period type, a year and a 1-based index within the year; it prints to and
//! parses from its identifier and knows its first and last day.
//!
//! | type | id | example | covers |
//! |---|---|---|---|
//! | Daily | `yyyyMMdd` | `20240115` | 15 Jan 2024 |
//! | Weekly (ISO, Monday) | `yyyyWn` | `2024W3` | ISO week 3 of 2024 |
//! | WeeklyWednesday/Thursday/Saturday/Sunday | `yyyyWedWn` `yyyyThuWn` `yyyySatWn` `yyyySunWn` | `2015WedW5` | week 1 is the week holding 4 January, as in ISO |
//! | BiWeekly | `yyyyBiWn` | `2024BiW1` | ISO weeks 1–2; in a 53-week year BiW27 is week 53 alone |
//! | Monthly | `yyyyMM` | `202401` | Jan 2024 |
//! | BiMonthly | `yyyyMMB` (MM = bi-month 01..06, as DHIS2) | `202401B` | Jan–Feb 2024 |
//! | Quarterly | `yyyyQn` | `2024Q1` | Jan–Mar 2024 |
//! | SixMonthly | `yyyySn` | `2024S1` | Jan–Jun 2024 |
//! | SixMonthlyApril | `yyyyAprilSn` | `2024AprilS1` | Apr–Sep 2024 |
//! | Yearly | `yyyy` | `2024` | 2024 |
//! | FinancialApril / July / Oct | `yyyyApril` `yyyyJuly` `yyyyOct` | `2024July` | Jul 2024 – Jun 2025 |
//! | EthiopianMonthly | `ETHyyyyMmm` (mm = 01..13, 13 = Pagume) | `ETH2017M11` | Hamle 2017 EC |
//! | EthiopianQuarterly | `ETHyyyyQn` | `ETH2017Q4` | Sene, Hamle, Nehase, Pagume 2017 EC |
//! | EthiopianYearly | `ETHyyyy` | `ETH2017` | Meskerem 1 – Pagume 5/6, 2017 EC |
//! | EthiopianFinancialQuarterly | `ETHFYyyyyQn` | `ETHFY2017Q1` | Hamle, Nehase, Pagume 2016 and Meskerem 2017 EC |
//! | EthiopianFinancialYearly | `ETHFYyyyy` | `ETHFY2017` | Hamle 1 2016 – Sene 30 2017 EC (8 Jul 2024 – 7 Jul 2025) |
//!
//! The Ethiopian fiscal year is named, as the Ministry of Health does, by the Ethiopian year in
//! which it ends. Its quarters follow the Ethiopian government: Q1 Hamle–Meskerem (Pagume
//! included), Q2 Tikimt–Tahsas, Q3 Tir–Megabit, Q4 Miyazya–Sene. DHIS2's November-based types
//! (`yyyyNov`, `yyyyNovSn`) are not supported yet.

pub mod ethiopian;
pub mod period_type;

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use ethiopian::EthiopianDate;
pub use period_type::PeriodType;

impl FromStr for PeriodType {
    type Err = Error;

    /// Parses a DHIS2 period type name (`Monthly`, `FinancialJuly`, …) or one of ours.
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.to_string() == s)
            .ok_or_else(|| Error::InvalidPeriod {
                id: s.to_owned(),
                reason: "unknown period type name".to_owned(),
            })
    }
}

/// A period: a type, the year it is named by, and its 1-based index within that year (the day
/// of the year for daily periods, the week for weekly ones, the month, quarter… otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    ptype: PeriodType,
    year: i32,
    index: u16,
}

fn bad(id: &str, reason: impl Into<String>) -> Error {
    Error::InvalidPeriod {
        id: id.to_owned(),
        reason: reason.into(),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| Error::DateOutOfRange(format!("{y:04}-{m:02}-{d:02}")))
}

/// First day of week 1 of `year` for weeks starting on `start`: the week holding 4 January.
fn week1_start(year: i32, start: Weekday) -> Result<NaiveDate> {
    let jan4 = ymd(year, 1, 4)?;
    let back = jan4.weekday().days_since(start);
    jan4.checked_sub_days(Days::new(u64::from(back)))
        .ok_or_else(|| Error::DateOutOfRange(format!("week 1 of {year}")))
}

fn weeks_in_year(year: i32, start: Weekday) -> Result<u16> {
    let days = (week1_start(year + 1, start)? - week1_start(year, start)?).num_days();
    Ok((days / 7) as u16)
}

fn add_days(d: NaiveDate, n: i64) -> Result<NaiveDate> {
    let r = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    r.ok_or_else(|| Error::DateOutOfRange(format!("{d} + {n} days")))
}

/// First day of month `m0` (0-based, may be out of 0..per_year) of calendar year `y`.
fn month_start(per_year: i64, y: i64, m0: i64) -> Result<NaiveDate> {
    let abs = y * per_year + m0;
    let (yy, mm) = (abs.div_euclid(per_year), abs.rem_euclid(per_year));
    let yy = i32::try_from(yy).map_err(|_| Error::DateOutOfRange(format!("year {yy}")))?;
    if per_year == 12 {
        ymd(yy, mm as u32 + 1, 1)
    } else {
        EthiopianDate {
            year: yy,
            month: mm as u8 + 1,
            day: 1,
        }
        .to_gregorian()
    }
}

impl Period {
    /// A checked period: `index` must exist in `year` for `ptype`.
    pub fn new(ptype: PeriodType, year: i32, index: u16) -> Result<Self> {
        let p = Self { ptype, year, index };
        if !(1..=9999).contains(&year) {
            return Err(bad(&p.raw_id(), "year must have four digits (0001..9999)"));
        }
        let count = Self::count_in_year(ptype, year)?;
        if index == 0 || index > count {
            return Err(bad(
                &p.raw_id(),
                format!("{ptype} index must be 1..={count} in {year}"),
            ));
        }
        Ok(p)
    }

    /// How many periods of `ptype` year `year` holds.
    pub fn count_in_year(ptype: PeriodType, year: i32) -> Result<u16> {
        if let Some(spec) = ptype.months() {
            return Ok(spec.count());
        }
        if let Some(ws) = ptype.week_start() {
            let weeks = weeks_in_year(year, ws)?;
            return Ok(if ptype == PeriodType::BiWeekly {
                weeks.div_ceil(2)
            } else {
                weeks
            });
        }
        // Daily.
        Ok(if ymd(year, 12, 31)?.ordinal() == 366 {
            366
        } else {
            365
        })
    }

    /// The period of type `ptype` that holds `date`.
    pub fn containing(ptype: PeriodType, date: NaiveDate) -> Result<Self> {
        let p = if let Some(spec) = ptype.months() {
            let (y, m0) = if spec.per_year == 12 {
                (i64::from(date.year()), i64::from(date.month0()))
            } else {
                let e = EthiopianDate::from_gregorian(date);
                (i64::from(e.year), i64::from(e.month) - 1)
            };
            let rel = y * spec.per_year + m0 - spec.offset;
            let (py, pos) = (rel.div_euclid(spec.per_year), rel.rem_euclid(spec.per_year));
            let idx = spec
                .bounds
                .iter()
                .rposition(|&b| i64::from(b) <= pos)
                .unwrap_or(0)
                + 1;
            Self {
                ptype,
                year: py as i32,
                index: idx as u16,
            }
        } else if let Some(ws) = ptype.week_start() {
            let mut y = date.year();
            if date < week1_start(y, ws)? {
                y -= 1;
            } else if date >= week1_start(y + 1, ws)? {
                y += 1;
            }
            let week = (date - week1_start(y, ws)?).num_days() / 7 + 1;
            let index = if ptype == PeriodType::BiWeekly {
                (week + 1) / 2
            } else {
                week
            };
            Self {
                ptype,
                year: y,
                index: index as u16,
            }
        } else {
            Self {
                ptype,
                year: date.year(),
                index: date.ordinal() as u16,
            }
        };
        if !(1..=9999).contains(&p.year) {
            return Err(Error::DateOutOfRange(format!(
                "{date} is outside years 0001..9999"
            )));
        }
        Ok(p)
    }

    /// The period type.
    pub fn period_type(&self) -> PeriodType {
        self.ptype
    }

    /// The year the period is named by (ISO week-year for weeks, Ethiopian year for Ethiopian
    /// types, the fiscal year's name for fiscal types).
    pub fn year(&self) -> i32 {
        self.year
    }

    /// 1-based index within the year.
    pub fn index(&self) -> u16 {
        self.index
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        // Construction guarantees the period exists, so the date is representable.
        self.try_start().unwrap_or(NaiveDate::MIN)
    }

    /// Last day.
    pub fn end(&self) -> NaiveDate {
        self.try_end().unwrap_or(NaiveDate::MAX)
    }

    fn try_start(&self) -> Result<NaiveDate> {
        if let Some(spec) = self.ptype.months() {
            let b = spec.bounds[usize::from(self.index) - 1];
            return month_start(
                spec.per_year,
                i64::from(self.year),
                spec.offset + i64::from(b),
            );
        }
        if let Some(ws) = self.ptype.week_start() {
            let weeks_before = if self.ptype == PeriodType::BiWeekly {
                2 * (i64::from(self.index) - 1)
            } else {
                i64::from(self.index) - 1
            };
            return add_days(week1_start(self.year, ws)?, 7 * weeks_before);
        }
        NaiveDate::from_yo_opt(self.year, u32::from(self.index))
            .ok_or_else(|| Error::DateOutOfRange(self.raw_id()))
    }

    fn try_end(&self) -> Result<NaiveDate> {
        if let Some(spec) = self.ptype.months() {
            let b = spec.bounds[usize::from(self.index)];
            let next = month_start(
                spec.per_year,
                i64::from(self.year),
                spec.offset + i64::from(b),
            )?;
            return add_days(next, -1);
        }
        if let Some(ws) = self.ptype.week_start() {
            let len = if self.ptype == PeriodType::BiWeekly {
                14
            } else {
                7
            };
            let end = add_days(self.try_start()?, len - 1)?;
            // A bi-week 27 holds week 53 only: never run into next year's week 1.
            let year_end = add_days(week1_start(self.year + 1, ws)?, -1)?;
            return Ok(end.min(year_end));
        }
        self.try_start()
    }

    /// Whether `date` falls in this period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// Whether `other` lies entirely inside this period.
    pub fn contains_period(&self, other: &Period) -> bool {
        self.start() <= other.start() && other.end() <= self.end()
    }

    /// The period of type `parent` that holds this one; an error if this period straddles
    /// two of them (a week across two months, a Gregorian month in Ethiopian months…).
    pub fn parent_in(&self, parent: PeriodType) -> Result<Period> {
        let p = Self::containing(parent, self.start())?;
        if self.end() <= p.end() {
            Ok(p)
        } else {
            Err(Error::NotNested {
                child: self.ptype,
                parent,
            })
        }
    }

    /// The following period of the same type.
    pub fn next(&self) -> Result<Period> {
        Self::containing(self.ptype, add_days(self.try_end()?, 1)?)
    }

    /// The preceding period of the same type.
    pub fn prev(&self) -> Result<Period> {
        Self::containing(self.ptype, add_days(self.try_start()?, -1)?)
    }

    /// Identifier without validation, for error messages.
    fn raw_id(&self) -> String {
        let (y, i) = (self.year, self.index);
        match self.ptype {
            PeriodType::Daily => match NaiveDate::from_yo_opt(y, u32::from(i)) {
                Some(d) => format!("{:04}{:02}{:02}", y, d.month(), d.day()),
                None => format!("{y:04}-day{i}"),
            },
            PeriodType::Weekly => format!("{y:04}W{i}"),
            PeriodType::WeeklyWednesday => format!("{y:04}WedW{i}"),
            PeriodType::WeeklyThursday => format!("{y:04}ThuW{i}"),
            PeriodType::WeeklySaturday => format!("{y:04}SatW{i}"),
            PeriodType::WeeklySunday => format!("{y:04}SunW{i}"),
            PeriodType::BiWeekly => format!("{y:04}BiW{i}"),
            PeriodType::Monthly => format!("{y:04}{i:02}"),
            PeriodType::BiMonthly => format!("{y:04}{i:02}B"),
            PeriodType::Quarterly => format!("{y:04}Q{i}"),
            PeriodType::SixMonthly => format!("{y:04}S{i}"),
            PeriodType::SixMonthlyApril => format!("{y:04}AprilS{i}"),
            PeriodType::Yearly => format!("{y:04}"),
            PeriodType::FinancialApril => format!("{y:04}April"),
            PeriodType::FinancialJuly => format!("{y:04}July"),
            PeriodType::FinancialOct => format!("{y:04}Oct"),
            PeriodType::EthiopianMonthly => format!("ETH{y:04}M{i:02}"),
            PeriodType::EthiopianQuarterly => format!("ETH{y:04}Q{i}"),
            PeriodType::EthiopianYearly => format!("ETH{y:04}"),
            PeriodType::EthiopianFinancialQuarterly => format!("ETHFY{y:04}Q{i}"),
            PeriodType::EthiopianFinancialYearly => format!("ETHFY{y:04}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw_id())
    }
}

/// Parses an unsigned decimal made of ASCII digits only (no sign, no spaces).
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits a leading four-digit year off `s` (part of `id`).
fn year4<'a>(id: &str, s: &'a str) -> Result<(i32, &'a str)> {
    match s
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(digits)
    {
        Some(y) => Ok((y as i32, &s[4..])),
        None => Err(bad(id, "must start with a four-digit year")),
    }
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(id: &str) -> Result<Self> {
        let num = |s: &str, what: &str| -> Result<u16> {
            digits(s)
                .map(|v| v as u16)
                .ok_or_else(|| bad(id, format!("{what} {s:?} is not a number")))
        };
        if let Some(rest) = id.strip_prefix("ETHFY") {
            let (year, rest) = year4(id, rest)?;
            return match rest {
                "" => Self::new(PeriodType::EthiopianFinancialYearly, year, 1),
                _ => match rest.strip_prefix('Q') {
                    Some(q) => Self::new(
                        PeriodType::EthiopianFinancialQuarterly,
                        year,
                        num(q, "quarter")?,
                    ),
                    None => Err(bad(id, "expected ETHFYyyyy or ETHFYyyyyQn")),
                },
            };
        }
        if let Some(rest) = id.strip_prefix("ETH") {
            let (year, rest) = year4(id, rest)?;
            if rest.is_empty() {
                return Self::new(PeriodType::EthiopianYearly, year, 1);
            }
            if let Some(m) = rest.strip_prefix('M') {
                if m.len() != 2 {
                    return Err(bad(id, "Ethiopian month must have two digits (01..13)"));
                }
                return Self::new(PeriodType::EthiopianMonthly, year, num(m, "month")?);
            }
            if let Some(q) = rest.strip_prefix('Q') {
                return Self::new(PeriodType::EthiopianQuarterly, year, num(q, "quarter")?);
            }
            return Err(bad(id, "expected ETHyyyy, ETHyyyyMmm or ETHyyyyQn"));
        }
        let (year, rest) = year4(id, id)?;
        let prefixed = [
            ("BiW", PeriodType::BiWeekly),
            ("WedW", PeriodType::WeeklyWednesday),
            ("ThuW", PeriodType::WeeklyThursday),
            ("SatW", PeriodType::WeeklySaturday),
            ("SunW", PeriodType::WeeklySunday),
            ("AprilS", PeriodType::SixMonthlyApril),
            ("W", PeriodType::Weekly),
            ("Q", PeriodType::Quarterly),
            ("S", PeriodType::SixMonthly),
        ];
        for (prefix, ptype) in prefixed {
            if let Some(n) = rest.strip_prefix(prefix) {
                return Self::new(ptype, year, num(n, "index")?);
            }
        }
        match rest {
            // The arms below cut `rest` by byte length, which must not split a character.
            _ if !rest.is_ascii() => Err(bad(id, "not a DHIS2 or Ethiopian period identifier")),
            "" => Self::new(PeriodType::Yearly, year, 1),
            "April" => Self::new(PeriodType::FinancialApril, year, 1),
            "July" => Self::new(PeriodType::FinancialJuly, year, 1),
            "Oct" => Self::new(PeriodType::FinancialOct, year, 1),
            _ if rest.len() == 2 => Self::new(PeriodType::Monthly, year, num(rest, "month")?),
            _ if rest.len() == 3 && rest.ends_with('B') => {
                Self::new(PeriodType::BiMonthly, year, num(&rest[..2], "bi-month")?)
            }
            _ if rest.len() == 4 => {
                let (m, d) = (num(&rest[..2], "month")?, num(&rest[2..], "day")?);
                let date = NaiveDate::from_ymd_opt(year, u32::from(m), u32::from(d))
                    .ok_or_else(|| bad(id, "no such day"))?;
                Self::new(PeriodType::Daily, year, date.ordinal() as u16)
            }
            _ => Err(bad(id, "not a DHIS2 or Ethiopian period identifier")),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().expect(s)
    }
    fn g(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn spans() {
        let cases = [
            ("20240115", g(2024, 1, 15), g(2024, 1, 15)),
            ("2024W1", g(2024, 1, 1), g(2024, 1, 7)),
            ("2024W3", g(2024, 1, 15), g(2024, 1, 21)),
            ("2021W1", g(2021, 1, 4), g(2021, 1, 10)),
            ("2020W53", g(2020, 12, 28), g(2021, 1, 3)),
            ("2020BiW27", g(2020, 12, 28), g(2021, 1, 3)),
            ("2024BiW1", g(2024, 1, 1), g(2024, 1, 14)),
            ("202401", g(2024, 1, 1), g(2024, 1, 31)),
            ("202402", g(2024, 2, 1), g(2024, 2, 29)),
            ("202401B", g(2024, 1, 1), g(2024, 2, 29)),
            ("202406B", g(2024, 11, 1), g(2024, 12, 31)),
            ("2024Q1", g(2024, 1, 1), g(2024, 3, 31)),
            ("2024S2", g(2024, 7, 1), g(2024, 12, 31)),
            ("2024AprilS2", g(2024, 10, 1), g(2025, 3, 31)),
            ("2024", g(2024, 1, 1), g(2024, 12, 31)),
            ("2024April", g(2024, 4, 1), g(2025, 3, 31)),
            ("2024July", g(2024, 7, 1), g(2025, 6, 30)),
            ("2024Oct", g(2024, 10, 1), g(2025, 9, 30)),
            ("ETH2017", g(2024, 9, 11), g(2025, 9, 10)),
            ("ETH2016M01", g(2023, 9, 12), g(2023, 10, 11)),
            ("ETH2015M13", g(2023, 9, 6), g(2023, 9, 11)),
            ("ETH2016M11", g(2024, 7, 8), g(2024, 8, 6)),
            ("ETHFY2017", g(2024, 7, 8), g(2025, 7, 7)),
            ("ETHFY2017Q1", g(2024, 7, 8), g(2024, 10, 10)),
            ("ETHFY2017Q4", g(2025, 4, 9), g(2025, 7, 7)),
            ("ETH2017Q4", g(2025, 6, 8), g(2025, 9, 10)),
        ];
        for (id, start, end) in cases {
            let per = p(id);
            assert_eq!((per.start(), per.end()), (start, end), "{id}");
            assert_eq!(per.to_string(), id);
        }
    }

    #[test]
    fn weekday_weeks() {
        // 4 Jan 2015 is a Sunday: the Wednesday week holding it starts 31 Dec 2014.
        assert_eq!(p("2015WedW1").start(), g(2014, 12, 31));
        assert_eq!(p("2015SunW1").start(), g(2015, 1, 4));
    }

    #[test]
    fn parents() {
        assert_eq!(
            p("202405").parent_in(PeriodType::Quarterly).expect("nests"),
            p("2024Q2")
        );
        assert_eq!(
            p("202405")
                .parent_in(PeriodType::FinancialJuly)
                .expect("nests"),
            p("2023July")
        );
        assert_eq!(
            p("2024Q3")
                .parent_in(PeriodType::FinancialJuly)
                .expect("nests"),
            p("2024July")
        );
        assert!(p("2024Q2").parent_in(PeriodType::FinancialOct).is_ok());
        assert_eq!(
            p("2024Q1")
                .parent_in(PeriodType::SixMonthlyApril)
                .expect("n"),
            p("2023AprilS2")
        );
        assert!(p("202402B").parent_in(PeriodType::Quarterly).is_err());
        assert!(p("2024W5").parent_in(PeriodType::Monthly).is_err());
        assert_eq!(
            p("ETH2016M12")
                .parent_in(PeriodType::EthiopianFinancialYearly)
                .expect("n"),
            p("ETHFY2017")
        );
        assert!(PeriodType::Monthly.nests_in(PeriodType::FinancialJuly));
        assert!(PeriodType::Quarterly.nests_in(PeriodType::SixMonthlyApril));
        assert!(!PeriodType::BiMonthly.nests_in(PeriodType::Quarterly));
        assert!(!PeriodType::Monthly.nests_in(PeriodType::EthiopianFinancialYearly));
        assert!(PeriodType::EthiopianMonthly.nests_in(PeriodType::EthiopianFinancialQuarterly));
        assert!(!PeriodType::EthiopianQuarterly.nests_in(PeriodType::EthiopianFinancialYearly));
    }

    #[test]
    fn bad_ids() {
        for id in [
            "2024Q5",
            "202413",
            "202400",
            "2024W54",
            "2023W53",
            "20240230",
            "24Q1",
            "2024X",
            "ETH2017M14",
            "ETHFY2017Q5",
            "2024BiW28",
            "202407B",
            "2024Q",
            "2024Q+1",
            "",
        ] {
            let err = id.parse::<Period>().expect_err(id);
            assert!(err.to_string().contains(&format!("{id:?}")), "{err}");
        }
    }

    #[test]
    fn characters_beyond_ascii_after_the_year_are_refused_not_split() {
        // Found by fuzzing (fuzz/regressions/period_id): a two-byte cut through a
        // three-byte character once panicked.
        for id in [
            "2021\u{ffff}\t",
            "2021a\u{20ac}",
            "2021\u{e9}B",
            "2021\u{e9}\u{e9}",
        ] {
            let err = id.parse::<Period>().expect_err(id);
            assert!(
                err.to_string()
                    .contains("not a DHIS2 or Ethiopian period identifier"),
                "{err}"
            );
        }
    }
}
