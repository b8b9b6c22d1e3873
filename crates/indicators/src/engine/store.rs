//! The columnar fact segment: facts sorted by (base period, facility), five bytes a fact,
//! and its `Cube` of sums by (slot, kind) that roll-ups scan.
//!
//! Facility and period are not stored per fact: they are implied by the position, through a
//! CSR-style `offsets` array with one entry per (period, facility) slot. A slot's facts are
//! `offsets[slot]..offsets[slot + 1]`, so a facility-month lookup is two array reads, and a
//! scan visits each slot once knowing its facility and period without reading them per row.
//!
//! Slots are period-major because facts arrive in time order: a rebuild or a compaction then
//! writes into a narrow, cache-resident window of the output instead of all over it.
//! A segment is built by sorting small batches into segments of their own
//! (`Segment::sort_columns`, cache-sized and parallel) and merging those
//! (`Segment::merge`), which is mostly contiguous copying and needs only the five bytes a
//! fact of the inputs besides the output: no wide intermediate columns stay alive.

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Score value meaning "no checklist score recorded".
pub(crate) const NO_SCORE: u16 = u16::MAX;
/// Cadre codes must be below this (5 bits of the kind byte).
pub const MAX_CADRES: u8 = 32;
/// Modality codes must be below this (3 bits of the kind byte).
pub const MAX_MODALITIES: u8 = 8;

/// Packs cadre and modality in one byte: the "kind" of a fact.
#[inline]
pub(crate) fn kind(cadre: u8, modality: u8) -> u8 {
    (cadre << 3) | modality
}

/// Facts in input order, column by column, before they are sorted into a segment. This is
/// what a rebuild reads; parsers fill several in parallel and hand them over together.
#[derive(Clone, Debug)]
pub struct FactColumns {
    pub(crate) facility: Vec<u32>,
    pub(crate) period: Vec<i32>,
    pub(crate) kind: Vec<u8>,
    pub(crate) minutes: Vec<u16>,
    pub(crate) score: Vec<u16>,
    /// Smallest and largest period ordinal and largest facility pushed (kept on push so that
    /// sorting needs no extra pass).
    pub(crate) period_lo: i32,
    pub(crate) period_hi: i32,
    pub(crate) facility_max: u32,
}

impl Default for FactColumns {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl FactColumns {
    /// Empty columns with room for `n` facts.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            facility: Vec::with_capacity(n),
            period: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            minutes: Vec::with_capacity(n),
            score: Vec::with_capacity(n),
            period_lo: i32::MAX,
            period_hi: i32::MIN,
            facility_max: 0,
        }
    }

    /// Appends one fact whose codes are already checked (kind packed, score in tenths or
    /// [`NO_SCORE`]).
    #[inline]
    pub(crate) fn push_raw(
        &mut self,
        facility: u32,
        period: i32,
        kind: u8,
        minutes: u16,
        score: u16,
    ) {
        self.facility.push(facility);
        self.period.push(period);
        self.kind.push(kind);
        self.minutes.push(minutes);
        self.score.push(score);
        self.period_lo = self.period_lo.min(period);
        self.period_hi = self.period_hi.max(period);
        self.facility_max = self.facility_max.max(facility);
    }

    /// Removes all facts, keeping the allocations (for reuse as a parse buffer).
    pub fn clear(&mut self) {
        self.facility.clear();
        self.period.clear();
        self.kind.clear();
        self.minutes.clear();
        self.score.clear();
        self.period_lo = i32::MAX;
        self.period_hi = i32::MIN;
        self.facility_max = 0;
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Appends one fact: facility index, base-period ordinal (see
    /// [`crate::engine::Engine::period_ordinal`]), cadre, modality, contact minutes and
    /// checklist score in tenths (`None` when no checklist was filled). Facility bounds are
    /// checked when the columns are loaded, against the engine's tree.
    #[inline]
    pub fn push(
        &mut self,
        facility: u32,
        period_ordinal: i32,
        cadre: u8,
        modality: u8,
        minutes: u16,
        score_tenths: Option<u16>,
    ) -> Result<()> {
        check_codes(cadre, modality)?;
        let score = match score_tenths {
            Some(s) if s == NO_SCORE => {
                return Err(Error::InvalidFact {
                    field: "score",
                    value: s.to_string(),
                    reason: "scores are stored in tenths below 6553.5",
                });
            }
            Some(s) => s,
            None => NO_SCORE,
        };
        self.push_raw(
            facility,
            period_ordinal,
            kind(cadre, modality),
            minutes,
            score,
        );
        Ok(())
    }
}

pub(crate) fn check_codes(cadre: u8, modality: u8) -> Result<()> {
    if cadre >= MAX_CADRES {
        return Err(Error::InvalidFact {
            field: "cadre",
            value: cadre.to_string(),
            reason: "cadre codes are 0..32",
        });
    }
    if modality >= MAX_MODALITIES {
        return Err(Error::InvalidFact {
            field: "modality",
            value: modality.to_string(),
            reason: "modality codes are 0..8",
        });
    }
    Ok(())
}

/// Facts sorted by (period, facility) in three columns plus slot offsets.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub n_fac: u32,
    pub n_per: u32,
    /// Ordinal of base period index 0.
    pub origin: i32,
    /// `n_per * n_fac + 1` entries; slot `p * n_fac + f`.
    pub offsets: Vec<u32>,
    pub kind: Vec<u8>,
    pub minutes: Vec<u16>,
    pub score: Vec<u16>,
    /// Which kinds occur, so scans give a cell only to those.
    pub kinds: [bool; 256],
    /// Sums by (slot, kind), what roll-ups read; built for the engine's main segment only
    /// (see [`Cube::build`]), empty elsewhere.
    pub cube: Cube,
}

/// Number of base periods from `lo` to `hi`, refusing spans no real program has (they would
/// make the offsets array huge).
fn span(lo: i32, hi: i32) -> Result<u32> {
    u32::try_from(i64::from(hi) - i64::from(lo) + 1)
        .ok()
        .filter(|&n| n <= 100_000)
        .ok_or(Error::InvalidFact {
            field: "period",
            value: format!("{lo}..{hi}"),
            reason: "span too wide",
        })
}

/// Checks that slots and rows fit the `u32` offsets; returns the slot count.
fn slot_count(n_fac: u32, n_per: u32, rows: usize) -> Result<usize> {
    let n_slots = n_fac as usize * n_per as usize;
    if n_slots >= u32::MAX as usize || rows >= u32::MAX as usize {
        return Err(Error::InvalidFact {
            field: "rows",
            value: rows.to_string(),
            reason: "more than 4 billion facts or slots",
        });
    }
    Ok(n_slots)
}

impl Segment {
    /// No facts, over `n_fac` facilities.
    pub fn empty(n_fac: u32) -> Self {
        Self {
            n_fac,
            n_per: 0,
            origin: 0,
            offsets: vec![0],
            kind: Vec::new(),
            minutes: Vec::new(),
            score: Vec::new(),
            kinds: [false; 256],
            cube: Cube::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.kind.capacity()
            + self.minutes.capacity() * 2
            + self.score.capacity() * 2
            + self.cube.heap_bytes()
    }

    /// Splits the periods into about `n` ranges of similar fact counts (for parallel work
    /// on disjoint slot ranges).
    pub fn period_parts(&self, n: usize) -> Vec<std::ops::Range<u32>> {
        let nf = self.n_fac as usize;
        let total = self.len();
        let n = n.max(1);
        let mut out = Vec::with_capacity(n);
        let mut start = 0u32;
        for t in 1..=n {
            let target = total * t / n;
            let mut end = start;
            while end < self.n_per && (self.offsets[(end as usize + 1) * nf] as usize) <= target {
                end += 1;
            }
            if t == n {
                end = self.n_per;
            }
            if end > start {
                out.push(start..end);
                start = end;
            }
        }
        out
    }

    /// Row range of slot (facility, period index); both must be in range.
    #[inline]
    pub fn slot(&self, f: u32, p: u32) -> std::ops::Range<usize> {
        // Cannot overflow: `slot_count` keeps n_per * n_fac below u32::MAX.
        let s = (p * self.n_fac + f) as usize;
        self.offsets[s] as usize..self.offsets[s + 1] as usize
    }

    /// Row range of facility `f` at period ordinal `ord`; empty outside the segment.
    #[inline]
    pub fn slot_at(&self, f: u32, ord: i32) -> std::ops::Range<usize> {
        let p = i64::from(ord) - i64::from(self.origin);
        if f < self.n_fac && p >= 0 && p < i64::from(self.n_per) {
            self.slot(f, p as u32)
        } else {
            0..0
        }
    }

    /// This segment without the rows at `dropped` (sorted, distinct, in range): how
    /// retracted facts leave at compaction.
    pub fn without(&self, dropped: &[usize]) -> Segment {
        let keep = self.len() - dropped.len();
        let (mut kind, mut minutes, mut score) = (
            Vec::with_capacity(keep),
            Vec::with_capacity(keep),
            Vec::with_capacity(keep),
        );
        let mut from = 0;
        for &r in dropped.iter().chain(std::iter::once(&self.len())) {
            kind.extend_from_slice(&self.kind[from..r]);
            minutes.extend_from_slice(&self.minutes[from..r]);
            score.extend_from_slice(&self.score[from..r]);
            from = r + 1;
        }
        // Each offset moves down by the number of dropped rows before it.
        let mut gone = 0usize;
        let offsets = self
            .offsets
            .iter()
            .map(|&o| {
                while gone < dropped.len() && dropped[gone] < o as usize {
                    gone += 1;
                }
                o - gone as u32
            })
            .collect();
        Segment {
            offsets,
            kind,
            minutes,
            score,
            cube: Cube::default(),
            ..*self
        }
    }

    /// Sorts a batch of facts into a segment of its own over facilities `0..=max facility`
    /// and the batch's periods: a single-threaded counting sort, meant for batches of a few
    /// hundred thousand facts that callers sort in parallel and then [`merge`](Self::merge).
    /// Facts of a slot keep their order in the batch.
    pub fn sort_columns(c: &FactColumns) -> Result<Segment> {
        if c.is_empty() {
            return Ok(Segment::empty(0));
        }
        let n_fac = c.facility_max.checked_add(1).ok_or(Error::InvalidFact {
            field: "facility",
            value: c.facility_max.to_string(),
            reason: "facility index too large",
        })?;
        let lo = c.period_lo;
        let n_per = span(lo, c.period_hi)?;
        let n_slots = slot_count(n_fac, n_per, c.len())?;
        let nf = n_fac as usize;
        let slot = |f: u32, p: i32| (p - lo) as usize * nf + f as usize;
        // Count into offsets[slot + 1], then a prefix sum turns counts into starts.
        let mut offsets = vec![0u32; n_slots + 1];
        for (&f, &p) in c.facility.iter().zip(&c.period) {
            offsets[slot(f, p) + 1] += 1;
        }
        for s in 0..n_slots {
            offsets[s + 1] += offsets[s];
        }
        let mut cursor = offsets[..n_slots].to_vec();
        let n = c.len();
        let (mut kind, mut minutes, mut score) = (vec![0u8; n], vec![0u16; n], vec![0u16; n]);
        let mut kinds = [false; 256];
        for i in 0..n {
            let s = slot(c.facility[i], c.period[i]);
            let at = cursor[s] as usize;
            cursor[s] += 1;
            kind[at] = c.kind[i];
            minutes[at] = c.minutes[i];
            score[at] = c.score[i];
            kinds[usize::from(c.kind[i])] = true;
        }
        Ok(Segment {
            n_fac,
            n_per,
            origin: lo,
            offsets,
            kind,
            minutes,
            score,
            kinds,
            cube: Cube::default(),
        })
    }

    /// Merges segments into one over facilities `0..n_fac`: slot by slot, each part's facts
    /// in the order of `parts` (oldest first keeps a slot in arrival order). `source`, if
    /// given, names for each output facility the facility id the parts use (`u32::MAX` =
    /// none); otherwise ids are kept. Every fact must land: a part facility that no output
    /// facility takes is an error, and the parts come back with it, untouched.
    ///
    /// Copies on the current rayon pool in waves of `threads` period ranges, each task
    /// writing its own slice of the output, and frees each part once the waves are past its
    /// last period: with parts in time order, the parts and the output are never both fully
    /// resident, so a rebuild peaks near one copy of the facts rather than two.
    pub fn merge(
        parts: Vec<Segment>,
        n_fac: u32,
        source: Option<&[u32]>,
        threads: usize,
    ) -> std::result::Result<Segment, (Error, Vec<Segment>)> {
        match MergePlan::new(&parts, n_fac, source) {
            Ok(plan) => Ok(plan.run(parts, source, threads)),
            Err(e) => Err((e, parts)),
        }
    }
}

/// Where every slot of a merge comes from; checked before any part is consumed.
struct MergePlan {
    n_fac: u32,
    lo: i32,
    n_per: u32,
    offsets: Vec<u32>,
    kinds: [bool; 256],
    /// Indices of the parts holding facts of each period (few: batches are mostly in time
    /// order).
    covering: Vec<Vec<usize>>,
}

impl MergePlan {
    fn new(parts: &[Segment], n_fac: u32, source: Option<&[u32]>) -> Result<MergePlan> {
        let live = || parts.iter().filter(|s| s.len() > 0);
        let total: usize = live().map(Segment::len).sum();
        let mut kinds = [false; 256];
        for s in live() {
            kinds.iter_mut().zip(&s.kinds).for_each(|(a, b)| *a |= b);
        }
        let Some(lo) = live().map(|s| s.origin).min() else {
            return Ok(MergePlan {
                n_fac,
                lo: 0,
                n_per: 0,
                offsets: vec![0],
                kinds,
                covering: Vec::new(),
            });
        };
        let hi = live()
            .map(|s| s.origin + s.n_per as i32 - 1)
            .max()
            .unwrap_or(lo);
        let n_per = span(lo, hi)?;
        let n_slots = slot_count(n_fac, n_per, total)?;
        let nf = n_fac as usize;
        if source.is_some_and(|m| m.len() != nf) {
            return Err(Error::InvalidFact {
                field: "facility",
                value: nf.to_string(),
                reason: "facility map does not match the tree",
            });
        }
        let src = |f: usize| source.map_or(f as u32, |m| m[f]);
        let mut covering: Vec<Vec<usize>> = vec![Vec::new(); n_per as usize];
        for (i, s) in parts.iter().enumerate().filter(|(_, s)| s.len() > 0) {
            for p in 0..s.n_per {
                covering[(s.origin - lo) as usize + p as usize].push(i);
            }
        }
        let mut offsets = Vec::with_capacity(n_slots + 1);
        let mut acc = 0usize;
        offsets.push(0u32);
        for (g, cover) in covering.iter().enumerate() {
            let ord = lo + g as i32;
            for f in 0..nf {
                let sf = src(f);
                acc += cover
                    .iter()
                    .map(|&i| parts[i].slot_at(sf, ord).len())
                    .sum::<usize>();
                // Cannot truncate: `slot_count` checked the total against u32::MAX.
                offsets.push(acc as u32);
            }
        }
        if acc != total {
            return Err(Error::InvalidFact {
                field: "facility",
                value: (total - acc).to_string(),
                reason: "facts recorded on facilities outside the org-unit tree",
            });
        }
        Ok(MergePlan {
            n_fac,
            lo,
            n_per,
            offsets,
            kinds,
            covering,
        })
    }

    /// First period index whose slots start at or after row `rows`.
    fn first_period_at(&self, rows: usize) -> usize {
        let nf = self.n_fac as usize;
        let (mut a, mut b) = (0usize, self.n_per as usize);
        while a < b {
            let m = (a + b) / 2;
            if (self.offsets[m * nf] as usize) < rows {
                a = m + 1;
            } else {
                b = m;
            }
        }
        a
    }

    fn run(self, parts: Vec<Segment>, source: Option<&[u32]>, threads: usize) -> Segment {
        let nf = self.n_fac as usize;
        let total = self.offsets[self.offsets.len() - 1] as usize;
        let src = |f: usize| source.map_or(f as u32, |m| m[f]);
        // Last period index of each part, to free it once the waves are past it.
        let last: Vec<Option<usize>> = parts
            .iter()
            .map(|s| (s.len() > 0).then(|| (s.origin - self.lo) as usize + s.n_per as usize - 1))
            .collect();
        let mut parts: Vec<Option<Segment>> = parts
            .into_iter()
            .map(|s| (s.len() > 0).then_some(s))
            .collect();
        // Period ranges of about equal row counts, `threads` of them per wave.
        let threads = threads.max(1);
        let n_ranges = threads * 8;
        let mut bounds = vec![0usize];
        for t in 1..n_ranges {
            let g = self
                .first_period_at(total * t / n_ranges)
                .max(bounds[bounds.len() - 1]);
            bounds.push(g);
        }
        bounds.push(self.n_per as usize);
        bounds.dedup();
        let (mut kind, mut minutes, mut score) =
            (vec![0u8; total], vec![0u16; total], vec![0u16; total]);
        let mut tasks = Vec::with_capacity(bounds.len());
        {
            let (mut k_rest, mut m_rest, mut s_rest) =
                (&mut kind[..], &mut minutes[..], &mut score[..]);
            for w in bounds.windows(2) {
                let n = (self.offsets[w[1] * nf] - self.offsets[w[0] * nf]) as usize;
                let (k, kr) = std::mem::take(&mut k_rest).split_at_mut(n);
                let (m, mr) = std::mem::take(&mut m_rest).split_at_mut(n);
                let (s, sr) = std::mem::take(&mut s_rest).split_at_mut(n);
                (k_rest, m_rest, s_rest) = (kr, mr, sr);
                tasks.push((w[0]..w[1], k, m, s));
            }
        }
        let mut tasks = tasks.into_iter();
        loop {
            let wave: Vec<_> = tasks.by_ref().take(threads).collect();
            let Some(done) = wave.last().map(|t| t.0.end) else {
                break;
            };
            let refs: Vec<Option<&Segment>> = parts.iter().map(Option::as_ref).collect();
            let (covering, lo) = (&self.covering, self.lo);
            wave.into_par_iter().for_each(|(periods, k, m, s)| {
                // Output slots are filled in order, so the write position is a running count.
                let mut at = 0usize;
                for g in periods {
                    let ord = lo + g as i32;
                    for f in 0..nf {
                        let sf = src(f);
                        // A covering part is alive: parts are freed only after their last
                        // period.
                        for part in covering[g].iter().filter_map(|&i| refs[i]) {
                            let r = part.slot_at(sf, ord);
                            let n = r.len();
                            if n == 0 {
                                continue;
                            }
                            k[at..at + n].copy_from_slice(&part.kind[r.clone()]);
                            m[at..at + n].copy_from_slice(&part.minutes[r.clone()]);
                            s[at..at + n].copy_from_slice(&part.score[r]);
                            at += n;
                        }
                    }
                }
                debug_assert_eq!(at, k.len(), "the plan counted every fact");
            });
            for (p, l) in parts.iter_mut().zip(&last) {
                if l.is_some_and(|l| l < done) {
                    *p = None;
                }
            }
        }
        Segment {
            n_fac: self.n_fac,
            n_per: self.n_per,
            origin: self.lo,
            offsets: self.offsets,
            kind,
            minutes,
            score,
            kinds: self.kinds,
            cube: Cube::default(),
        }
    }
}

/// A segment's facts summed by (slot, kind): the form roll-ups scan. The facts of this
/// benchmark's 10 million rows fall into 2.2 million (facility, month, kind) cells, so a
/// scan of cells does a fifth of the work of a scan of facts, for 15 bytes a cell (about
/// 3.3 bytes a fact). The facts stay, for lookups, retractions and anything a cell does not
/// sum. A cell holds at most 65,535 facts, so its 16- and 32-bit sums cannot overflow; a
/// kind with more facts in one slot gets several cells.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cube {
    /// `n_slots + 1` entries: slot `s`'s cells are `slot_cells[s]..slot_cells[s + 1]`.
    pub slot_cells: Vec<u32>,
    pub kind: Vec<u8>,
    pub n: Vec<u16>,
    pub scored: Vec<u16>,
    pub meeting: Vec<u16>,
    pub minutes: Vec<u32>,
    pub score_sum: Vec<u32>,
}

/// Sums of one kind in one slot while a cube is built.
#[derive(Clone, Copy, Debug, Default)]
struct CellSums {
    n: u32,
    scored: u32,
    meeting: u32,
    minutes: u32,
    score_sum: u32,
}

/// Most facts one cube cell holds.
const CELL_MAX: u32 = u16::MAX as u32;

/// Per-thread scratch for summing one slot by kind.
struct SlotSums {
    sums: [CellSums; 256],
    touched: Vec<u8>,
}

impl SlotSums {
    fn new() -> Self {
        Self {
            sums: [CellSums::default(); 256],
            touched: Vec::with_capacity(256),
        }
    }

    /// Sums rows `r` of `seg` by kind and hands each cell to `emit`, in order of first
    /// appearance (a full cell is handed over as soon as it fills).
    fn run(
        &mut self,
        seg: &Segment,
        r: std::ops::Range<usize>,
        standard: u16,
        mut emit: impl FnMut(u8, &CellSums),
    ) {
        for i in r {
            let k = seg.kind[i];
            let c = &mut self.sums[usize::from(k)];
            if c.n == 0 {
                self.touched.push(k);
            } else if c.n == CELL_MAX {
                emit(k, c);
                // Still in `touched`: the kind's next cell continues from zero.
                *c = CellSums::default();
            }
            let s = seg.score[i];
            let valid = s != NO_SCORE;
            c.n += 1;
            c.minutes += u32::from(seg.minutes[i]);
            c.scored += u32::from(valid);
            c.score_sum += if valid { u32::from(s) } else { 0 };
            c.meeting += u32::from(valid & (s >= standard));
        }
        for &k in &self.touched {
            let c = &mut self.sums[usize::from(k)];
            if c.n > 0 {
                emit(k, c);
            }
            *c = CellSums::default();
        }
        self.touched.clear();
    }
}

impl Cube {
    pub fn heap_bytes(&self) -> usize {
        self.slot_cells.capacity() * 4
            + self.kind.capacity()
            + (self.n.capacity() + self.scored.capacity() + self.meeting.capacity()) * 2
            + (self.minutes.capacity() + self.score_sum.capacity()) * 4
    }

    /// Cells of slot `s`.
    #[inline]
    pub fn cells(&self, s: usize) -> std::ops::Range<usize> {
        self.slot_cells[s] as usize..self.slot_cells[s + 1] as usize
    }

    /// Sums `seg`'s facts by slot and kind, `standard` (tenths) deciding which scores meet
    /// the standard. Two passes over period ranges on the current rayon pool: one counts
    /// each slot's cells, the other fills them into arrays allocated at their exact size,
    /// so the build needs no memory beyond the cube.
    pub fn build(seg: &Segment, standard: u16, threads: usize) -> Cube {
        let nf = seg.n_fac as usize;
        let n_slots = nf * seg.n_per as usize;
        let ranges = seg.period_parts(threads.max(1) * 4);
        let slots_of = |r: &std::ops::Range<u32>| r.start as usize * nf..r.end as usize * nf;
        // Pass 1: cells per slot, into slot_cells[s + 1].
        let mut slot_cells = vec![0u32; n_slots + 1];
        {
            let mut rest = &mut slot_cells[1..];
            let mut tasks = Vec::with_capacity(ranges.len());
            for r in &ranges {
                let slots = slots_of(r);
                let (mine, more) = std::mem::take(&mut rest).split_at_mut(slots.len());
                rest = more;
                tasks.push((slots.start, mine));
            }
            tasks.into_par_iter().for_each(|(first, counts)| {
                let mut scratch = SlotSums::new();
                for (i, c) in counts.iter_mut().enumerate() {
                    let s = first + i;
                    let rows = seg.offsets[s] as usize..seg.offsets[s + 1] as usize;
                    if rows.len() <= CELL_MAX as usize {
                        // No kind can fill a cell: count distinct kinds with a bit set.
                        let mut bits = [0u64; 4];
                        for &k in &seg.kind[rows] {
                            bits[usize::from(k >> 6)] |= 1 << (k & 63);
                        }
                        *c = bits.iter().map(|b| b.count_ones()).sum();
                    } else {
                        scratch.run(seg, rows, standard, |_, _| *c += 1);
                    }
                }
            });
        }
        for s in 0..n_slots {
            slot_cells[s + 1] += slot_cells[s];
        }
        // Pass 2: fill each range's cells into its own slice of the arrays.
        let total = slot_cells[n_slots] as usize;
        let mut cube = Cube {
            kind: vec![0; total],
            n: vec![0; total],
            scored: vec![0; total],
            meeting: vec![0; total],
            minutes: vec![0; total],
            score_sum: vec![0; total],
            slot_cells,
        };
        {
            let sc = &cube.slot_cells;
            let mut tasks = Vec::with_capacity(ranges.len());
            let (mut k, mut n, mut scored, mut meeting, mut minutes, mut score_sum) = (
                &mut cube.kind[..],
                &mut cube.n[..],
                &mut cube.scored[..],
                &mut cube.meeting[..],
                &mut cube.minutes[..],
                &mut cube.score_sum[..],
            );
            for r in &ranges {
                let slots = slots_of(r);
                let len = (sc[slots.end] - sc[slots.start]) as usize;
                let (a, ar) = std::mem::take(&mut k).split_at_mut(len);
                let (b, br) = std::mem::take(&mut n).split_at_mut(len);
                let (c, cr) = std::mem::take(&mut scored).split_at_mut(len);
                let (d, dr) = std::mem::take(&mut meeting).split_at_mut(len);
                let (e, er) = std::mem::take(&mut minutes).split_at_mut(len);
                let (f, fr) = std::mem::take(&mut score_sum).split_at_mut(len);
                (k, n, scored, meeting, minutes, score_sum) = (ar, br, cr, dr, er, fr);
                tasks.push((slots, a, b, c, d, e, f));
            }
            tasks
                .into_par_iter()
                .for_each(|(slots, k, n, scored, meeting, minutes, score_sum)| {
                    let mut scratch = SlotSums::new();
                    let mut at = 0usize;
                    for s in slots {
                        let rows = seg.offsets[s] as usize..seg.offsets[s + 1] as usize;
                        scratch.run(seg, rows, standard, |kind, c| {
                            // Cannot truncate: a cell holds at most CELL_MAX facts.
                            k[at] = kind;
                            n[at] = c.n as u16;
                            scored[at] = c.scored as u16;
                            meeting[at] = c.meeting as u16;
                            minutes[at] = c.minutes;
                            score_sum[at] = c.score_sum;
                            at += 1;
                        });
                    }
                });
        }
        cube
    }
}
