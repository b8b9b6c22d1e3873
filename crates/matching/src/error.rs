//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in this crate: invalid problems handed to the solver and bad
/// instance files. File errors name the file and the 1-based line so a user can fix the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An arc or rule refers to a mentee index that does not exist.
    #[error("mentee {mentee} does not exist (there are {count} mentees)")]
    UnknownMentee {
        /// The index given.
        mentee: usize,
        /// How many mentees the problem has.
        count: usize,
    },
    /// An arc or rule refers to a mentor index that does not exist.
    #[error("mentor {mentor} does not exist (there are {count} mentors)")]
    UnknownMentor {
        /// The index given.
        mentor: usize,
        /// How many mentors the problem has.
        count: usize,
    },
    /// The same mentee–mentor pair was given twice.
    #[error("duplicate arc mentee {mentee} -> mentor {mentor} (arcs #{first} and #{second})")]
    DuplicateArc {
        /// Mentee index.
        mentee: usize,
        /// Mentor index.
        mentor: usize,
        /// 0-based position of the first occurrence among the arcs given.
        first: usize,
        /// 0-based position of the repeat.
        second: usize,
    },
    /// A cost is outside `±MAX_ABS_COST`, or the instance is large enough that its objective
    /// could overflow `i64`.
    #[error("cost {value} is out of range: {why}")]
    CostOverflow {
        /// The offending value.
        value: i128,
        /// Which bound it breaks.
        why: &'static str,
    },
    /// A candidate's cost breakdown does not have one entry per criterion.
    #[error("candidate #{index} has {got} cost components but the problem names {want} criteria")]
    CriteriaMismatch {
        /// Position of the candidate.
        index: usize,
        /// Components given.
        got: usize,
        /// Criteria declared.
        want: usize,
    },
    /// A pin contradicts another rule or the mentor's capacity.
    #[error("pin of mentee {mentee} to mentor {mentor} is impossible: {why}")]
    BadPin {
        /// Mentee index.
        mentee: usize,
        /// Mentor index.
        mentor: usize,
        /// Why it cannot be honoured.
        why: PinProblem,
    },
    /// A dense cost matrix whose length does not match its shape.
    #[error("dense matrix of {len} entries does not have shape {rows} x {cols}")]
    DenseShape {
        /// Rows declared.
        rows: usize,
        /// Columns declared.
        cols: usize,
        /// Entries given.
        len: usize,
    },
    /// A live matcher was asked to raise a capacity, which it does not do in place.
    #[error(
        "mentor {mentor}'s capacity can only be lowered in place ({from} -> {to}); solve again"
    )]
    CapacityRaised {
        /// Mentor index.
        mentor: usize,
        /// Current capacity.
        from: u32,
        /// Capacity asked for.
        to: u32,
    },
    /// A continuity bonus below zero (it would push people away from their present mentor).
    #[error("a continuity bonus must be 0 or more, got {bonus}")]
    NegativeBonus {
        /// The bonus given.
        bonus: i64,
    },
    /// A live matcher was asked for a smaller continuity bonus than the one in force, which
    /// would raise the cost of pairs it holds (see [`crate::Matcher::favour_current`]).
    #[error(
        "the continuity bonus can only be kept or raised in place ({from} -> {to}); solve again"
    )]
    BonusLowered {
        /// Bonus in force.
        from: i64,
        /// Bonus asked for.
        to: i64,
    },
    /// A warm start whose vectors do not match the problem's size.
    #[error("warm start is for {got} mentees/mentors but the problem has {want}")]
    WarmStartShape {
        /// Sizes in the warm start.
        got: String,
        /// Sizes in the problem.
        want: String,
    },
    /// A file could not be read.
    ///
    /// The cause is part of the message and deliberately not the error's `source()`: callers
    /// that print the whole chain (anyhow's `{:#}`) would otherwise repeat it, as in
    /// "f.csv: No such file or directory (os error 2): No such file or directory (os error 2)".
    #[error("{}: {cause}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A file holds no data rows (or nothing at all).
    #[error("{}: the file is empty", file.display())]
    EmptyFile {
        /// The file.
        file: PathBuf,
    },
    /// A row that does not parse.
    #[error("{}:{line}: malformed row: {detail}", file.display())]
    Malformed {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// A mentor with a negative capacity.
    #[error("{}:{line}: mentor {mentor} has negative capacity {capacity}", file.display())]
    NegativeCapacity {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Mentor id as written.
        mentor: i64,
        /// Capacity as written.
        capacity: i64,
    },
    /// A row refers to an id the instance does not define.
    #[error("{}:{line}: unknown {kind} id {id}", file.display())]
    UnknownId {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// `"mentee"` or `"mentor"`.
        kind: &'static str,
        /// The id as written.
        id: i64,
    },
    /// The same id (mentor row) or pair (edge row) appears twice.
    #[error("{}:{line}: duplicate {what} (first on line {first_line})", file.display())]
    Duplicate {
        /// The file.
        file: PathBuf,
        /// 1-based line number of the repeat.
        line: usize,
        /// 1-based line number of the first occurrence.
        first_line: usize,
        /// What is duplicated, e.g. `edge 3 -> 7`.
        what: String,
    },
    /// A mentor said to leave (`tandem match solve --leave`) that the mentors file does not
    /// define.
    #[error("--leave: mentor id {id} is not in {}", file.display())]
    UnknownLeaver {
        /// The mentors file.
        file: PathBuf,
        /// The id given.
        id: i64,
    },
    /// A cost in a file that is out of range.
    #[error("{}:{line}: cost {value} would overflow (|cost| must be <= {max})", file.display())]
    FileCostOverflow {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The value as written.
        value: String,
        /// The bound.
        max: i64,
    },
}

/// Instance-file errors are ordinary crate errors; the alias names what `instance` returns.
pub type InstanceError = Error;

/// Why a manager's pin cannot be honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// The mentee is pinned to two mentors.
    PinnedTwice,
    /// The same pair is also forbidden.
    AlsoForbidden,
    /// More mentees are pinned to the mentor than they have places.
    CapacityExceeded,
}

impl PinProblem {
    /// A stable name (`pinned_twice`, `also_forbidden`, `capacity_exceeded`).
    pub fn code(self) -> &'static str {
        match self {
            PinProblem::PinnedTwice => "pinned_twice",
            PinProblem::AlsoForbidden => "also_forbidden",
            PinProblem::CapacityExceeded => "capacity_exceeded",
        }
    }
}

impl std::fmt::Display for PinProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PinProblem::PinnedTwice => "mentee pinned twice",
            PinProblem::AlsoForbidden => "the pair is also forbidden",
            PinProblem::CapacityExceeded => "mentor capacity exceeded",
        })
    }
}
