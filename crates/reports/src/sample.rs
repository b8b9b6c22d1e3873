//! A realistic report for tests and demos: an Ethiopian surgical mentoring program's third
//! quarter of 2026 (Ethiopian fiscal year 2019, first quarter), for the Amhara region.

use chrono::NaiveDate;

use crate::model::{Category, DoseLine, KpiLine, Labels, Report, Status};

/// The sample report, in English. Swap in [`Labels::french`] (and translate the names) for the
/// French version; the figures stay the same.
pub fn sample() -> Report {
    let kpi = |code: &str,
               name: &str,
               category,
               value: Option<f64>,
               unit: &str,
               target: Option<f64>,
               status,
               previous: Option<f64>,
               ratio: Option<(f64, f64)>| KpiLine {
        code: code.into(),
        name: name.into(),
        category,
        value,
        unit: unit.into(),
        target,
        status,
        previous,
        numerator: ratio.map(|r| r.0),
        denominator: ratio.map(|r| r.1),
    };
    let dose =
        |who: &str, visits, contact_hours, tele_minutes, check_ins, plan: Option<f64>, status| {
            DoseLine {
                who: who.into(),
                visits,
                contact_hours,
                tele_minutes,
                check_ins,
                percent_of_plan: plan,
                status,
            }
        };
    Report {
        title: "Quarterly program report".into(),
        program: "Safe Surgery Mentorship — Ethiopia".into(),
        scope: "Amhara Regional Health Bureau".into(),
        period: "2026Q3".into(),
        period_label: "July–September 2026".into(),
        generated_on: NaiveDate::from_ymd_opt(2026, 10, 12).unwrap_or_default(),
        language: "en".into(),
        labels: Labels::english(),
        kpis: vec![
            kpi("VISITS", "Mentoring visits done", Category::Input, Some(46.0), "", Some(48.0), Some(Status::AtRisk), Some(39.0), None),
            kpi("CONTACT_HRS", "Mentoring contact hours", Category::Input, Some(212.5), "", Some(200.0), Some(Status::OnTrack), Some(180.0), None),
            kpi("TRAINED", "Surgical team members trained in the checklist", Category::Input, Some(92.3), "%", Some(90.0), Some(Status::OnTrack), Some(81.0), Some((120.0, 130.0))),
            kpi("SSC_USE", "Surgical safety checklist use (all three phases)", Category::ProviderBehaviour, Some(78.4), "%", Some(90.0), Some(Status::AtRisk), Some(71.2), Some((1_176.0, 1_500.0))),
            kpi("ABX_TIMING", "Prophylactic antibiotics within 60 minutes before incision", Category::ProviderBehaviour, Some(64.0), "%", Some(85.0), Some(Status::OffTrack), Some(66.5), Some((480.0, 750.0))),
            kpi("SPONGE_COUNT", "Sponge and instrument counts documented", Category::ProviderBehaviour, None, "%", Some(95.0), None, Some(88.0), None),
            kpi("SSI_RATE", "Surgical site infection rate", Category::Outcome, Some(4.1), "%", Some(5.0), Some(Status::OnTrack), Some(5.6), Some((41.0, 1_000.0))),
            kpi("POMR", "Perioperative mortality rate (in hospital, 30 days)", Category::Outcome, Some(1.2), "%", Some(1.0), Some(Status::AtRisk), Some(1.3), Some((18.0, 1_500.0))),
        ],
        dose: vec![
            dose("Debre Markos Referral Hospital", 8, 41.5, 240, 6, Some(100.0), Some(Status::OnTrack)),
            dose("Felege Hiwot Comprehensive Specialized Hospital", 7, 36.0, 180, 5, Some(87.5), Some(Status::OnTrack)),
            dose("University of Gondar Hospital", 5, 22.0, 90, 3, Some(62.5), Some(Status::AtRisk)),
            dose("Dessie Comprehensive Specialized Hospital", 2, 8.0, 0, 1, Some(25.0), Some(Status::OffTrack)),
            dose("Woldia General Hospital", 0, 0.0, 0, 0, None, None),
        ],
        participation: vec![
            ("Active mentor–mentee pairs".into(), "34 of 38".into()),
            ("Mentees with at least one contact".into(), "89.5%".into()),
            ("Group sessions held".into(), "11".into()),
            ("Average attendance at group sessions".into(), "72.0%".into()),
        ],
        notable_changes: vec![
            "Checklist use rose 7.2 points after the sign-out phase was added to the theatre whiteboard at Debre Markos.".into(),
            "Antibiotic timing fell at two hospitals where cefazolin was out of stock for six weeks in August.".into(),
            "Dessie's visits were suspended in September for security reasons; tele-mentoring resumes in October.".into(),
        ],
    }
}
