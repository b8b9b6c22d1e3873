//! The report writers, checked by reading their files back: the CSV with the `csv` crate, the
//! workbook with calamine, the PDF by decoding its content streams.

// Helpers outside #[test] functions decode what the writers made; a surprise should panic loudly.
#![expect(clippy::unwrap_used, reason = "test helpers panic on malformed output")]

mod csv;
mod model;
mod pdf;
mod xlsx;

use reports::{KpiLine, Report};

/// The sample with `n` KPI lines, cycling through the sample's own and numbering the names so
/// each can be found.
pub fn long_report(n: usize) -> Report {
    let mut report = reports::sample();
    let base: Vec<KpiLine> = report.kpis.clone();
    report.kpis = (0..n)
        .map(|i| {
            let mut kpi = base[i % base.len()].clone();
            kpi.code = format!("{}_{i}", kpi.code);
            kpi.name = format!("{} number {i}", kpi.name);
            kpi
        })
        .collect();
    report.kpis.sort_by_key(|k| k.category as u8);
    report
}
