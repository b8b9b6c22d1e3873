//! The quarterly program report (capability C10: KPIs against targets, dose, participation and
//! notable changes) written as the files stakeholders are sent: CSV, XLSX and PDF.
//!
//! Pure: each writer takes a [`Report`] and returns bytes. The web crate gathers the figures,
//! checks who may see them, renders the HTML page and serves these files; nothing here touches
//! the database, the network or the file system, and there is no language logic: every fixed
//! word arrives translated in [`Labels`].
//!
//! - [`to_csv`] ([`mod@csv`]): one RFC 4180 file with a `section` column, UTF-8 with a BOM.
//! - [`to_xlsx`] ([`xlsx`]): a workbook with one sheet per section, styled for people.
//! - [`to_pdf`] ([`pdf`]): an A4 document for printing and e-mail.
//! - [`sample()`]: a realistic report, for tests and demos.

pub mod csv;
pub mod error;
pub mod model;
pub mod pdf;
pub mod sample;
pub mod xlsx;

pub use crate::csv::to_csv;
pub use error::ReportError;
pub use model::{Category, DoseLine, KpiLine, Labels, Report, Status};
pub use pdf::to_pdf;
pub use sample::sample;
pub use xlsx::to_xlsx;
