//! Mentorship dose (capability C6): contact hours, visits and touches per mentee and per
//! facility, per period and modality, against the program's planned dose.
//!
//! The input is one [`Contact`] per attended participant, activity and day (a two-day visit
//! gives two contacts per person). The store produces these rows; the app converts them, so
//! this module stays pure and independent of the store.
//!
//! # Rules
//!
//! - **Whose dose.** A contact counts for a mentee when its role is [`Role::Mentee`], or when
//!   the person is on the roster given in [`DoseQuery::mentees`] (a mentee attending a joint
//!   learning session as a `participant` still received that contact). Mentors',
//!   facilitators' and other participants' contacts are ignored.
//! - **Facility.** A mentee's contacts count for their home facility from the roster; a
//!   mentee without one counts for the activity's facility, and for no facility when the
//!   activity has none.
//! - **Contact hours** are the mentee-minutes of the contacts falling in the period, divided
//!   by 60. For a facility they add up over its mentees (person-hours).
//! - **Visits and touches.** An activity is counted once however many days it lasts, in the
//!   period holding the first day the mentee (or any of the facility's mentees) took part in
//!   it (so a visit from 31 January to 1 February is one January visit, while its second
//!   day's minutes belong to February). *Visits* are the
//!   distinct activities of the [`Modality::Visit`] row; *touches* are the distinct
//!   activities of any kind (the overall row). Counting each activity in one period only
//!   keeps the months of a quarter adding up to the quarter.
//! - **Delivered dose** compared with the plan, per modality: visit *days* (distinct
//!   activity-days of visits), tele-session *minutes* (each session-day once: for a mentee,
//!   their minutes; for a facility, the session's minutes however many of its mentees
//!   attended) and *check-ins* (distinct check-in activities). Joint and training sessions
//!   have no planned dose: their rows carry no percentage.
//! - **Planned dose** pro rata for the period length (see [`planned_for`]): visits =
//!   months ÷ `visit_every_months` (a two-month cadence gives 0.5 a month, 1.5 a quarter),
//!   visit days = visits × `visit_days`, tele minutes = `tele_minutes_per_week` × weeks,
//!   check-ins = `check_ins_per_month` × months. The plan is per mentee; a facility is
//!   compared with the same plan, since a visit or session reaches all its mentees at once.
//! - **Week counting.** A week belongs to the period holding its Monday (ISO weeks start on
//!   Monday), so every week falls in exactly one month and the months' weeks add up to the
//!   quarter's: January to March 2025 holds 13 Mondays, so 13 weeks.
//! - **Months.** Only Gregorian month-based period types are supported (month, two months,
//!   quarter, six months, year, financial years): their length in whole months is exact.
//!   Ethiopian and week- or day-based types are refused, as a monthly plan has no exact
//!   pro-rata share of them.
//! - **Percent of plan** = delivered ÷ planned × 100 per modality (`None` when nothing is
//!   planned); overall, the mean of the planned modalities' percentages, each capped at 100
//!   so that extra visits cannot hide missing tele-sessions.
//! - **Status** from the percentage: [`ON_TRACK_MIN_PERCENT`] and above is on track,
//!   [`AT_RISK_MIN_PERCENT`] and above at risk, below that off track.
//! - **Periods.** Rows are produced for every period of the requested type that overlaps
//!   `from..=to` (contacts outside are ignored) and every rostered mentee and their
//!   facility, even without contact, so that missing dose shows as 0 %. The planned dose is
//!   always the whole period's: a month still in progress reads as behind plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::periods::{Period, PeriodType};

/// From this percentage of the planned dose up, a mentee or facility is on track.
pub const ON_TRACK_MIN_PERCENT: f64 = 90.0;
/// From this percentage up (and below [`ON_TRACK_MIN_PERCENT`]), at risk; below it, off track.
pub const AT_RISK_MIN_PERCENT: f64 = 60.0;

/// Why a dose could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DoseError {
    /// The period type has no exact length in months (Ethiopian, weekly, daily).
    #[error("dose is computed for Gregorian month-based periods only, not {0}")]
    UnsupportedPeriodType(PeriodType),
    /// `from` is after `to`.
    #[error("the range starts ({from}) after it ends ({to})")]
    EmptyRange {
        /// First day asked for.
        from: NaiveDate,
        /// Last day asked for.
        to: NaiveDate,
    },
    /// A period could not be built for a date.
    #[error(transparent)]
    Period(#[from] crate::Error),
}

/// The kind of activity a contact came from.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Side-by-side coaching at the facility.
    Visit,
    /// Tele-mentoring (case presentations, video calls).
    TeleSession,
    /// WhatsApp, SMS or phone check-in.
    CheckIn,
    /// Joint learning session across facilities.
    JointSession,
    /// A training session.
    TrainingSession,
}

impl Modality {
    /// Every modality, in report order.
    pub const ALL: [Modality; 5] = [
        Modality::Visit,
        Modality::TeleSession,
        Modality::CheckIn,
        Modality::JointSession,
        Modality::TrainingSession,
    ];

    /// The store's name for it (`tele_session`).
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Visit => "visit",
            Modality::TeleSession => "tele_session",
            Modality::CheckIn => "check_in",
            Modality::JointSession => "joint_session",
            Modality::TrainingSession => "training_session",
        }
    }

    /// Parses the store's name; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A participant's part in the activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Mentor.
    Mentor,
    /// Mentee.
    Mentee,
    /// Facilitator of a session.
    Facilitator,
    /// Other participant.
    Participant,
}

impl Role {
    /// Parses the store's name (`mentee`); `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "mentor" => Some(Role::Mentor),
            "mentee" => Some(Role::Mentee),
            "facilitator" => Some(Role::Facilitator),
            "participant" => Some(Role::Participant),
            _ => None,
        }
    }
}

/// One attended participant's contact on one day of one activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Activity id.
    pub activity: i64,
    /// Its kind.
    pub kind: Modality,
    /// The day.
    pub date: NaiveDate,
    /// The activity's facility, if any.
    pub facility: Option<i64>,
    /// Person id.
    pub person: i64,
    /// Their part.
    pub role: Role,
    /// Contact minutes that day.
    pub minutes: u32,
}

/// The dose a program plans per mentee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Days of side-by-side coaching per visit.
    pub visit_days: u32,
    /// A visit every this many months; 0 plans no visits.
    pub visit_every_months: u32,
    /// Tele-mentoring minutes a week.
    pub tele_minutes_per_week: u32,
    /// Check-ins a month.
    pub check_ins_per_month: u32,
}

/// The planned dose for one period (see [`planned_for`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PlannedDose {
    /// Whole months in the period.
    pub months: u32,
    /// Weeks in the period: the Mondays it holds.
    pub weeks: u32,
    /// Visits, pro rata (may be fractional: 0.5 a month for a two-month cadence).
    pub visits: f64,
    /// Visit days.
    pub visit_days: f64,
    /// Tele-session minutes.
    pub tele_minutes: f64,
    /// Check-ins.
    pub check_ins: f64,
}

/// The planned dose for `period`: the plan pro rata for its months and weeks.
pub fn planned_for(plan: &Plan, period: &Period) -> Result<PlannedDose, DoseError> {
    check_type(period.period_type())?;
    let (start, end) = (period.start(), period.end());
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    let months = u32::try_from(months).unwrap_or(0);
    let weeks = mondays_between(start, end);
    let visits = if plan.visit_every_months == 0 {
        0.0
    } else {
        f64::from(months) / f64::from(plan.visit_every_months)
    };
    Ok(PlannedDose {
        months,
        weeks,
        visits,
        visit_days: visits * f64::from(plan.visit_days),
        tele_minutes: f64::from(plan.tele_minutes_per_week) * f64::from(weeks),
        check_ins: f64::from(plan.check_ins_per_month) * f64::from(months),
    })
}

/// How many Mondays fall in `start..=end`.
fn mondays_between(start: NaiveDate, end: NaiveDate) -> u32 {
    if end < start {
        return 0;
    }
    let to_first = i64::from(start.weekday().days_since(Weekday::Mon));
    let first = if to_first == 0 { 0 } else { 7 - to_first };
    let span = (end - start).num_days();
    if first > span {
        0
    } else {
        u32::try_from((span - first) / 7 + 1).unwrap_or(0)
    }
}

fn check_type(ptype: PeriodType) -> Result<(), DoseError> {
    use PeriodType::*;
    match ptype {
        Monthly | BiMonthly | Quarterly | SixMonthly | SixMonthlyApril | Yearly
        | FinancialApril | FinancialJuly | FinancialOct => Ok(()),
        other => Err(DoseError::UnsupportedPeriodType(other)),
    }
}

/// Whether the planned dose was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least [`ON_TRACK_MIN_PERCENT`] of the plan.
    OnTrack,
    /// At least [`AT_RISK_MIN_PERCENT`], below [`ON_TRACK_MIN_PERCENT`].
    AtRisk,
    /// Below [`AT_RISK_MIN_PERCENT`].
    OffTrack,
}

impl Status {
    /// The status for a percentage of plan.
    pub fn from_percent(percent: f64) -> Self {
        if percent >= ON_TRACK_MIN_PERCENT {
            Status::OnTrack
        } else if percent >= AT_RISK_MIN_PERCENT {
            Status::AtRisk
        } else {
            Status::OffTrack
        }
    }

    /// `on_track`, `at_risk` or `off_track`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
        }
    }
}

/// Whom a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// A mentee (person id).
    Mentee(i64),
    /// A facility (org-unit id): its mentees together.
    Facility(i64),
}

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct DoseQuery {
    /// Month, quarter… (Gregorian month-based types only).
    pub period_type: PeriodType,
    /// First day of interest.
    pub from: NaiveDate,
    /// Last day of interest.
    pub to: NaiveDate,
    /// The program's mentees with their home facility: each gets rows even without any
    /// contact, and their contacts count whatever their role.
    pub mentees: Vec<(i64, Option<i64>)>,
    /// The planned dose per mentee.
    pub plan: Plan,
}

/// One subject's dose in one period, for one modality or (`modality: None`) overall.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DoseRow {
    /// Mentee or facility.
    pub subject: Subject,
    /// The period, as its DHIS2 id (`2026Q3`, `202609`).
    #[schema(value_type = String)]
    pub period: Period,
    /// The modality, or `None` for the overall row.
    pub modality: Option<Modality>,
    /// Contact minutes (mentee-minutes; summed over mentees for a facility).
    pub contact_minutes: u64,
    /// The same in hours.
    pub contact_hours: f64,
    /// Distinct activities starting in the period: visits on the visit row, touches on the
    /// overall row.
    pub activities: u32,
    /// Distinct activity-days in the period (visit days on the visit row).
    pub days: u32,
    /// Delivered dose in the plan's unit (visit days, tele minutes, check-ins); `None` for
    /// modalities without a plan and for the overall row.
    pub delivered: Option<f64>,
    /// Planned dose in the same unit; `None` when the modality has none.
    pub planned: Option<f64>,
    /// Planned activities (visits, check-ins) where the plan counts them.
    pub planned_activities: Option<f64>,
    /// Delivered as a percentage of planned; overall, the mean of the capped per-modality
    /// percentages. `None` when nothing was planned.
    pub percent_of_plan: Option<f64>,
    /// Status from `percent_of_plan`.
    pub status: Option<Status>,
}

/// Tallies for one (subject, period, modality).
#[derive(Default)]
struct Tally {
    minutes: u64,
    activities: BTreeSet<i64>,
    days: BTreeSet<(i64, NaiveDate)>,
    /// Each activity-day's minutes once (for a facility, however many mentees attended).
    day_minutes: BTreeMap<(i64, NaiveDate), u32>,
}

/// Computes the dose rows: for every mentee and facility, every period overlapping the range
/// and every modality, plus one overall row per subject and period; sorted by subject, period,
/// then modality with the overall row last. See the module documentation for the rules.
pub fn compute(contacts: &[Contact], query: &DoseQuery) -> Result<Vec<DoseRow>, DoseError> {
    check_type(query.period_type)?;
    if query.from > query.to {
        return Err(DoseError::EmptyRange {
            from: query.from,
            to: query.to,
        });
    }
    // Every period overlapping the range.
    let mut periods = Vec::new();
    let mut period = Period::containing(query.period_type, query.from)?;
    loop {
        periods.push(period);
        if period.end() >= query.to {
            break;
        }
        period = period.next()?;
    }
    let home: HashMap<i64, Option<i64>> = query.mentees.iter().copied().collect();
    let mut subjects: BTreeSet<Subject> = BTreeSet::new();
    for (person, facility) in &query.mentees {
        subjects.insert(Subject::Mentee(*person));
        if let Some(f) = facility {
            subjects.insert(Subject::Facility(*f));
        }
    }
    // Which subjects each counted contact is for.
    let mut counted: Vec<(Subject, &Contact)> = Vec::new();
    for c in contacts {
        let rostered = home.contains_key(&c.person);
        if !(rostered || c.role == Role::Mentee) || c.date < query.from || c.date > query.to {
            continue;
        }
        counted.push((Subject::Mentee(c.person), c));
        let facility = home.get(&c.person).copied().flatten().or(c.facility);
        if let Some(f) = facility {
            counted.push((Subject::Facility(f), c));
        }
    }
    // An activity is counted in the period of the first day the subject took part in it.
    let mut first_day: HashMap<(Subject, i64), NaiveDate> = HashMap::new();
    for (subject, c) in &counted {
        first_day
            .entry((*subject, c.activity))
            .and_modify(|d| *d = (*d).min(c.date))
            .or_insert(c.date);
    }
    let mut tallies: HashMap<(Subject, Period, Modality), Tally> = HashMap::new();
    for (subject, c) in counted {
        let period = Period::containing(query.period_type, c.date)?;
        subjects.insert(subject);
        let t = tallies.entry((subject, period, c.kind)).or_default();
        t.minutes += u64::from(c.minutes);
        if first_day.get(&(subject, c.activity)) == Some(&c.date) {
            t.activities.insert(c.activity);
        }
        t.days.insert((c.activity, c.date));
        let m = t.day_minutes.entry((c.activity, c.date)).or_insert(0);
        *m = (*m).max(c.minutes);
    }
    let empty = Tally::default();
    let mut rows = Vec::new();
    for subject in &subjects {
        for period in &periods {
            let planned = planned_for(&query.plan, period)?;
            let mut overall_minutes = 0;
            let mut touches: BTreeSet<i64> = BTreeSet::new();
            let mut days = 0;
            let mut percents = Vec::new();
            for modality in Modality::ALL {
                let t = tallies
                    .get(&(*subject, *period, modality))
                    .unwrap_or(&empty);
                let (delivered, plan, plan_activities) = match modality {
                    Modality::Visit => (
                        t.days.len() as f64,
                        planned.visit_days,
                        Some(planned.visits),
                    ),
                    Modality::TeleSession => (
                        // An empty f64 sum is -0.0; adding 0.0 makes it print as 0.
                        t.day_minutes.values().map(|m| f64::from(*m)).sum::<f64>() + 0.0,
                        planned.tele_minutes,
                        None,
                    ),
                    Modality::CheckIn => (
                        t.activities.len() as f64,
                        planned.check_ins,
                        Some(planned.check_ins),
                    ),
                    Modality::JointSession | Modality::TrainingSession => (0.0, 0.0, None),
                };
                let has_plan = plan > 0.0;
                let percent = has_plan.then(|| delivered / plan * 100.0);
                if let Some(p) = percent {
                    percents.push(p.min(100.0));
                }
                overall_minutes += t.minutes;
                touches.extend(t.activities.iter().copied());
                days += t.days.len();
                rows.push(DoseRow {
                    subject: *subject,
                    period: *period,
                    modality: Some(modality),
                    contact_minutes: t.minutes,
                    contact_hours: t.minutes as f64 / 60.0,
                    activities: count(t.activities.len()),
                    days: count(t.days.len()),
                    delivered: has_plan.then_some(delivered),
                    planned: has_plan.then_some(plan),
                    planned_activities: plan_activities.filter(|_| has_plan),
                    percent_of_plan: percent,
                    status: percent.map(Status::from_percent),
                });
            }
            let overall = (!percents.is_empty())
                .then(|| percents.iter().sum::<f64>() / percents.len() as f64);
            rows.push(DoseRow {
                subject: *subject,
                period: *period,
                modality: None,
                contact_minutes: overall_minutes,
                contact_hours: overall_minutes as f64 / 60.0,
                activities: count(touches.len()),
                days: count(days),
                delivered: None,
                planned: None,
                planned_activities: None,
                percent_of_plan: overall,
                status: overall.map(Status::from_percent),
            });
        }
    }
    Ok(rows)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The CSV header [`write_csv`] writes.
pub const CSV_HEADER: [&str; 13] = [
    "subject_type",
    "subject_id",
    "period",
    "modality",
    "contact_minutes",
    "contact_hours",
    "activities",
    "days",
    "delivered",
    "planned",
    "planned_activities",
    "percent_of_plan",
    "status",
];

/// Writes the rows as CSV (RFC 4180 quoting by the `csv` crate) with [`CSV_HEADER`]; the
/// overall row's modality is `all`, absent numbers are empty cells and fractions have at most
/// two decimals. The caller chooses the sink (a `Vec<u8>`, a response body), so the crate
/// still does no I/O of its own.
pub fn write_csv<W: std::io::Write>(rows: &[DoseRow], sink: W) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(sink);
    w.write_record(CSV_HEADER)?;
    let num = |v: Option<f64>| v.map(|v| format!("{}", (v * 100.0).round() / 100.0));
    for r in rows {
        let (kind, id) = match r.subject {
            Subject::Mentee(id) => ("mentee", id),
            Subject::Facility(id) => ("facility", id),
        };
        w.write_record([
            kind.to_owned(),
            id.to_string(),
            r.period.to_string(),
            r.modality.map_or("all", Modality::as_str).to_owned(),
            r.contact_minutes.to_string(),
            num(Some(r.contact_hours)).unwrap_or_default(),
            r.activities.to_string(),
            r.days.to_string(),
            num(r.delivered).unwrap_or_default(),
            num(r.planned).unwrap_or_default(),
            num(r.planned_activities).unwrap_or_default(),
            num(r.percent_of_plan).unwrap_or_default(),
            r.status.map_or("", Status::as_str).to_owned(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    const PLAN: Plan = Plan {
        visit_days: 2,
        visit_every_months: 2,
        tele_minutes_per_week: 80,
        check_ins_per_month: 4,
    };

    fn contact(
        activity: i64,
        kind: Modality,
        date: NaiveDate,
        person: i64,
        minutes: u32,
    ) -> Contact {
        Contact {
            activity,
            kind,
            date,
            facility: Some(100),
            person,
            role: Role::Mentee,
            minutes,
        }
    }

    /// Mentee 7 (facility 100): a 2-day visit on 14–15 January and on 11–12 March 2025 (480
    /// minutes a day), 80 minutes of tele-session every Monday of the quarter (13 Mondays:
    /// 6 Jan … 31 Mar), and one check-in in February. Mentee 8 at the same facility came to
    /// the first visit only. The mentor (role mentor) is ignored.
    fn quarter() -> Vec<Contact> {
        let mut v = Vec::new();
        for (activity, days) in [
            (1, [d(2025, 1, 14), d(2025, 1, 15)]),
            (2, [d(2025, 3, 11), d(2025, 3, 12)]),
        ] {
            for day in days {
                v.push(contact(activity, Modality::Visit, day, 7, 480));
                v.push(Contact {
                    role: Role::Mentor,
                    ..contact(activity, Modality::Visit, day, 1, 480)
                });
            }
        }
        v.push(contact(1, Modality::Visit, d(2025, 1, 14), 8, 480));
        v.push(contact(1, Modality::Visit, d(2025, 1, 15), 8, 480));
        let mut day = d(2025, 1, 6);
        let mut id = 10;
        while day <= d(2025, 3, 31) {
            v.push(Contact {
                facility: None,
                ..contact(id, Modality::TeleSession, day, 7, 80)
            });
            day = day + chrono::Days::new(7);
            id += 1;
        }
        v.push(Contact {
            facility: None,
            ..contact(50, Modality::CheckIn, d(2025, 2, 3), 7, 0)
        });
        v
    }

    fn query(ptype: PeriodType) -> DoseQuery {
        DoseQuery {
            period_type: ptype,
            from: d(2025, 1, 1),
            to: d(2025, 3, 31),
            mentees: vec![(7, Some(100)), (8, Some(100)), (9, Some(100))],
            plan: PLAN,
        }
    }

    fn row<'a>(rows: &'a [DoseRow], s: Subject, p: &str, m: Option<Modality>) -> &'a DoseRow {
        rows.iter()
            .find(|r| r.subject == s && r.period.to_string() == p && r.modality == m)
            .expect("row present")
    }

    #[test]
    fn weeks_are_the_mondays_in_the_period() {
        let q1 = Period::new(PeriodType::Quarterly, 2025, 1).expect("period");
        let p = planned_for(&PLAN, &q1).expect("plan");
        assert_eq!((p.months, p.weeks), (3, 13));
        assert_eq!(p.visits, 1.5);
        assert_eq!(p.visit_days, 3.0);
        assert_eq!(p.tele_minutes, 1040.0);
        assert_eq!(p.check_ins, 12.0);
        // January 2025: Mondays 6, 13, 20, 27; March: 3, 10, 17, 24, 31.
        let jan = Period::new(PeriodType::Monthly, 2025, 1).expect("period");
        let mar = Period::new(PeriodType::Monthly, 2025, 3).expect("period");
        assert_eq!(planned_for(&PLAN, &jan).expect("plan").weeks, 4);
        assert_eq!(planned_for(&PLAN, &mar).expect("plan").weeks, 5);
        assert_eq!(planned_for(&PLAN, &jan).expect("plan").visits, 0.5);
        assert_eq!(mondays_between(d(2025, 1, 6), d(2025, 1, 6)), 1);
        assert_eq!(mondays_between(d(2025, 1, 7), d(2025, 1, 12)), 0);
    }

    #[test]
    fn nothing_delivered_reads_as_zero_not_minus_zero() {
        let rows = compute(&[], &query(PeriodType::Quarterly)).expect("dose");
        let tele = rows
            .iter()
            .find(|r| r.modality == Some(Modality::TeleSession))
            .expect("a tele row");
        let delivered = tele.delivered.expect("planned, so delivered is reported");
        assert!(
            delivered == 0.0 && delivered.is_sign_positive(),
            "{delivered}"
        );
    }

    #[test]
    fn quarter_dose_of_one_mentee() {
        let rows = compute(&quarter(), &query(PeriodType::Quarterly)).expect("dose");
        let m = Subject::Mentee(7);
        let visit = row(&rows, m, "2025Q1", Some(Modality::Visit));
        assert_eq!(visit.activities, 2);
        assert_eq!(visit.days, 4);
        assert_eq!(visit.contact_minutes, 4 * 480);
        assert_eq!(visit.contact_hours, 32.0);
        assert_eq!(visit.delivered, Some(4.0));
        assert_eq!(visit.planned, Some(3.0));
        assert_eq!(visit.planned_activities, Some(1.5));
        assert_eq!(visit.status, Some(Status::OnTrack));
        let tele = row(&rows, m, "2025Q1", Some(Modality::TeleSession));
        assert_eq!(tele.delivered, Some(1040.0));
        assert_eq!(tele.planned, Some(1040.0));
        assert_eq!(tele.percent_of_plan, Some(100.0));
        let check = row(&rows, m, "2025Q1", Some(Modality::CheckIn));
        assert_eq!(check.delivered, Some(1.0));
        assert_eq!(check.planned, Some(12.0));
        assert_eq!(check.status, Some(Status::OffTrack));
        let joint = row(&rows, m, "2025Q1", Some(Modality::JointSession));
        assert_eq!(
            (joint.planned, joint.percent_of_plan, joint.status),
            (None, None, None)
        );
        let all = row(&rows, m, "2025Q1", None);
        assert_eq!(all.activities, 2 + 13 + 1);
        assert_eq!(all.contact_minutes, 1920 + 1040);
        // Visits 133 % capped at 100, tele 100 %, check-ins 1/12 = 8.33 %: mean 69.44 %.
        let expected = (100.0 + 100.0 + 100.0 / 12.0) / 3.0;
        assert!((all.percent_of_plan.expect("overall") - expected).abs() < 1e-9);
        assert_eq!(all.status, Some(Status::AtRisk));
    }

    #[test]
    fn monthly_dose_and_facility_dose() {
        let rows = compute(&quarter(), &query(PeriodType::Monthly)).expect("dose");
        let feb = row(&rows, Subject::Mentee(7), "202502", Some(Modality::Visit));
        assert_eq!(
            (feb.days, feb.planned, feb.percent_of_plan),
            (0, Some(1.0), Some(0.0))
        );
        let jan_tele = row(
            &rows,
            Subject::Mentee(7),
            "202501",
            Some(Modality::TeleSession),
        );
        // Four sessions (6, 13, 20, 27 January) against four weeks.
        assert_eq!(
            (jan_tele.delivered, jan_tele.planned),
            (Some(320.0), Some(320.0))
        );
        // Mentee 9 had no contact at all: rows at 0 %.
        let none = row(&rows, Subject::Mentee(9), "202501", None);
        assert_eq!((none.contact_minutes, none.percent_of_plan), (0, Some(0.0)));
        assert_eq!(none.status, Some(Status::OffTrack));
        // The facility: both mentees' minutes, but each visit day once.
        let fac = row(
            &rows,
            Subject::Facility(100),
            "202501",
            Some(Modality::Visit),
        );
        assert_eq!(fac.contact_minutes, 4 * 480);
        assert_eq!((fac.days, fac.activities, fac.delivered), (2, 1, Some(2.0)));
        // Tele-sessions had no facility: they count for the home facility from the roster.
        let fac_tele = row(
            &rows,
            Subject::Facility(100),
            "202501",
            Some(Modality::TeleSession),
        );
        assert_eq!(fac_tele.delivered, Some(320.0));
        // The mentor never appears.
        assert!(!rows.iter().any(|r| r.subject == Subject::Mentee(1)));
    }

    #[test]
    fn a_visit_across_months_is_counted_once_in_its_first_month() {
        let contacts = vec![
            contact(1, Modality::Visit, d(2025, 1, 31), 7, 480),
            contact(1, Modality::Visit, d(2025, 2, 1), 7, 480),
        ];
        let rows = compute(&contacts, &query(PeriodType::Monthly)).expect("dose");
        let jan = row(&rows, Subject::Mentee(7), "202501", Some(Modality::Visit));
        let feb = row(&rows, Subject::Mentee(7), "202502", Some(Modality::Visit));
        assert_eq!((jan.activities, jan.days), (1, 1));
        assert_eq!((feb.activities, feb.days), (0, 1));
    }

    #[test]
    fn unsupported_periods_and_empty_ranges_are_refused() {
        let mut q = query(PeriodType::Weekly);
        assert!(matches!(
            compute(&[], &q),
            Err(DoseError::UnsupportedPeriodType(PeriodType::Weekly))
        ));
        q.period_type = PeriodType::EthiopianMonthly;
        assert!(compute(&[], &q).is_err());
        q.period_type = PeriodType::Monthly;
        q.from = d(2025, 4, 1);
        assert!(matches!(
            compute(&[], &q),
            Err(DoseError::EmptyRange { .. })
        ));
    }

    #[test]
    fn status_thresholds() {
        assert_eq!(Status::from_percent(90.0), Status::OnTrack);
        assert_eq!(Status::from_percent(89.99), Status::AtRisk);
        assert_eq!(Status::from_percent(60.0), Status::AtRisk);
        assert_eq!(Status::from_percent(59.99), Status::OffTrack);
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_row() {
        let rows = compute(&quarter(), &query(PeriodType::Quarterly)).expect("dose");
        let mut out = Vec::new();
        write_csv(&rows, &mut out).expect("csv");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), rows.len() + 1);
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(lines.contains(&"mentee,7,2025Q1,visit,1920,32,2,4,4,3,1.5,133.33,on_track"));
        assert!(lines.contains(&"mentee,7,2025Q1,joint_session,0,0,0,0,,,,,"));
    }

    fn arb_contact() -> impl Strategy<Value = Contact> {
        (0i64..30, 0i64..90, 0i64..4, 1i64..6, 0usize..2, 0u32..600).prop_map(
            |(activity, day, facility, person, role, minutes)| Contact {
                activity,
                // One kind per activity, as in the store.
                kind: Modality::ALL[activity as usize % 5],
                date: d(2025, 1, 1) + chrono::Days::new(day as u64),
                facility: (facility > 0).then_some(facility),
                person,
                role: if role == 0 {
                    Role::Mentee
                } else {
                    Role::Participant
                },
                minutes,
            },
        )
    }

    proptest! {
        /// The months of a quarter add up to the quarter: minutes, days, activities (each
        /// counted in its first day's month) and the planned dose.
        #[test]
        fn months_add_up_to_the_quarter(contacts in proptest::collection::vec(arb_contact(), 0..120)) {
            let mut q = query(PeriodType::Monthly);
            q.mentees = vec![(1, Some(1)), (2, None)];
            let months = compute(&contacts, &q).expect("months");
            q.period_type = PeriodType::Quarterly;
            let quarter = compute(&contacts, &q).expect("quarter");
            for r in &quarter {
                let parts: Vec<&DoseRow> = months
                    .iter()
                    .filter(|m| m.subject == r.subject && m.modality == r.modality)
                    .collect();
                prop_assert_eq!(parts.len(), 3);
                prop_assert_eq!(parts.iter().map(|m| m.contact_minutes).sum::<u64>(), r.contact_minutes);
                prop_assert_eq!(parts.iter().map(|m| m.days).sum::<u32>(), r.days);
                prop_assert_eq!(parts.iter().map(|m| m.activities).sum::<u32>(), r.activities);
                let add = |f: fn(&DoseRow) -> Option<f64>| parts.iter().filter_map(|m| f(m)).sum::<f64>();
                if let Some(planned) = r.planned {
                    prop_assert!((add(|m| m.planned) - planned).abs() < 1e-9);
                }
                if let Some(delivered) = r.delivered {
                    prop_assert!((add(|m| m.delivered) - delivered).abs() < 1e-9);
                }
            }
        }
    }
}
