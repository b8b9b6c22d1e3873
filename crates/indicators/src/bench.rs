//! The KPI benchmark (the one module of this crate that does I/O): reads the events that
//! `shared/bench/kpi/gen_events.py` generates, exported once to CSV, rebuilds the engine from
//! them and times the four queries of `bench_kpi.py`.
//!
//! Events file format: CSV with a header line
//! `facility_id,district,region,period,cadre,modality,duration_minutes,checklist_score`,
//! one visit a line, unsigned integer codes (facility ids below 100,000, period as `yyyymm`),
//! the score as a decimal (kept to one decimal; empty = no checklist), `\n` or `\r\n` line
//! ends. This is what DuckDB writes with
//! `COPY (SELECT * FROM read_parquet('events.parquet')) TO 'events.csv' (HEADER)`, which
//! `crates/indicators/bench/to_csv.py` runs. The org-unit tree (country > region > district >
//! facility) is taken from the file's facility, district and region columns. Targets, if
//! given, are the CSV export of `targets.parquet`: `region,year,quarter,cadre,target_visits`.
//!
//! The reader is the engine's rebuild path at full speed: lines in the common shape are
//! parsed eight bytes at a time without a branch per digit, any other line by a careful
//! parser that names the bad field; each piece of the file is sorted into a small segment as
//! soon as it is parsed, and the pieces are merged at the end (see `engine::store`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::definitions::{Catalog, Category, Indicator, ResolvedIndicator};
use crate::engine::store::Segment;
use crate::engine::{Engine, EngineConfig, FacilityIdx, FactColumns, OrgTree, Query};
use crate::error::{Error, Result};
use crate::periods::{Period, PeriodType};

/// Timings and answers of one benchmark run.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Events file read.
    pub events: PathBuf,
    /// Facts loaded.
    pub rows: usize,
    /// Threads used for rebuild and scans.
    pub threads: usize,
    /// Rebuild: read and parse the file, build the tree and the sorted columns (seconds).
    pub rebuild_s: f64,
    /// Where the rebuild time went.
    pub load: LoadTimes,
    /// Engine heap bytes per fact (fact columns, offsets, the cube of sums, the tree).
    pub heap_bytes_per_row: f64,
    /// Process resident set growth over the rebuild, per fact (from /proc/self/status;
    /// `None` where unavailable). Above the heap figure by what the allocator keeps of the
    /// freed per-piece segments.
    pub resident_bytes_per_row: Option<f64>,
    /// Peak resident set of the process, MiB (VmHWM): the rebuild's high-water mark, when
    /// the pieces and the merged segment are both alive.
    pub peak_rss_mb: Option<f64>,
    /// `peak_rss_mb` in bytes per fact: the figure held against the 12 bytes a row target.
    pub peak_rss_bytes_per_row: Option<f64>,
    /// Q1: region × quarter × cadre with ratio indicators.
    pub q1: QueryTiming,
    /// Q2: Q1 against targets (only with a targets file).
    pub q2: Option<QueryTiming>,
    /// Q3: country > region > district × year roll-up.
    pub q3: QueryTiming,
    /// Q4: facility-month lookups.
    pub q4: LookupTiming,
}

/// Timing of a query: first run, median of the next runs, and answer checksums.
#[derive(Clone, Debug, Serialize)]
pub struct QueryTiming {
    /// First (cold) run, seconds.
    pub first_s: f64,
    /// Median of 5 further runs, seconds.
    pub median_s: f64,
    /// Result rows.
    pub out_rows: usize,
    /// Sum of visits over the rows (for Q3: over the country rows), as `bench_kpi.py` prints.
    pub checksum_visits: u64,
    /// Further checksums over all result rows: sums of minutes and of each ratio column.
    pub checksums: HashMap<String, f64>,
}

/// Timing of facility-month lookups.
#[derive(Clone, Debug, Serialize)]
pub struct LookupTiming {
    /// Number of keys looked up.
    pub n: usize,
    /// Median per lookup, milliseconds.
    pub median_ms: f64,
    /// Slowest lookup, milliseconds.
    pub max_ms: f64,
    /// Sum of visits over the looked-up keys.
    pub checksum_visits: u64,
    /// The keys: (facility id, yyyymm); in the answers dump, not in the printed report.
    #[serde(skip)]
    pub keys: Vec<(u32, u32)>,
}

/// One result row of Q1/Q2, as compared with DuckDB.
#[derive(Clone, Debug, Serialize)]
pub struct Q1Row {
    /// Region code (integer in the events file).
    pub region: u32,
    /// Year.
    pub year: i32,
    /// Quarter 1..4.
    pub quarter: u16,
    /// Cadre code.
    pub cadre: u8,
    /// Visits.
    pub visits: u64,
    /// Contact minutes.
    pub minutes: u64,
    /// Mean checklist score.
    pub avg_score: Option<f64>,
    /// Percent of visits meeting the standard (score ≥ 80).
    pub pct_meeting_std: Option<f64>,
    /// Percent of visits on site.
    pub pct_onsite: Option<f64>,
    /// Target visits (Q2).
    pub target_visits: Option<u64>,
    /// Percent of target reached (Q2).
    pub pct_of_target: Option<f64>,
}

/// One result row of Q3.
#[derive(Clone, Debug, Serialize)]
pub struct Q3Row {
    /// `country`, `region` or `district`.
    pub lvl: String,
    /// Region code, where the level has one.
    pub region: Option<u32>,
    /// District code, at district level.
    pub district: Option<u32>,
    /// Year.
    pub year: i32,
    /// Visits.
    pub n: u64,
    /// Percent meeting the standard.
    pub pct: Option<f64>,
}

/// The answers, for comparison with DuckDB (`--dump`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct BenchAnswers {
    /// Q1 rows (with Q2 columns when targets were given).
    pub q1: Vec<Q1Row>,
    /// Q3 rows.
    pub q3: Vec<Q3Row>,
    /// Q4: (facility, yyyymm, visits, minutes, avg score).
    pub q4: Vec<(u32, u32, u64, u64, Option<f64>)>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads `/proc/self/status` field `name` in bytes.
fn proc_status_bytes(name: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(name))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// A parsed piece of the events file, already sorted into a small segment.
struct Chunk {
    seg: Segment,
    /// District code per facility id (u32::MAX = not seen), region per district.
    fac_district: Vec<u32>,
    district_region: Vec<u32>,
    /// Lines consumed (for error line numbers of later pieces).
    lines: usize,
}

/// Why a piece failed: a bad line (1-based within the piece) or an engine limit.
enum PieceError {
    Line(usize, String),
    Engine(Error),
}

/// Facility ids must be below this: they index per-piece arrays, as dense codes do.
const MAX_FACILITY_ID: u32 = 100_000;
/// District ids must be below this.
const MAX_DISTRICT_ID: u32 = 1_000_000;

/// The fields of one events line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Line {
    fac: u32,
    district: u32,
    region: u32,
    period: u32,
    cadre: u32,
    modality: u32,
    minutes: u32,
    /// Score in tenths, `None` when empty.
    score: Option<u32>,
}

/// Parses an unsigned integer field ending at `,` or end of line; advances `i` past the
/// separator.
fn uint(b: &[u8], i: &mut usize) -> Option<u32> {
    let start = *i;
    let mut v: u32 = 0;
    while *i < b.len() && b[*i].is_ascii_digit() {
        v = v.checked_mul(10)?.checked_add(u32::from(b[*i] - b'0'))?;
        *i += 1;
    }
    if *i == start {
        return None;
    }
    if *i < b.len() && b[*i] == b',' {
        *i += 1;
    }
    Some(v)
}

/// Parses the score field (to end of line) into tenths; `Some(None)` when empty.
fn score_tenths(b: &[u8], i: &mut usize) -> Option<Option<u32>> {
    let start = *i;
    while *i < b.len() && b[*i] != b'\n' && b[*i] != b'\r' {
        *i += 1;
    }
    let f = &b[start..*i];
    if f.is_empty() {
        return Some(None);
    }
    // Any decimal notation (more decimals, exponent): parse as a float and round to tenths.
    let x: f64 = std::str::from_utf8(f).ok()?.parse().ok()?;
    let t = (x * 10.0).round();
    (0.0..65535.0).contains(&t).then_some(Some(t as u32))
}

/// The careful parser: any line, with the reason when it is bad. Leaves `i` after the line.
fn slow_line(b: &[u8], i: &mut usize) -> std::result::Result<Line, &'static str> {
    let fac = uint(b, i).ok_or("facility_id is not a number")?;
    let district = uint(b, i).ok_or("district is not a number")?;
    let region = uint(b, i).ok_or("region is not a number")?;
    let period = uint(b, i).ok_or("period is not yyyymm")?;
    let cadre = uint(b, i).ok_or("cadre is not a number")?;
    let modality = uint(b, i).ok_or("modality is not a number")?;
    let minutes = uint(b, i).ok_or("duration_minutes is not a number")?;
    let score = score_tenths(b, i).ok_or("checklist_score is not a number 0..6553.4")?;
    if *i < b.len() && b[*i] == b'\r' {
        *i += 1;
    }
    if *i < b.len() {
        if b[*i] != b'\n' {
            return Err("extra fields after checklist_score");
        }
        *i += 1;
    }
    Ok(Line {
        fac,
        district,
        region,
        period,
        cadre,
        modality,
        minutes,
        score,
    })
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The unsigned decimal number at the start of the 8 bytes `w` (little-endian) and its digit
/// count, without a branch per digit (SWAR): 8 means no non-digit was found (the caller
/// falls back), 0 means no digit.
#[inline(always)]
fn swar_uint(w: u64) -> (u32, usize) {
    let x = w ^ (0x30 * ONES); // digits become 0..=9
    // High bit of each byte set where the byte is not a digit (x ≥ 10), with no carry
    // between bytes.
    let non_digit = (((x & (0x7F * ONES)) + (0x76 * ONES)) | x) & (0x80 * ONES);
    let len = (non_digit.trailing_zeros() / 8) as usize;
    if len == 0 {
        return (0, 0);
    }
    // Move the digits to the top bytes (leading zeros below), then combine pairs, quads and
    // octets of digits with three multiplications.
    let mut v = x << (8 * (8 - len));
    v = ((v & (0x0F * ONES)).wrapping_mul(2561)) >> 8;
    v = ((v & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601)) >> 16;
    v = ((v & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001)) >> 32;
    (v as u32, len)
}

/// Parses the common line shape (seven integers of at most seven digits, a score with at
/// most one decimal, `\n`) from 64 readable bytes; `None` sends the line to [`slow_line`].
/// Returns the line and its length.
#[inline(always)]
fn fast_line(b: &[u8]) -> Option<(Line, usize)> {
    let w: &[u8; 64] = b.get(..64)?.try_into().ok()?;
    let word =
        |o: usize| -> Option<u64> { Some(u64::from_le_bytes(w.get(o..o + 8)?.try_into().ok()?)) };
    let mut f = [0u32; 7];
    let mut o = 0usize;
    for v in &mut f {
        let (x, len) = swar_uint(word(o)?);
        if len == 0 || len == 8 || w[o + len] != b',' {
            return None;
        }
        *v = x;
        o += len + 1;
    }
    let (int, len) = swar_uint(word(o)?);
    let at = |k: usize| w.get(o + len + k).copied();
    let (score, used) = match at(0)? {
        b'\n' if len == 0 => (None, 1),
        b'\n' if len < 8 => (Some(int * 10), len + 1),
        b'.' if len > 0 && len < 8 && at(1)?.is_ascii_digit() && at(2)? == b'\n' => {
            (Some(int * 10 + u32::from(at(1)? - b'0')), len + 3)
        }
        _ => return None,
    };
    let [fac, district, region, period, cadre, modality, minutes] = f;
    Some((
        Line {
            fac,
            district,
            region,
            period,
            cadre,
            modality,
            minutes,
            score,
        },
        o + used,
    ))
}

/// Facility → district → region codes seen in a piece, checked for consistency.
#[derive(Default)]
struct Codes {
    fac_district: Vec<u32>,
    district_region: Vec<u32>,
}

impl Codes {
    #[inline(always)]
    fn see(&mut self, l: &Line) -> std::result::Result<(), &'static str> {
        let fi = l.fac as usize;
        if fi >= self.fac_district.len() {
            if l.fac >= MAX_FACILITY_ID {
                return Err("facility_id above 100,000 (ids must be dense codes)");
            }
            self.fac_district.resize(fi + 1, u32::MAX);
        }
        if self.fac_district[fi] == l.district {
            return Ok(());
        }
        if self.fac_district[fi] != u32::MAX {
            return Err("facility appears under two districts");
        }
        self.fac_district[fi] = l.district;
        let di = l.district as usize;
        if di >= self.district_region.len() {
            if l.district >= MAX_DISTRICT_ID {
                return Err("district above 1,000,000");
            }
            self.district_region.resize(di + 1, u32::MAX);
        }
        if self.district_region[di] != l.region && self.district_region[di] != u32::MAX {
            return Err("district appears under two regions");
        }
        self.district_region[di] = l.region;
        Ok(())
    }
}

/// Checks a line's values and appends it as a fact (facility as the file's id).
#[inline(always)]
fn accept(l: &Line, cols: &mut FactColumns, codes: &mut Codes) -> std::result::Result<(), String> {
    let (y, m) = ((l.period / 100) as i32, l.period % 100);
    if !(1..=12).contains(&m) || !(1..=9999).contains(&y) {
        return Err("period is not yyyymm".to_owned());
    }
    codes.see(l)?;
    let cadre = u8::try_from(l.cadre).map_err(|_| "cadre above 255")?;
    let modality = u8::try_from(l.modality).map_err(|_| "modality above 255")?;
    let minutes = u16::try_from(l.minutes).map_err(|_| "duration_minutes above 65535")?;
    let score = l
        .score
        .map(u16::try_from)
        .transpose()
        .map_err(|_| "checklist_score above 6553.4")?;
    cols.push(
        l.fac,
        y * 12 + m as i32 - 1,
        cadre,
        modality,
        minutes,
        score,
    )
    .map_err(|e| e.to_string())
}

/// Parses the whole lines of a piece and sorts them into a segment.
fn parse_piece(b: &[u8]) -> std::result::Result<Chunk, PieceError> {
    thread_local! {
        // Each pool thread parses into the same columns piece after piece: no allocation
        // churn, and no fresh pages to fault in (nor freed ones for malloc to keep).
        static SCRATCH: std::cell::RefCell<FactColumns> =
            std::cell::RefCell::new(FactColumns::default());
    }
    SCRATCH.with_borrow_mut(|cols| {
        cols.clear();
        parse_into(b, cols)
    })
}

/// [`parse_piece`] into given columns.
fn parse_into(b: &[u8], cols: &mut FactColumns) -> std::result::Result<Chunk, PieceError> {
    let mut codes = Codes::default();
    let mut i = 0usize;
    let mut lines = 0usize;
    while i < b.len() {
        let fail = |reason: String| PieceError::Line(lines + 1, reason);
        match b[i] {
            b'\n' => {
                lines += 1;
                i += 1;
                continue;
            }
            b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let line = match fast_line(&b[i..]) {
            Some((line, len)) => {
                i += len;
                line
            }
            None => slow_line(b, &mut i).map_err(|r| fail(r.to_owned()))?,
        };
        accept(&line, cols, &mut codes).map_err(fail)?;
        lines += 1;
    }
    let seg = Segment::sort_columns(cols).map_err(PieceError::Engine)?;
    Ok(Chunk {
        seg,
        fac_district: codes.fac_district,
        district_region: codes.district_region,
        lines,
    })
}

/// Reads into `buf[filled..]` until it is full or the file ends; returns the new fill and
/// whether the file ended.
fn fill(
    file: &mut std::fs::File,
    buf: &mut [u8],
    mut filled: usize,
) -> std::io::Result<(usize, bool)> {
    use std::io::Read;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..])?;
        if n == 0 {
            return Ok((filled, true));
        }
        filled += n;
    }
    Ok((filled, false))
}

/// Loads the events file into a new engine (the "rebuild"): returns it with where the time
/// went and the map from the file's facility ids to engine facilities.
///
/// The file streams through two 16 MiB buffers: while the pool parses one block (in pieces
/// of whole lines, each sorted at once into a small segment), the next block is read into
/// the other, so memory stays near the engine's own (facts and their sorted pieces) plus the
/// buffers.
pub fn load_events(events: &Path, threads: usize) -> Result<(Engine, LoadTimes, FacilityMap)> {
    load_events_in_blocks(events, threads, 16 << 20)
}

/// [`load_events`] with a given block size (small in tests, so lines straddle blocks).
fn load_events_in_blocks(
    events: &Path,
    threads: usize,
    block_size: usize,
) -> Result<(Engine, LoadTimes, FacilityMap)> {
    let t_all = Instant::now();
    const HEADER: &[u8] =
        b"facility_id,district,region,period,cadre,modality,duration_minutes,checklist_score";
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Error::InvalidFact {
            field: "threads",
            value: e.to_string(),
            reason: "cannot start pool",
        })?;
    let mut file = std::fs::File::open(events).map_err(io(events))?;
    let mut cur = vec![0u8; block_size.max(1)];
    let mut next = vec![0u8; block_size.max(1)];
    let t_read = Instant::now();
    let (mut filled, mut eof) = fill(&mut file, &mut cur, 0).map_err(io(events))?;
    let mut read_s = t_read.elapsed().as_secs_f64();
    let mut lines_before = 0usize;
    let mut header_done = false;
    let mut chunks: Vec<Chunk> = Vec::new();
    loop {
        let end = if eof {
            filled
        } else {
            match cur[..filled].iter().rposition(|&c| c == b'\n') {
                Some(p) => p + 1,
                None => {
                    return Err(Error::Parse {
                        path: events.to_owned(),
                        line: lines_before + 1,
                        reason: format!("line longer than the {block_size}-byte read block"),
                    });
                }
            }
        };
        let mut start = 0;
        if !header_done {
            let n = cur[..end].iter().position(|&c| c == b'\n').unwrap_or(end);
            if cur[..n].trim_ascii_end() != HEADER {
                return Err(Error::Parse {
                    path: events.to_owned(),
                    line: 1,
                    reason: format!("header must be {}", String::from_utf8_lossy(HEADER)),
                });
            }
            start = (n + 1).min(end);
            lines_before = 1;
            header_done = true;
        }
        // Cut the block at line ends into pieces; more pieces than threads so that the
        // thread that reads the next block meanwhile does not hold the others up.
        let block = &cur[start..end];
        let pieces = threads.max(1) * 2;
        let mut cuts = vec![0usize];
        for k in 1..pieces {
            let target = block.len() * k / pieces;
            let cut = block[target..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(block.len(), |p| target + p + 1);
            cuts.push(cut.max(cuts[cuts.len() - 1]));
        }
        cuts.push(block.len());
        let tail = &cur[end..filled];
        let (parsed, read) = pool.install(|| {
            rayon::join(
                || {
                    cuts.par_windows(2)
                        .map(|w| parse_piece(&block[w[0]..w[1]]))
                        .collect::<Vec<_>>()
                },
                || {
                    let t = Instant::now();
                    next[..tail.len()].copy_from_slice(tail);
                    let r = if eof {
                        Ok((tail.len(), true))
                    } else {
                        fill(&mut file, &mut next, tail.len())
                    };
                    (r, t.elapsed().as_secs_f64())
                },
            )
        });
        read_s += read.1;
        for piece in parsed {
            match piece {
                Ok(c) => {
                    lines_before += c.lines;
                    chunks.push(c);
                }
                Err(PieceError::Line(line, reason)) => {
                    return Err(Error::Parse {
                        path: events.to_owned(),
                        line: lines_before + line,
                        reason,
                    });
                }
                Err(PieceError::Engine(e)) => return Err(e),
            }
        }
        let was_eof = eof;
        (filled, eof) = read.0.map_err(io(events))?;
        std::mem::swap(&mut cur, &mut next);
        if was_eof {
            break;
        }
    }
    drop((cur, next));
    let parse_s = t_all.elapsed().as_secs_f64();

    // Tree from the file's codes: C > R{region} > D{district} > F{facility}.
    let mut fac_district: Vec<u32> = Vec::new();
    let mut district_region: Vec<u32> = Vec::new();
    for c in &chunks {
        merge_codes(
            &mut fac_district,
            &c.fac_district,
            events,
            "facility",
            "district",
        )?;
        merge_codes(
            &mut district_region,
            &c.district_region,
            events,
            "district",
            "region",
        )?;
    }
    let mut tree = OrgTree::new(["country", "region", "district", "facility"])?;
    tree.add("C", None)?;
    let mut regions: Vec<u32> = district_region
        .iter()
        .copied()
        .filter(|&r| r != u32::MAX)
        .collect();
    regions.sort_unstable();
    regions.dedup();
    for r in &regions {
        tree.add(&format!("R{r}"), Some("C"))?;
    }
    for (d, &r) in district_region.iter().enumerate() {
        if r != u32::MAX {
            tree.add(&format!("D{d}"), Some(&format!("R{r}")))?;
        }
    }
    // Facility ids map to dense facility indices in id order; the merge takes the inverse.
    let mut fac_index = vec![u32::MAX; fac_district.len()];
    let mut source = Vec::new();
    for (f, &d) in fac_district.iter().enumerate() {
        if d != u32::MAX {
            let o = tree.add(&format!("F{f}"), Some(&format!("D{d}")))?;
            let idx = tree.facility_of_org(o)?.0;
            fac_index[f] = idx;
            if source.len() <= idx as usize {
                source.resize(idx as usize + 1, u32::MAX);
            }
            source[idx as usize] = f as u32;
        }
    }
    let identity = source.iter().enumerate().all(|(i, &f)| f == i as u32);
    let mut engine = Engine::new(
        EngineConfig {
            threads,
            ..EngineConfig::default()
        },
        tree,
        Catalog::new(),
    )?;
    let segs: Vec<Segment> = chunks.into_iter().map(|c| c.seg).collect();
    engine.rebuild_segments(segs, (!identity).then_some(&source[..]))?;
    let times = LoadTimes {
        read_s,
        parse_s,
        build_s: t_all.elapsed().as_secs_f64() - parse_s,
    };
    Ok((engine, times, FacilityMap { index: fac_index }))
}

/// Where a rebuild's time goes.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LoadTimes {
    /// Time spent in file reads, seconds; all but the first block's overlap the parsing.
    pub read_s: f64,
    /// Reading, parsing and sorting each piece into a small segment, seconds (wall clock).
    pub parse_s: f64,
    /// Building the tree and merging the pieces into the engine's segment, seconds.
    pub build_s: f64,
}

/// Facility id of the events file → engine facility index.
#[derive(Clone, Debug)]
pub struct FacilityMap {
    index: Vec<u32>,
}

impl FacilityMap {
    /// The engine facility of file facility id `id`.
    pub fn get(&self, id: u32) -> Option<FacilityIdx> {
        self.index
            .get(id as usize)
            .filter(|&&x| x != u32::MAX)
            .map(|&x| FacilityIdx(x))
    }
}

fn merge_codes(
    into: &mut Vec<u32>,
    from: &[u32],
    path: &Path,
    what: &str,
    parent: &str,
) -> Result<()> {
    if from.len() > into.len() {
        into.resize(from.len(), u32::MAX);
    }
    for (i, &v) in from.iter().enumerate() {
        if v == u32::MAX {
            continue;
        }
        if into[i] != u32::MAX && into[i] != v {
            return Err(Error::Parse {
                path: path.to_owned(),
                line: 0,
                reason: format!("{what} {i} appears under {parent}s {} and {v}", into[i]),
            });
        }
        into[i] = v;
    }
    Ok(())
}

/// Target visits by (region, year, quarter, cadre).
pub type Targets = HashMap<(u32, i32, u16, u8), u64>;

/// Reads `targets.csv`: (region, year, quarter, cadre) → target visits.
pub fn load_targets(path: &Path) -> Result<Targets> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut out = HashMap::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let bad = || Error::Parse {
            path: path.to_owned(),
            line: n + 1,
            reason: "expected region,year,quarter,cadre,target_visits".to_owned(),
        };
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 5 {
            return Err(bad());
        }
        let p = |i: usize| f[i].trim().parse::<u64>().map_err(|_| bad());
        out.insert(
            (p(0)? as u32, p(1)? as i32, p(2)? as u16, p(3)? as u8),
            p(4)?,
        );
    }
    Ok(out)
}

/// The three ratio indicators of Q1, defined as the app defines indicators.
pub fn q1_indicators() -> Result<Vec<ResolvedIndicator>> {
    let catalog = Catalog::new();
    [
        Indicator::new(
            "AVG_SCORE",
            "Mean checklist score",
            Category::ProviderBehaviour,
            "score_sum",
            "scored_visits",
            1.0,
        )?,
        Indicator::new(
            "PCT_STD",
            "Visits meeting the standard",
            Category::ProviderBehaviour,
            "visits_meeting_standard",
            "visits",
            100.0,
        )?,
        Indicator::new(
            "PCT_ONSITE",
            "Visits on site",
            Category::Input,
            "visits_modality:0",
            "visits",
            100.0,
        )?,
    ]
    .iter()
    .map(|i| catalog.resolve(i))
    .collect()
}

fn code_num(s: &str) -> Option<u32> {
    s.get(1..)?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(f64, f64, T)> {
    let t = Instant::now();
    let mut out = f()?;
    let first = t.elapsed().as_secs_f64();
    let mut ts = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        out = f()?;
        ts.push(t.elapsed().as_secs_f64());
    }
    Ok((first, median(ts), out))
}

/// Q1 (and Q2 with targets): region × quarter × cadre with the three ratio indicators.
pub fn q1(
    engine: &Engine,
    inds: &[ResolvedIndicator],
    targets: Option<&Targets>,
) -> Result<Vec<Q1Row>> {
    let q = Query {
        level: Some(1),
        period_type: Some(PeriodType::Quarterly),
        by_cadre: true,
        ..Query::default()
    };
    let evals = engine.evaluate_many(inds, &q)?;
    let mut rows = Vec::with_capacity(evals.rows.len());
    for row in evals.rows {
        let (key, m) = (row.key, row.measures);
        let values: Vec<Option<f64>> = row.values.iter().map(|v| v.value).collect();
        let (Some(org), Some(period), Some(cadre)) = (key.org, key.period, key.cadre) else {
            continue;
        };
        let region = code_num(engine.tree().code(org)).unwrap_or(u32::MAX);
        let (year, quarter) = (period.year(), period.index());
        let target = targets.and_then(|t| t.get(&(region, year, quarter, cadre)).copied());
        if targets.is_some() && target.is_none() {
            continue; // inner join, as Q2 does
        }
        rows.push(Q1Row {
            region,
            year,
            quarter,
            cadre,
            visits: m.visits,
            minutes: m.minutes,
            avg_score: values[0],
            pct_meeting_std: values[1],
            pct_onsite: values[2],
            target_visits: target,
            pct_of_target: target
                .filter(|&t| t > 0)
                .map(|t| 100.0 * m.visits as f64 / t as f64),
        });
    }
    Ok(rows)
}

/// Q3: country > region > district × year, visits and percent meeting the standard.
pub fn q3(engine: &Engine) -> Result<Vec<Q3Row>> {
    let q = Query {
        period_type: Some(PeriodType::Yearly),
        ..Query::default()
    };
    let rows = engine.rollup(&q, &[0, 1, 2])?;
    let tree = engine.tree();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let org = r.key.org?;
            let year = r.key.period?.year();
            let level = tree.level_of(org);
            let code = |o| code_num(tree.code(o));
            let (region, district) = match level {
                0 => (None, None),
                1 => (code(org), None),
                _ => (tree.parent(org).and_then(code), code(org)),
            };
            let m = r.measures;
            Some(Q3Row {
                lvl: ["country", "region", "district"][level.min(2)].to_owned(),
                region,
                district,
                year,
                n: m.visits,
                pct: (m.visits > 0).then(|| 100.0 * m.meeting_standard as f64 / m.visits as f64),
            })
        })
        .collect())
}

fn sum_opt(it: impl Iterator<Item = Option<f64>>) -> f64 {
    it.flatten().sum()
}

/// Runs the benchmark on `events` (CSV as documented above) with 2 threads; Q2 runs when a
/// `targets.csv` lies beside the events file. This is what `tandem bench indicators
/// --events FILE` prints as JSON.
pub fn run_bench(events: &Path) -> Result<BenchReport> {
    let targets = events.with_file_name("targets.csv");
    let targets = targets.is_file().then_some(targets);
    run_bench_with(events, targets.as_deref(), 2).map(|(r, _)| r)
}

/// Runs the benchmark with an optional targets CSV and a thread count; also returns the
/// answers for comparison with DuckDB.
pub fn run_bench_with(
    events: &Path,
    targets: Option<&Path>,
    threads: usize,
) -> Result<(BenchReport, BenchAnswers)> {
    let rss0 = proc_status_bytes("VmRSS:");
    let t0 = Instant::now();
    let (engine, load, fmap) = load_events(events, threads)?;
    let targets = targets.map(load_targets).transpose()?;
    let rebuild_s = t0.elapsed().as_secs_f64();
    let rss1 = proc_status_bytes("VmRSS:");
    let rows = engine.len();
    let per_row = |b: f64| if rows > 0 { b / rows as f64 } else { 0.0 };
    let inds = q1_indicators()?;

    let (f1, m1, a1) = time(5, || q1(&engine, &inds, None))?;
    let q1t = QueryTiming {
        first_s: f1,
        median_s: m1,
        out_rows: a1.len(),
        checksum_visits: a1.iter().map(|r| r.visits).sum(),
        checksums: HashMap::from([
            (
                "minutes".to_owned(),
                a1.iter().map(|r| r.minutes as f64).sum(),
            ),
            (
                "avg_score".to_owned(),
                sum_opt(a1.iter().map(|r| r.avg_score)),
            ),
            (
                "pct_meeting_std".to_owned(),
                sum_opt(a1.iter().map(|r| r.pct_meeting_std)),
            ),
            (
                "pct_onsite".to_owned(),
                sum_opt(a1.iter().map(|r| r.pct_onsite)),
            ),
        ]),
    };
    let mut answers = BenchAnswers {
        q1: a1,
        ..BenchAnswers::default()
    };
    let q2t = match &targets {
        Some(t) => {
            let (f, m, a) = time(5, || q1(&engine, &inds, Some(t)))?;
            let timing = QueryTiming {
                first_s: f,
                median_s: m,
                out_rows: a.len(),
                checksum_visits: a.iter().map(|r| r.visits).sum(),
                checksums: HashMap::from([(
                    "pct_of_target".to_owned(),
                    sum_opt(a.iter().map(|r| r.pct_of_target)),
                )]),
            };
            answers.q1 = a;
            Some(timing)
        }
        None => None,
    };
    let (f3, m3, a3) = time(5, || q3(&engine))?;
    let q3t = QueryTiming {
        first_s: f3,
        median_s: m3,
        out_rows: a3.len(),
        checksum_visits: a3.iter().filter(|r| r.lvl == "country").map(|r| r.n).sum(),
        checksums: HashMap::from([("pct".to_owned(), sum_opt(a3.iter().map(|r| r.pct)))]),
    };
    answers.q3 = a3;

    // Q4: 100 pseudo-random (facility, month) keys over the file's 36 months.
    let mut state: u64 = 1;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    let keys: Vec<(u32, u32)> = (0..100)
        .map(|_| (next() % 5000, 202_301 + 100 * (next() % 3) + next() % 12))
        .collect();
    let mut ts = Vec::new();
    let mut checksum = 0;
    for &(fac, ym) in &keys {
        let period = Period::new(PeriodType::Monthly, (ym / 100) as i32, (ym % 100) as u16)?;
        let t = Instant::now();
        let m = match fmap.get(fac) {
            Some(f) => engine.facility_period(f, &period)?,
            None => Default::default(),
        };
        ts.push(t.elapsed().as_secs_f64() * 1000.0);
        checksum += m.visits;
        answers
            .q4
            .push((fac, ym, m.visits, m.minutes, m.mean_score()));
    }
    let max_ms = ts.iter().copied().fold(0.0, f64::max);
    let q4t = LookupTiming {
        n: keys.len(),
        median_ms: median(ts),
        max_ms,
        checksum_visits: checksum,
        keys,
    };

    Ok((
        BenchReport {
            events: events.to_owned(),
            rows,
            threads,
            rebuild_s,
            load,
            heap_bytes_per_row: per_row(engine.heap_bytes() as f64),
            resident_bytes_per_row: rss0.zip(rss1).map(|(a, b)| per_row(b - a)),
            peak_rss_mb: proc_status_bytes("VmHWM:").map(|b| b / 1048576.0),
            peak_rss_bytes_per_row: proc_status_bytes("VmHWM:").map(per_row),
            q1: q1t,
            q2: q2t,
            q3: q3t,
            q4: q4t,
        },
        answers,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn word(s: &str) -> u64 {
        let mut b = [b'x'; 8];
        b[..s.len()].copy_from_slice(s.as_bytes());
        u64::from_le_bytes(b)
    }

    #[test]
    fn swar_reads_leading_digits() {
        assert_eq!(swar_uint(word("0,")), (0, 1));
        assert_eq!(swar_uint(word("7\n")), (7, 1));
        assert_eq!(swar_uint(word("202401,")), (202_401, 6));
        assert_eq!(swar_uint(word("1234567.")), (1_234_567, 7));
        assert_eq!(swar_uint(word("12345678")).1, 8);
        assert_eq!(swar_uint(word(",1")), (0, 0));
        // Bytes just outside 0..9 are separators, not digits.
        assert_eq!(swar_uint(word("1/")), (1, 1));
        assert_eq!(swar_uint(word("1:")), (1, 1));
    }

    fn line_text(l: &Line, score: &str) -> String {
        format!(
            "{},{},{},{},{},{},{},{score}\n",
            l.fac, l.district, l.region, l.period, l.cadre, l.modality, l.minutes
        )
    }

    proptest! {
        /// The fast path, when it answers, answers as the careful parser does; whatever it
        /// declines the careful parser reads.
        #[test]
        fn fast_and_careful_parsers_agree(
            f in proptest::array::uniform7(prop_oneof![0u32..10, 0u32..100_000_000]),
            int in 0u32..2000,
            dec in proptest::option::of(0u32..100),
            empty in any::<bool>(),
        ) {
            let l = Line { fac: f[0], district: f[1], region: f[2], period: f[3], cadre: f[4], modality: f[5], minutes: f[6], score: None };
            let score = match (empty, dec) {
                (true, _) => String::new(),
                (false, None) => int.to_string(),
                (false, Some(d)) if d < 10 => format!("{int}.{d}"),
                (false, Some(d)) => format!("{int}.{d:02}"),
            };
            let mut text = line_text(&l, &score).into_bytes();
            let len = text.len();
            text.resize(len + 64, b'9');
            let mut i = 0;
            let careful = slow_line(&text[..len], &mut i).expect("careful");
            prop_assert_eq!(i, len);
            if let Some((fast, used)) = fast_line(&text) {
                prop_assert_eq!(fast, careful);
                prop_assert_eq!(used, len);
            } else {
                prop_assert!(f.iter().any(|&x| x >= 10_000_000) || dec.is_some_and(|d| d >= 10));
            }
        }
    }

    /// Lines in every shape the reader takes (CRLF, blank lines, no final newline, empty
    /// and two-decimal scores, sparse facility ids, months out of order), read through
    /// blocks far smaller than the file, on one and two threads: the same facts as one big
    /// block, and the naive sums.
    #[test]
    fn small_blocks_read_the_same_facts() {
        let dir = std::env::temp_dir().join(format!("indicators-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("events.csv");
        let mut text = String::from(
            "facility_id,district,region,period,cadre,modality,duration_minutes,checklist_score\n",
        );
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let (mut visits, mut minutes, mut score_sum) = (0u64, 0u64, 0u64);
        for i in 0..3000 {
            let fac = next(40) * 3; // sparse ids
            let district = fac % 7;
            let period = 202_301 + 100 * next(3) + next(12);
            let score_tenths = next(1001);
            let score = match i % 5 {
                0 => String::new(),
                1 => format!("{}.{}0", score_tenths / 10, score_tenths % 10),
                _ => format!("{}.{}", score_tenths / 10, score_tenths % 10),
            };
            let m = next(240);
            visits += 1;
            minutes += m;
            if i % 5 != 0 {
                score_sum += score_tenths;
            }
            let end = if i % 7 == 0 { "\r\n" } else { "\n" };
            text.push_str(&format!(
                "{fac},{district},{},{period},{},{},{m},{score}{end}",
                district % 3,
                next(6),
                next(3)
            ));
            if i % 500 == 0 {
                text.push('\n');
            }
        }
        text.pop(); // no final newline
        std::fs::write(&path, text).expect("write");
        let q = Query {
            level: Some(3),
            period_type: Some(PeriodType::Monthly),
            by_cadre: true,
            by_modality: true,
            ..Query::default()
        };
        let (whole, _, _) = load_events_in_blocks(&path, 1, 1 << 20).expect("one block");
        let rows = whole.group(&q).expect("group");
        let all = whole.group(&Query::default()).expect("all");
        assert_eq!(all[0].measures.visits, visits);
        assert_eq!(all[0].measures.minutes, minutes);
        assert_eq!(all[0].measures.score_sum_tenths, score_sum);
        for (threads, block) in [(1, 700), (2, 4096)] {
            let (e, _, _) = load_events_in_blocks(&path, threads, block).expect("blocks");
            assert_eq!(
                e.group(&q).expect("group"),
                rows,
                "{threads} threads, {block}-byte blocks"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
