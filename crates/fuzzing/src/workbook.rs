//! A workbook written as text, for the `xlsform_sheets` target.
//!
//! An XLSX file is a deflated zip, so mutating its bytes almost always yields a corrupt
//! archive and never reaches the XLSForm reader's own logic. This target instead mutates a
//! small text and packs it into a valid workbook (stored, not deflated, with correct CRCs)
//! before reading it:
//!
//! ```text
//! ## survey
//! type<TAB>name<TAB>label
//! integer<TAB>age<TAB>Age in years
//! ## choices
//! list_name<TAB>name<TAB>label
//! ## submission
//! age=42
//! ```
//!
//! `## name` starts a sheet, each line is a row and tabs separate cells. A cell that is a
//! plain number is written as a number, anything else as an inline string; control
//! characters are written as Excel's `_xHHHH_` escapes, which calamine decodes, so they reach
//! the reader as they would from a real workbook. The `## submission` section is not a sheet:
//! its `key=value` lines are the answers posted to the form once it reads.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

/// Most sheets, rows per sheet and cells per row packed: bounds the work one input can ask
/// for, well beyond what the reader's checks need.
const MAX_SHEETS: usize = 8;
const MAX_ROWS: usize = 400;
const MAX_CELLS: usize = 40;

/// A workbook as text: its sheets, and the answers to post.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Sheets in order: name, then rows of cells.
    pub sheets: Vec<(String, Vec<Vec<String>>)>,
    /// The `key=value` lines of the `## submission` section.
    pub submission: Vec<(String, String)>,
}

impl Spec {
    /// Reads the text format described in the module documentation.
    pub fn parse(text: &str) -> Self {
        let mut spec = Self::default();
        let mut in_submission = false;
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("## ") {
                in_submission = name.trim() == "submission";
                if !in_submission && spec.sheets.len() < MAX_SHEETS {
                    spec.sheets.push((name.trim().to_owned(), Vec::new()));
                }
                continue;
            }
            if in_submission {
                let (key, value) = line.split_once('=').unwrap_or((line, ""));
                spec.submission.push((key.to_owned(), value.to_owned()));
            } else if let Some((_, rows)) = spec.sheets.last_mut()
                && rows.len() < MAX_ROWS
            {
                rows.push(
                    line.split('\t')
                        .take(MAX_CELLS)
                        .map(str::to_owned)
                        .collect(),
                );
            }
        }
        spec
    }

    /// Writes the text format back (for seeds made from real workbooks).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (name, rows) in &self.sheets {
            let _ = writeln!(out, "## {name}");
            for row in rows {
                let _ = writeln!(out, "{}", row.join("\t"));
            }
        }
        if !self.submission.is_empty() {
            out.push_str("## submission\n");
            for (key, value) in &self.submission {
                let _ = writeln!(out, "{key}={value}");
            }
        }
        out
    }

    /// Packs the sheets into an XLSX workbook.
    pub fn to_xlsx(&self) -> Vec<u8> {
        let mut content_types = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        );
        let mut sheets = String::new();
        let mut rels = String::new();
        for (i, (name, _)) in self.sheets.iter().enumerate() {
            let n = i + 1;
            let _ = write!(
                content_types,
                r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            );
            let _ = write!(
                sheets,
                r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
                escape(name)
            );
            let _ = write!(
                rels,
                r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
            );
        }
        content_types.push_str("</Types>");
        let mut files = vec![
            ("[Content_Types].xml".to_owned(), content_types),
            (
                "_rels/.rels".to_owned(),
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml".to_owned(),
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels".to_owned(),
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
                ),
            ),
        ];
        for (i, (_, rows)) in self.sheets.iter().enumerate() {
            files.push((format!("xl/worksheets/sheet{}.xml", i + 1), sheet_xml(rows)));
        }
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in files {
            // Writing to memory fails only if the zip crate itself is broken; an empty
            // workbook then still exercises the reader's refusal.
            if zip.start_file(name, options).is_err() || zip.write_all(body.as_bytes()).is_err() {
                return Vec::new();
            }
        }
        zip.finish().map(Cursor::into_inner).unwrap_or_default()
    }
}

fn sheet_xml(rows: &[Vec<String>]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        let r = r + 1;
        let _ = write!(xml, r#"<row r="{r}">"#);
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let at = format!("{}{r}", column_letters(c));
            if is_plain_number(cell) {
                let _ = write!(xml, r#"<c r="{at}"><v>{cell}</v></c>"#);
            } else {
                let _ = write!(
                    xml,
                    r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    escape(cell)
                );
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column index.
fn column_letters(mut c: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.len() <= 15
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// XML text escaping; control characters become Excel's `_xHHHH_` escapes, as Excel writes
/// them, since XML 1.0 cannot carry them at all.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_workbook_reads_as_the_form_it_describes() {
        let spec = Spec::parse(
            "## survey\ntype\tname\tlabel\nselect_one yn\tok\tAll fine?\ninteger\tage\tAge\n\
             ## choices\nlist_name\tname\tlabel\nyn\tyes\tYes\nyn\tno\tNo\n\
             ## settings\nform_id\tversion\nchecklist\t3\n## submission\nok=yes\nage=42\n",
        );
        assert_eq!(
            spec.submission,
            [("ok".into(), "yes".into()), ("age".into(), "42".into())]
        );
        let form =
            forms::Form::from_xlsx_bytes("t.xlsx", &spec.to_xlsx(), &Default::default()).unwrap();
        assert_eq!(form.id, "checklist");
        assert_eq!(form.version.as_deref(), Some("3"));
        let names: Vec<&str> = form
            .questions()
            .iter()
            .map(|(_, q)| q.name.as_str())
            .collect();
        assert_eq!(names, ["ok", "age"]);
        assert_eq!(Spec::parse(&spec.to_text()), spec);
    }

    #[test]
    fn control_characters_reach_the_reader_as_characters() {
        let spec = Spec::parse("## survey\ntype\tname\tlabel\ninteger\tage\tA\u{1}ge\n");
        let errors = forms::Form::from_xlsx_bytes("t.xlsx", &spec.to_xlsx(), &Default::default())
            .unwrap_err();
        assert_eq!(errors[0].row(), Some(2), "{errors:?}");
        assert_eq!(errors[0].column(), Some("label"), "{errors:?}");
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27 * 26), "AAA");
    }
}
