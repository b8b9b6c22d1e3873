//! Monitoring and evaluation: a year of monthly surgical data per active hospital, the four
//! indicators over it and signed quarterly targets. Plain arithmetic on the site's index and
//! the month, no randomness, so the tests derive their expectations by hand. Apart because
//! it writes through the indicators part of the store and reads nothing of the field
//! history.

use super::sites::{FieldProgram, FieldSite, STALLED_SITE};
use super::{Loader, at_utc};
use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, Months, Utc};
use indicators::definitions::ValidationRule;
use std::collections::BTreeMap;

/// Months of values: the last twelve complete months.
const MONITORED_MONTHS: usize = 12;
/// Operations in the oldest monitored month at each hospital (by site index), one more each
/// month after: the referral and comprehensive hospitals operate most, primary hospitals
/// least. Leku (still being assessed) reports nothing yet.
const BASE_OPERATIONS: [i64; 9] = [118, 88, 66, 112, 62, 60, 128, 92, 58];
/// The first monitored month (0 the oldest) the scale-up sites were mentored: they started
/// half a year ago, the pilots a year ago, so the pilots are mentored in every month.
const SCALE_UP_FIRST_MONTH: usize = 6;
/// Per cent of operations with the WHO checklist before mentoring, the rise per mentored
/// month and where it levels off.
const SSC_BEFORE: i64 = 40;
const SSC_RISE: i64 = 8;
const SSC_CEILING: i64 = 85;
/// Surgical site infections per thousand operations before mentoring, the fall per mentored
/// month and where it levels off.
const SSI_BEFORE: i64 = 60;
const SSI_FALL: i64 = 5;
const SSI_FLOOR: i64 = 30;
/// Days after a month's end its values are entered, by the site's place in its region.
const ENTRY_DELAYS: [i64; 3] = [3, 4, 5];
/// (site index, monitored month) reported late, after the 15-day deadline, so that
/// timeliness is not perfect: Sire and Yirgalem once each.
const LATE_REPORTS: [(usize, usize); 2] = [(4, 2), (7, 8)];
/// Days after the month's end the late reports came in.
const LATE_DELAY: i64 = 20;
/// The data elements, each pushed to DHIS2 as `SS_<code>`: (code, name).
const SURGICAL_ELEMENTS: [(&str, &str); 4] = [
    ("OPERATIONS", "Major operations performed"),
    (
        "SSC_USED",
        "Operations with the WHO Surgical Safety Checklist used",
    ),
    ("SSI_CASES", "Surgical site infections"),
    ("PERIOP_DEATHS", "Perioperative deaths"),
];
/// Quarterly targets at the national and regional levels: (indicator, last quarter's value,
/// this quarter's value). The checklist target rises as the scale-up sites catch up; the
/// outcome targets are ceilings.
const SURGICAL_TARGETS: [(&str, f64, f64); 3] = [
    ("SSC_RATE", 75.0, 80.0),
    ("SSI_RATE", 4.5, 4.0),
    ("POMR", 1.0, 1.0),
];
/// The one target left short of a signature, so that "fully signed" varies: Sidama's
/// checklist target for this quarter still awaits its regional health bureau.
const UNSIGNED_TARGET: (&str, usize, &str) = ("SSC_RATE", 2, "regional_authority");

impl FieldSite {
    /// Months of mentoring by the end of monitored month `k` (0 the oldest): every month at
    /// the pilots, from [`SCALE_UP_FIRST_MONTH`] at the scale-up sites, none at Leku.
    fn mentored_months(&self, k: usize) -> i64 {
        let since = match self.active_since() {
            None => return 0,
            Some(_) if self.is_pilot() => 0,
            Some(_) => SCALE_UP_FIRST_MONTH,
        };
        (k + 1).saturating_sub(since) as i64
    }

    /// The site's values for monitored month `k`, as (data element, value). Checklist use
    /// climbs and infections fall with each mentored month, except at Gida Ayana, which lost
    /// its anaesthetist and stays where it started.
    fn monthly_values(&self, k: usize) -> [(&'static str, i64); 4] {
        let operations = BASE_OPERATIONS[self.index] + k as i64;
        let mentored = if self.index == STALLED_SITE {
            0
        } else {
            self.mentored_months(k)
        };
        let checklist = (SSC_BEFORE + SSC_RISE * mentored).min(SSC_CEILING);
        let infections = (SSI_BEFORE - SSI_FALL * mentored).max(SSI_FLOOR);
        [
            ("OPERATIONS", operations),
            ("SSC_USED", operations * checklist / 100),
            ("SSI_CASES", operations * infections / 1000),
            ("PERIOP_DEATHS", ((self.index + k) % 3) as i64),
        ]
    }
}

impl Loader<'_> {
    /// Monitoring and evaluation: the four data elements, a year of monthly values per active
    /// hospital entered a few days after each month (two late), the four indicators, and
    /// last quarter's and this quarter's targets nationally and per region, signed by every
    /// stakeholder group but one.
    pub(super) async fn monitoring(&self, field: &FieldProgram) -> anyhow::Result<()> {
        let db = self.db;
        let actor = &self.actor;
        let program = field.program;
        for (code, name) in SURGICAL_ELEMENTS {
            let new = store::indicators::NewDataElement {
                code: code.into(),
                name: name.into(),
                value_type: "integer".into(),
                min: Some(0.0),
                dhis2_code: Some(format!("SS_{code}")),
                ..Default::default()
            };
            db.create_data_element(actor, program, &new).await?;
        }

        // Values grouped by the moment they were entered, so that each month takes a few
        // batched saves instead of one per hospital.
        let now = store::now();
        let today = now.date_naive();
        let this_month = today.with_day(1).context("the first day of this month")?;
        let mut batches: BTreeMap<DateTime<Utc>, Vec<domain::indicators::NewValue>> =
            BTreeMap::new();
        for k in 0..MONITORED_MONTHS {
            let back = Months::new(u32::try_from(MONITORED_MONTHS - k)?);
            let first = this_month
                .checked_sub_months(back)
                .context("a monitored month")?;
            let last = first
                .checked_add_months(Months::new(1))
                .and_then(|next| next.pred_opt())
                .context("a monitored month's last day")?;
            let period = first.format("%Y%m").to_string();
            for site in &field.sites {
                if site.active_since().is_none() {
                    continue;
                }
                let late = LATE_REPORTS.contains(&(site.index, k));
                let delay = if late {
                    LATE_DELAY
                } else {
                    ENTRY_DELAYS[site.index % 3]
                };
                // The last month's reports may not all be due yet: those are entered now.
                let at = at_utc(last + Duration::days(delay), 9).min(now);
                let comment = if late {
                    "Entered late: the records officer was on leave"
                } else {
                    ""
                };
                let batch = batches.entry(at).or_default();
                for (element, value) in site.monthly_values(k) {
                    batch.push(domain::indicators::NewValue {
                        data_element_code: element.into(),
                        org_unit_code: site.code.into(),
                        period: period.clone(),
                        value: value as f64,
                        comment: comment.into(),
                    });
                }
            }
        }
        for (at, values) in &batches {
            db.save_values_on(actor, program, values, *at).await?;
        }

        let proportion = vec![ValidationRule::NumeratorLeDenominator];
        for (code, name, category, numerator, factor) in [
            (
                "SSC_RATE",
                "Surgical Safety Checklist use (%)",
                "provider_behaviour",
                "#{SSC_USED}",
                100.0,
            ),
            (
                "SSI_RATE",
                "Surgical site infection rate (%)",
                "outcome",
                "#{SSI_CASES}",
                100.0,
            ),
            (
                "POMR",
                "Perioperative mortality per 100 operations",
                "outcome",
                "#{PERIOP_DEATHS}",
                100.0,
            ),
            (
                "VISITS",
                "Mentorship visits and sessions",
                "input",
                "visits",
                1.0,
            ),
        ] {
            // Activity counts are not proportions of anything: no rule on VISITS.
            let (denominator, rules) = if code == "VISITS" {
                ("1", Vec::new())
            } else {
                ("#{OPERATIONS}", proportion.clone())
            };
            let new = store::indicators::NewIndicator {
                code: code.into(),
                name: name.into(),
                category: category.into(),
                numerator: numerator.into(),
                denominator: denominator.into(),
                factor,
                rules,
            };
            db.create_indicator(actor, program, &new).await?;
        }

        // Targets agreed at each quarter's review meeting. A region's are signed by its
        // bureau, its surgeon mentor, its referral hospital's director and surgeon mentee and
        // the program manager; the national ones by one region's people in turn.
        let quarter = today.month0() / 3 + 1;
        let current = format!("{}Q{quarter}", today.year());
        let previous = if quarter == 1 {
            format!("{}Q4", today.year() - 1)
        } else {
            format!("{}Q{}", today.year(), quarter - 1)
        };
        let mut units: Vec<(&str, usize)> = vec![("ET", 0)];
        units.extend(field.regions.iter().enumerate().map(|(r, code)| (*code, r)));
        for (i, (indicator, before, now_value)) in SURGICAL_TARGETS.iter().enumerate() {
            for (u, (unit, region)) in units.iter().enumerate() {
                let region = if u == 0 { i % 3 } else { *region };
                let referral = field
                    .sites
                    .get(region * 3)
                    .context("the region's referral hospital")?;
                let signers = [
                    ("mentees", referral.mentees[0]),
                    ("mentors", field.teams[region][0]),
                    ("facility_leaders", referral.leader),
                    ("regional_authority", field.viewers[region]),
                    ("program_managers", field.manager),
                ];
                for (period, value) in [(&previous, *before), (&current, *now_value)] {
                    let note = format!("Agreed at the {period} quarterly review");
                    let target = db
                        .propose_target(actor, program, indicator, unit, period, value, &note)
                        .await?;
                    for (group, person) in signers {
                        let skipped = (*indicator, region, group) == UNSIGNED_TARGET
                            && u > 0
                            && *period == current;
                        if !skipped {
                            db.sign_target(actor, target.id, group, person, "").await?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
