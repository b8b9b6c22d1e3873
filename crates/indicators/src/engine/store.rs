//! The columnar fact segment: facts sorted by (base period, facility), five bytes a fact.
//!
//! Facility and period are not stored per fact: they are implied by the position, through a
//! CSR-style `offsets` array with one entry per (period, facility) slot. A slot's facts are
//! `offsets[slot]..offsets[slot + 1]`, so a facility-month lookup is two array reads, and a
//! scan visits each slot once knowing its facility and period without reading them per row.
//!
//! Slots are period-major because facts arrive in time order: a rebuild or a compaction then
//! writes into a narrow, cache-resident window of the output instead of all over it.
//! A segment is built by sorting small batches into segments of their own
//! ([`Segment::sort_columns`], cache-sized and parallel) and merging those
//! ([`Segment::merge`]), which is mostly contiguous copying and needs only the five bytes a
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
        })
    }

    /// Merges segments into one over facilities `0..n_fac`: slot by slot, each part's facts
    /// in the order of `parts` (oldest first keeps a slot in arrival order). `source`, if
    /// given, names for each output facility the facility id the parts use (`u32::MAX` =
    /// none); otherwise ids are kept. Every fact must land: a part facility that no output
    /// facility takes is an error. Copies in `threads` period ranges on the current rayon
    /// pool, each writing its own slice of the output.
    pub fn merge(
        parts: &[Segment],
        n_fac: u32,
        source: Option<&[u32]>,
        threads: usize,
    ) -> Result<Segment> {
        let live: Vec<&Segment> = parts.iter().filter(|s| s.len() > 0).collect();
        let total: usize = live.iter().map(|s| s.len()).sum();
        let mut kinds = [false; 256];
        for s in &live {
            kinds.iter_mut().zip(&s.kinds).for_each(|(a, b)| *a |= b);
        }
        let Some(lo) = live.iter().map(|s| s.origin).min() else {
            return Ok(Segment::empty(n_fac));
        };
        let hi = live
            .iter()
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
        // The parts holding facts of each period (few: batches are mostly in time order).
        let mut covering: Vec<Vec<&Segment>> = vec![Vec::new(); n_per as usize];
        for s in &live {
            for p in 0..s.n_per {
                covering[(s.origin - lo) as usize + p as usize].push(s);
            }
        }
        let mut offsets = Vec::with_capacity(n_slots + 1);
        let mut acc = 0usize;
        offsets.push(0u32);
        for (g, parts) in covering.iter().enumerate() {
            let ord = lo + g as i32;
            for f in 0..nf {
                let sf = src(f);
                acc += parts
                    .iter()
                    .map(|s| s.slot_at(sf, ord).len())
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

        // Period ranges of about equal row counts, one per task.
        let first_at = |rows: usize| {
            let (mut a, mut b) = (0usize, n_per as usize);
            while a < b {
                let m = (a + b) / 2;
                if (offsets[m * nf] as usize) < rows {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            a
        };
        let n_parts = threads.max(1);
        let mut bounds = vec![0usize];
        for t in 1..n_parts {
            let g = first_at(total * t / n_parts).max(bounds[bounds.len() - 1]);
            bounds.push(g);
        }
        bounds.push(n_per as usize);
        let (mut kind, mut minutes, mut score) =
            (vec![0u8; total], vec![0u16; total], vec![0u16; total]);
        let mut tasks = Vec::with_capacity(n_parts);
        {
            let (mut k_rest, mut m_rest, mut s_rest) =
                (&mut kind[..], &mut minutes[..], &mut score[..]);
            for w in bounds.windows(2) {
                let n = (offsets[w[1] * nf] - offsets[w[0] * nf]) as usize;
                let (k, kr) = std::mem::take(&mut k_rest).split_at_mut(n);
                let (m, mr) = std::mem::take(&mut m_rest).split_at_mut(n);
                let (s, sr) = std::mem::take(&mut s_rest).split_at_mut(n);
                (k_rest, m_rest, s_rest) = (kr, mr, sr);
                tasks.push((w[0]..w[1], k, m, s));
            }
        }
        let covering = &covering;
        tasks.into_par_iter().for_each(|(periods, k, m, s)| {
            // Output slots are filled in order, so the write position is a running count.
            let mut at = 0usize;
            for g in periods {
                let ord = lo + g as i32;
                for f in 0..nf {
                    let sf = src(f);
                    for part in &covering[g] {
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
        });
        Ok(Segment {
            n_fac,
            n_per,
            origin: lo,
            offsets,
            kind,
            minutes,
            score,
            kinds,
        })
    }
}
