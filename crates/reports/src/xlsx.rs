//! The report as an XLSX workbook, for stakeholders who work in Excel or LibreOffice.
//!
//! Sheets, in order: KPIs, Dose, Participation, Changes and a last sheet with the title
//! block (program, scope, period, date), each named by the caller's [`Labels`]. Every table has
//! a bold, shaded header row that stays frozen when scrolling, set column widths, and an
//! autofilter on the KPI and dose tables.
//!
//! Percentages are stored as Excel percentages: a KPI of 87.5 % is the number 0.875 shown with
//! the format `0.0%`, so formulas stakeholders write over the sheet work as Excel users expect;
//! the change of a percentage is stored the same way, so 0.025 shows as "+2.5%", i.e. 2.5
//! percentage points. Other numbers show one decimal (`0.0`) but keep their full value.
//!
//! Status cells hold the translated status word and are coloured by conditional formats
//! (green, amber, red) rather than fixed fills, so a stakeholder who corrects a status in
//! their copy sees the colour follow.
//!
//! Built with `rust_xlsxwriter` without default features: it is already in the lock for
//! `crates/forms`' tests and shares calamine's `zip`, so the workspace builds only the writer
//! itself once more (7.6 s of one core in the dev profile, measured on the 2-core machine).

use rust_xlsxwriter::{
    ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet,
};

use crate::error::ReportError;
use crate::model::{Labels, Report};

/// Fill and font of the three statuses: Excel's own "good", "neutral" and "bad" cell styles,
/// which stakeholders already recognise.
const GREEN: (u32, u32) = (0xC6EFCE, 0x006100);
const AMBER: (u32, u32) = (0xFFEB9C, 0x9C5700);
const RED: (u32, u32) = (0xFFC7CE, 0x9C0006);

/// Writes the report as an XLSX workbook.
pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let labels = &report.labels;
    let formats = Formats::new();
    let mut names = SheetNames::default();
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&report.title)
            .set_subject(format!(
                "{} — {} — {}",
                report.program, report.scope, report.period_label
            ))
            .set_comment(format!("language: {}", report.language)),
    );

    // KPIs.
    let sheet = workbook.add_worksheet();
    sheet.set_name(names.take(&labels.kpis, "KPIs"))?;
    let header = [
        (&labels.code, 12.0),
        (&labels.indicator, 44.0),
        (&labels.category, 22.0),
        (&labels.value, 10.0),
        (&labels.target, 10.0),
        (&labels.status, 16.0),
        (&labels.previous, 14.0),
        (&labels.change, 10.0),
        (&labels.numerator, 12.0),
        (&labels.denominator, 13.0),
    ];
    write_header(sheet, &header, &formats)?;
    for (i, kpi) in report.kpis.iter().enumerate() {
        let row = row_number(i + 1);
        let number = if kpi.is_percent() {
            &formats.percent
        } else {
            &formats.decimal
        };
        // Percentages go in as fractions so Excel's `%` format shows them right.
        let scale = |v: f64| if kpi.is_percent() { v / 100.0 } else { v };
        sheet.write_string_with_format(row, 0, &kpi.code, &formats.text)?;
        sheet.write_string_with_format(row, 1, &kpi.name, &formats.wrapped)?;
        sheet.write_string_with_format(
            row,
            2,
            labels.category_name(kpi.category),
            &formats.text,
        )?;
        write_number(sheet, row, 3, kpi.value.map(scale), number)?;
        write_number(sheet, row, 4, kpi.target.map(scale), number)?;
        if let Some(status) = kpi.status {
            sheet.write_string_with_format(row, 5, labels.status_word(status), &formats.text)?;
        }
        write_number(sheet, row, 6, kpi.previous.map(scale), number)?;
        let change = if kpi.is_percent() {
            &formats.percent_change
        } else {
            &formats.change
        };
        write_number(sheet, row, 7, kpi.change().map(scale), change)?;
        write_number(sheet, row, 8, kpi.numerator, &formats.count)?;
        write_number(sheet, row, 9, kpi.denominator, &formats.count)?;
    }
    colour_statuses(sheet, labels, report.kpis.len(), 5)?;
    if !report.kpis.is_empty() {
        sheet.autofilter(0, 0, row_number(report.kpis.len()), 9)?;
    }

    // Dose.
    let sheet = workbook.add_worksheet();
    sheet.set_name(names.take(&labels.dose, "Dose"))?;
    let header = [
        (&labels.who, 36.0),
        (&labels.visits, 10.0),
        (&labels.contact_hours, 15.0),
        (&labels.tele_minutes, 16.0),
        (&labels.check_ins, 12.0),
        (&labels.percent_of_plan, 12.0),
        (&labels.status, 16.0),
    ];
    write_header(sheet, &header, &formats)?;
    for (i, dose) in report.dose.iter().enumerate() {
        let row = row_number(i + 1);
        sheet.write_string_with_format(row, 0, &dose.who, &formats.wrapped)?;
        sheet.write_number_with_format(row, 1, dose.visits, &formats.count)?;
        sheet.write_number_with_format(row, 2, dose.contact_hours, &formats.decimal)?;
        sheet.write_number_with_format(row, 3, dose.tele_minutes, &formats.count)?;
        sheet.write_number_with_format(row, 4, dose.check_ins, &formats.count)?;
        let plan = dose.percent_of_plan.map(|p| p / 100.0);
        write_number(sheet, row, 5, plan, &formats.percent)?;
        if let Some(status) = dose.status {
            sheet.write_string_with_format(row, 6, labels.status_word(status), &formats.text)?;
        }
    }
    colour_statuses(sheet, labels, report.dose.len(), 6)?;
    if !report.dose.is_empty() {
        sheet.autofilter(0, 0, row_number(report.dose.len()), 6)?;
    }

    // Participation: label and value, the value kept as the caller formatted it.
    let sheet = workbook.add_worksheet();
    sheet.set_name(names.take(&labels.participation, "Participation"))?;
    write_header(
        sheet,
        &[(&labels.measure, 44.0), (&labels.value, 20.0)],
        &formats,
    )?;
    for (i, (label, value)) in report.participation.iter().enumerate() {
        let row = row_number(i + 1);
        sheet.write_string_with_format(row, 0, label, &formats.wrapped)?;
        sheet.write_string_with_format(row, 1, value, &formats.text)?;
    }

    // Notable changes.
    let sheet = workbook.add_worksheet();
    sheet.set_name(names.take(&labels.notable_changes, "Changes"))?;
    write_header(sheet, &[(&labels.notable_changes, 100.0)], &formats)?;
    for (i, change) in report.notable_changes.iter().enumerate() {
        sheet.write_string_with_format(row_number(i + 1), 0, change, &formats.wrapped)?;
    }

    // The title block, last so the workbook opens on the KPIs.
    let sheet = workbook.add_worksheet();
    sheet.set_name(names.take(&labels.about, "Report"))?;
    sheet.set_column_width(0, 22.0)?;
    sheet.set_column_width(1, 60.0)?;
    sheet.write_string_with_format(0, 0, &report.title, &formats.title)?;
    let generated_on = report.generated_on.to_string();
    let block = [
        (&labels.program, &report.program),
        (&labels.scope, &report.scope),
        (&labels.period, &report.period_label),
        (&labels.generated_on, &generated_on),
    ];
    for (i, (label, value)) in block.into_iter().enumerate() {
        let row = row_number(i + 2);
        sheet.write_string_with_format(row, 0, label, &formats.header)?;
        sheet.write_string_with_format(row, 1, value, &formats.text)?;
    }

    Ok(workbook.save_to_buffer()?)
}

/// The formats every sheet shares.
struct Formats {
    header: Format,
    title: Format,
    text: Format,
    wrapped: Format,
    decimal: Format,
    percent: Format,
    change: Format,
    percent_change: Format,
    count: Format,
}

impl Formats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xD9E1F2)
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            text: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            decimal: top.clone().set_num_format("0.0"),
            percent: top.clone().set_num_format("0.0%"),
            // Signed, so a fall is as visible as a rise.
            change: top.clone().set_num_format("+0.0;-0.0;0.0"),
            percent_change: top.clone().set_num_format("+0.0%;-0.0%;0.0%"),
            count: top.set_num_format("0"),
        }
    }
}

/// Writes the bold header row, sets the column widths and freezes the row so it stays in view.
fn write_header(
    sheet: &mut Worksheet,
    columns: &[(&String, f64)],
    formats: &Formats,
) -> Result<(), ReportError> {
    for (col, (name, width)) in columns.iter().enumerate() {
        let col = column_number(col);
        sheet.write_string_with_format(0, col, *name, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // Printed, the header repeats on every page.
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

fn write_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), ReportError> {
    // Missing data stays an empty cell: a zero would read as a measured zero.
    if let Some(v) = value.filter(|v| v.is_finite()) {
        sheet.write_number_with_format(row, col, v, format)?;
    }
    Ok(())
}

/// Colours the status column: one conditional format per status word over the data rows.
fn colour_statuses(
    sheet: &mut Worksheet,
    labels: &Labels,
    rows: usize,
    col: u16,
) -> Result<(), ReportError> {
    if rows == 0 {
        return Ok(());
    }
    for (word, (fill, font)) in [
        (&labels.on_track, GREEN),
        (&labels.at_risk, AMBER),
        (&labels.off_track, RED),
    ] {
        let rule = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(word.as_str()))
            .set_format(
                Format::new()
                    .set_background_color(fill)
                    .set_font_color(font),
            );
        sheet.add_conditional_format(1, col, row_number(rows), col, &rule)?;
    }
    Ok(())
}

/// Hands out valid, distinct sheet names from the caller's labels: Excel refuses `[]:*?/\`,
/// names longer than 31 characters, and two sheets whose names differ only in case.
#[derive(Default)]
struct SheetNames {
    taken: Vec<String>,
}

impl SheetNames {
    fn take(&mut self, label: &str, fallback: &str) -> String {
        let mut name: String = label
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
            .take(31)
            .collect::<String>()
            .trim_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_owned();
        if name.is_empty() {
            fallback.clone_into(&mut name);
        }
        let base: String = name.chars().take(28).collect();
        let mut n = 2;
        while self
            .taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            name = format!("{base} {n}");
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

/// A table index as a worksheet row; a report has far fewer rows than Excel's 1 048 576, so
/// saturating is only a guard, and rust_xlsxwriter refuses the out-of-range row with an error.
fn row_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn column_number(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}
