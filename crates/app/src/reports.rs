//! The quarterly program report (C10): each indicator of the program for the viewer's scope
//! and quarter against its agreed target, the change from the previous quarter, the dose
//! delivered per facility, participation figures and notable changes — one `reports::Report`
//! that pages print as HTML and the `reports` crate writes as PDF, CSV and XLSX.
//!
//! Indicator values are read from the program's indicator engine (`crate::engines`): data
//! values summed over the scope's facilities and the quarter, and recorded activity (visits,
//! contact minutes, checklist scores). Status against a target: input and provider-behaviour
//! indicators should reach their target, outcome indicators (adverse events such as surgical
//! site infection or perioperative mortality) should stay at or below it; within 10 % of the
//! target on the wrong side is "at risk".

use crate::Error;
use crate::engines::{Engines, Figure, quarter_activity, quarter_figures};
use crate::i18n::Tr;
use chrono::NaiveDate;
use domain::matching::PairingStatus;
use domain::programs::Program;
use indicators::periods::{Period, PeriodType};
use reports::{Category, DoseLine, KpiLine, Labels, Report, Status};
use std::collections::BTreeMap;
use store::Db;

/// How far short of a target (as a share of it) still counts as "at risk" rather than off.
const AT_RISK_MARGIN: f64 = 0.10;

/// The quarter a `YYYYQn` id names, or the last complete quarter before `today`.
pub fn quarter(id: Option<&str>, today: NaiveDate) -> Result<Period, Error> {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => {
            let period: Period = text
                .parse()
                .map_err(|e: indicators::Error| Error::invalid("quarter", e.to_string()))?;
            if period.period_type() != PeriodType::Quarterly {
                return Err(Error::invalid(
                    "quarter",
                    format!("{text} is not a quarter (like 2026Q3)"),
                ));
            }
            Ok(period)
        }
        None => Period::containing(PeriodType::Quarterly, today)
            .and_then(|q| q.prev())
            .map_err(|e| Error::internal(e.to_string())),
    }
}

/// The program's indicator lines for one quarter: each against its target and the quarter
/// before, with the validation rules its figure breaks, and the quarter's visits and contact
/// minutes.
#[derive(Debug, Clone)]
pub struct QuarterKpis {
    /// The quarter.
    pub quarter: Period,
    /// One line per indicator, in the program's order.
    pub lines: Vec<KpiLine>,
    /// Per line, the validation rules its figure breaks, in words.
    pub violations: Vec<Vec<String>>,
    /// Visits and contact minutes in the quarter.
    pub activity: (u64, u64),
}

/// The indicator lines of `program` within `scope` (`None`: the whole program) for each of
/// `quarters`: every figure read in one pass over the program's engine, and the targets in
/// one query — what a dashboard needs, without the rest of the quarterly report.
pub async fn kpi_lines(
    db: &Db,
    engines: &Engines,
    program: &Program,
    scope: Option<&domain::org_units::OrgUnit>,
    quarters: &[Period],
) -> Result<Vec<QuarterKpis>, Error> {
    let code = scope.map(|u| u.code.as_str());
    let records = db.indicators(program.id).await?;
    let indicators = records
        .iter()
        .map(store::indicators::IndicatorRecord::to_indicator)
        .collect::<Result<Vec<_>, _>>()?;
    // Each quarter's line shows the quarter before it too.
    let mut periods = Vec::with_capacity(quarters.len() + 1);
    if let Some(first) = quarters.first() {
        periods.push(first.prev().map_err(|e| Error::internal(e.to_string()))?);
    }
    periods.extend(quarters.iter().copied());
    let figures: Vec<(Vec<Figure>, (u64, u64))> = engines
        .read(db, program.id, |engine| {
            let resolved = indicators
                .iter()
                .map(|i| engine.catalog().resolve(i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::caused("indicator engine", e))?;
            periods
                .iter()
                .map(|q| {
                    Ok((
                        quarter_figures(engine, &resolved, code, q)?,
                        quarter_activity(engine, code, q)?,
                    ))
                })
                .collect()
        })
        .await?;
    let targets = match scope.map(|u| u.id).or(program.root_org_unit) {
        Some(unit) => db.target_values(program.id, unit).await?,
        None => std::collections::HashMap::new(),
    };
    let mut out = Vec::with_capacity(quarters.len());
    for (i, quarter) in quarters.iter().enumerate() {
        let (Some((now, activity)), Some((before, _))) = (figures.get(i + 1), figures.get(i))
        else {
            return Err(Error::internal("a quarter without figures"));
        };
        let mut lines = Vec::with_capacity(records.len());
        for ((record, current), prior) in records.iter().zip(now).zip(before) {
            let target = targets.get(&(record.id, quarter.to_string())).copied();
            let value = current.value;
            let category = category(&record.category);
            lines.push(KpiLine {
                code: record.code.clone(),
                name: record.name.clone(),
                category,
                value,
                unit: if (record.factor - 100.0).abs() < f64::EPSILON {
                    "%".into()
                } else {
                    String::new()
                },
                target,
                status: value.zip(target).map(|(v, t)| status(category, v, t)),
                previous: prior.value,
                numerator: (current.denominator != 0.0).then_some(current.numerator),
                denominator: (current.denominator != 0.0).then_some(current.denominator),
            });
        }
        out.push(QuarterKpis {
            quarter: *quarter,
            lines,
            violations: now.iter().map(|f| f.violations.clone()).collect(),
            activity: *activity,
        });
    }
    Ok(out)
}

/// The report's fixed words in `t`'s language.
pub fn labels(t: &Tr) -> Labels {
    if t.lang() == "fr" {
        Labels::french()
    } else {
        Labels::english()
    }
}

fn category(id: &str) -> Category {
    match id {
        "outcome" => Category::Outcome,
        "provider_behaviour" => Category::ProviderBehaviour,
        _ => Category::Input,
    }
}

/// Where a value stands against its target (see the module documentation).
pub fn status(category: Category, value: f64, target: f64) -> Status {
    let margin = target.abs() * AT_RISK_MARGIN;
    let (met, near) = match category {
        Category::Outcome => (value <= target, value <= target + margin),
        _ => (value >= target, value >= target - margin),
    };
    if met {
        Status::OnTrack
    } else if near {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// Builds the report for `program`, `quarter` and the org unit at `scope` (`None`: the whole
/// program), labelled in `t`'s language.
pub async fn quarterly(
    db: &Db,
    engines: &Engines,
    t: &Tr,
    program: &Program,
    scope: Option<&domain::org_units::OrgUnit>,
    quarter: &Period,
) -> Result<Report, Error> {
    let path = scope.map_or("", |u| u.path.as_str());
    let QuarterKpis {
        lines: kpis,
        violations,
        activity,
        ..
    } = kpi_lines(db, engines, program, scope, std::slice::from_ref(quarter))
        .await?
        .pop()
        .ok_or_else(|| Error::internal("no quarter"))?;
    let dose_rows = crate::field::dose_rows(
        db,
        program.id,
        PeriodType::Quarterly,
        quarter.start(),
        quarter.end(),
    )
    .await?;
    let units: BTreeMap<i64, (String, String)> = db
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id.0, (u.name.to_string(), u.path)))
        .collect();
    let mut dose = Vec::new();
    let mut per_facility: BTreeMap<i64, DoseLine> = BTreeMap::new();
    for row in &dose_rows {
        let indicators::dose::Subject::Facility(f) = row.subject else {
            continue;
        };
        let Some((name, unit_path)) = units.get(&f) else {
            continue;
        };
        if !unit_path.starts_with(path) {
            continue;
        }
        let line = per_facility.entry(f).or_insert_with(|| DoseLine {
            who: name.clone(),
            visits: 0,
            contact_hours: 0.0,
            tele_minutes: 0,
            check_ins: 0,
            percent_of_plan: None,
            status: None,
        });
        use indicators::dose::Modality;
        match row.modality {
            Some(Modality::Visit) => line.visits = row.activities,
            Some(Modality::TeleSession) => {
                line.tele_minutes = u32::try_from(row.contact_minutes).unwrap_or(u32::MAX)
            }
            Some(Modality::CheckIn) => line.check_ins = row.activities,
            Some(_) => {}
            None => {
                line.contact_hours = row.contact_hours;
                line.percent_of_plan = row.percent_of_plan;
                line.status = row.status.map(|s| match s {
                    indicators::dose::Status::OnTrack => Status::OnTrack,
                    indicators::dose::Status::AtRisk => Status::AtRisk,
                    indicators::dose::Status::OffTrack => Status::OffTrack,
                });
            }
        }
    }
    dose.extend(per_facility.into_values());

    let pairings = db.pairings_of_program(program.id, None).await?;
    let count = |status: PairingStatus| pairings.iter().filter(|p| p.status == status).count();
    let mut participation = vec![
        (
            t.get("report-active-pairings"),
            count(PairingStatus::Active).to_string(),
        ),
        (
            t.get("report-awaiting-training"),
            count(PairingStatus::AwaitingTraining).to_string(),
        ),
        (t.get("report-activities"), activity.0.to_string()),
        (
            t.get("report-contact-hours"),
            format!("{:.0}", activity.1 as f64 / 60.0),
        ),
    ];
    // Completeness and timeliness of monthly reporting over the quarter, in the scope.
    let units_by_path: BTreeMap<i64, String> =
        units.iter().map(|(id, (_, p))| (*id, p.clone())).collect();
    let (mut expected, mut reported, mut on_time) = (0, 0, 0);
    for row in db
        .completeness(
            program.id,
            PeriodType::Monthly,
            quarter.start(),
            quarter.end(),
            store::indicators::DEFAULT_DEADLINE_DAYS,
        )
        .await?
    {
        if units_by_path
            .get(&row.facility.0)
            .is_some_and(|p| p.starts_with(path))
        {
            expected += row.expected;
            reported += row.reported;
            on_time += row.reported_on_time;
        }
    }
    if expected > 0 {
        participation.push((
            t.get("report-completeness"),
            format!("{:.0} %", 100.0 * reported as f64 / expected as f64),
        ));
        participation.push((
            t.get("report-timeliness"),
            format!("{:.0} %", 100.0 * on_time as f64 / expected as f64),
        ));
    }
    let mut notable_changes = Vec::new();
    for k in &kpis {
        if let (Some(v), Some(p)) = (k.value, k.previous) {
            let change = v - p;
            if p.abs() > f64::EPSILON && (change / p).abs() >= 0.2 {
                notable_changes.push(t.with(
                    "report-change",
                    "indicator",
                    format!("{}: {p:.1} → {v:.1}", k.name),
                ));
            }
        }
        if k.status == Some(Status::OffTrack) {
            notable_changes.push(t.with("report-off-track", "indicator", &k.name));
        }
    }
    // Validation rules broken this quarter (a numerator above its denominator, a value out
    // of its range) point at data to check before the figures are trusted.
    for (line, broken) in kpis.iter().zip(&violations) {
        for detail in broken {
            notable_changes.push(t.with(
                "report-violation",
                "indicator",
                format!("{}: {detail}", line.name),
            ));
        }
    }
    let labels = labels(t);
    Ok(Report {
        title: t.with("report-title", "quarter", quarter),
        program: program.name.to_string(),
        scope: scope.map_or_else(|| program.name.to_string(), |u| u.name.to_string()),
        period: quarter.to_string(),
        period_label: format!("{} – {}", quarter.start(), quarter.end()),
        generated_on: store::now().date_naive(),
        language: t.lang().to_owned(),
        labels,
        kpis,
        dose,
        participation,
        notable_changes,
    })
}

#[cfg(test)]
mod tests {
    use super::{Category, Status, status};

    #[test]
    fn outcomes_should_stay_below_their_target_and_inputs_reach_it() {
        assert_eq!(status(Category::Outcome, 1.5, 2.0), Status::OnTrack);
        assert_eq!(status(Category::Outcome, 2.1, 2.0), Status::AtRisk);
        assert_eq!(status(Category::Outcome, 3.0, 2.0), Status::OffTrack);
        assert_eq!(status(Category::Input, 95.0, 90.0), Status::OnTrack);
        assert_eq!(status(Category::Input, 85.0, 90.0), Status::AtRisk);
        assert_eq!(status(Category::Input, 50.0, 90.0), Status::OffTrack);
    }
}
