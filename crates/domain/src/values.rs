//! Value types with `parse()` constructors: once a value exists, it is valid.
//!
//! Each `parse` reports errors under a generic field name; callers re-label them with
//! [`FieldError::at`] when they know the input field.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A display name: trimmed, non-empty, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// Longest name accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Parses a name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = free_text(raw, "name", Self::MAX_CHARS, true)?;
        if trimmed.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(Self(trimmed))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ORCID iD (`0000-0002-1825-0097`), checked with its ISO 7064 MOD 11-2 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Orcid(String);

impl Orcid {
    /// Parses an ORCID iD, accepting the bare form or an `https://orcid.org/` URL.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let bare = trimmed
            .strip_prefix("https://orcid.org/")
            .or_else(|| trimmed.strip_prefix("http://orcid.org/"))
            .unwrap_or(trimmed);
        let chars: Vec<char> = bare.chars().filter(|c| *c != '-').collect();
        let shape_ok = bare.len() == 19
            && bare
                .char_indices()
                .all(|(i, c)| if i % 5 == 4 { c == '-' } else { true })
            && chars.len() == 16
            && chars[..15].iter().all(char::is_ascii_digit)
            && (chars[15].is_ascii_digit() || chars[15] == 'X');
        if !shape_ok {
            return Err(FieldError::new(
                "orcid",
                format!("'{trimmed}' is not an ORCID iD of the form 0000-0000-0000-000X"),
            ));
        }
        let expected = Self::check_digit(&chars[..15]);
        if chars[15] != expected {
            return Err(FieldError::new(
                "orcid",
                format!("'{trimmed}' has a wrong check digit (expected {expected})"),
            ));
        }
        Ok(Self(bare.to_owned()))
    }

    /// Completes 15 digits with their check digit (for generated test and demo data).
    pub fn from_digits(first_15: &str) -> Result<Self, FieldError> {
        let digits: Vec<char> = first_15.chars().collect();
        if digits.len() != 15 || !digits.iter().all(char::is_ascii_digit) {
            return Err(FieldError::new("orcid", "needs exactly 15 digits"));
        }
        let mut all: String = digits.iter().collect();
        all.push(Self::check_digit(&digits));
        let grouped: Vec<String> = all
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        Self::parse(&grouped.join("-"))
    }

    /// ISO 7064 MOD 11-2 over the first 15 digits, as ORCID specifies.
    fn check_digit(digits: &[char]) -> char {
        let total = digits.iter().fold(0u32, |acc, d| {
            // The caller has checked every char is an ASCII digit.
            (acc + d.to_digit(10).unwrap_or(0)) * 2
        });
        let result = (12 - total % 11) % 11;
        if result == 10 {
            'X'
        } else {
            char::from(b'0' + result as u8)
        }
    }

    /// The bare iD, `0000-0002-1825-0097`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical URL form.
    pub fn url(&self) -> String {
        format!("https://orcid.org/{}", self.0)
    }
}

/// A phone number in E.164 form: `+` then 8 to 15 digits, the first not zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number, ignoring spaces, dashes and parentheses people type.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        let ok = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if !ok {
            return Err(FieldError::new(
                "phone",
                format!(
                    "'{}' is not an international number in E.164 form, like +2348031234567",
                    raw.trim()
                ),
            ));
        }
        Ok(Self(compact))
    }

    /// The number, `+2348031234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, checked for shape only (delivery proves the rest).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses an address; the domain is lower-cased so lookups are case-insensitive.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let invalid = || FieldError::new("email", format!("'{trimmed}' is not an email address"));
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if !ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone such as `Africa/Lagos` or `America/Toronto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    /// Parses an IANA zone name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        chrono_tz::Tz::from_str(raw.trim()).map(Self).map_err(|_| {
            FieldError::new(
                "time_zone",
                format!(
                    "'{}' is not an IANA time zone like Africa/Lagos",
                    raw.trim()
                ),
            )
        })
    }

    /// The zone for date arithmetic.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    /// The IANA name.
    pub fn as_str(&self) -> &'static str {
        self.0.name()
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

/// Every assigned ISO 3166-1 alpha-2 code, sorted, so typos like `UK` are caught.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl CountryCode {
    /// Parses a code, case-insensitively.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let upper = raw.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|c| c == upper) {
            Ok(Self([bytes[0], bytes[1]]))
        } else {
            Err(FieldError::new(
                "country",
                format!(
                    "'{}' is not an ISO 3166-1 alpha-2 country code like NG or GB",
                    raw.trim()
                ),
            ))
        }
    }

    /// The code, `NG`.
    pub fn as_str(&self) -> &str {
        // Both bytes come from the ASCII list above.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// A language as a BCP 47 primary tag with an optional region: `en`, `fr`, `am`, `pt-BR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Parses a tag, normalising case (`EN-gb` → `en-GB`).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let (lang, region) = match trimmed.split_once(['-', '_']) {
            Some((l, r)) => (l, Some(r)),
            None => (trimmed, None),
        };
        let lang_ok =
            (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic());
        let region_ok = region.is_none_or(|r| {
            (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()))
        });
        if !lang_ok || !region_ok {
            return Err(FieldError::new(
                "languages",
                format!("'{trimmed}' is not a language tag like en, fr, am or pt-BR"),
            ));
        }
        let mut tag = lang.to_ascii_lowercase();
        if let Some(r) = region {
            tag.push('-');
            tag.push_str(&r.to_ascii_uppercase());
        }
        Ok(Self(tag))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short machine name: lower-case letters, digits and `_`, 1–40 characters. Used for cadres
/// (`surgeon`, `anesthetist`, `or_nurse`) and disciplines, which programs define themselves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, lower-casing and turning spaces and dashes into `_`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let normal: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                other => other.to_ascii_lowercase(),
            })
            .collect();
        let ok = (1..=40).contains(&normal.len())
            && normal
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(FieldError::new(
                "slug",
                format!(
                    "'{}' must be 1–40 letters, digits or underscores, like or_nurse",
                    raw.trim()
                ),
            ));
        }
        Ok(Self(normal))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An org-unit code: 1–50 characters of letters, digits, `_`, `-` or `.` (DHIS2 allows more;
/// we keep codes safe in URLs, CSV and file names).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgUnitCode(String);

impl OrgUnitCode {
    /// Parses a code.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let ok = (1..=50).contains(&trimmed.len())
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            return Err(FieldError::new(
                "code",
                format!("'{trimmed}' must be 1–50 letters, digits, '_', '-' or '.'"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DHIS2 UID: 11 characters, a letter then 10 letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Dhis2Uid(String);

impl Dhis2Uid {
    /// Parses a UID.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        let mut chars = trimmed.chars();
        let ok = trimmed.len() == 11
            && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric());
        if !ok {
            return Err(FieldError::new(
                "dhis2_uid",
                format!(
                    "'{trimmed}' is not a DHIS2 UID (11 letters or digits, starting with a letter)"
                ),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The UID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point on the earth, WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

impl Coordinates {
    /// Checks the ranges.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, FieldError> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(FieldError::new(
                "latitude",
                format!("{latitude} is outside −90…90"),
            ));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(FieldError::new(
                "longitude",
                format!("{longitude} is outside −180…180"),
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }
}

/// Years of professional experience, 0–70.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct YearsOfExperience(u8);

impl YearsOfExperience {
    /// Checks the range.
    pub fn new(years: i64) -> Result<Self, FieldError> {
        u8::try_from(years)
            .ok()
            .filter(|y| *y <= 70)
            .map(Self)
            .ok_or_else(|| FieldError::new("years_experience", format!("{years} is outside 0…70")))
    }

    /// Parses a decimal number of years.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let years: i64 = raw.trim().parse().map_err(|_| {
            FieldError::new(
                "years_experience",
                format!("'{}' is not a whole number", raw.trim()),
            )
        })?;
        Self::new(years)
    }

    /// The number of years.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl From<YearsOfExperience> for i64 {
    fn from(value: YearsOfExperience) -> Self {
        i64::from(value.0)
    }
}

impl TryFrom<i64> for YearsOfExperience {
    type Error = FieldError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

/// Implements `Display`, `FromStr`, `TryFrom<String>` and `Into<String>` for a text value type
/// from its `parse` and `as_str`, so serde, forms and templates all go through `parse`.
macro_rules! text_value {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $ty {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.as_str().to_owned()
            }
        }
    )*};
}

text_value!(
    Name,
    Orcid,
    PhoneNumber,
    Email,
    TimeZone,
    CountryCode,
    LanguageTag,
    Slug,
    OrgUnitCode,
    Dhis2Uid
);

/// Free text typed into `field` (a title, a summary, a note): trimmed, at most `max`
/// characters, and not empty when `required`. The one check behind every such field, so each
/// refuses with the same words.
pub fn free_text(raw: &str, field: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Parses a list written as `a, b; c` (CSV cells and form fields) with `parse` for each item,
/// dropping duplicates and keeping the first-seen order.
pub fn parse_list<T: PartialEq>(
    raw: &str,
    field: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    let mut items = Vec::new();
    for part in raw
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let item = parse(part).map_err(|e| e.at(field))?;
        if !items.contains(&item) {
            items.push(item);
        }
    }
    Ok(items)
}

/// Whether a character may not appear in text from outside: control characters but line
/// breaks and tabs. A NUL is stored by SQLite and refused by PostgreSQL, so letting one in
/// would make the two backends disagree.
pub fn is_refused_character(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// What a refusal of such a character says.
pub const REFUSED_CHARACTER_MESSAGE: &str =
    "must not contain control characters (such as NUL); only line breaks and tabs";

/// A calendar date as typed (`YYYY-MM-DD`); the refusal names `field`.
pub fn parse_date(text: &str, field: &str) -> Result<chrono::NaiveDate, FieldError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

/// The days a report, export or dose covers, `from` to `to` both included. At most
/// [`DateSpan::MAX_DAYS`] long: figures are computed per period over the whole span, so an
/// unbounded span would let one request hold the server's memory (`0001-01-01` to
/// `9999-12-31` once took gigabytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    /// First day.
    pub from: chrono::NaiveDate,
    /// Last day.
    pub to: chrono::NaiveDate,
}

impl DateSpan {
    /// Ten years, leap days included.
    pub const MAX_DAYS: i64 = 10 * 366;

    /// Parses `from` and `to` (`YYYY-MM-DD`); refusals name `from` or `to`.
    pub fn parse(from: &str, to: &str) -> Result<Self, FieldError> {
        let from = parse_date(from, "from")?;
        let to = parse_date(to, "to")?;
        if to < from {
            return Err(FieldError::new("to", "must not be before from"));
        }
        if (to - from).num_days() >= Self::MAX_DAYS {
            return Err(FieldError::new(
                "to",
                format!(
                    "the span from {from} to {to} is longer than ten years; ask for ten years or less"
                ),
            ));
        }
        Ok(Self { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_trimmed_and_bounded() {
        assert_eq!(free_text("  a note ", "note", 6, false).unwrap(), "a note");
        assert_eq!(free_text(" ", "note", 6, false).unwrap(), "");
        let empty = free_text(" ", "title", 6, true).unwrap_err();
        assert_eq!(empty.to_string(), "title: must not be empty");
        let long = free_text("ééééééé", "title", 6, true).unwrap_err();
        assert_eq!(long.to_string(), "title: must be at most 6 characters");
    }

    #[test]
    fn orcid_accepts_valid_ids_and_urls() {
        for ok in [
            "0000-0002-1825-0097",
            "0000-0001-5109-3700",
            "0000-0002-1694-233X",
            "https://orcid.org/0000-0002-1825-0097",
        ] {
            assert!(Orcid::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn orcid_rejects_bad_check_digit_and_shape() {
        let err = Orcid::parse("0000-0002-1825-0098").unwrap_err();
        assert!(err.message.contains("check digit"), "{err}");
        assert!(Orcid::parse("0000-0002-1825").is_err());
        assert!(Orcid::parse("000000021825009 7").is_err());
    }

    #[test]
    fn phone_numbers_must_be_e164() {
        assert_eq!(
            PhoneNumber::parse("+234 803 123 4567").unwrap().as_str(),
            "+2348031234567"
        );
        assert!(PhoneNumber::parse("08031234567").is_err());
        assert!(PhoneNumber::parse("+0123456789").is_err());
        assert!(PhoneNumber::parse("+1234567890123456").is_err());
    }

    #[test]
    fn email_and_zone_and_country() {
        assert_eq!(
            Email::parse("A.b@Example.ORG").unwrap().as_str(),
            "A.b@example.org"
        );
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b").is_err());
        assert_eq!(
            TimeZone::parse("America/Toronto").unwrap().as_str(),
            "America/Toronto"
        );
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert_eq!(CountryCode::parse("ng").unwrap().as_str(), "NG");
        assert!(CountryCode::parse("UK").is_err());
    }

    #[test]
    fn lists_dedupe_and_name_the_field() {
        let langs = parse_list("en, fr;EN", "languages", LanguageTag::parse).unwrap();
        assert_eq!(langs.len(), 2);
        let err = parse_list("en, 42", "languages", LanguageTag::parse).unwrap_err();
        assert_eq!(err.field, "languages");
    }

    #[test]
    fn slugs_and_codes() {
        assert_eq!(Slug::parse("OR Nurse").unwrap().as_str(), "or_nurse");
        assert!(Slug::parse("nurse!").is_err());
        assert!(OrgUnitCode::parse("ET-AM 01").is_err());
        assert!(Dhis2Uid::parse("ImspTQPwCqd").is_ok());
        assert!(Dhis2Uid::parse("1mspTQPwCqd").is_err());
        assert!(Coordinates::new(91.0, 0.0).is_err());
        assert!(YearsOfExperience::new(-1).is_err());
    }

    #[test]
    fn a_date_span_is_at_most_ten_years() {
        let span = DateSpan::parse("2016-01-01", "2025-12-31").unwrap();
        assert_eq!((span.to - span.from).num_days(), 3652);
        let longest = DateSpan::parse("2016-01-01", "2026-01-07").unwrap();
        assert_eq!(
            (longest.to - longest.from).num_days(),
            DateSpan::MAX_DAYS - 1
        );
        let refused = DateSpan::parse("2016-01-01", "2026-01-08").unwrap_err();
        assert_eq!(refused.field, "to");
        assert_eq!(
            DateSpan::parse("2026-02-01", "2026-01-01")
                .unwrap_err()
                .field,
            "to"
        );
        assert_eq!(
            DateSpan::parse("01/02/2026", "2026-03-01")
                .unwrap_err()
                .field,
            "from"
        );
    }
}
