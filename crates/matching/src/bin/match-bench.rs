//! Benchmark command: solves instance files and prints one JSON line per instance.
//!
//! ```text
//! match-bench [--reps N] [--leave PCT] [--continuity B] [--unassigned-cost U] PATH...
//! ```
//! `PATH` is a sparse instance base (`X` for `X.edges.csv` + `X.mentors.csv`, as gen.py writes)
//! or a dense `X.npy`. Times are medians over `N` repetitions (default 3); "build" is reading
//! and validating the files, "solve" the solver call. For sparse instances the command also
//! removes `PCT` % of mentors (default 1, chosen by a fixed-seed shuffle; their capacity
//! becomes 0) and times a warm re-solve against a cold solve of the changed instance, checking
//! both objectives agree and the optimality certificate holds. `--leave 0` skips that part, so
//! `rss_peak_mb` then covers reading and solving only (the figure to compare with LEMON's).
//! `--continuity B` adds the re-match as the app runs it, the pairs as they stand favoured by
//! a continuity bonus `B` (`Matcher::favour_current`), under `"continuity"`: its times, its
//! check against a cold solve of the same costs, how many mentees besides the displaced ones
//! move, and its cost against the re-match without the bonus.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use matching::instance::{peak_rss_mb, read_npy, read_sparse};
use matching::{Matcher, Network, is_optimal, resolve, solve, solve_dense};
use serde_json::json;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let r = f();
    (t.elapsed().as_secs_f64(), r)
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Picks `count` of `m` mentors with a fixed-seed Fisher–Yates shuffle (xorshift64).
fn leavers(m: usize, count: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..m).collect();
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    for k in (1..m).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        idx.swap(k, (s % (k as u64 + 1)) as usize);
    }
    idx.truncate(count);
    idx.sort_unstable();
    idx
}

fn unassigned_from_meta(base: &str) -> Option<i64> {
    let text = std::fs::read_to_string(format!("{base}.meta.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("unassigned_cost")?.as_i64()
}

fn run_sparse(
    base: &str,
    reps: usize,
    leave_pct: f64,
    u: Option<i64>,
    continuity: Option<i64>,
) -> Result<serde_json::Value, String> {
    let u = u.or_else(|| unassigned_from_meta(base)).unwrap_or(100_000);
    let edges = PathBuf::from(format!("{base}.edges.csv"));
    let mentors = PathBuf::from(format!("{base}.mentors.csv"));
    let (build_s, inst) = time(|| read_sparse(&edges, &mentors, u));
    let inst = inst.map_err(|e| e.to_string())?;
    let net = &inst.network;
    let mut solve_all = Vec::new();
    let mut sol = None;
    for _ in 0..reps {
        let (t, s) = time(|| solve(net));
        solve_all.push(t);
        sol = Some(s);
    }
    let sol = sol.ok_or("no repetitions")?;
    let optimal = is_optimal(net, &sol);
    let solve_s = median(solve_all.clone());
    let mut report = json!({
        "solver": "tandem_ssp",
        "inst": Path::new(base).file_name().and_then(|s| s.to_str()).unwrap_or(base),
        "threads": rayon::current_num_threads(),
        "reps": reps,
        "mentees": net.mentees(), "mentors": net.mentors(), "edges": net.arcs(),
        "components": sol.components(),
        "build_s": round4(build_s),
        "solve_s": round4(solve_s),
        "solve_all": solve_all.into_iter().map(round4).collect::<Vec<_>>(),
        "obj": sol.objective(),
        "assigned": sol.assigned(), "unassigned": sol.unassigned(),
        "certificate_ok": optimal,
        "rss_peak_mb": peak_rss_mb(),
    });
    if leave_pct <= 0.0 {
        return Ok(report);
    }
    // Re-match after some mentors leave.
    let m = net.mentors();
    let count = ((m as f64) * leave_pct / 100.0).round() as usize;
    let mut caps = net.capacities().to_vec();
    for j in leavers(m, count) {
        caps[j] = 0;
    }
    let changed = net.with_capacities(caps).map_err(|e| e.to_string())?;
    let warm = sol.warm_start();
    let leaving: Vec<u32> = leavers(m, count).into_iter().map(|j| j as u32).collect();
    let mut live_solve_all = Vec::new();
    let mut live_all = Vec::new();
    let mut live_obj = 0;
    let mut live_ok = true;
    let mut cold_all = Vec::new();
    let mut warm_all = Vec::new();
    let mut cold_obj = 0;
    let mut warm_obj = 0;
    let mut warm_ok = true;
    for _ in 0..reps {
        let (t, c) = time(|| solve(&changed));
        cold_all.push(t);
        cold_obj = c.objective();
        let (t, w) = time(|| resolve(&changed, &warm));
        let w = w.map_err(|e| e.to_string())?;
        warm_all.push(t);
        warm_obj = w.objective();
        warm_ok &= is_optimal(&changed, &w);
        // The live matcher: solved once, then the same mentors leave in place.
        let (t, mut live) = time(|| Matcher::solve(net.clone()));
        live_solve_all.push(t);
        let (t, l) = time(|| live.mentors_leave(&leaving).map(|()| live.solution()));
        let l = l.map_err(|e| e.to_string())?;
        live_all.push(t);
        live_obj = l.objective();
        live_ok &= is_optimal(&changed, &l);
    }
    let cold_s = median(cold_all);
    let warm_s = median(warm_all.clone());
    let extra = json!({
        "leave_mentors": count,
        "rematch_cold_s": round4(cold_s),
        "rematch_warm_s": round4(warm_s),
        "rematch_warm_all": warm_all.into_iter().map(round4).collect::<Vec<_>>(),
        "rematch_obj_cold": cold_obj, "rematch_obj_warm": warm_obj,
        "rematch_warm_certificate_ok": warm_ok,
        // Warm re-solve over the full solve of the original instance, and over a cold solve
        // of the changed instance (what re-matching would cost without the warm start).
        "warm_over_full_solve": round4(warm_s / solve_s),
        "warm_over_cold_rematch": round4(warm_s / cold_s),
        // The live matcher keeps its search state from the full solve (`Matcher`); its time
        // covers the re-match and building the `Solution`.
        "rematch_live_s": round4(median(live_all.clone())),
        "rematch_live_all": live_all.iter().copied().map(round4).collect::<Vec<_>>(),
        "live_solve_s": round4(median(live_solve_all)),
        "rematch_obj_live": live_obj,
        "rematch_live_certificate_ok": live_ok,
        "live_over_full_solve": round4(median(live_all) / solve_s),
        "rss_peak_mb": peak_rss_mb(),
    });
    if let (Some(r), Some(e)) = (report.as_object_mut(), extra.as_object()) {
        r.extend(e.clone());
    }
    if let (Some(bonus), Some(r)) = (continuity, report.as_object_mut()) {
        let favoured = rematch_favouring(net, &changed, &leaving, reps, bonus, solve_s, cold_obj)?;
        r.insert("continuity".into(), favoured);
    }
    Ok(report)
}

/// Cost of `mentor_of` on `net` (assigned pairs plus the penalty for each unassigned mentee).
fn cost_on(net: &Network, mentor_of: &[Option<u32>]) -> Result<i64, String> {
    let mut total = 0i64;
    for (i, j) in mentor_of.iter().enumerate() {
        total += match j {
            Some(j) => net
                .row(i)
                .find(|&(jj, _)| jj == *j)
                .map(|(_, c)| c)
                .ok_or_else(|| format!("mentee {i} holds mentor {j}, not a candidate"))?,
            None => net.unassigned_cost(),
        };
    }
    Ok(total)
}

/// The re-match as the app runs it: the pairs as they stand carry the program's continuity
/// `bonus` (`Matcher::favour_current`, as `criteria` charges current pairings), then the same
/// mentors leave. Checked against a cold solve of the same costs (`Network::favouring`), and
/// compared with the re-match without the bonus (`pure_optimum`, the cold objective of
/// `changed`): how many mentees who kept their mentor's place move, and what the assignment
/// costs against the unconstrained optimum.
fn rematch_favouring(
    net: &Network,
    changed: &Network,
    leaving: &[u32],
    reps: usize,
    bonus: i64,
    solve_s: f64,
    pure_optimum: i64,
) -> Result<serde_json::Value, String> {
    let before = Matcher::solve(net.clone()).solution();
    let current = before.mentor_of().to_vec();
    let favoured = changed
        .favouring(&current, bonus)
        .map_err(|e| e.to_string())?;
    let (cold_s, cold) = time(|| solve(&favoured));
    let mut favour_all = Vec::new();
    let mut live_all = Vec::new();
    let mut warm_all = Vec::new();
    let mut ok = true;
    let mut after = None;
    for _ in 0..reps {
        let mut live = Matcher::solve(net.clone());
        if live.solution().mentor_of() != current.as_slice() {
            return Err("the live matcher's first solve is not deterministic".into());
        }
        let (t, favoured_ok) = time(|| live.favour_current(bonus));
        favoured_ok.map_err(|e| e.to_string())?;
        favour_all.push(t);
        let (t, l) = time(|| live.mentors_leave(leaving).map(|()| live.solution()));
        let l = l.map_err(|e| e.to_string())?;
        live_all.push(t);
        ok &= is_optimal(&favoured, &l) && l.objective() == cold.objective();
        let (t, w) = time(|| resolve(&favoured, &before.warm_start()));
        let w = w.map_err(|e| e.to_string())?;
        warm_all.push(t);
        ok &= is_optimal(&favoured, &w) && w.objective() == cold.objective();
        after = Some(l);
    }
    let after = after.ok_or("no repetitions")?;
    let gone: std::collections::HashSet<u32> = leaving.iter().copied().collect();
    let mut displaced = 0usize;
    let mut moved = 0usize;
    for (was, now) in current.iter().zip(after.mentor_of()) {
        match was {
            Some(j) if gone.contains(j) => displaced += 1,
            Some(_) if was != now => moved += 1,
            _ => {}
        }
    }
    let cost = cost_on(changed, after.mentor_of())?;
    let live_s = median(live_all.clone());
    let favour_s = median(favour_all);
    Ok(json!({
        "bonus": bonus,
        "favour_s": round4(favour_s),
        "rematch_live_s": round4(live_s),
        "rematch_live_all": live_all.into_iter().map(round4).collect::<Vec<_>>(),
        "live_over_full_solve": round4(live_s / solve_s),
        "favour_and_live_over_full_solve": round4((favour_s + live_s) / solve_s),
        "rematch_warm_s": round4(median(warm_all.clone())),
        "warm_over_full_solve": round4(median(warm_all) / solve_s),
        "rematch_cold_s": round4(cold_s),
        "obj_live": after.objective(), "obj_cold": cold.objective(),
        "certificate_and_objective_ok": ok,
        "displaced": displaced,
        "others_moved": moved,
        "unassigned": after.unassigned(),
        "cost_without_bonus": cost,
        "pure_optimum": pure_optimum,
        "cost_over_pure_optimum": round4(cost as f64 / pure_optimum as f64),
    }))
}

fn run_dense(path: &str, reps: usize) -> Result<serde_json::Value, String> {
    let (build_s, m) = time(|| read_npy(Path::new(path)));
    let (rows, cols, c) = m.map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    let mut obj = 0;
    for _ in 0..reps {
        let (t, s) = time(|| solve_dense(&c, rows, cols));
        all.push(t);
        obj = s.map_err(|e| e.to_string())?.objective;
    }
    Ok(json!({
        "solver": "tandem_lapjv",
        "inst": Path::new(path).file_name().and_then(|s| s.to_str()).unwrap_or(path),
        "reps": reps, "n": rows,
        "build_s": round4(build_s),
        "solve_s": round4(median(all.clone())),
        "solve_all": all.into_iter().map(round4).collect::<Vec<_>>(),
        "obj": obj,
        "rss_peak_mb": peak_rss_mb(),
    }))
}

fn main() -> ExitCode {
    let mut reps = 3usize;
    let mut leave = 1.0f64;
    let mut u = None;
    let mut continuity = None;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let parsed = match a.as_str() {
            "--reps" => args.next().and_then(|v| v.parse().ok()).map(|v| reps = v),
            "--leave" => args.next().and_then(|v| v.parse().ok()).map(|v| leave = v),
            "--continuity" => args
                .next()
                .and_then(|v| v.parse().ok())
                .filter(|&v: &i64| v >= 0)
                .map(|v| continuity = Some(v)),
            "--unassigned-cost" => args
                .next()
                .and_then(|v| v.parse().ok())
                .map(|v| u = Some(v)),
            _ => {
                paths.push(a);
                Some(())
            }
        };
        if parsed.is_none() || reps == 0 {
            eprintln!(
                "usage: match-bench [--reps N>0] [--leave PCT] [--continuity B>=0] [--unassigned-cost U] PATH..."
            );
            return ExitCode::from(2);
        }
    }
    let mut failed = false;
    for p in &paths {
        let base = p.strip_suffix(".edges.csv").unwrap_or(p);
        let r = if p.ends_with(".npy") {
            run_dense(p, reps)
        } else {
            run_sparse(base, reps, leave, u, continuity)
        };
        match r {
            Ok(v) => println!("{v}"),
            Err(e) => {
                eprintln!("{p}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
