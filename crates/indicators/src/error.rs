//! The crate's one error type.

use std::path::PathBuf;

use crate::periods::period_type::PeriodType;

/// Everything that can go wrong in this crate. Each variant names what was wrong and where
/// (the offending id, the indicator, the file and line), so callers can show it as is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A period identifier that does not parse or names a period that does not exist.
    #[error("invalid period id {id:?}: {reason}")]
    InvalidPeriod {
        /// The identifier as given.
        id: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A roll-up or `parent_in` between period types whose periods do not nest.
    #[error("{child:?} periods do not nest in {parent:?} periods")]
    NotNested {
        /// The finer period type.
        child: PeriodType,
        /// The coarser period type asked for.
        parent: PeriodType,
    },
    /// A date outside the range the calendars support (years 1..=9999).
    #[error("date out of the supported range: {0}")]
    DateOutOfRange(String),
    /// An indicator expression names a data element that is not defined.
    #[error("indicator {indicator:?}: unknown data element {element:?}")]
    UnknownDataElement {
        /// Indicator code.
        indicator: String,
        /// The data element code it refers to.
        element: String,
    },
    /// An indicator definition is malformed (empty code, zero factor, empty denominator…).
    #[error("indicator {indicator:?}: {reason}")]
    InvalidIndicator {
        /// Indicator code.
        indicator: String,
        /// What is wrong.
        reason: String,
    },
    /// An org unit id or code that the tree does not hold.
    #[error("unknown org unit {0:?}")]
    UnknownOrgUnit(String),
    /// A value or fact recorded on an org unit that is not a facility (a leaf).
    #[error(
        "org unit {code:?} is a {level} and not a facility: values are recorded on facilities only"
    )]
    NotAFacility {
        /// Org unit code.
        code: String,
        /// Its level name.
        level: String,
    },
    /// The org-unit tree itself is malformed (cycle, unknown parent, duplicate code…).
    #[error("org-unit tree: {0}")]
    InvalidTree(String),
    /// A fact field outside what the store can hold.
    #[error("fact field {field} = {value}: {reason}")]
    InvalidFact {
        /// Field name.
        field: &'static str,
        /// Offending value, printed.
        value: String,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A fact to remove that the engine does not hold (the store and the engine disagree).
    #[error("no such fact held: {0}")]
    UnknownFact(String),
    /// A line of an input file that does not parse.
    #[error("{path}:{line}: {reason}")]
    Parse {
        /// File path.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong on that line.
        reason: String,
    },
    /// Reading an input file failed.
    #[error("reading {path}: {source}")]
    Io {
        /// File path.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Short for `Result<T, indicators::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
