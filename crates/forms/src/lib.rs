//! Forms and checklists for tandem (capabilities C3 readiness questionnaires and C6 visit
//! checklists), imported from XLSForm, the ODK standard health programs already write their
//! checklists in.
//!
//! The library is pure: it parses the bytes it is given and evaluates answers; it never
//! touches the file system.
//!
//! - [`Form::from_xlsx_bytes`] ([`xlsform`]): the reader, guarded against zip bombs
//!   ([`archive`]).
//! - [`model`]: the form, its questions, groups, choices and labels per language.
//! - [`expr`]: the expression subset used by `relevant`, `constraint` and `calculation`.
//! - [`submission`]: checking posted answers against the form.
//! - [`scoring`]: the checklist scoring convention and per-domain sub-scores.

pub mod archive;
pub mod error;
pub mod expr;
pub mod model;
pub mod scoring;
pub mod submission;
pub mod xlsform;

pub use archive::Limits;
pub use error::FormError;
pub use expr::{Expression, Value};
pub use model::{Choice, Form, Group, GroupKind, Item, Question, QuestionType, Translated};
pub use scoring::{GroupScore, Scores};
pub use submission::{Answer, Answers, Context, RawSubmission};

impl Form {
    /// Reads an XLSForm workbook from `bytes`; `name` (the uploaded file's name) is used in
    /// every message and as the form id when the settings sheet has none. The archive is
    /// checked against `limits` before anything is unpacked. Returns every problem found.
    pub fn from_xlsx_bytes(
        name: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Self, Vec<FormError>> {
        xlsform::read(name, bytes, limits)
    }
}
