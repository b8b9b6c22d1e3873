//! Participation and equity (C12): attendance and contributions per member and month, the
//! Gini coefficient of participation over time, and early warning of disengagement.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::members::{Member, MemberId};

/// A meeting of the collaborative (or of one project team).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// When it was held.
    pub held_on: NaiveDate,
    /// Who was expected (invited).
    pub expected: Vec<MemberId>,
    /// Who came.
    pub attended: Vec<MemberId>,
}

/// A kind of contribution that counts as activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    /// A task was completed.
    TaskDone,
    /// Credited on an output (author, presenter, trainer).
    Output,
    /// Took on a CRediT role.
    Role,
}

/// One dated contribution by a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Who.
    pub member: MemberId,
    /// When.
    pub on: NaiveDate,
    /// What.
    pub kind: ContributionKind,
}

/// Everything participation is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLog {
    /// Sessions held.
    pub sessions: Vec<Session>,
    /// Contributions made.
    pub contributions: Vec<Contribution>,
}

/// A calendar month, the period participation is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl Month {
    /// The month containing `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month after this one.
    pub fn succ(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for Month {
    /// DHIS2's monthly period id, `202503`, so figures line up with `indicators`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

/// One member's participation in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMonth {
    /// The member.
    pub member: MemberId,
    /// The month.
    pub month: Month,
    /// Sessions they were expected at.
    pub sessions_held: u32,
    /// Sessions they attended.
    pub sessions_attended: u32,
    /// Tasks completed.
    pub tasks_done: u32,
    /// Outputs they were credited on.
    pub outputs: u32,
    /// Roles they took on.
    pub roles: u32,
}

impl MemberMonth {
    /// Activity for the equity figure: attendances plus contributions, each counting one.
    pub fn activity(&self) -> f64 {
        f64::from(self.sessions_attended + self.tasks_done + self.outputs + self.roles)
    }

    /// Attendance rate, `None` when no session was held for them.
    pub fn attendance_rate(&self) -> Option<f64> {
        (self.sessions_held > 0)
            .then(|| f64::from(self.sessions_attended) / f64::from(self.sessions_held))
    }
}

/// Participation of every member in every month from the log's first to its last entry
/// (months with nothing are present with zeros, so Gini sees inactive members), sorted by
/// month then member.
pub fn participation(members: &[MemberId], log: &ActivityLog) -> Vec<MemberMonth> {
    let dates = log
        .sessions
        .iter()
        .map(|s| s.held_on)
        .chain(log.contributions.iter().map(|c| c.on));
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return Vec::new();
    };
    let mut table: BTreeMap<(Month, MemberId), MemberMonth> = BTreeMap::new();
    let mut month = Month::of(first);
    while month <= Month::of(last) {
        for &member in members {
            table.insert(
                (month, member),
                MemberMonth {
                    member,
                    month,
                    sessions_held: 0,
                    sessions_attended: 0,
                    tasks_done: 0,
                    outputs: 0,
                    roles: 0,
                },
            );
        }
        month = month.succ();
    }
    for s in &log.sessions {
        let month = Month::of(s.held_on);
        for m in &s.expected {
            if let Some(row) = table.get_mut(&(month, *m)) {
                row.sessions_held += 1;
            }
        }
        for m in &s.attended {
            if let Some(row) = table.get_mut(&(month, *m)) {
                row.sessions_attended += 1;
            }
        }
    }
    for c in &log.contributions {
        if let Some(row) = table.get_mut(&(Month::of(c.on), c.member)) {
            match c.kind {
                ContributionKind::TaskDone => row.tasks_done += 1,
                ContributionKind::Output => row.outputs += 1,
                ContributionKind::Role => row.roles += 1,
            }
        }
    }
    table.into_values().collect()
}

/// The Gini coefficient of `values` in its mean-absolute-difference form,
/// `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)`: 0 when everyone does the same, `(n−1)/n` when one person
/// does everything. Defined as 0 for an empty list or when everything is zero (nobody did
/// anything, which is equal). Negative or non-finite values count as 0, since activity
/// cannot be negative. Computed from the sorted values in O(n log n) with the identical
/// closed form `Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σx)`.
pub fn gini(values: &[f64]) -> f64 {
    let mut xs: Vec<f64> = values
        .iter()
        .map(|v| if v.is_finite() && *v > 0.0 { *v } else { 0.0 })
        .collect();
    let total: f64 = xs.iter().sum();
    if xs.is_empty() || total <= 0.0 {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    // Exactly 0 when all are equal; the closed form would leave rounding noise like 1e-17.
    if xs.first() == xs.last() {
        return 0.0;
    }
    let n = xs.len() as f64;
    let weighted: f64 = xs
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    (weighted / (n * total)).max(0.0)
}

/// Gini of member activity for each month in `rows` (as [`participation`] returns them),
/// oldest first.
pub fn gini_by_month(rows: &[MemberMonth]) -> Vec<(Month, f64)> {
    let mut by_month: BTreeMap<Month, Vec<f64>> = BTreeMap::new();
    for r in rows {
        by_month.entry(r.month).or_default().push(r.activity());
    }
    by_month
        .into_iter()
        .map(|(month, values)| (month, gini(&values)))
        .collect()
}

/// Gini of each member's total activity over all of `rows`.
pub fn gini_overall(rows: &[MemberMonth]) -> f64 {
    let mut totals: BTreeMap<MemberId, f64> = BTreeMap::new();
    for r in rows {
        *totals.entry(r.member).or_default() += r.activity();
    }
    gini(&totals.into_values().collect::<Vec<_>>())
}

/// When to warn that a member is drifting away.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DisengagementRules {
    /// Warn after this many days with no attendance or contribution.
    pub inactive_days: i64,
    /// Compare attendance over the last this-many sessions with the this-many before.
    pub window: usize,
    /// Warn when the recent rate is below the earlier one by more than this fraction of it
    /// (0.5: from 100 % to under 50 %).
    pub drop_threshold: f64,
}

impl Default for DisengagementRules {
    fn default() -> Self {
        Self {
            inactive_days: 45,
            window: 4,
            drop_threshold: 0.5,
        }
    }
}

/// Which rule fired, with the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum WarningReason {
    /// Nothing attended or contributed for `days` days (limit `limit_days`). `last_active` is
    /// `None` when never active; then days count from joining.
    NoRecentActivity {
        /// Last attendance or contribution.
        last_active: Option<NaiveDate>,
        /// Days since then (or since joining).
        days: i64,
        /// The rule's limit.
        limit_days: i64,
    },
    /// Attendance fell from `previous_rate` to `recent_rate` over two windows of `window`
    /// sessions.
    FallingAttendance {
        /// Attended / expected over the last `window` sessions.
        recent_rate: f64,
        /// Attended / expected over the `window` sessions before.
        previous_rate: f64,
        /// Sessions per window.
        window: usize,
    },
}

/// A member who may be disengaging, for the app to queue a nudge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DisengagementWarning {
    /// Who.
    pub member: MemberId,
    /// Why.
    pub reason: WarningReason,
}

impl fmt::Display for DisengagementWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            WarningReason::NoRecentActivity {
                last_active,
                days,
                limit_days,
            } => match last_active {
                Some(date) => write!(
                    f,
                    "{}: no activity for {days} days (since {date}; limit {limit_days})",
                    self.member
                ),
                None => write!(
                    f,
                    "{}: no activity in {days} days since joining (limit {limit_days})",
                    self.member
                ),
            },
            WarningReason::FallingAttendance {
                recent_rate,
                previous_rate,
                window,
            } => write!(
                f,
                "{}: attended {:.0} % of the last {window} sessions, down from {:.0} %",
                self.member,
                recent_rate * 100.0,
                previous_rate * 100.0
            ),
        }
    }
}

/// Warnings for `members` as of `today`, looking only at the log up to `today`. A member can
/// get both warnings; they come sorted by member, inactivity first.
pub fn disengagement(
    members: &[Member],
    log: &ActivityLog,
    today: NaiveDate,
    rules: &DisengagementRules,
) -> Vec<DisengagementWarning> {
    let mut sessions: Vec<&Session> = log.sessions.iter().filter(|s| s.held_on <= today).collect();
    sessions.sort_by_key(|s| s.held_on);
    let mut sorted: Vec<&Member> = members.iter().collect();
    sorted.sort_by_key(|m| m.id);
    let mut warnings = Vec::new();
    for member in sorted {
        let id = member.id;
        let last_active = sessions
            .iter()
            .filter(|s| s.attended.contains(&id))
            .map(|s| s.held_on)
            .chain(
                log.contributions
                    .iter()
                    .filter(|c| c.member == id && c.on <= today)
                    .map(|c| c.on),
            )
            .max();
        let since = last_active.unwrap_or(member.joined_on);
        let days = (today - since).num_days();
        if days > rules.inactive_days {
            warnings.push(DisengagementWarning {
                member: id,
                reason: WarningReason::NoRecentActivity {
                    last_active,
                    days,
                    limit_days: rules.inactive_days,
                },
            });
        }
        if rules.window == 0 {
            continue;
        }
        let theirs: Vec<bool> = sessions
            .iter()
            .filter(|s| s.expected.contains(&id))
            .map(|s| s.attended.contains(&id))
            .collect();
        if theirs.len() < 2 * rules.window {
            continue;
        }
        let rate =
            |slice: &[bool]| slice.iter().filter(|a| **a).count() as f64 / slice.len() as f64;
        let recent = rate(&theirs[theirs.len() - rules.window..]);
        let previous = rate(&theirs[theirs.len() - 2 * rules.window..theirs.len() - rules.window]);
        if previous > 0.0 && (previous - recent) / previous > rules.drop_threshold {
            warnings.push(DisengagementWarning {
                member: id,
                reason: WarningReason::FallingAttendance {
                    recent_rate: recent,
                    previous_rate: previous,
                    window: rules.window,
                },
            });
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_edges() {
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert_eq!(gini(&[3.0, 3.0, 3.0]), 0.0);
        assert!((gini(&[0.0, 0.0, 0.0, 8.0]) - 0.75).abs() < 1e-12);
    }
}
