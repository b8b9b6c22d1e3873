//! The in-memory indicator engine: recorded activity in a compact columnar form, data element
//! values, the org-unit tree, and the roll-ups dashboards ask for.
//!
//! Facts (one per visit or session) live in a sorted [`store`] segment of five bytes a fact,
//! with their sums by (facility, month, kind) — the cube, what roll-ups scan, a fifth of the
//! work of scanning facts for about 3.3 bytes a fact more — plus a small "delta", sorted by facility and period, that takes each write: a new fact
//! ([`Engine::append`]), a retraction ([`Engine::remove`]) or both ([`Engine::update`]). The
//! delta is merged into the segment when it reaches [`DELTA_LIMIT`] entries or on
//! [`Engine::compact`]. Queries read both, so a write is visible at once. Scans run on the
//! engine's own rayon pool.
//!
//! How the app uses it: at start, [`Engine::new`] with the org-unit tree and the catalog,
//! then [`Engine::rebuild`] with every visit from the store (or [`Engine::rebuild_columns`]
//! with column batches filled in parallel); on each write to the store, the matching
//! `append`/`remove`/`update`; for a dashboard, [`Engine::group`], [`Engine::rollup`] or
//! [`Engine::evaluate_many`] with a [`Query`] (`within` an org unit's subtree, `from`/`to`
//! periods, grouped by level, period type, cadre, modality), and
//! [`Engine::facility_period`] for one facility-month.

pub mod org;
pub mod store;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::definitions::{
    ActivityMeasure, Catalog, DataElementIdx, ResolvedIndicator, ResolvedTerm, Violation,
};
use crate::error::{Error, Result};
use crate::periods::{Period, PeriodType};
pub use org::{FacilityIdx, OrgIdx, OrgTree};
use store::{Cube, NO_SCORE, Segment, check_codes, kind};
pub use store::{FactColumns, MAX_CADRES, MAX_MODALITIES};
pub use values::DataValue;
use values::DataValues;

/// Appended facts are merged into the sorted segment once the delta holds this many.
pub const DELTA_LIMIT: usize = 1 << 15;

const NONE: u32 = u32::MAX;

/// Engine settings.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The finest period facts are kept at: `Monthly` or `EthiopianMonthly`. Roll-ups go to
    /// any period type this one nests in.
    pub base: PeriodType,
    /// Checklist score (in tenths) at or above which a visit meets the standard: 800 = 80.0.
    pub standard_tenths: u16,
    /// Threads for scans and rebuilds.
    pub threads: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            base: PeriodType::Monthly,
            standard_tenths: 800,
            threads: 2,
        }
    }
}

/// One visit or session, as the app records it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fact {
    /// Facility where (or for which) it happened.
    pub facility: FacilityIdx,
    /// Base period (a month) it falls in.
    pub period: Period,
    /// Cadre code of the mentee (0..32).
    pub cadre: u8,
    /// Modality code (0..8): 0 on site, 1 virtual, 2 phone, … as the program codes them.
    pub modality: u8,
    /// Contact minutes.
    pub minutes: u16,
    /// Checklist score, if a checklist was filled (one decimal kept).
    pub score: Option<f64>,
}

/// A fact waiting in the delta, sorted by (facility, period ordinal), then in arrival order.
#[derive(Clone, Copy, Debug)]
struct DeltaFact {
    facility: u32,
    period: i32,
    kind: u8,
    minutes: u16,
    score: u16,
    /// A retraction of an earlier equal fact (a deleted or edited visit) rather than a fact.
    retract: bool,
}

impl DeltaFact {
    fn key(&self) -> (u32, i32) {
        (self.facility, self.period)
    }

    fn same_values(&self, kind: u8, minutes: u16, score: u16) -> bool {
        (self.kind, self.minutes, self.score) == (kind, minutes, score)
    }
}

/// Sums of recorded activity over a group of facts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Measures {
    /// Visits and sessions.
    pub visits: u64,
    /// Contact minutes.
    pub minutes: u64,
    /// Sum of checklist scores, in tenths (exact).
    pub score_sum_tenths: u64,
    /// Visits with a score.
    pub scored: u64,
    /// Visits with a score at or above the standard.
    pub meeting_standard: u64,
    /// Visits by modality code.
    pub by_modality: [u64; MAX_MODALITIES as usize],
}

impl Measures {
    fn add(&mut self, o: &Measures) {
        self.visits += o.visits;
        self.minutes += o.minutes;
        self.score_sum_tenths += o.score_sum_tenths;
        self.scored += o.scored;
        self.meeting_standard += o.meeting_standard;
        for (a, b) in self.by_modality.iter_mut().zip(&o.by_modality) {
            *a += b;
        }
    }

    fn add_cell(&mut self, c: &Cell, modality: usize) {
        self.visits += c.n;
        self.minutes += c.minutes;
        self.score_sum_tenths += c.score_sum;
        self.scored += c.scored;
        self.meeting_standard += c.meeting;
        self.by_modality[modality] += c.n;
    }

    /// Mean checklist score, if any visit was scored.
    pub fn mean_score(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.score_sum_tenths as f64 / 10.0 / self.scored as f64)
    }

    /// The value of one activity measure.
    pub fn get(&self, m: ActivityMeasure) -> f64 {
        match m {
            ActivityMeasure::Visits => self.visits as f64,
            ActivityMeasure::ContactMinutes => self.minutes as f64,
            ActivityMeasure::ScoreSum => self.score_sum_tenths as f64 / 10.0,
            ActivityMeasure::ScoredVisits => self.scored as f64,
            ActivityMeasure::VisitsMeetingStandard => self.meeting_standard as f64,
            ActivityMeasure::VisitsOfModality(k) => self
                .by_modality
                .get(usize::from(k))
                .map_or(0.0, |&v| v as f64),
        }
    }
}

/// Per-kind accumulator of the scan's hot loop.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    n: u64,
    minutes: u64,
    score_sum: u64,
    scored: u64,
    meeting: u64,
}

impl Cell {
    #[inline(always)]
    fn add(&mut self, minutes: u16, score: u16, standard: u16) {
        let valid = score != NO_SCORE;
        self.n += 1;
        self.minutes += u64::from(minutes);
        self.scored += u64::from(valid);
        self.score_sum += if valid { u64::from(score) } else { 0 };
        // NO_SCORE is above any standard, so `valid` must be checked too.
        self.meeting += u64::from(valid & (score >= standard));
    }

    /// Takes back what `add` added for a retracted fact. Never goes below zero: a
    /// retraction is only accepted for a fact that is held, and it is applied after it.
    #[inline]
    fn sub(&mut self, minutes: u16, score: u16, standard: u16) {
        let valid = score != NO_SCORE;
        self.n -= 1;
        self.minutes -= u64::from(minutes);
        self.scored -= u64::from(valid);
        self.score_sum -= if valid { u64::from(score) } else { 0 };
        self.meeting -= u64::from(valid & (score >= standard));
    }

    fn apply(&mut self, d: &DeltaFact, standard: u16) {
        if d.retract {
            self.sub(d.minutes, d.score, standard);
        } else {
            self.add(d.minutes, d.score, standard);
        }
    }

    fn merge(&mut self, o: &Cell) {
        self.n += o.n;
        self.minutes += o.minutes;
        self.score_sum += o.score_sum;
        self.scored += o.scored;
        self.meeting += o.meeting;
    }
}

/// What to group and filter by. The default groups everything into one row.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Org level to group by (0 = top); `None` = one group for the whole (filtered) tree.
    pub level: Option<usize>,
    /// Period type to group by; must be one the base period nests in. `None` = all time.
    pub period_type: Option<PeriodType>,
    /// Group by cadre too.
    pub by_cadre: bool,
    /// Group by modality too.
    pub by_modality: bool,
    /// Only facilities within this org unit.
    pub within: Option<OrgIdx>,
    /// Only base periods lying inside `from.start()..=to.end()` (any period types).
    pub from: Option<Period>,
    /// See `from`.
    pub to: Option<Period>,
    /// Only this cadre.
    pub cadre: Option<u8>,
    /// Only this modality.
    pub modality: Option<u8>,
}

/// Key of a result row: `None` where the query does not group by that dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct GroupKey {
    /// Org unit.
    pub org: Option<OrgIdx>,
    /// Period.
    pub period: Option<Period>,
    /// Cadre.
    pub cadre: Option<u8>,
    /// Modality.
    pub modality: Option<u8>,
}

/// One row of a group-by: key and activity sums.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Group.
    pub key: GroupKey,
    /// Sums.
    pub measures: Measures,
}

/// One computed indicator value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IndicatorValue {
    /// Group.
    pub key: GroupKey,
    /// Numerator sum.
    pub numerator: f64,
    /// Denominator sum.
    pub denominator: f64,
    /// `factor × numerator / denominator`; `None` when the denominator is 0.
    pub value: Option<f64>,
}

/// Indicator values and the validation rules they break.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Values, sorted by key.
    pub values: Vec<IndicatorValue>,
    /// Broken rules, saying what and where.
    pub violations: Vec<Violation>,
}

/// One group's activity sums and the value of each indicator asked for, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MultiRow {
    /// Group.
    pub key: GroupKey,
    /// Activity sums of the group (zero when only data elements were asked for).
    pub measures: Measures,
    /// One value per indicator, in the order given.
    pub values: Vec<IndicatorValue>,
}

/// Several indicators evaluated over the same groups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MultiEvaluation {
    /// Rows sorted by key.
    pub rows: Vec<MultiRow>,
    /// Broken rules of every indicator.
    pub violations: Vec<Violation>,
}

/// Expected and received reports for an org unit and period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Completeness {
    /// Org unit (None = whole tree) and period (None = all time).
    pub key: GroupKey,
    /// Facility × base-period reports expected.
    pub expected: u64,
    /// Reports received (at least one value of the data set).
    pub received: u64,
    /// `100 × received / expected`.
    pub percent: Option<f64>,
}

/// Grouping resolved against the tree and the segment's periods.
struct Plan {
    /// Dense org group of each facility (NONE = filtered out).
    fac_group: Vec<u32>,
    /// Org unit of each dense org group (None = single group).
    org_groups: Vec<Option<OrgIdx>>,
    /// Dense period group of each period ordinal offset from `origin` (NONE = filtered out).
    per_group: Vec<u32>,
    origin: i32,
    periods: Vec<Option<Period>>,
}

/// The engine.
pub struct Engine {
    config: EngineConfig,
    tree: OrgTree,
    catalog: Catalog,
    main: Segment,
    delta: Vec<DeltaFact>,
    kinds_seen: [bool; 256],
    values: DataValues,
    pool: Arc<rayon::ThreadPool>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .field("facts", &self.len())
            .field("delta", &self.delta.len())
            .field("values", &self.values.len())
            .finish()
    }
}

impl Engine {
    /// An empty engine over this tree and catalog.
    pub fn new(config: EngineConfig, tree: OrgTree, catalog: Catalog) -> Result<Self> {
        if !matches!(
            config.base,
            PeriodType::Monthly | PeriodType::EthiopianMonthly
        ) {
            return Err(Error::InvalidPeriod {
                id: config.base.to_string(),
                reason: "the engine's base period must be Monthly or EthiopianMonthly".to_owned(),
            });
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads.max(1))
            .thread_name(|i| format!("indicators-{i}"))
            .build()
            .map_err(|e| Error::InvalidFact {
                field: "threads",
                value: e.to_string(),
                reason: "cannot start pool",
            })?;
        let main = Segment::empty(tree.facility_count() as u32);
        Ok(Self {
            config,
            tree,
            catalog,
            main,
            delta: Vec::new(),
            kinds_seen: [false; 256],
            values: DataValues::default(),
            pool: Arc::new(pool),
        })
    }

    /// The org-unit tree.
    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// The data element catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Number of facts held.
    pub fn len(&self) -> usize {
        self.main.len() + self.delta.len()
    }

    /// Whether no fact is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of heap the engine holds (facts, offsets, delta, values, tree).
    pub fn heap_bytes(&self) -> usize {
        self.main.heap_bytes()
            + self.delta.capacity() * std::mem::size_of::<DeltaFact>()
            + self.values.heap_bytes()
            + self.tree.heap_bytes()
    }

    /// Adds a facility-level unit to the tree after start (a new site joins the program).
    pub fn tree_mut(&mut self) -> &mut OrgTree {
        &mut self.tree
    }

    /// Ordinal of a base period: consecutive base periods have consecutive ordinals.
    pub fn period_ordinal(&self, p: &Period) -> Result<i32> {
        if p.period_type() != self.config.base {
            return Err(Error::InvalidPeriod {
                id: p.to_string(),
                reason: format!("facts are kept by {} periods", self.config.base),
            });
        }
        let per_year = if self.config.base == PeriodType::Monthly {
            12
        } else {
            13
        };
        Ok(p.year() * per_year + i32::from(p.index()) - 1)
    }

    /// The base period with this ordinal.
    pub fn period_of_ordinal(&self, ord: i32) -> Result<Period> {
        let per_year = if self.config.base == PeriodType::Monthly {
            12
        } else {
            13
        };
        Period::new(
            self.config.base,
            ord.div_euclid(per_year),
            (ord.rem_euclid(per_year) + 1) as u16,
        )
    }

    fn check_facility(&self, f: u32) -> Result<()> {
        if (f as usize) < self.tree.facility_count() {
            Ok(())
        } else {
            Err(Error::InvalidFact {
                field: "facility",
                value: f.to_string(),
                reason: "no such facility",
            })
        }
    }

    fn raw_fact(&self, fact: &Fact) -> Result<DeltaFact> {
        self.check_facility(fact.facility.0)?;
        check_codes(fact.cadre, fact.modality)?;
        let score = match fact.score {
            None => NO_SCORE,
            Some(s) => {
                let t = (s * 10.0).round();
                if !(0.0..f64::from(NO_SCORE)).contains(&t) {
                    return Err(Error::InvalidFact {
                        field: "score",
                        value: s.to_string(),
                        reason: "must be 0..6553.4",
                    });
                }
                t as u16
            }
        };
        Ok(DeltaFact {
            facility: fact.facility.0,
            period: self.period_ordinal(&fact.period)?,
            kind: kind(fact.cadre, fact.modality),
            minutes: fact.minutes,
            score,
            retract: false,
        })
    }

    /// Inserts into the delta after the facts of the same key, so a key's facts and
    /// retractions stay in arrival order.
    fn insert_delta(&mut self, d: DeltaFact) -> Result<()> {
        let at = self.delta.partition_point(|x| x.key() <= d.key());
        self.delta.insert(at, d);
        if self.delta.len() >= DELTA_LIMIT {
            self.compact()?;
        }
        Ok(())
    }

    /// How many facts equal to `d` (facility, period, kind, minutes, score) are held.
    fn count_equal(&self, d: &DeltaFact) -> i64 {
        let r = self.main.slot_at(d.facility, d.period);
        let in_main = r
            .filter(|&i| {
                (self.main.kind[i], self.main.minutes[i], self.main.score[i])
                    == (d.kind, d.minutes, d.score)
            })
            .count() as i64;
        let lo = self.delta.partition_point(|x| x.key() < d.key());
        let in_delta: i64 = self.delta[lo..]
            .iter()
            .take_while(|x| x.key() == d.key())
            .filter(|x| x.same_values(d.kind, d.minutes, d.score))
            .map(|x| if x.retract { -1 } else { 1 })
            .sum();
        in_main + in_delta
    }

    /// Records one new fact (the app calls this on each write). Visible to every query at
    /// once; merged into the sorted segment in batches.
    pub fn append(&mut self, fact: &Fact) -> Result<()> {
        let d = self.raw_fact(fact)?;
        self.kinds_seen[usize::from(d.kind)] = true;
        self.insert_delta(d)
    }

    /// Takes back one fact equal to `fact` (the app calls this when a visit is deleted).
    /// Visible at once, like [`append`](Self::append). Fails with [`Error::UnknownFact`]
    /// when no equal fact is held, so the engine never drifts from the store silently.
    pub fn remove(&mut self, fact: &Fact) -> Result<()> {
        let d = DeltaFact {
            retract: true,
            ..self.raw_fact(fact)?
        };
        if self.count_equal(&d) <= 0 {
            return Err(Error::UnknownFact(format!("{fact:?}")));
        }
        self.insert_delta(d)
    }

    /// Replaces one fact by another (the app calls this when a visit is edited): checks
    /// `new` first, so on error nothing has changed.
    pub fn update(&mut self, old: &Fact, new: &Fact) -> Result<()> {
        self.raw_fact(new)?;
        self.remove(old)?;
        self.append(new)
    }

    /// Merges appended facts into the sorted segment.
    pub fn compact(&mut self) -> Result<()> {
        if self.delta.is_empty() && self.main.n_fac as usize == self.tree.facility_count() {
            return Ok(());
        }
        // Retractions cancel the latest earlier equal fact of the delta, else one of the
        // segment's (`remove` checked that one is held).
        let mut alive = vec![true; self.delta.len()];
        let mut dropped: Vec<usize> = Vec::new();
        let mut taken: HashSet<usize> = HashSet::new();
        for (i, d) in self.delta.iter().enumerate() {
            if !d.retract {
                continue;
            }
            alive[i] = false;
            let same_key = self.delta[..i]
                .iter()
                .enumerate()
                .rev()
                .take_while(|(_, x)| x.key() == d.key());
            let mut cancelled = false;
            for (j, x) in same_key {
                if alive[j] && !x.retract && x.same_values(d.kind, d.minutes, d.score) {
                    alive[j] = false;
                    cancelled = true;
                    break;
                }
            }
            if !cancelled {
                let m = &self.main;
                let row = m.slot_at(d.facility, d.period).find(|&r| {
                    (m.kind[r], m.minutes[r], m.score[r]) == (d.kind, d.minutes, d.score)
                        && !taken.contains(&r)
                });
                match row {
                    Some(r) => {
                        taken.insert(r);
                        dropped.push(r);
                    }
                    None => return Err(Error::UnknownFact(format!("{d:?}"))),
                }
            }
        }
        let mut cols = FactColumns::with_capacity(self.delta.len());
        for (d, _) in self.delta.iter().zip(&alive).filter(|(_, a)| **a) {
            cols.push_raw(d.facility, d.period, d.kind, d.minutes, d.score);
        }
        let n_fac = self.tree.facility_count() as u32;
        let threads = self.config.threads;
        let new = Segment::sort_columns(&cols)?;
        // On any error below the engine must stay as it was: the segment is only replaced
        // (or, without retractions, lent to the merge and given back).
        let trimmed = (!dropped.is_empty()).then(|| {
            dropped.sort_unstable();
            self.main.without(&dropped)
        });
        let lent = trimmed.is_none();
        let old =
            trimmed.unwrap_or_else(|| std::mem::replace(&mut self.main, Segment::empty(n_fac)));
        // The old segment goes first so that each slot keeps its facts in arrival order.
        let parts = vec![old, new];
        match self
            .pool
            .install(|| Segment::merge(parts, n_fac, None, threads))
        {
            Ok(mut seg) => {
                let standard = self.config.standard_tenths;
                seg.cube = self.pool.install(|| Cube::build(&seg, standard, threads));
                self.main = seg;
                self.delta = Vec::new();
                Ok(())
            }
            Err((e, parts)) => {
                if lent && let Some(old) = parts.into_iter().next() {
                    self.main = old;
                }
                Err(e)
            }
        }
    }

    /// Replaces all facts with these (a rebuild from the store's rows at start).
    pub fn rebuild<I: IntoIterator<Item = Fact>>(&mut self, facts: I) -> Result<()> {
        let mut cols = FactColumns::default();
        for f in facts {
            let d = self.raw_fact(&f)?;
            cols.push_raw(d.facility, d.period, d.kind, d.minutes, d.score);
        }
        self.rebuild_columns(vec![cols])
    }

    /// Replaces all facts with these column chunks (the fast path for bulk loads; chunks
    /// can be filled in parallel).
    pub fn rebuild_columns(&mut self, chunks: Vec<FactColumns>) -> Result<()> {
        let n_fac = self.tree.facility_count() as u32;
        if let Some(c) = chunks
            .iter()
            .find(|c| !c.is_empty() && c.facility_max >= n_fac)
        {
            return Err(Error::InvalidFact {
                field: "facility",
                value: c.facility_max.to_string(),
                reason: "no such facility in the org-unit tree",
            });
        }
        let parts = self.pool.install(|| {
            chunks
                .par_iter()
                .map(Segment::sort_columns)
                .collect::<Result<Vec<_>>>()
        })?;
        drop(chunks);
        self.rebuild_segments(parts, None)
    }

    /// Replaces all facts with the merge of these sorted batches, whose facility ids
    /// `source` maps as [`Segment::merge`] says (the bench loader sorts batches as it parses
    /// them, before the tree and its facility indices exist).
    pub(crate) fn rebuild_segments(
        &mut self,
        parts: Vec<Segment>,
        source: Option<&[u32]>,
    ) -> Result<()> {
        let n_fac = self.tree.facility_count() as u32;
        let threads = self.config.threads;
        let standard = self.config.standard_tenths;
        let seg = self.pool.install(|| {
            Segment::merge(parts, n_fac, source, threads).map(|mut seg| {
                seg.cube = Cube::build(&seg, standard, threads);
                seg
            })
        });
        let seg = seg.map_err(|(e, _)| e)?;
        self.kinds_seen = seg.kinds;
        self.main = seg;
        self.delta = Vec::new();
        Ok(())
    }

    fn plan(&self, q: &Query) -> Result<Plan> {
        let nf = self.tree.facility_count();
        let mut fac_group = vec![NONE; nf];
        let mut org_groups = Vec::new();
        match q.level {
            Some(l) if l >= self.tree.levels() => {
                return Err(Error::InvalidTree(format!(
                    "no level {l}: the tree has {}",
                    self.tree.levels()
                )));
            }
            Some(l) => {
                let anc = self.tree.ancestors_at(l);
                let mut dense: HashMap<u32, u32> = HashMap::new();
                let mut seen: Vec<u32> = anc.iter().copied().filter(|&a| a != NONE).collect();
                seen.sort_unstable();
                seen.dedup();
                for a in seen {
                    dense.insert(a, org_groups.len() as u32);
                    org_groups.push(Some(OrgIdx(a)));
                }
                for (f, a) in anc.iter().enumerate() {
                    if let Some(&g) = dense.get(a) {
                        fac_group[f] = g;
                    }
                }
            }
            None => {
                org_groups.push(None);
                fac_group.iter_mut().for_each(|g| *g = 0);
            }
        }
        if let Some(root) = q.within {
            for (f, g) in fac_group.iter_mut().enumerate() {
                if !self
                    .tree
                    .is_within(self.tree.org_of_facility(FacilityIdx(f as u32)), root)
                {
                    *g = NONE;
                }
            }
        }
        if let Some(pt) = q.period_type
            && !self.config.base.nests_in(pt)
        {
            return Err(Error::NotNested {
                child: self.config.base,
                parent: pt,
            });
        }
        // Periods span the segment and the delta.
        let (mut lo, mut hi) = (
            self.main.origin,
            self.main.origin + self.main.n_per as i32 - 1,
        );
        if self.main.n_per == 0 {
            (lo, hi) = (i32::MAX, i32::MIN);
        }
        for d in &self.delta {
            lo = lo.min(d.period);
            hi = hi.max(d.period);
        }
        let mut per_group = Vec::new();
        let mut periods: Vec<Option<Period>> = Vec::new();
        if lo <= hi {
            let start = q.from.map(|p| p.start());
            let end = q.to.map(|p| p.end());
            let mut dense: BTreeMap<Period, u32> = BTreeMap::new();
            let mut raw = Vec::with_capacity((hi - lo + 1) as usize);
            for ord in lo..=hi {
                let p = self.period_of_ordinal(ord)?;
                let keep = start.is_none_or(|s| p.start() >= s) && end.is_none_or(|e| p.end() <= e);
                let parent = match (keep, q.period_type) {
                    (false, _) => None,
                    (true, Some(pt)) => Some(Some(p.parent_in(pt)?)),
                    (true, None) => Some(None),
                };
                raw.push(parent);
            }
            // Dense ids in period order.
            for p in raw.iter().flatten() {
                let key = p.unwrap_or(Period::new(PeriodType::Yearly, 1, 1)?);
                let n = dense.len() as u32;
                dense.entry(key).or_insert(n);
            }
            let order: Vec<Period> = dense.keys().copied().collect();
            let rank: HashMap<Period, u32> = order
                .iter()
                .enumerate()
                .map(|(i, p)| (*p, i as u32))
                .collect();
            for p in &raw {
                per_group.push(match p {
                    None => NONE,
                    Some(p) => rank[&p.unwrap_or(Period::new(PeriodType::Yearly, 1, 1)?)],
                });
            }
            periods = order
                .into_iter()
                .map(|p| q.period_type.map(|_| p))
                .collect();
        }
        Ok(Plan {
            fac_group,
            org_groups,
            per_group,
            origin: lo,
            periods,
        })
    }

    /// Sums recorded activity by the query's groups. Never touches the row store: one
    /// parallel pass over the cube's (facility, month, kind) sums, plus the delta, then a
    /// fold of per-kind cells into the wanted keys.
    pub fn group(&self, q: &Query) -> Result<Vec<Row>> {
        let plan = self.plan(q)?;
        let n_og = plan.org_groups.len();
        let n_pg = plan.periods.len();
        // Cells per (org group, period group) are by "cell kind": the modality always (the
        // measures count visits by modality), the cadre when the query groups or filters by
        // it, or when the cells are few anyway: spreading sums over more cells shortens the
        // chains of read-modify-writes on one cell, while collapsing cadres keeps the memory
        // of fine-grained queries (every facility by month) small. Only kinds seen count.
        let seen_kinds = self.kinds_seen.iter().filter(|&&k| k).count();
        let keep_cadre = q.by_cadre
            || q.cadre.is_some()
            || n_og * n_pg * seen_kinds * std::mem::size_of::<(Cell, [u64; 2])>() <= 4 << 20;
        let mut kind_id = [0u8; 256];
        let mut cell_kinds: Vec<u8> = Vec::new();
        for (k, seen) in self.kinds_seen.iter().enumerate() {
            if *seen {
                let ck = if keep_cadre { k as u8 } else { k as u8 & 7 };
                let id = match cell_kinds.iter().position(|&c| c == ck) {
                    Some(id) => id,
                    None => {
                        cell_kinds.push(ck);
                        cell_kinds.len() - 1
                    }
                };
                kind_id[k] = id as u8;
            }
        }
        let nk = cell_kinds.len().max(1);
        let standard = self.config.standard_tenths;
        let seg = &self.main;
        // Per base-period index of the segment: period group (NONE = skip).
        let seg_pg: Vec<u32> = (0..seg.n_per)
            .map(|p| {
                let i = seg.origin + p as i32 - plan.origin;
                plan.per_group.get(i as usize).copied().unwrap_or(NONE)
            })
            .collect();
        let mut acc = vec![Cell::default(); n_og * n_pg * nk];
        let parts = seg.period_parts(self.config.threads * 4);
        let cube = &seg.cube;
        // Each part scans a range of periods, so it only needs cells for the period groups
        // those periods fall in (dense period groups follow period order): the window
        // `pg0..pg0 + span`.
        let scan = |range: std::ops::Range<u32>| -> (usize, usize, Vec<Cell>) {
            let groups = || {
                range
                    .clone()
                    .map(|p| seg_pg[p as usize])
                    .filter(|&g| g != NONE)
            };
            let (Some(pg0), Some(pg1)) = (groups().min(), groups().max()) else {
                return (0, 0, Vec::new());
            };
            let (pg0, span) = (pg0 as usize, (pg1 - pg0) as usize + 1);
            let mut part = vec![Cell::default(); n_og * span * nk];
            let nf = seg.n_fac as usize;
            for p in range {
                let pg = seg_pg[p as usize];
                if pg == NONE {
                    continue;
                }
                let pg = pg as usize - pg0;
                // Facilities added since the last compaction have facts in the delta only.
                for f in 0..nf {
                    let og = plan.fac_group[f];
                    if og == NONE {
                        continue;
                    }
                    let block = &mut part[(og as usize * span + pg) * nk..][..nk];
                    // The cube's (slot, kind) sums, not the facts: a fifth of the work.
                    for c in cube.cells(p as usize * nf + f) {
                        let cell = &mut block[usize::from(kind_id[usize::from(cube.kind[c])])];
                        cell.n += u64::from(cube.n[c]);
                        cell.scored += u64::from(cube.scored[c]);
                        cell.meeting += u64::from(cube.meeting[c]);
                        cell.minutes += u64::from(cube.minutes[c]);
                        cell.score_sum += u64::from(cube.score_sum[c]);
                    }
                }
            }
            (pg0, span, part)
        };
        if !acc.is_empty() {
            // One thread: scan here. Handing the work to a one-thread pool and waiting for
            // it costs two context switches a query, more than a small program's scan.
            let scanned: Vec<_> = if self.config.threads <= 1 {
                parts.into_iter().map(scan).collect()
            } else {
                self.pool
                    .install(|| parts.into_par_iter().map(scan).collect())
            };
            for (pg0, span, part) in scanned {
                for og in 0..n_og {
                    for pg in 0..span {
                        let from = &part[(og * span + pg) * nk..][..nk];
                        let to = &mut acc[(og * n_pg + pg0 + pg) * nk..][..nk];
                        to.iter_mut().zip(from).for_each(|(x, y)| x.merge(y));
                    }
                }
            }
        }
        for d in &self.delta {
            let og = plan
                .fac_group
                .get(d.facility as usize)
                .copied()
                .unwrap_or(NONE);
            let pg = plan
                .per_group
                .get((d.period - plan.origin) as usize)
                .copied()
                .unwrap_or(NONE);
            if og != NONE && pg != NONE && !acc.is_empty() {
                acc[(og as usize * n_pg + pg as usize) * nk
                    + usize::from(kind_id[usize::from(d.kind)])]
                .apply(d, standard);
            }
        }
        // Fold cell kinds into the wanted keys.
        let mut out: BTreeMap<GroupKey, Measures> = BTreeMap::new();
        for og in 0..n_og {
            for pg in 0..n_pg {
                for (ki, &k) in cell_kinds.iter().enumerate() {
                    let c = &acc[(og * n_pg + pg) * nk + ki];
                    if c.n == 0 {
                        continue;
                    }
                    let (cadre, modality) = (k >> 3, k & 7);
                    if q.cadre.is_some_and(|x| x != cadre)
                        || q.modality.is_some_and(|x| x != modality)
                    {
                        continue;
                    }
                    let key = GroupKey {
                        org: plan.org_groups[og],
                        period: plan.periods[pg],
                        cadre: q.by_cadre.then_some(cadre),
                        modality: q.by_modality.then_some(modality),
                    };
                    out.entry(key)
                        .or_default()
                        .add_cell(c, usize::from(modality));
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(key, measures)| Row { key, measures })
            .collect())
    }

    /// Roll-up over the tree: the query grouped at each of `levels` (e.g. district, region,
    /// country), computed with one scan at the deepest level and folded upward through the
    /// parent array.
    pub fn rollup(&self, q: &Query, levels: &[usize]) -> Result<Vec<Row>> {
        let Some(&deepest) = levels.iter().max() else {
            return Ok(Vec::new());
        };
        let base = self.group(&Query {
            level: Some(deepest),
            ..q.clone()
        })?;
        let mut out: BTreeMap<(usize, GroupKey), Measures> = BTreeMap::new();
        for row in &base {
            let Some(mut o) = row.key.org else { continue };
            loop {
                let l = self.tree.level_of(o);
                if levels.contains(&l) {
                    out.entry((
                        l,
                        GroupKey {
                            org: Some(o),
                            ..row.key
                        },
                    ))
                    .or_default()
                    .add(&row.measures);
                }
                match self.tree.parent(o) {
                    Some(p) => o = p,
                    None => break,
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|((_, key), measures)| Row { key, measures })
            .collect())
    }

    /// Activity of one facility in one base period: two offset reads and a short scan (plus
    /// a binary search of the delta).
    pub fn facility_period(&self, f: FacilityIdx, period: &Period) -> Result<Measures> {
        self.check_facility(f.0)?;
        let ord = self.period_ordinal(period)?;
        let standard = self.config.standard_tenths;
        let mut cells = [Cell::default(); MAX_MODALITIES as usize];
        let seg = &self.main;
        let r = seg.slot_at(f.0, ord);
        for ((&k, &m), &s) in seg.kind[r.clone()]
            .iter()
            .zip(&seg.minutes[r.clone()])
            .zip(&seg.score[r])
        {
            cells[usize::from(k & 7)].add(m, s, standard);
        }
        let lo = self
            .delta
            .partition_point(|x| (x.facility, x.period) < (f.0, ord));
        for d in self.delta[lo..]
            .iter()
            .take_while(|x| (x.facility, x.period) == (f.0, ord))
        {
            cells[usize::from(d.kind & 7)].apply(d, standard);
        }
        let mut m = Measures::default();
        for (modality, c) in cells.iter().enumerate() {
            m.add_cell(c, modality);
        }
        Ok(m)
    }

    /// Records (or replaces) a data element value for a facility and period.
    pub fn set_value(
        &mut self,
        element: &str,
        coc: Option<&str>,
        org_unit: &str,
        period: Period,
        value: f64,
    ) -> Result<()> {
        let de = self
            .catalog
            .find(element)
            .ok_or_else(|| Error::UnknownDataElement {
                indicator: format!("value at {org_unit} {period}"),
                element: element.to_owned(),
            })?;
        let c = self
            .catalog
            .coc(&format!("value at {org_unit} {period}"), de, coc)?;
        let f = self.tree.facility(org_unit)?;
        if !value.is_finite() {
            return Err(Error::InvalidFact {
                field: "value",
                value: value.to_string(),
                reason: "not a number",
            });
        }
        self.values.set(DataValue {
            element: de,
            coc: c,
            facility: f,
            period,
            value,
        });
        Ok(())
    }

    /// Removes a data element value; returns whether there was one.
    pub fn remove_value(
        &mut self,
        element: DataElementIdx,
        coc: u16,
        f: FacilityIdx,
        period: Period,
    ) -> bool {
        self.values.remove(element, coc, f, period)
    }

    /// Sums of each resolved data element term by query group (no cadre/modality groups:
    /// data elements have none).
    fn element_sums(
        &self,
        terms: &[(DataElementIdx, Option<u16>)],
        q: &Query,
    ) -> Result<HashMap<GroupKey, Vec<f64>>> {
        if q.by_cadre || q.by_modality || q.cadre.is_some() || q.modality.is_some() {
            return Err(Error::InvalidIndicator {
                indicator: String::new(),
                reason: "data element values have no cadre or modality to group or filter by"
                    .to_owned(),
            });
        }
        let level_anc = q.level.map(|l| self.tree.ancestors_at(l));
        let start = q.from.map(|p| p.start());
        let end = q.to.map(|p| p.end());
        let mut out: HashMap<GroupKey, Vec<f64>> = HashMap::new();
        for v in self.values.iter() {
            let matching: Vec<usize> = terms
                .iter()
                .enumerate()
                .filter(|(_, (de, coc))| *de == v.element && coc.is_none_or(|c| c == v.coc))
                .map(|(i, _)| i)
                .collect();
            if matching.is_empty() {
                continue;
            }
            let org_unit = self.tree.org_of_facility(v.facility);
            if q.within.is_some_and(|w| !self.tree.is_within(org_unit, w)) {
                continue;
            }
            if start.is_some_and(|s| v.period.start() < s)
                || end.is_some_and(|e| v.period.end() > e)
            {
                continue;
            }
            let period = match q.period_type {
                // Values finer than or equal to the group period roll up; coarser ones
                // (a yearly value asked by quarter) cannot be split and are left out.
                Some(pt) => match v.period.parent_in(pt) {
                    Ok(p) => Some(p),
                    Err(_) => continue,
                },
                None => None,
            };
            let org = match level_anc {
                Some(anc) => match anc.get(v.facility.0 as usize) {
                    Some(&a) if a != NONE => Some(OrgIdx(a)),
                    _ => continue,
                },
                None => None,
            };
            let key = GroupKey {
                org,
                period,
                cadre: None,
                modality: None,
            };
            let sums = out.entry(key).or_insert_with(|| vec![0.0; terms.len()]);
            for i in matching {
                sums[i] += v.value;
            }
        }
        Ok(out)
    }

    /// Evaluates an indicator by the query's groups and checks its validation rules.
    pub fn evaluate(&self, ind: &ResolvedIndicator, q: &Query) -> Result<Evaluation> {
        let many = self.evaluate_many(std::slice::from_ref(ind), q)?;
        Ok(Evaluation {
            values: many
                .rows
                .into_iter()
                .filter_map(|r| r.values.into_iter().next())
                .collect(),
            violations: many.violations,
        })
    }

    /// Evaluates several indicators over one scan (a dashboard's KPIs by the same groups).
    pub fn evaluate_many(&self, inds: &[ResolvedIndicator], q: &Query) -> Result<MultiEvaluation> {
        let activity: HashMap<GroupKey, Measures> =
            if inds.iter().any(ResolvedIndicator::uses_activity) {
                self.group(q)?
                    .into_iter()
                    .map(|r| (r.key, r.measures))
                    .collect()
            } else {
                HashMap::new()
            };
        // Every data element term of every indicator, in order.
        let mut de_terms: Vec<(DataElementIdx, Option<u16>)> = Vec::new();
        for ind in inds {
            for t in ind.numerator.iter().chain(&ind.denominator) {
                if let ResolvedTerm::DataElement(d, c) = t {
                    de_terms.push((*d, *c));
                }
            }
        }
        let elements = if de_terms.is_empty() {
            HashMap::new()
        } else {
            self.element_sums(&de_terms, q).map_err(|e| match e {
                Error::InvalidIndicator { reason, .. } => Error::InvalidIndicator {
                    indicator: inds
                        .iter()
                        .filter(|i| i.uses_data_elements())
                        .map(|i| i.indicator.code.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    reason,
                },
                other => other,
            })?
        };
        let mut keys: Vec<GroupKey> = activity
            .keys()
            .chain(elements.keys())
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        keys.sort_unstable();
        let zero = Measures::default();
        let mut rows = Vec::with_capacity(keys.len());
        let mut violations = Vec::new();
        for key in keys {
            let m = activity.get(&key).unwrap_or(&zero);
            let de = elements.get(&key);
            let mut de_i = 0usize;
            let mut values = Vec::with_capacity(inds.len());
            for ind in inds {
                let mut sums = [0.0f64; 2];
                for (side, terms) in [&ind.numerator, &ind.denominator].into_iter().enumerate() {
                    for t in terms {
                        sums[side] += match t {
                            ResolvedTerm::Activity(a) => m.get(*a),
                            ResolvedTerm::Constant(c) => *c,
                            ResolvedTerm::DataElement(..) => {
                                de_i += 1;
                                de.map_or(0.0, |s| s[de_i - 1])
                            }
                        };
                    }
                }
                let [num, den] = sums;
                if !ind.indicator.rules.is_empty() {
                    violations.extend(ind.indicator.check(&self.place(&key), num, den));
                }
                values.push(IndicatorValue {
                    key,
                    numerator: num,
                    denominator: den,
                    value: ind.indicator.value(num, den),
                });
            }
            rows.push(MultiRow {
                key,
                measures: *m,
                values,
            });
        }
        Ok(MultiEvaluation { rows, violations })
    }

    /// Human-readable place of a key, for violation reports: `ORG 2024Q1 cadre 2`.
    pub fn place(&self, key: &GroupKey) -> String {
        let mut s = key.org.map_or_else(
            || "all org units".to_owned(),
            |o| self.tree.code(o).to_owned(),
        );
        s.push(' ');
        s.push_str(
            &key.period
                .map_or_else(|| "all periods".to_owned(), |p| p.to_string()),
        );
        if let Some(c) = key.cadre {
            s.push_str(&format!(" cadre {c}"));
        }
        if let Some(m) = key.modality {
            s.push_str(&format!(" modality {m}"));
        }
        s
    }

    /// Reporting completeness of a data set (these elements): per org group and period group,
    /// facility × base-period reports expected versus those with at least one value. Only
    /// `level`, `period_type`, `within`, `from` and `to` of the query apply; the base periods
    /// considered are those from `from` to `to` (both required).
    pub fn completeness(
        &self,
        elements: &[DataElementIdx],
        q: &Query,
    ) -> Result<Vec<Completeness>> {
        let (Some(from), Some(to)) = (q.from, q.to) else {
            return Err(Error::InvalidPeriod {
                id: String::new(),
                reason: "completeness needs from and to".to_owned(),
            });
        };
        let mut received: HashSet<(u32, i32)> = HashSet::new();
        for v in self.values.iter() {
            if elements.contains(&v.element) && v.period.period_type() == self.config.base {
                received.insert((v.facility.0, self.period_ordinal(&v.period)?));
            }
        }
        let first = Period::containing(self.config.base, from.start())?;
        let mut out: BTreeMap<GroupKey, (u64, u64)> = BTreeMap::new();
        let mut p = first;
        while p.end() <= to.end() {
            if p.start() >= from.start() {
                let ord = self.period_ordinal(&p)?;
                let period = match q.period_type {
                    Some(pt) => Some(p.parent_in(pt)?),
                    None => None,
                };
                for f in 0..self.tree.facility_count() as u32 {
                    let o = self.tree.org_of_facility(FacilityIdx(f));
                    if q.within.is_some_and(|w| !self.tree.is_within(o, w)) {
                        continue;
                    }
                    let org = match q.level {
                        Some(l) => match self.tree.ancestor(FacilityIdx(f), l) {
                            Some(a) => Some(a),
                            None => continue,
                        },
                        None => None,
                    };
                    let e = out
                        .entry(GroupKey {
                            org,
                            period,
                            cadre: None,
                            modality: None,
                        })
                        .or_default();
                    e.0 += 1;
                    e.1 += u64::from(received.contains(&(f, ord)));
                }
            }
            p = p.next()?;
        }
        Ok(out
            .into_iter()
            .map(|(key, (expected, received))| Completeness {
                key,
                expected,
                received,
                percent: (expected > 0).then(|| 100.0 * received as f64 / expected as f64),
            })
            .collect())
    }
}
