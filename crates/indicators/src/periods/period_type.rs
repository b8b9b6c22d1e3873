//! The period types, apart from the parsing and arithmetic in the parent module: the crate's
//! error type names a period type, so this file must not depend on that error.

use std::fmt;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// The kinds of period this crate knows. Names follow DHIS2's period type names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PeriodType {
    /// One day.
    Daily,
    /// ISO week (Monday start).
    Weekly,
    /// Week starting Wednesday.
    WeeklyWednesday,
    /// Week starting Thursday.
    WeeklyThursday,
    /// Week starting Saturday.
    WeeklySaturday,
    /// Week starting Sunday.
    WeeklySunday,
    /// Two ISO weeks.
    BiWeekly,
    /// Calendar month.
    Monthly,
    /// Two calendar months (Jan–Feb, …).
    BiMonthly,
    /// Calendar quarter.
    Quarterly,
    /// Half year from January.
    SixMonthly,
    /// Half year from April.
    SixMonthlyApril,
    /// Calendar year.
    Yearly,
    /// Financial year from April.
    FinancialApril,
    /// Financial year from July.
    FinancialJuly,
    /// Financial year from October.
    FinancialOct,
    /// Ethiopian month (Pagume is month 13).
    EthiopianMonthly,
    /// Ethiopian calendar-year quarter (Q4 holds Pagume).
    EthiopianQuarterly,
    /// Ethiopian year.
    EthiopianYearly,
    /// Ethiopian fiscal-year quarter (Q1 holds Pagume).
    EthiopianFinancialQuarterly,
    /// Ethiopian fiscal year, Hamle 1 to Sene 30.
    EthiopianFinancialYearly,
}

impl PeriodType {
    /// Every period type, finest first within each calendar.
    pub const ALL: [PeriodType; 21] = [
        Self::Daily,
        Self::Weekly,
        Self::WeeklyWednesday,
        Self::WeeklyThursday,
        Self::WeeklySaturday,
        Self::WeeklySunday,
        Self::BiWeekly,
        Self::Monthly,
        Self::BiMonthly,
        Self::Quarterly,
        Self::SixMonthly,
        Self::SixMonthlyApril,
        Self::Yearly,
        Self::FinancialApril,
        Self::FinancialJuly,
        Self::FinancialOct,
        Self::EthiopianMonthly,
        Self::EthiopianQuarterly,
        Self::EthiopianYearly,
        Self::EthiopianFinancialQuarterly,
        Self::EthiopianFinancialYearly,
    ];

    /// Month-based layout: months per calendar year (12 or 13), offset of the period year's
    /// first month from the calendar year's first month, and the boundaries of the periods
    /// within a period year, in months.
    pub(super) fn months(self) -> Option<MonthSpec> {
        const M1: &[u32] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        const ETH_M1: &[u32] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        let (per_year, offset, bounds): (i64, i64, &'static [u32]) = match self {
            Self::Monthly => (12, 0, M1),
            Self::BiMonthly => (12, 0, &[0, 2, 4, 6, 8, 10, 12]),
            Self::Quarterly => (12, 0, &[0, 3, 6, 9, 12]),
            Self::SixMonthly => (12, 0, &[0, 6, 12]),
            Self::SixMonthlyApril => (12, 3, &[0, 6, 12]),
            Self::Yearly => (12, 0, &[0, 12]),
            Self::FinancialApril => (12, 3, &[0, 12]),
            Self::FinancialJuly => (12, 6, &[0, 12]),
            Self::FinancialOct => (12, 9, &[0, 12]),
            Self::EthiopianMonthly => (13, 0, ETH_M1),
            Self::EthiopianQuarterly => (13, 0, &[0, 3, 6, 9, 13]),
            Self::EthiopianYearly => (13, 0, &[0, 13]),
            // Fiscal year y starts at Hamle (month 11) of year y - 1: offset -3 months.
            Self::EthiopianFinancialQuarterly => (13, -3, &[0, 4, 7, 10, 13]),
            Self::EthiopianFinancialYearly => (13, -3, &[0, 13]),
            _ => return None,
        };
        Some(MonthSpec {
            per_year,
            offset,
            bounds,
        })
    }

    /// Week start day for the weekly types.
    pub(super) fn week_start(self) -> Option<Weekday> {
        match self {
            Self::Weekly | Self::BiWeekly => Some(Weekday::Mon),
            Self::WeeklyWednesday => Some(Weekday::Wed),
            Self::WeeklyThursday => Some(Weekday::Thu),
            Self::WeeklySaturday => Some(Weekday::Sat),
            Self::WeeklySunday => Some(Weekday::Sun),
            _ => None,
        }
    }

    /// Whether this type uses the Ethiopian calendar.
    pub fn is_ethiopian(self) -> bool {
        self.months().is_some_and(|m| m.per_year == 13)
    }

    /// Whether every period of type `self` lies inside exactly one period of type `parent`,
    /// so values can be rolled up from `self` to `parent` without splitting.
    pub fn nests_in(self, parent: PeriodType) -> bool {
        if self == parent || self == Self::Daily {
            return true;
        }
        if let (Some(c), Some(p)) = (self.months(), parent.months()) {
            if c.per_year != p.per_year {
                return false;
            }
            let n = c.per_year;
            let child: Vec<i64> = c
                .bounds
                .iter()
                .map(|&b| (c.offset + i64::from(b)).rem_euclid(n))
                .collect();
            return p
                .bounds
                .iter()
                .all(|&b| child.contains(&(p.offset + i64::from(b)).rem_euclid(n)));
        }
        self == Self::Weekly && parent == Self::BiWeekly
    }
}

impl fmt::Display for PeriodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// How a month-based period type divides the year: `per_year` periods, starting `offset`
/// months into the calendar year, at the month `bounds`.
#[derive(Clone, Copy)]
pub(super) struct MonthSpec {
    pub(super) per_year: i64,
    pub(super) offset: i64,
    pub(super) bounds: &'static [u32],
}

impl MonthSpec {
    pub(super) fn count(self) -> u16 {
        (self.bounds.len() - 1) as u16
    }
}
