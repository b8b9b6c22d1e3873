//! The report as one CSV file (RFC 4180: comma separated, `"` quoting, CRLF line ends).
//!
//! One file carries everything, so a `section` column says what each row is: `report` (the
//! title block, as name and value), `kpi`, `dose`, `participation` (name and value) and
//! `change` (the sentence in `name`). Rows of one section leave the other sections' columns
//! empty.
//!
//! This is the machine-readable form: the header names, sections, categories and statuses are
//! stable English codes (`on_track`, `provider_behaviour`) whatever the report's language, and
//! numbers are written in full with a `.` decimal point, so a script or a spreadsheet import
//! reads every quarter's file the same way. People read the XLSX or the PDF, which carry the
//! translated labels and rounded figures.
//!
//! Text that people typed or imported (names, units, sentences) is written so a spreadsheet
//! never reads it as a formula: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'` (OWASP's advice against CSV injection). An org unit imported as
//! `=HYPERLINK("http://…","Gondar")` would otherwise run as a link in Excel, which this file
//! is made to open (see [`BOM`]). Codes and numbers are ours and written as they are, so a
//! negative change stays `-5`.

use crate::error::ReportError;
use crate::model::Report;

/// The columns, in order.
pub const HEADER: [&str; 17] = [
    "section",
    "code",
    "name",
    "category",
    "value",
    "unit",
    "target",
    "status",
    "previous",
    "change",
    "numerator",
    "denominator",
    "visits",
    "contact_hours",
    "tele_minutes",
    "check_ins",
    "percent_of_plan",
];

/// UTF-8's byte order mark. Excel opens a `.csv` without it in the Windows code page
/// (Windows-1252 on French or English systems), turning "Évolution" into "Ã‰volution"; with
/// it, Excel reads UTF-8. LibreOffice, Python's `utf-8-sig` and the `csv` crate's readers skip
/// it, so the mark costs the other readers nothing.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the report as one UTF-8 CSV with a byte order mark and CRLF line ends.
pub fn to_csv(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut out = BOM.to_vec();
    {
        let mut writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(HEADER)?;
        let mut row = Row::default();

        for (key, value) in [
            ("title", report.title.as_str()),
            ("program", &report.program),
            ("scope", &report.scope),
            ("period", &report.period),
            ("period_label", &report.period_label),
            ("generated_on", &report.generated_on.to_string()),
            ("language", &report.language),
        ] {
            row.clear();
            row.set("section", "report");
            row.set("name", key);
            row.text("value", value);
            writer.write_record(&row.0)?;
        }

        for kpi in &report.kpis {
            row.clear();
            row.set("section", "kpi");
            row.text("code", &kpi.code);
            row.text("name", &kpi.name);
            row.set("category", kpi.category.code());
            row.number("value", kpi.value);
            row.text("unit", &kpi.unit);
            row.number("target", kpi.target);
            row.set("status", kpi.status.map_or("", |s| s.code()));
            row.number("previous", kpi.previous);
            row.number("change", kpi.change());
            row.number("numerator", kpi.numerator);
            row.number("denominator", kpi.denominator);
            writer.write_record(&row.0)?;
        }

        for dose in &report.dose {
            row.clear();
            row.set("section", "dose");
            row.text("name", &dose.who);
            row.set("status", dose.status.map_or("", |s| s.code()));
            row.set("visits", &dose.visits.to_string());
            row.number("contact_hours", Some(dose.contact_hours));
            row.set("tele_minutes", &dose.tele_minutes.to_string());
            row.set("check_ins", &dose.check_ins.to_string());
            row.number("percent_of_plan", dose.percent_of_plan);
            writer.write_record(&row.0)?;
        }

        for (label, value) in &report.participation {
            row.clear();
            row.set("section", "participation");
            row.text("name", label);
            row.text("value", value);
            writer.write_record(&row.0)?;
        }

        for change in &report.notable_changes {
            row.clear();
            row.set("section", "change");
            row.text("name", change);
            writer.write_record(&row.0)?;
        }
        writer.flush().map_err(::csv::Error::from)?;
    }
    Ok(out)
}

/// One record under construction, addressed by column name so a row cannot drift out of line
/// with [`HEADER`].
#[derive(Default)]
struct Row(Vec<String>);

impl Row {
    fn clear(&mut self) {
        self.0.clear();
        self.0.resize(HEADER.len(), String::new());
    }

    fn set(&mut self, column: &str, value: &str) {
        // The column names are this module's own constants; a wrong one is a bug caught by the
        // tests, and writing nothing is safer than panicking in a request.
        if let Some(i) = HEADER.iter().position(|c| *c == column) {
            value.clone_into(&mut self.0[i]);
        }
    }

    /// Sets a cell of free text, with a leading `'` when a spreadsheet would read it as a
    /// formula (see the module's documentation).
    fn text(&mut self, column: &str, value: &str) {
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            self.set(column, &format!("'{value}"));
        } else {
            self.set(column, value);
        }
    }

    /// Writes a number in full (Rust's shortest round-trip form), or leaves the cell empty for
    /// missing data so "no data" never reads as zero.
    fn number(&mut self, column: &str, value: Option<f64>) {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            self.set(column, &v.to_string());
        }
    }
}
