//! Builds small XLSX workbooks in memory for tests.

use forms::{Form, FormError, Limits};
use rust_xlsxwriter::Workbook;

/// One sheet: its name and rows (the first is the header). Cells that parse as numbers are
/// written as numbers, as a spreadsheet program would store them.
pub type Sheet<'a> = (&'a str, Vec<Vec<&'a str>>);

pub fn xlsx(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let (r, c) = (r as u32, c as u16);
                match cell.parse::<f64>() {
                    Ok(n) => sheet.write_number(r, c, n).unwrap(),
                    Err(_) => sheet.write_string(r, c, *cell).unwrap(),
                };
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

pub fn import(sheets: &[Sheet<'_>]) -> Result<Form, Vec<FormError>> {
    Form::from_xlsx_bytes("test.xlsx", &xlsx(sheets), &Limits::default())
}

/// (sheet, row, column, message) of each error, for exact assertions.
pub fn locations(errors: &[FormError]) -> Vec<(String, usize, String, String)> {
    errors
        .iter()
        .map(|e| {
            (
                e.sheet().unwrap_or("").to_owned(),
                e.row().unwrap_or(0),
                e.column().unwrap_or("").to_owned(),
                e.message().to_owned(),
            )
        })
        .collect()
}
