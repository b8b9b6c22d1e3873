//! The Ethiopian calendar (Ge'ez calendar, Amete Mihret era).
//!
//! Thirteen months: twelve of 30 days, then Pagume of 5 days, or 6 in the year before a
//! Gregorian-style leap year (Ethiopian year `y` is long when `y % 4 == 3`). The year starts on
//! Meskerem 1, which falls on 11 September (12 September before a Gregorian leap year) for
//! years 1900–2099 Gregorian. Conversion goes through a day count so it is exact for every
//! date chrono can represent.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Month names in the usual Latin transliteration, Meskerem (1) to Pagume (13).
pub const MONTH_NAMES: [&str; 13] = [
    "Meskerem", "Tikimt", "Hidar", "Tahsas", "Tir", "Yekatit", "Megabit", "Miyazya", "Ginbot",
    "Sene", "Hamle", "Nehase", "Pagume",
];

/// CE day number (0001-01-01 = 1) of Meskerem 1, 1 EC, minus one; fixed from the anchor
/// Meskerem 1 2016 EC = 2023-09-12 (checked in tests against other anchors).
const EPOCH_CE_DAYS: i64 = 2_795;

/// A date in the Ethiopian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EthiopianDate {
    /// Ethiopian year (Amete Mihret).
    pub year: i32,
    /// Month 1 (Meskerem) ..= 13 (Pagume).
    pub month: u8,
    /// Day of month, 1..=30 (1..=5 or 6 in Pagume).
    pub day: u8,
}

/// Whether Ethiopian year `year` has a sixth day of Pagume.
pub fn is_leap_year(year: i32) -> bool {
    year.rem_euclid(4) == 3
}

/// Number of days in Ethiopian month `month` of `year`.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        13 if is_leap_year(year) => 6,
        13 => 5,
        _ => 30,
    }
}

/// Days since the Ethiopian epoch (Meskerem 1, 1 EC = day 0).
fn epoch_days(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year);
    365 * (y - 1) + y.div_euclid(4) + 30 * (i64::from(month) - 1) + i64::from(day) - 1
}

impl EthiopianDate {
    /// A checked Ethiopian date.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self> {
        if !(1..=13).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(Error::DateOutOfRange(format!(
                "{year}-{month:02}-{day:02} is not an Ethiopian date"
            )));
        }
        Ok(Self { year, month, day })
    }

    /// The Ethiopian date of a Gregorian date.
    pub fn from_gregorian(date: NaiveDate) -> Self {
        let n = i64::from(date.num_days_from_ce()) - 1 - EPOCH_CE_DAYS;
        // Four-year cycles of 1461 days; the +1463 shifts so the long year (y % 4 == 3) ends
        // a cycle (Calendrical Calculations, Coptic/Ethiopic year formula).
        let year = (4 * n + 1463).div_euclid(1461);
        let year_i32 = i32::try_from(year).unwrap_or(i32::MAX);
        let doy = n - epoch_days(year_i32, 1, 1);
        let month = (doy / 30 + 1).clamp(1, 13);
        let day = doy - 30 * (month - 1) + 1;
        // The ranges are guaranteed by the arithmetic above (doy in 0..366).
        Self {
            year: year_i32,
            month: month as u8,
            day: day as u8,
        }
    }

    /// The Gregorian date of this Ethiopian date.
    pub fn to_gregorian(self) -> Result<NaiveDate> {
        let ce = epoch_days(self.year, self.month, self.day) + EPOCH_CE_DAYS + 1;
        i32::try_from(ce)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| Error::DateOutOfRange(format!("{self} EC")))
    }

    /// The month's name (Meskerem … Pagume).
    pub fn month_name(self) -> &'static str {
        MONTH_NAMES[usize::from(self.month.clamp(1, 13)) - 1]
    }
}

impl std::fmt::Display for EthiopianDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn anchors() {
        let cases = [
            (2016, 1, 1, g(2023, 9, 12)),
            (2017, 1, 1, g(2024, 9, 11)),
            (2016, 11, 1, g(2024, 7, 8)),
            (2015, 13, 6, g(2023, 9, 11)),
            (2012, 1, 1, g(2019, 9, 12)),
            (2000, 1, 1, g(2007, 9, 12)),
            (1963, 1, 1, g(1970, 9, 11)),
        ];
        for (y, m, d, greg) in cases {
            let e = EthiopianDate::new(y, m, d).expect("valid");
            assert_eq!(e.to_gregorian().expect("in range"), greg, "{e}");
            assert_eq!(EthiopianDate::from_gregorian(greg), e, "{greg}");
        }
    }

    #[test]
    fn rejects_bad_dates() {
        assert!(EthiopianDate::new(2016, 13, 6).is_err());
        assert!(EthiopianDate::new(2015, 13, 6).is_ok());
        assert!(EthiopianDate::new(2016, 14, 1).is_err());
        assert!(EthiopianDate::new(2016, 1, 31).is_err());
    }
}
