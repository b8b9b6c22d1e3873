//! Reading the benchmark instance formats written by `shared/bench/matching/gen.py`, and the
//! JSON report of a solve. This is the only module of the library that does I/O.
//!
//! Sparse instances: `X.edges.csv` (header `mentee,mentor,cost`, 0-based mentee ids) and
//! `X.mentors.csv` (header `mentor,capacity`), plus an optional `X.meta.json` whose `n_mentees`
//! tells how many mentees exist (mentees without candidates are otherwise invisible). Dense
//! instances: `.npy` files (`int64` or `float64`, little endian, C order).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::network::MAX_ABS_COST;
use crate::{Arc, Error, Matcher, Network, Solution, solve};

/// A sparse instance read from files, with the file ids of its mentors.
#[derive(Clone, Debug)]
pub struct SparseInstance {
    /// The validated network (mentee `i` is file id `i`; mentor `j` is `mentor_ids[j]`).
    pub network: Network,
    /// File id of each mentor, in file order.
    pub mentor_ids: Vec<i64>,
}

/// The JSON report of one solve (what `tandem match solve` prints).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SolveReport {
    /// Total cost: pair costs plus the penalty per unassigned mentee.
    pub objective: i64,
    /// Mentees with a mentor.
    pub assigned: usize,
    /// Mentees without one.
    pub unassigned: usize,
    /// Solve time in seconds (excluding reading the files).
    pub seconds: f64,
    /// Time to read and validate the files, seconds.
    pub read_seconds: f64,
    /// Peak resident memory of the process so far, MB (Linux `VmHWM`; `None` elsewhere).
    pub peak_rss_mb: Option<f64>,
    /// Mentees in the instance.
    pub mentees: usize,
    /// Mentors in the instance.
    pub mentors: usize,
    /// Candidate edges.
    pub edges: usize,
    /// Independent components solved.
    pub components: usize,
    /// The re-match after the mentors given to `--leave` left (absent when none did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rematch: Option<RematchReport>,
}

/// The re-match after some mentors leave, solved in place by a live [`Matcher`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RematchReport {
    /// File ids of the mentors who left.
    pub left: Vec<i64>,
    /// Total cost after the re-match.
    pub objective: i64,
    /// Mentees with a mentor.
    pub assigned: usize,
    /// Mentees without one.
    pub unassigned: usize,
    /// Mentees whose mentor changed (including those who lost theirs): what a manager would
    /// have to tell people.
    pub moved: usize,
    /// Re-match time in seconds.
    pub seconds: f64,
    /// The continuity bonus the pairs as they stood carried (`--continuity`; 0: none). The
    /// `objective` is still in the instance's own costs, without it.
    pub continuity: i64,
    /// Time to favour the pairs as they stood by that bonus, in seconds (before the mentors
    /// left: in the app this happens when the pairs are approved).
    pub favour_seconds: f64,
}

impl SolveReport {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain numbers cannot fail; fall back to an empty object just in case.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// Reads `edges` and `mentors`, solves, and reports; then, if `leaving` names mentors (file
/// ids), they leave and the report adds the re-match, in which the pairs as they stood carry
/// the `continuity` bonus (as a program's continuity weight favours its current pairings; 0
/// re-optimises freely). Errors name the file and line, the leaving id that `mentors` does
/// not define, or a negative bonus.
pub fn solve_instance_files(
    edges: &Path,
    mentors: &Path,
    unassigned_cost: i64,
    leaving: &[i64],
    continuity: i64,
) -> Result<SolveReport, InstanceError> {
    if continuity < 0 {
        return Err(Error::NegativeBonus { bonus: continuity });
    }
    let t0 = Instant::now();
    let inst = read_sparse(edges, mentors, unassigned_cost)?;
    let read_seconds = t0.elapsed().as_secs_f64();
    if leaving.is_empty() {
        let t1 = Instant::now();
        let sol = solve(&inst.network);
        let seconds = t1.elapsed().as_secs_f64();
        return Ok(report(&inst.network, &sol, seconds, read_seconds));
    }
    let index: HashMap<i64, u32> = inst
        .mentor_ids
        .iter()
        .enumerate()
        .map(|(j, &id)| (id, j as u32))
        .collect();
    let leavers = leaving
        .iter()
        .map(|id| {
            index.get(id).copied().ok_or_else(|| Error::UnknownLeaver {
                file: mentors.to_path_buf(),
                id: *id,
            })
        })
        .collect::<Result<Vec<u32>, _>>()?;
    let t1 = Instant::now();
    let mut live = Matcher::solve(inst.network);
    let before = live.solution();
    let seconds = t1.elapsed().as_secs_f64();
    let mut out = report(live.network(), &before, seconds, read_seconds);
    let t2 = Instant::now();
    if continuity > 0 {
        live.favour_current(continuity)?;
    }
    let favour_seconds = t2.elapsed().as_secs_f64();
    let t3 = Instant::now();
    live.mentors_leave(&leavers)?;
    let after = live.solution();
    let rematch_seconds = t3.elapsed().as_secs_f64();
    let pairs = before.mentor_of().iter().zip(after.mentor_of());
    let kept = pairs.clone().filter(|(b, a)| b == a && a.is_some()).count();
    out.rematch = Some(RematchReport {
        left: leaving.to_vec(),
        // Each pair kept carries the bonus in the solver's costs; give it back.
        objective: after.objective() + continuity * kept as i64,
        assigned: after.assigned(),
        unassigned: after.unassigned(),
        moved: pairs.filter(|(b, a)| b != a).count(),
        seconds: rematch_seconds,
        continuity,
        favour_seconds,
    });
    Ok(out)
}

use crate::InstanceError;

/// Builds a [`SolveReport`] for a solution.
pub fn report(net: &Network, sol: &Solution, seconds: f64, read_seconds: f64) -> SolveReport {
    SolveReport {
        objective: sol.objective(),
        assigned: sol.assigned(),
        unassigned: sol.unassigned(),
        seconds,
        read_seconds,
        peak_rss_mb: peak_rss_mb(),
        mentees: net.mentees(),
        mentors: net.mentors(),
        edges: net.arcs(),
        components: sol.components(),
        rematch: None,
    }
}

/// Peak resident set size of this process in MB, from `VmHWM` in `/proc/self/status` (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

fn io_err(file: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |cause| Error::Io {
        file: file.to_path_buf(),
        cause,
    }
}

fn malformed(file: &Path, line: usize, detail: impl Into<String>) -> Error {
    Error::Malformed {
        file: file.to_path_buf(),
        line,
        detail: detail.into(),
    }
}

/// Parses one integer field; digits that do not fit are reported by the caller as overflow.
enum Field {
    Int(i64),
    TooBig,
    Bad,
}

fn parse_field(s: &str) -> Field {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(v) => Field::Int(v),
        Err(_) => {
            let digits = t.strip_prefix('-').unwrap_or(t);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                Field::TooBig
            } else {
                Field::Bad
            }
        }
    }
}

/// Iterates the data rows of a CSV file with the given header: `(line number, fields)`.
fn for_each_row(
    file: &Path,
    header: &str,
    width: usize,
    mut f: impl FnMut(usize, &[&str]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut r = BufReader::with_capacity(1 << 16, File::open(file).map_err(io_err(file))?);
    let mut buf = String::new();
    let mut line = 0usize;
    let mut rows = 0usize;
    loop {
        buf.clear();
        if r.read_line(&mut buf).map_err(io_err(file))? == 0 {
            break;
        }
        line += 1;
        let text = buf.trim_end_matches(['\n', '\r']);
        if line == 1 {
            if text.trim() != header {
                return Err(malformed(
                    file,
                    1,
                    format!("expected header `{header}`, got `{text}`"),
                ));
            }
            continue;
        }
        if text.trim().is_empty() {
            continue;
        }
        // A fixed array instead of a Vec: no allocation per row on multi-million-row files.
        let mut fields = [""; 4];
        let mut n_fields = 0usize;
        for part in text.split(',') {
            if n_fields < fields.len() {
                fields[n_fields] = part;
            }
            n_fields += 1;
        }
        if n_fields != width {
            return Err(malformed(
                file,
                line,
                format!("expected {width} comma-separated fields, got {n_fields}"),
            ));
        }
        rows += 1;
        f(line, &fields[..width])?;
    }
    if rows == 0 {
        return Err(Error::EmptyFile {
            file: file.to_path_buf(),
        });
    }
    Ok(())
}

/// `X.edges.csv` → `X.meta.json`.
fn meta_path(edges: &Path) -> Option<PathBuf> {
    let name = edges.file_name()?.to_str()?;
    let stem = name.strip_suffix(".edges.csv")?;
    Some(edges.with_file_name(format!("{stem}.meta.json")))
}

fn read_meta_mentees(edges: &Path) -> Result<Option<usize>, Error> {
    let Some(meta) = meta_path(edges) else {
        return Ok(None);
    };
    if !meta.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&meta).map_err(io_err(&meta))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| malformed(&meta, e.line(), e.to_string()))?;
    match v.get("n_mentees").and_then(serde_json::Value::as_u64) {
        Some(n) => Ok(Some(n as usize)),
        None => Err(malformed(&meta, 1, "no non-negative integer `n_mentees`")),
    }
}

/// Reads a sparse instance (see the module docs). Every mentee may stay unassigned at
/// `unassigned_cost`.
pub fn read_sparse(
    edges: &Path,
    mentors: &Path,
    unassigned_cost: i64,
) -> Result<SparseInstance, Error> {
    if unassigned_cost.unsigned_abs() > MAX_ABS_COST.unsigned_abs() {
        return Err(Error::CostOverflow {
            value: unassigned_cost.into(),
            why: "unassigned cost must be <= 2^40 in absolute value",
        });
    }
    // Mentors.
    let mut mentor_ids = Vec::new();
    let mut caps = Vec::new();
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    for_each_row(mentors, "mentor,capacity", 2, |line, f| {
        let id = match parse_field(f[0]) {
            Field::Int(v) => v,
            _ => {
                return Err(malformed(
                    mentors,
                    line,
                    format!("mentor id `{}` is not an integer", f[0]),
                ));
            }
        };
        let cap = match parse_field(f[1]) {
            Field::Int(v) => v,
            Field::TooBig => {
                return Err(malformed(
                    mentors,
                    line,
                    format!("capacity `{}` is too large", f[1]),
                ));
            }
            Field::Bad => {
                return Err(malformed(
                    mentors,
                    line,
                    format!("capacity `{}` is not an integer", f[1]),
                ));
            }
        };
        if cap < 0 {
            return Err(Error::NegativeCapacity {
                file: mentors.to_path_buf(),
                line,
                mentor: id,
                capacity: cap,
            });
        }
        let cap = u32::try_from(cap)
            .map_err(|_| malformed(mentors, line, format!("capacity {cap} is too large")))?;
        if let Some(&first) = first_line.get(&id) {
            return Err(Error::Duplicate {
                file: mentors.to_path_buf(),
                line,
                first_line: first,
                what: format!("mentor {id}"),
            });
        }
        first_line.insert(id, line);
        mentor_ids.push(id);
        caps.push(cap);
        Ok(())
    })?;
    // Ids 0..M in order (what gen.py writes) map directly; anything else goes through a map.
    let direct = mentor_ids.iter().enumerate().all(|(k, &id)| id == k as i64);
    let index: HashMap<i64, u32> = if direct {
        HashMap::new()
    } else {
        mentor_ids
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, k as u32))
            .collect()
    };
    drop(first_line);
    let n_meta = read_meta_mentees(edges)?;
    // Edges.
    let mut arcs: Vec<Arc> = Vec::new();
    let mut lines: Vec<u32> = Vec::new();
    let mut max_mentee: i64 = -1;
    let n_mentors = mentor_ids.len();
    for_each_row(edges, "mentee,mentor,cost", 3, |line, f| {
        let mut v = [0i64; 3];
        for k in 0..3 {
            v[k] = match parse_field(f[k]) {
                Field::Int(x) => x,
                Field::TooBig if k == 2 => {
                    return Err(Error::FileCostOverflow {
                        file: edges.to_path_buf(),
                        line,
                        value: f[k].trim().to_owned(),
                        max: MAX_ABS_COST,
                    });
                }
                _ => {
                    let name = ["mentee", "mentor", "cost"][k];
                    return Err(malformed(
                        edges,
                        line,
                        format!("{name} `{}` is not an integer", f[k]),
                    ));
                }
            };
        }
        let [mentee, mentor, cost] = v;
        if cost.unsigned_abs() > MAX_ABS_COST.unsigned_abs() {
            return Err(Error::FileCostOverflow {
                file: edges.to_path_buf(),
                line,
                value: cost.to_string(),
                max: MAX_ABS_COST,
            });
        }
        let known_mentee = mentee >= 0
            && mentee < i64::from(u32::MAX - 1)
            && n_meta.is_none_or(|n| (mentee as usize) < n);
        if !known_mentee {
            return Err(Error::UnknownId {
                file: edges.to_path_buf(),
                line,
                kind: "mentee",
                id: mentee,
            });
        }
        let j = if direct {
            (mentor >= 0 && (mentor as usize) < n_mentors).then_some(mentor as u32)
        } else {
            index.get(&mentor).copied()
        };
        let Some(j) = j else {
            return Err(Error::UnknownId {
                file: edges.to_path_buf(),
                line,
                kind: "mentor",
                id: mentor,
            });
        };
        max_mentee = max_mentee.max(mentee);
        arcs.push(Arc {
            mentee: mentee as u32,
            mentor: j,
            cost,
        });
        lines.push(line as u32);
        Ok(())
    })?;
    let n = n_meta.unwrap_or((max_mentee + 1) as usize);
    let network = Network::new(n, caps, &arcs, unassigned_cost).map_err(|e| match e {
        Error::DuplicateArc {
            mentee,
            mentor,
            first,
            second,
        } => Error::Duplicate {
            file: edges.to_path_buf(),
            line: lines[second] as usize,
            first_line: lines[first] as usize,
            what: format!("edge {mentee} -> {}", mentor_ids[mentor]),
        },
        Error::CostOverflow { value, why } => Error::Malformed {
            file: edges.to_path_buf(),
            line: 0,
            detail: format!("the instance could overflow: cost {value}: {why}"),
        },
        other => other,
    })?;
    Ok(SparseInstance {
        network,
        mentor_ids,
    })
}

/// Reads a 2-D `.npy` matrix of `<i8` (int64) or `<f8` (float64, integral values) in C order and
/// returns `(rows, cols, row-major values)`.
///
/// Why hand-written: the format is a 10-byte preamble, a Python-dict header and raw
/// little-endian data; a 60-line reader avoids pulling in a numpy crate (and its dependencies)
/// for one benchmark input type.
pub fn read_npy(path: &Path) -> Result<(usize, usize, Vec<i64>), Error> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(io_err(path))?;
    let bad = |d: &str| malformed(path, 1, format!("not a supported .npy file: {d}"));
    if bytes.is_empty() {
        return Err(Error::EmptyFile {
            file: path.to_path_buf(),
        });
    }
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad("missing magic"));
    }
    let (hlen, hstart) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => return Err(bad("unknown version")),
    };
    let header = bytes
        .get(hstart..hstart + hlen)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("truncated header"))?;
    let descr = if header.contains("'<i8'") {
        8i8
    } else if header.contains("'<f8'") {
        -8
    } else {
        return Err(bad("dtype must be <i8 or <f8"));
    };
    if header.contains("'fortran_order': True") {
        return Err(bad("Fortran order"));
    }
    let shape = header
        .split("'shape':")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .map(|s| s.trim().trim_start_matches('('))
        .ok_or_else(|| bad("no shape"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad("bad shape")))
        .collect::<Result<_, _>>()?;
    let [rows, cols] = dims[..] else {
        return Err(bad("not a 2-D array"));
    };
    let data = &bytes[hstart + hlen..];
    let count = rows
        .checked_mul(cols)
        .ok_or_else(|| bad("shape too large"))?;
    if data.len() != count * 8 {
        return Err(bad("data length does not match the shape"));
    }
    let mut out = Vec::with_capacity(count);
    for (k, ch) in data.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(ch);
        let v = if descr > 0 {
            i64::from_le_bytes(b)
        } else {
            let f = f64::from_le_bytes(b);
            if f.fract() != 0.0 || f.abs() > MAX_ABS_COST as f64 {
                return Err(bad(&format!("entry {k} = {f} is not an integer cost")));
            }
            f as i64
        };
        out.push(v);
    }
    Ok((rows, cols, out))
}
