//! Recurring series: a weekly session whose time rotates so out-of-hours burden is shared, a
//! naive series for comparison, and a fixed series at the same local time every week.
//!
//! # Fair share
//!
//! For a series with candidate sets `C_1 … C_n` (occurrence `k`'s slots whose attendance is
//! within the tolerance of that week's best), consider only the *efficient* candidates: those
//! whose set of out-of-hours members has no strict subset among the same week's candidates (a
//! slot that puts everyone of another slot out of hours and more besides relieves nobody, so no
//! fair plan chooses it). For a plan whose chosen slots put `T` out-of-hours member-sessions on
//! the group in total:
//!
//! - member `i`'s *forced* burden `f_i` is the number of occurrences in which `i` is out of
//!   hours in **every** efficient candidate (no plan can spare them);
//! - member `i`'s *capacity* `c_i` is the number of occurrences in which `i` is out of hours in
//!   **some** efficient candidate (no sensible plan loads them more);
//! - the *fair share* is the even split of `T` within those bounds ("water-filling"):
//!   `share_i = min(c_i, max(f_i, λ))` with the level `λ` chosen so that `Σ share_i = T`.
//!
//! Such a `λ` exists for every plan that chooses efficient candidates (both plans here do):
//! `Σ f_i ≤ T` (a forced member is out of hours in the chosen slot too) and `T ≤ Σ c_i`
//! (everyone out of hours in a chosen slot counts it in their capacity).
//! Members who could never be out of hours (`c_i = 0`) get a share of 0; the burden is divided
//! among those who can carry it. A plan is *fair* when every member's burden is at most their
//! share plus one (whole sessions cannot be split).
//!
//! `T` is the plan's own total, so [`SeriesPlan::minimum_total`] is reported beside it: the
//! rotation may accept a slightly larger total to spread it, and that cost stays visible.
//!
//! # The rotation
//!
//! Each occurrence's candidates are reduced to their distinct efficient out-of-hours sets
//! (keeping the best-ranked slot of each). A greedy pass picks, occurrence by occurrence, the set that
//! minimises the objective; then single-occurrence changes are applied while they improve it.
//! The same improvement also runs from the naive plan and the better result is kept, so the
//! rotation is never worse than the naive plan. The objective is *leximax*: the members' cumulative burdens sorted from largest down,
//! compared lexicographically (first make the heaviest load as light as possible, then the
//! next heaviest, and so on), then the total, then the slots' rank. Leximax is what "nobody
//! carries more than their share" asks for; it may choose a slot with a few more people out of
//! hours so that no one carries it every week (with two rival slots putting 6 and 10 members out
//! of hours, it picks each 6 times in 12 weeks and everyone carries 6, where summing squares
//! would put the six out of hours 7 or 8 times and the ten 4 or 5, leaving the six above their
//! share). Everything is integer and ordered, so the plan is deterministic.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone as _, Utc};
use domain::values::TimeZone;
use serde::Serialize;

use crate::{Attendance, Member, ScheduleError, Slot, SlotQuery, evaluate_slot, ranked_slots};

/// A weekly series to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesQuery {
    /// Start of the first occurrence's search window; occurrence `k` searches from
    /// `first_week + 7k days` for `days` days.
    pub first_week: DateTime<Utc>,
    /// Number of occurrences.
    pub sessions: u32,
    /// Session length.
    pub duration_minutes: u32,
    /// Distance between candidate starts.
    pub step_minutes: u32,
    /// Days searched each week (7 allows any weekday).
    pub days: u32,
    /// A slot is a candidate when its attendance is at least the week's best minus this.
    pub attendance_tolerance: usize,
}

impl SeriesQuery {
    /// `sessions` weekly occurrences from `first_week`, any weekday, 30-minute steps,
    /// attendance tolerance 0 (only best-attended slots).
    pub fn weekly(first_week: DateTime<Utc>, sessions: u32, duration_minutes: u32) -> Self {
        Self {
            first_week,
            sessions,
            duration_minutes,
            step_minutes: 30,
            days: 7,
            attendance_tolerance: 0,
        }
    }
}

/// What one member carries over a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MemberBurden {
    /// Index of the member.
    pub member: usize,
    /// Sessions attended in a Preferred window.
    pub preferred: u32,
    /// Sessions attended only through a Possible window: the burden.
    pub out_of_hours: u32,
    /// Sessions attended (preferred + out of hours).
    pub attended: u32,
    /// Sessions the member could not attend.
    pub missed: u32,
}

/// A planned series and what it costs each member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesPlan {
    /// The chosen slot of every occurrence, in order.
    pub sessions: Vec<Slot>,
    /// Per member, in member order.
    pub burden: Vec<MemberBurden>,
    /// Per member fair share (see the module documentation); `None` for a fixed series,
    /// which has no alternatives to share against.
    pub fair_share: Option<Vec<f64>>,
    /// The smallest total out-of-hours burden any plan over the same candidates could have.
    pub minimum_total: Option<u32>,
}

impl SeriesPlan {
    /// Total out-of-hours member-sessions.
    pub fn total_out_of_hours(&self) -> u32 {
        self.burden.iter().map(|b| b.out_of_hours).sum()
    }

    /// Whether every member carries at most their fair share plus one.
    pub fn is_fair(&self) -> bool {
        self.fair_share.as_ref().is_some_and(|shares| {
            self.burden
                .iter()
                .zip(shares)
                .all(|(b, share)| f64::from(b.out_of_hours) <= share + 1.0 + 1e-9)
        })
    }
}

/// Each occurrence's candidate slots for a series, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesCandidates {
    members: usize,
    weeks: Vec<Vec<Slot>>,
}

impl SeriesCandidates {
    /// Finds the candidates: for occurrence `k`, the slots of its week whose attendance is
    /// within the tolerance of the week's best.
    pub fn find(members: &[Member], query: &SeriesQuery) -> Result<Self, ScheduleError> {
        if query.sessions == 0 || query.sessions > 520 {
            return Err(ScheduleError::parameter(
                "sessions",
                "must be between 1 and 520",
            ));
        }
        let mut weeks = Vec::with_capacity(query.sessions as usize);
        for k in 0..query.sessions {
            let slot_query = SlotQuery {
                from: query.first_week + Duration::weeks(i64::from(k)),
                days: query.days,
                duration_minutes: query.duration_minutes,
                step_minutes: query.step_minutes,
            };
            let mut slots = ranked_slots(members, &slot_query)?;
            let best = slots.first().map_or(0, |s| s.attendees);
            let floor = best.saturating_sub(query.attendance_tolerance).max(1);
            slots.retain(|s| s.attendees >= floor);
            weeks.push(slots);
        }
        Ok(Self {
            members: members.len(),
            weeks,
        })
    }

    /// The candidates of each occurrence, best first.
    pub fn weeks(&self) -> &[Vec<Slot>] {
        &self.weeks
    }

    /// Forced burden `f_i` and capacity `c_i` per member (see the module documentation).
    pub fn bounds(&self) -> (Vec<u32>, Vec<u32>) {
        let mut forced = vec![0u32; self.members];
        let mut capacity = vec![0u32; self.members];
        for week in self.options() {
            for i in 0..self.members {
                if !week.is_empty() && week.iter().all(|c| c.out_of_hours[i]) {
                    forced[i] += 1;
                }
                if week.iter().any(|c| c.out_of_hours[i]) {
                    capacity[i] += 1;
                }
            }
        }
        (forced, capacity)
    }

    /// The smallest total out-of-hours burden of any plan over these candidates.
    pub fn minimum_total(&self) -> u32 {
        self.weeks
            .iter()
            .map(|w| w.iter().map(|s| s.out_of_hours).min().unwrap_or(0) as u32)
            .sum()
    }

    /// Each member's fair share of a plan whose total burden is `total` (module docs).
    pub fn fair_shares(&self, total: u32) -> Vec<f64> {
        let (forced, capacity) = self.bounds();
        fair_shares(&forced, &capacity, total)
    }

    /// The naive plan: the top-ranked slot of every week, ignoring who carried the burden
    /// before. For a stable group that is the same slot every week.
    pub fn plan_naive(&self) -> SeriesPlan {
        let chosen: Vec<usize> = self.weeks.iter().map(|_| 0).collect();
        self.plan_from(&chosen)
    }

    /// The fair rotation (module docs).
    pub fn plan_rotating(&self) -> SeriesPlan {
        let options = self.options();
        // Greedy, occurrence by occurrence.
        let mut burden = vec![0u32; self.members];
        let mut greedy: Vec<usize> = Vec::with_capacity(options.len());
        for week in &options {
            let best = (0..week.len())
                .min_by_key(|&o| {
                    let mut after = burden.clone();
                    add(&mut after, &week[o].out_of_hours, 1);
                    (objective(&after), o)
                })
                .unwrap_or(0);
            if let Some(option) = week.get(best) {
                add(&mut burden, &option.out_of_hours, 1);
            }
            greedy.push(best);
        }
        // Improve the greedy plan, and also the naive one (option 0 each week, since options
        // keep rank order), and keep the better: the rotation is never worse than naive.
        let from_greedy = improve(&options, greedy, self.members);
        let from_naive = improve(&options, vec![0; options.len()], self.members);
        let (choice, _) = if from_naive.1 < from_greedy.1 {
            from_naive
        } else {
            from_greedy
        };
        let slots: Vec<usize> = choice
            .iter()
            .zip(&options)
            .map(|(&o, week)| week.get(o).map_or(0, |opt| opt.slot))
            .collect();
        self.plan_from(&slots)
    }

    /// Per week, the distinct efficient out-of-hours sets among the candidates (module docs),
    /// each with the index of its best-ranked slot, in rank order.
    fn options(&self) -> Vec<Vec<Choice>> {
        self.weeks
            .iter()
            .map(|week| {
                let mut distinct: Vec<Choice> = Vec::new();
                for (s, slot) in week.iter().enumerate() {
                    let set: Vec<bool> =
                        (0..self.members).map(|i| slot.is_out_of_hours(i)).collect();
                    if !distinct.iter().any(|c| c.out_of_hours == set) {
                        distinct.push(Choice {
                            slot: s,
                            out_of_hours: set,
                        });
                    }
                }
                let efficient: Vec<bool> = distinct
                    .iter()
                    .map(|c| {
                        !distinct
                            .iter()
                            .any(|d| is_strict_subset(&d.out_of_hours, &c.out_of_hours))
                    })
                    .collect();
                distinct
                    .into_iter()
                    .zip(efficient)
                    .filter_map(|(c, keep)| keep.then_some(c))
                    .collect()
            })
            .collect()
    }

    fn plan_from(&self, chosen: &[usize]) -> SeriesPlan {
        let sessions: Vec<Slot> = self
            .weeks
            .iter()
            .zip(chosen)
            .filter_map(|(week, &s)| week.get(s).cloned())
            .collect();
        let burden = member_burden(self.members, &sessions);
        let total = burden.iter().map(|b| b.out_of_hours).sum();
        SeriesPlan {
            fair_share: Some(self.fair_shares(total)),
            minimum_total: Some(self.minimum_total()),
            sessions,
            burden,
        }
    }
}

struct Choice {
    slot: usize,
    out_of_hours: Vec<bool>,
}

/// Changes one occurrence at a time while that lowers the objective; each accepted change
/// lowers it strictly, so this ends (the round cap only bounds the time).
fn improve(
    options: &[Vec<Choice>],
    mut choice: Vec<usize>,
    members: usize,
) -> (Vec<usize>, (Vec<u32>, u32)) {
    let mut burden = vec![0u32; members];
    for (week, &o) in options.iter().zip(&choice) {
        if let Some(option) = week.get(o) {
            add(&mut burden, &option.out_of_hours, 1);
        }
    }
    let mut improved = true;
    let mut rounds = 0;
    while improved && rounds < 100 {
        improved = false;
        rounds += 1;
        for (k, week) in options.iter().enumerate() {
            let Some(current) = week.get(choice[k]) else {
                continue;
            };
            let mut without = burden.clone();
            add(&mut without, &current.out_of_hours, -1);
            let mut best = (objective(&burden), choice[k]);
            for (o, option) in week.iter().enumerate() {
                let mut after = without.clone();
                add(&mut after, &option.out_of_hours, 1);
                let key = (objective(&after), o);
                if key.0 < best.0 {
                    best = key;
                }
            }
            if best.1 != choice[k] {
                choice[k] = best.1;
                burden = without;
                add(&mut burden, &week[best.1].out_of_hours, 1);
                improved = true;
            }
        }
    }
    let key = objective(&burden);
    (choice, key)
}

fn is_strict_subset(a: &[bool], b: &[bool]) -> bool {
    a != b && a.iter().zip(b).all(|(&x, &y)| !x || y)
}

fn add(burden: &mut [u32], set: &[bool], sign: i32) {
    for (b, &on) in burden.iter_mut().zip(set) {
        if on {
            *b = if sign > 0 {
                *b + 1
            } else {
                b.saturating_sub(1)
            };
        }
    }
}

/// Burdens sorted from largest down (compared lexicographically), then the total.
fn objective(burden: &[u32]) -> (Vec<u32>, u32) {
    let mut sorted = burden.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    (sorted, burden.iter().sum())
}

/// Water-filling of `total` between per-member bounds `forced ≤ share ≤ capacity`
/// (see the module documentation). If `total` lies outside `[Σ forced, Σ capacity]` the level
/// is clamped, which only happens for totals no plan over these candidates can have.
pub fn fair_shares(forced: &[u32], capacity: &[u32], total: u32) -> Vec<f64> {
    let share = |level: f64| -> Vec<f64> {
        forced
            .iter()
            .zip(capacity)
            .map(|(&f, &c)| level.max(f64::from(f)).min(f64::from(c)))
            .collect()
    };
    let target = f64::from(total);
    let mut low = 0.0_f64;
    let mut high = f64::from(capacity.iter().copied().max().unwrap_or(0));
    // The sum is continuous and non-decreasing in the level; 100 halvings reach f64 precision.
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if share(mid).iter().sum::<f64>() < target {
            low = mid;
        } else {
            high = mid;
        }
    }
    share(high)
}

/// Counts each member's preferred, out-of-hours, attended and missed sessions.
pub fn member_burden(members: usize, sessions: &[Slot]) -> Vec<MemberBurden> {
    let mut burden: Vec<MemberBurden> = (0..members)
        .map(|member| MemberBurden {
            member,
            preferred: 0,
            out_of_hours: 0,
            attended: 0,
            missed: 0,
        })
        .collect();
    for slot in sessions {
        for m in &slot.members {
            let Some(b) = burden.get_mut(m.member) else {
                continue;
            };
            match m.status {
                Attendance::Preferred => {
                    b.preferred += 1;
                    b.attended += 1;
                }
                Attendance::OutOfHours => {
                    b.out_of_hours += 1;
                    b.attended += 1;
                }
                Attendance::Absent => b.missed += 1,
            }
        }
    }
    burden
}

/// Plans the fair rotation in one call (see [`SeriesCandidates::plan_rotating`]).
pub fn plan_rotating_series(
    members: &[Member],
    query: &SeriesQuery,
) -> Result<SeriesPlan, ScheduleError> {
    Ok(SeriesCandidates::find(members, query)?.plan_rotating())
}

/// A fixed series: `sessions` weekly occurrences at the same local time in the organiser's
/// zone as `first_local` ("Tuesdays 19:00 Europe/London"), each evaluated on its own date so
/// members elsewhere see it move when only one side changes clocks.
pub fn plan_fixed_series(
    members: &[Member],
    organiser_zone: TimeZone,
    first_local: NaiveDateTime,
    sessions: u32,
    duration_minutes: u32,
) -> Result<SeriesPlan, ScheduleError> {
    if sessions == 0 || sessions > 520 {
        return Err(ScheduleError::parameter(
            "sessions",
            "must be between 1 and 520",
        ));
    }
    if duration_minutes == 0 || duration_minutes > 24 * 60 {
        return Err(ScheduleError::parameter(
            "duration_minutes",
            "must be between 1 and 1440 minutes",
        ));
    }
    let starts = occurrence_starts(organiser_zone, first_local, sessions)?;
    let slots: Vec<Slot> = starts
        .into_iter()
        .map(|start| evaluate_slot(members, start, duration_minutes))
        .collect();
    Ok(SeriesPlan {
        burden: member_burden(members.len(), &slots),
        sessions: slots,
        fair_share: None,
        minimum_total: None,
    })
}

/// The UTC instants of `count` weekly occurrences at `first_local`'s wall-clock time in `zone`.
/// A wall-clock time that falls in a DST gap is an error naming `start`; in an overlap the
/// earlier instant is taken (as calendar apps do).
pub fn occurrence_starts(
    zone: TimeZone,
    first_local: NaiveDateTime,
    count: u32,
) -> Result<Vec<DateTime<Utc>>, ScheduleError> {
    let tz = zone.tz();
    (0..count)
        .map(|k| {
            let local = first_local + Duration::weeks(i64::from(k));
            tz.from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| {
                    ScheduleError::parameter(
                        "start",
                        format!(
                            "{local} does not exist in {} (clocks skip it)",
                            zone.as_str()
                        ),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_filling_respects_bounds_and_total() {
        // Three members could carry 12; one is forced to carry 8; one never can.
        let shares = fair_shares(&[0, 8, 0, 0], &[12, 12, 12, 0], 14);
        assert!((shares[0] - 3.0).abs() < 1e-6, "{shares:?}");
        assert!((shares[1] - 8.0).abs() < 1e-6);
        assert!((shares[2] - 3.0).abs() < 1e-6);
        assert!(shares[3].abs() < 1e-9);
        let shares = fair_shares(&[0, 0], &[2, 12], 10);
        assert!((shares[0] - 2.0).abs() < 1e-6 && (shares[1] - 8.0).abs() < 1e-6);
    }
}
