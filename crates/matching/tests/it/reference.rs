//! Simple, obviously-correct reference solvers used to check the fast ones.

use matching::Arc;

/// Tries every choice (a candidate mentor or unassigned) for every mentee.
pub fn brute_force(n: usize, caps: &[u32], arcs: &[Arc], u: i64) -> i64 {
    let mut options: Vec<Vec<(usize, i64)>> = vec![Vec::new(); n];
    for a in arcs {
        options[a.mentee as usize].push((a.mentor as usize, a.cost));
    }
    fn go(i: usize, options: &[Vec<(usize, i64)>], load: &mut [u32], caps: &[u32], u: i64) -> i64 {
        if i == options.len() {
            return 0;
        }
        let mut best = u + go(i + 1, options, load, caps, u);
        for &(j, c) in &options[i] {
            if load[j] < caps[j] {
                load[j] += 1;
                best = best.min(c + go(i + 1, options, load, caps, u));
                load[j] -= 1;
            }
        }
        best
    }
    go(0, &options, &mut vec![0; caps.len()], caps, u)
}

/// Best assignment of min(rows, cols) pairs over all injective maps.
pub fn brute_force_dense(c: &[i64], rows: usize, cols: usize) -> i64 {
    fn go(r: usize, c: &[i64], rows: usize, cols: usize, used: &mut Vec<bool>, left: usize) -> i64 {
        if left == 0 {
            return 0;
        }
        if rows - r < left {
            return i64::MAX / 4;
        }
        // Either row r is matched, or (when rows > cols) skipped.
        let mut best = if rows - r > left {
            go(r + 1, c, rows, cols, used, left)
        } else {
            i64::MAX / 4
        };
        for j in 0..cols {
            if !used[j] {
                used[j] = true;
                best = best.min(c[r * cols + j] + go(r + 1, c, rows, cols, used, left - 1));
                used[j] = false;
            }
        }
        best
    }
    go(0, c, rows, cols, &mut vec![false; cols], rows.min(cols))
}

/// Min-cost flow by successive shortest paths with Bellman–Ford on the explicit graph
/// source → mentee → mentor → sink plus mentee → sink at `u` (a different algorithm from the
/// crate's: no potentials, no heap, no contraction).
pub fn mcf_bellman_ford(n: usize, caps: &[u32], arcs: &[Arc], u: i64) -> i64 {
    let m = caps.len();
    let (src, sink) = (n + m, n + m + 1);
    let nodes = n + m + 2;
    // Edge list with residual pairs: (to, cap, cost).
    let mut to = Vec::new();
    let mut cap: Vec<i64> = Vec::new();
    let mut cost = Vec::new();
    let mut from = Vec::new();
    let mut add = |a: usize, b: usize, c: i64, w: i64| {
        from.push(a);
        to.push(b);
        cap.push(c);
        cost.push(w);
        from.push(b);
        to.push(a);
        cap.push(0);
        cost.push(-w);
    };
    for i in 0..n {
        add(src, i, 1, 0);
        add(i, sink, 1, u);
    }
    for a in arcs {
        add(a.mentee as usize, n + a.mentor as usize, 1, a.cost);
    }
    for (j, &c) in caps.iter().enumerate() {
        add(n + j, sink, i64::from(c), 0);
    }
    let mut total = 0;
    for _ in 0..n {
        let mut dist = vec![i64::MAX; nodes];
        let mut pred = vec![usize::MAX; nodes];
        dist[src] = 0;
        for _ in 0..nodes {
            let mut changed = false;
            for e in 0..to.len() {
                if cap[e] > 0 && dist[from[e]] != i64::MAX && dist[from[e]] + cost[e] < dist[to[e]]
                {
                    dist[to[e]] = dist[from[e]] + cost[e];
                    pred[to[e]] = e;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut v = sink;
        while v != src {
            let e = pred[v];
            cap[e] -= 1;
            cap[e ^ 1] += 1;
            v = from[e];
        }
        total += dist[sink];
    }
    total
}
