//! The columnar fact segment: facts sorted by (facility, base period), five bytes a fact.
//!
//! Facility and period are not stored per fact: they are implied by the position, through a
//! CSR-style `offsets` array with one entry per (facility, period) slot. A slot's facts are
//! `offsets[slot]..offsets[slot + 1]`, so a facility-month lookup is two array reads, and a
//! scan visits each slot once knowing its facility and period without reading them per row.

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
#[derive(Clone, Debug, Default)]
pub struct FactColumns {
    pub(crate) facility: Vec<u32>,
    pub(crate) period: Vec<i32>,
    pub(crate) kind: Vec<u8>,
    pub(crate) minutes: Vec<u16>,
    pub(crate) score: Vec<u16>,
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
        }
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
        self.facility.push(facility);
        self.period.push(period_ordinal);
        self.kind.push(kind(cadre, modality));
        self.minutes.push(minutes);
        self.score.push(score);
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

/// Facts sorted by (facility, period) in three columns plus slot offsets.
#[derive(Clone, Debug, Default)]
pub(crate) struct Segment {
    pub n_fac: u32,
    pub n_per: u32,
    /// Ordinal of base period index 0.
    pub origin: i32,
    /// `n_fac * n_per + 1` entries.
    pub offsets: Vec<u32>,
    pub kind: Vec<u8>,
    pub minutes: Vec<u16>,
    pub score: Vec<u16>,
}

impl Segment {
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.kind.capacity()
            + self.minutes.capacity() * 2
            + self.score.capacity() * 2
    }

    /// Row range of slot (facility, period index).
    #[inline]
    pub fn slot(&self, f: u32, p: u32) -> std::ops::Range<usize> {
        let s = (f * self.n_per + p) as usize;
        self.offsets[s] as usize..self.offsets[s + 1] as usize
    }

    /// Builds a segment from an old one plus new facts (in `chunks`), for `n_fac` facilities.
    /// Every facility index must be below `n_fac` (checked here). Runs in the current rayon
    /// pool: counting per chunk in parallel, then one scatter thread per facility range.
    pub fn build(
        old: &Segment,
        chunks: &[FactColumns],
        n_fac: u32,
        threads: usize,
    ) -> Result<Segment> {
        // Period range over old and new facts.
        let (mut lo, mut hi) = if old.len() > 0 {
            (old.origin, old.origin + old.n_per as i32 - 1)
        } else {
            (i32::MAX, i32::MIN)
        };
        let (clo, chi, fmax) = chunks
            .par_iter()
            .map(|c| {
                let lo = c.period.iter().copied().min().unwrap_or(i32::MAX);
                let hi = c.period.iter().copied().max().unwrap_or(i32::MIN);
                let fm = c.facility.iter().copied().max().unwrap_or(0);
                (lo, hi, fm)
            })
            .reduce(
                || (i32::MAX, i32::MIN, 0),
                |a, b| (a.0.min(b.0), a.1.max(b.1), a.2.max(b.2)),
            );
        let new_rows: usize = chunks.iter().map(FactColumns::len).sum();
        if new_rows > 0 && fmax >= n_fac {
            return Err(Error::InvalidFact {
                field: "facility",
                value: fmax.to_string(),
                reason: "no such facility in the org-unit tree",
            });
        }
        lo = lo.min(clo);
        hi = hi.max(chi);
        if lo > hi {
            return Ok(Segment {
                n_fac,
                n_per: 0,
                origin: 0,
                offsets: vec![0],
                ..Segment::default()
            });
        }
        let n_per = u32::try_from(i64::from(hi) - i64::from(lo) + 1)
            .ok()
            .filter(|&n| n <= 100_000)
            .ok_or(Error::InvalidFact {
                field: "period",
                value: format!("{lo}..{hi}"),
                reason: "span too wide",
            })?;
        let n_slots = n_fac as usize * n_per as usize;
        if n_slots >= u32::MAX as usize || old.len() + new_rows >= u32::MAX as usize {
            return Err(Error::InvalidFact {
                field: "rows",
                value: (old.len() + new_rows).to_string(),
                reason: "more than 4 billion facts or slots",
            });
        }
        let slot_of = move |f: u32, p: i32| f as usize * n_per as usize + (p - lo) as usize;
        let old_shift = old.origin - lo;

        // Count per slot.
        let mut counts = chunks
            .par_iter()
            .fold(
                || vec![0u32; n_slots],
                |mut counts, c| {
                    for (&f, &p) in c.facility.iter().zip(&c.period) {
                        counts[slot_of(f, p)] += 1;
                    }
                    counts
                },
            )
            .reduce(
                || vec![0u32; n_slots],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        for f in 0..old.n_fac {
            for p in 0..old.n_per {
                let r = old.slot(f, p);
                counts[f as usize * n_per as usize + (p as i32 + old_shift) as usize] +=
                    r.len() as u32;
            }
        }
        let mut offsets = Vec::with_capacity(n_slots + 1);
        let mut acc = 0u32;
        offsets.push(0);
        for c in &counts {
            acc += c;
            offsets.push(acc);
        }
        drop(counts);
        let total = acc as usize;

        // Split facilities into ranges of about equal row counts, one per scatter task.
        let parts = threads.max(1);
        let mut bounds = vec![0u32];
        for t in 1..parts {
            let target = (total * t / parts) as u32;
            let f = (0..n_fac)
                .collect::<Vec<_>>()
                .partition_point(|&f| offsets[f as usize * n_per as usize] < target);
            bounds.push((f as u32).max(*bounds.last().unwrap_or(&0)));
        }
        bounds.push(n_fac);

        let mut kind = vec![0u8; total];
        let mut minutes = vec![0u16; total];
        let mut score = vec![0u16; total];
        // Carve the output columns into disjoint per-range slices so tasks write safely.
        let mut tasks = Vec::new();
        {
            let (mut k_rest, mut m_rest, mut s_rest) =
                (&mut kind[..], &mut minutes[..], &mut score[..]);
            let mut consumed = 0usize;
            for w in bounds.windows(2) {
                let (f0, f1) = (w[0], w[1]);
                let row_end = offsets[f1 as usize * n_per as usize] as usize;
                let n = row_end - consumed;
                let (k, kr) = std::mem::take(&mut k_rest).split_at_mut(n);
                let (m, mr) = std::mem::take(&mut m_rest).split_at_mut(n);
                let (s, sr) = std::mem::take(&mut s_rest).split_at_mut(n);
                (k_rest, m_rest, s_rest) = (kr, mr, sr);
                tasks.push((f0, f1, consumed, k, m, s));
                consumed = row_end;
            }
        }
        let offsets_ref = &offsets;
        tasks.into_par_iter().for_each(|(f0, f1, base, k, m, s)| {
            let s_lo = f0 as usize * n_per as usize;
            let s_hi = f1 as usize * n_per as usize;
            let mut cursor: Vec<u32> = offsets_ref[s_lo..s_hi]
                .iter()
                .map(|&o| o - base as u32)
                .collect();
            // Old facts first, so a slot keeps its facts in arrival order.
            for f in f0.min(old.n_fac)..f1.min(old.n_fac) {
                for p in 0..old.n_per {
                    let r = old.slot(f, p);
                    let slot = f as usize * n_per as usize + (p as i32 + old_shift) as usize;
                    let c = cursor[slot - s_lo] as usize;
                    let n = r.len();
                    k[c..c + n].copy_from_slice(&old.kind[r.clone()]);
                    m[c..c + n].copy_from_slice(&old.minutes[r.clone()]);
                    s[c..c + n].copy_from_slice(&old.score[r]);
                    cursor[slot - s_lo] += n as u32;
                }
            }
            for ch in chunks {
                for i in 0..ch.len() {
                    let f = ch.facility[i];
                    if f < f0 || f >= f1 {
                        continue;
                    }
                    let slot = slot_of(f, ch.period[i]) - s_lo;
                    let c = cursor[slot] as usize;
                    k[c] = ch.kind[i];
                    m[c] = ch.minutes[i];
                    s[c] = ch.score[i];
                    cursor[slot] += 1;
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
        })
    }
}
