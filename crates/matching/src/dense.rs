//! Dense square assignment by Jonker–Volgenant (LAPJV).
//!
//! Why a separate algorithm: on a full n×n matrix the general solver would see n² arcs and a
//! binary heap; LAPJV's column reduction, augmenting row reduction (an auction-like pass that
//! settles most rows cheaply) and array-based Dijkstra over contiguous rows are the fastest known
//! approach for dense instances and what `lap.lapjv` implements. This is a straight port of that
//! method to exact integer arithmetic (`i64`, or `i32` when the bounds allow).

use crate::Error;
use crate::network::check_cost;

/// No row / no column. Indices are `u32`, half the cache footprint of `usize`; an `n × n`
/// matrix with `n >= 2^32` could not be held in memory anyway.
const NONE: u32 = u32::MAX;

/// An optimal dense assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseAssignment {
    /// Column assigned to each row.
    pub col_of_row: Vec<usize>,
    /// Total cost.
    pub objective: i64,
}

/// Solves the assignment problem on a row-major `rows × cols` matrix (`rows <= cols` is padded
/// with zero rows; `rows > cols` is solved on the transpose). Every row gets a distinct column
/// when `rows <= cols`; otherwise every column gets a row and `col_of_row` holds `usize::MAX` for
/// rows left out.
pub fn solve_dense(costs: &[i64], rows: usize, cols: usize) -> Result<DenseAssignment, Error> {
    if rows.checked_mul(cols) != Some(costs.len()) {
        return Err(Error::DenseShape {
            rows,
            cols,
            len: costs.len(),
        });
    }
    let mut max_abs = 0i64;
    for &c in costs {
        check_cost(c)?;
        max_abs = max_abs.max(c.abs());
    }
    if (rows.max(cols) as i128) * i128::from(max_abs) * 4 > i128::from(i64::MAX) {
        return Err(Error::CostOverflow {
            value: max_abs.into(),
            why: "n x max |cost| overflows",
        });
    }
    if rows == 0 || cols == 0 {
        return Ok(DenseAssignment {
            col_of_row: vec![usize::MAX; rows],
            objective: 0,
        });
    }
    if rows > cols {
        let mut t = vec![0i64; costs.len()];
        for r in 0..rows {
            for c in 0..cols {
                t[c * rows + r] = costs[r * cols + c];
            }
        }
        let sol = solve_dense(&t, cols, rows)?;
        let mut col_of_row = vec![usize::MAX; rows];
        for (c, &r) in sol.col_of_row.iter().enumerate() {
            col_of_row[r] = c;
        }
        return Ok(DenseAssignment {
            col_of_row,
            objective: sol.objective,
        });
    }
    let n = cols;
    let padded;
    let m: &[i64] = if rows == n {
        costs
    } else {
        let mut p = costs.to_vec();
        p.resize(n * n, 0);
        padded = p;
        &padded
    };
    // Why a 32-bit copy when every intermediate value fits: the Dijkstra scan reads a row, the
    // prices and the distances at a random column each step; at half the width all three stay
    // in L1 cache for n in the low thousands (measured on n = 2,000: the hot load stalled on
    // L1 misses with 64-bit values).
    let x = if (n as i64) * max_abs * 4 <= i64::from(i32::MAX) {
        // Lossless: every |cost| <= max_abs, which the test above bounds well inside i32.
        let narrow: Vec<i32> = m.iter().map(|&c| c as i32).collect();
        lapjv(n, &narrow)
    } else {
        lapjv(n, m)
    };
    let col_of_row: Vec<usize> = x[..rows].iter().map(|&j| j as usize).collect();
    let objective = col_of_row
        .iter()
        .enumerate()
        .map(|(r, &c)| costs[r * cols + c])
        .sum();
    Ok(DenseAssignment {
        col_of_row,
        objective,
    })
}

/// The cost types LAPJV runs on: `i64`, or `i32` when the instance's bounds allow.
trait Cost:
    Copy + Ord + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::AddAssign
{
    /// Larger than any reachable value (the "infinity" of the scans).
    const MAX: Self;
}

impl Cost for i32 {
    const MAX: Self = i32::MAX;
}

impl Cost for i64 {
    const MAX: Self = i64::MAX;
}

/// Column reduction and reduction transfer. Returns the free rows.
fn ccrrt<C: Cost>(n: usize, c: &[C], x: &mut [u32], y: &mut [u32], v: &mut [C]) -> Vec<u32> {
    v.fill(C::MAX);
    y.fill(0);
    for i in 0..n {
        let row = &c[i * n..(i + 1) * n];
        for j in 0..n {
            if row[j] < v[j] {
                v[j] = row[j];
                y[j] = i as u32;
            }
        }
    }
    let mut unique = vec![true; n];
    for j in (0..n).rev() {
        let i = y[j] as usize;
        if x[i] == NONE {
            x[i] = j as u32;
        } else {
            unique[i] = false;
            y[j] = NONE;
        }
    }
    let mut free = Vec::new();
    for i in 0..n {
        if x[i] == NONE {
            free.push(i as u32);
        } else if unique[i] {
            let j = x[i] as usize;
            let row = &c[i * n..(i + 1) * n];
            let mut min = C::MAX;
            for j2 in 0..n {
                if j2 != j {
                    min = min.min(row[j2] - v[j2]);
                }
            }
            if min != C::MAX {
                v[j] = v[j] - min;
            }
        }
    }
    free
}

/// Augmenting row reduction: an auction-like pass that assigns most free rows cheaply.
fn carr<C: Cost>(
    n: usize,
    c: &[C],
    free: &mut Vec<u32>,
    x: &mut [u32],
    y: &mut [u32],
    v: &mut [C],
) {
    let n_free = free.len();
    let mut current = 0usize;
    let mut new_free = 0usize;
    let mut rr_cnt = 0usize;
    while current < n_free {
        rr_cnt += 1;
        let free_i = free[current] as usize;
        current += 1;
        let row = &c[free_i * n..(free_i + 1) * n];
        let mut j1 = 0usize;
        let mut v1 = row[0] - v[0];
        let mut j2 = NONE as usize;
        let mut v2 = C::MAX;
        for j in 1..n {
            let h = row[j] - v[j];
            if h < v2 {
                if h >= v1 {
                    v2 = h;
                    j2 = j;
                } else {
                    v2 = v1;
                    v1 = h;
                    j2 = j1;
                    j1 = j;
                }
            }
        }
        let mut i0 = y[j1];
        let v1_new = if v2 == C::MAX {
            v[j1]
        } else {
            v[j1] - (v2 - v1)
        };
        let v1_lowers = v1_new < v[j1];
        if rr_cnt < current * n {
            if v1_lowers {
                v[j1] = v1_new;
            } else if i0 != NONE && j2 != NONE as usize {
                j1 = j2;
                i0 = y[j2];
            }
            if i0 != NONE {
                if v1_lowers {
                    current -= 1;
                    free[current] = i0;
                } else {
                    free[new_free] = i0;
                    new_free += 1;
                }
            }
        } else if i0 != NONE {
            free[new_free] = i0;
            new_free += 1;
        }
        x[free_i] = j1 as u32;
        y[j1] = free_i as u32;
        if i0 != NONE && x[i0 as usize] == j1 as u32 {
            x[i0 as usize] = NONE;
        }
    }
    free.truncate(new_free);
}

/// Moves the columns with the smallest `d` among `cols[lo..]` to `cols[lo..hi]`; returns `hi`.
#[expect(
    clippy::mut_range_bound,
    reason = "as in LAPJV: the scan runs from the initial `hi` while `hi` grows behind it"
)]
fn find_min<C: Cost>(n: usize, lo: usize, d: &[C], cols: &mut [u32]) -> usize {
    let mut hi = lo + 1;
    let mut mind = d[cols[lo] as usize];
    for k in hi..n {
        let j = cols[k];
        let dj = d[j as usize];
        if dj <= mind {
            if dj < mind {
                hi = lo;
                mind = dj;
            }
            cols[k] = cols[hi];
            cols[hi] = j;
            hi += 1;
        }
    }
    hi
}

/// Scans the columns in `cols[lo..hi]`; returns a free column reached at the current minimum.
#[expect(
    clippy::too_many_arguments,
    reason = "LAPJV's state, kept as in the original"
)]
#[expect(
    clippy::mut_range_bound,
    reason = "as in LAPJV: the scan runs from the initial `hi` while `hi` grows behind it"
)]
fn scan<C: Cost>(
    n: usize,
    c: &[C],
    lo: &mut usize,
    hi: &mut usize,
    d: &mut [C],
    cols: &mut [u32],
    pred: &mut [u32],
    y: &[u32],
    v: &[C],
) -> u32 {
    let (mut l, mut h) = (*lo, *hi);
    while l != h {
        let j = cols[l] as usize;
        l += 1;
        let i = y[j] as usize;
        let mind = d[j];
        let row = &c[i * n..(i + 1) * n];
        let hh = row[j] - v[j] - mind;
        for k in h..n {
            let j = cols[k];
            let ju = j as usize;
            let cred = row[ju] - v[ju] - hh;
            if cred < d[ju] {
                d[ju] = cred;
                pred[ju] = i as u32;
                if cred == mind {
                    if y[ju] == NONE {
                        return j;
                    }
                    cols[k] = cols[h];
                    cols[h] = j;
                    h += 1;
                }
            }
        }
    }
    *lo = l;
    *hi = h;
    NONE
}

/// Shortest augmenting path from `start` (dense Dijkstra); updates column prices.
#[expect(
    clippy::too_many_arguments,
    reason = "LAPJV's state, kept as in the original"
)]
fn find_path<C: Cost>(
    n: usize,
    c: &[C],
    start: usize,
    y: &[u32],
    v: &mut [C],
    pred: &mut [u32],
    d: &mut [C],
    cols: &mut [u32],
) -> u32 {
    let row = &c[start * n..(start + 1) * n];
    for j in 0..n {
        cols[j] = j as u32;
        pred[j] = start as u32;
        d[j] = row[j] - v[j];
    }
    let (mut lo, mut hi, mut n_ready) = (0usize, 0usize, 0usize);
    let mut final_j = NONE;
    while final_j == NONE {
        if lo == hi {
            n_ready = lo;
            hi = find_min(n, lo, d, cols);
            for &j in &cols[lo..hi] {
                if y[j as usize] == NONE {
                    final_j = j;
                    break;
                }
            }
        }
        if final_j == NONE {
            final_j = scan(n, c, &mut lo, &mut hi, d, cols, pred, y, v);
        }
    }
    let mind = d[cols[lo] as usize];
    for &j in &cols[..n_ready] {
        let j = j as usize;
        v[j] += d[j] - mind;
    }
    final_j
}

/// LAPJV on a square `n × n` matrix; returns the column of each row.
fn lapjv<C: Cost>(n: usize, c: &[C]) -> Vec<u32> {
    let mut x = vec![NONE; n];
    let mut y = vec![NONE; n];
    let mut v = vec![C::MAX; n];
    let mut free = ccrrt(n, c, &mut x, &mut y, &mut v);
    for _ in 0..2 {
        if free.is_empty() {
            break;
        }
        carr(n, c, &mut free, &mut x, &mut y, &mut v);
    }
    let mut pred = vec![0u32; n];
    let mut d = vec![C::MAX; n];
    let mut cols = vec![0u32; n];
    for &f in &free {
        let mut j = find_path(n, c, f as usize, &y, &mut v, &mut pred, &mut d, &mut cols);
        loop {
            let i = pred[j as usize];
            y[j as usize] = i;
            let prev = x[i as usize];
            x[i as usize] = j;
            if i == f {
                break;
            }
            j = prev;
        }
    }
    x
}
