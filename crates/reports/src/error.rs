//! The one error type of the writers.

/// Why a report file could not be written. The writers work in memory on data that is
/// already valid, so these are failures of the underlying libraries, kept rather than hidden
/// behind an `expect` so a request answers with an error instead of a panic.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The `csv` crate refused a record.
    #[error("writing the report CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// `rust_xlsxwriter` refused a sheet, cell or format.
    #[error("writing the report workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
