//! The min-cost-flow solver on [`Network`]: successive shortest paths with Dijkstra and
//! Johnson potentials, one unit per mentee.
//!
//! Why this algorithm: every mentee supplies exactly one unit, so each augmentation is a single
//! Dijkstra from one mentee that stops as soon as it reaches a mentor with spare capacity (or
//! decides that leaving someone unassigned is cheaper). Most searches touch a handful of
//! mentors. A greedy start assigns every mentee whose cheapest mentor still has room, which is
//! already consistent with zero mentor prices, so only the contested mentees need a search.
//!
//! The LP dual is kept explicitly: `u[i]` per mentee, `p[j] >= 0` per mentor, with
//! `c(i,j) + p[j] - u[i] >= 0` on every arc (= 0 on assigned arcs), `u[i] <= U` (= U when
//! unassigned), and `p[j] > 0` only for full mentors. These are exactly the optimality
//! conditions, which is what makes warm starts cheap and checkable ([`is_optimal`]).
//!
//! Independent connected components are solved in parallel with rayon, both from scratch
//! ([`solve`]) and warm ([`resolve`]); the result does not depend on the number of threads.

#![expect(
    clippy::needless_range_loop,
    reason = "index loops over parallel arrays (CSR rows, per-mentor state) read clearer here"
)]

use std::cmp::Reverse;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::{Error, Network};

mod matcher;
pub use matcher::Matcher;

const NONE: u32 = u32::MAX;
const INF: i64 = i64::MAX / 2;
/// Price of a zero-capacity mentor: above any `u - c` (both bounded by 2^40 in magnitude).
const ZERO_CAP_PRICE: i64 = 1 << 42;

/// What a previous solve leaves behind so that a changed instance re-solves fast.
///
/// Indices refer to the *new* network's mentees and mentors (keep indices stable: a mentor who
/// leaves can simply get capacity 0 or lose its arcs). Any content is accepted: entries that are
/// no longer valid are repaired, and the result is always exactly optimal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WarmStart {
    /// Previous mentor of each mentee (`None` = unassigned).
    pub mentor_of: Vec<Option<u32>>,
    /// Previous dual price of each mentor (0 when unknown).
    pub mentor_price: Vec<i64>,
}

/// An optimal assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// Assigned arc index per mentee, `NONE` when unassigned.
    arc_of: Vec<u32>,
    mentor_of: Vec<Option<u32>>,
    u: Vec<i64>,
    p: Vec<i64>,
    objective: i64,
    components: usize,
}

impl Solution {
    /// Total cost: assigned arc costs plus the penalty for each unassigned mentee.
    pub fn objective(&self) -> i64 {
        self.objective
    }

    /// Mentor of each mentee (`None` = unassigned).
    pub fn mentor_of(&self) -> &[Option<u32>] {
        &self.mentor_of
    }

    /// Index into the network's arcs of mentee `i`'s assignment.
    pub fn arc_of(&self, i: usize) -> Option<usize> {
        let a = self.arc_of[i];
        (a != NONE).then_some(a as usize)
    }

    /// Number of assigned mentees.
    pub fn assigned(&self) -> usize {
        self.arc_of.iter().filter(|&&a| a != NONE).count()
    }

    /// Number of unassigned mentees.
    pub fn unassigned(&self) -> usize {
        self.arc_of.len() - self.assigned()
    }

    /// Dual value per mentee (the marginal cost of serving that mentee).
    pub fn mentee_duals(&self) -> &[i64] {
        &self.u
    }

    /// Dual price per mentor (> 0 only for full mentors: what one more seat would save).
    pub fn mentor_prices(&self) -> &[i64] {
        &self.p
    }

    /// Number of connected components solved (each independently).
    pub fn components(&self) -> usize {
        self.components
    }

    /// The state to pass to [`resolve`] after the instance changes.
    pub fn warm_start(&self) -> WarmStart {
        WarmStart {
            mentor_of: self.mentor_of.clone(),
            mentor_price: self.p.clone(),
        }
    }
}

/// Solves `net` to optimality from scratch.
pub fn solve(net: &Network) -> Solution {
    let comps = components(net);
    let n_comp = comps.len();
    let mut state = State::empty(net);
    if n_comp <= 1 {
        let mut s = Ssp::new(net, State::empty(net));
        s.greedy_and_augment();
        state = s.into_state();
    } else {
        let parts: Vec<(Component, State)> = largest_first(comps, Component::weight, |c| {
            let sub = c.subnetwork(net);
            let mut s = Ssp::new(&sub, State::empty(&sub));
            s.greedy_and_augment();
            let st = s.into_state();
            (c, st)
        });
        for (c, st) in parts {
            c.scatter(net, &st, &mut state);
        }
    }
    // Mentees without any arc are unassigned at penalty U.
    for i in 0..net.mentees() {
        if net.row_start[i] == net.row_start[i + 1] {
            state.u[i] = net.unassigned_cost;
        }
    }
    finish(net, state, n_comp.max(1))
}

/// Re-solves `net` starting from a previous solution (see [`WarmStart`]). Assignments that are
/// still valid and consistent with the previous prices are kept; the others (for example the
/// mentees of a mentor who left) are re-routed by shortest augmenting paths. Exactly optimal.
pub fn resolve(net: &Network, warm: &WarmStart) -> Result<Solution, Error> {
    if warm.mentor_of.len() != net.mentees() || warm.mentor_price.len() > net.mentors() {
        return Err(Error::WarmStartShape {
            got: format!("{}/{}", warm.mentor_of.len(), warm.mentor_price.len()),
            want: format!("{}/{}", net.mentees(), net.mentors()),
        });
    }
    let (mut state, free) = repair(net, warm);
    let labels = ComponentLabels::new(net);
    // Route the mentees of the same previous mentor one after another: their searches cover
    // the same neighbourhood, which is then still in cache (measured on the 50k instance with
    // 1 % of mentors leaving, one thread, before the subnetworks below: 0.22 s in index order,
    // 0.17 s in this order).
    let mut free = free;
    free.sort_by_key(|&i| (warm.mentor_of[i as usize].unwrap_or(u32::MAX), i));
    let mut by_comp: Vec<Vec<u32>> = vec![Vec::new(); labels.count];
    for &i in &free {
        match labels.of_mentee(net, i as usize) {
            Some(c) => by_comp[c as usize].push(i),
            // No candidate at all: unassigned, no search needed.
            None => state.u[i as usize] = net.unassigned_cost,
        }
    }
    // Only components with mentees to re-route are touched; each becomes a compact
    // subnetwork whose mentees are ordered by current mentor, so the rows a search reads when
    // it rebuilds a mentor's adjacency are adjacent in memory (as in `solve`; on the 50k
    // instance this more than paid for the copy). Components never share a mentor, so they
    // run in parallel, and each sees the same augmentations in the same order whatever the
    // number of threads.
    let mut slot = vec![NONE; labels.count];
    let mut comps: Vec<(Component, Vec<u32>)> = Vec::new();
    for (c, list) in by_comp.into_iter().enumerate() {
        if !list.is_empty() {
            slot[c] = comps.len() as u32;
            let comp = Component {
                mentees: Vec::new(),
                mentors: Vec::new(),
            };
            comps.push((comp, list));
        }
    }
    for j in 0..net.mentors() {
        let k = slot[labels.mentor[j] as usize];
        if k != NONE {
            comps[k as usize].0.mentors.push(j as u32);
        }
    }
    let mut local_of = vec![NONE; net.mentees()];
    // Components with at least one mentee, as `solve` counts them.
    let mut seen = vec![false; labels.count];
    for i in 0..net.mentees() {
        if let Some(c) = labels.of_mentee(net, i) {
            seen[c as usize] = true;
            let k = slot[c as usize];
            if k != NONE {
                comps[k as usize].0.mentees.push(i as u32);
            }
        }
    }
    let mentor_key = |i: u32| -> u32 {
        let a = state.arc[i as usize];
        if a == NONE {
            net.head[net.row_start[i as usize]]
        } else {
            net.head[a as usize]
        }
    };
    for (comp, _) in &mut comps {
        comp.mentees.sort_by_cached_key(|&i| (mentor_key(i), i));
        for (k, &i) in comp.mentees.iter().enumerate() {
            local_of[i as usize] = k as u32;
        }
    }
    // The searches dominate: their number, not the component's size, weighs each job.
    let parts: Vec<(Component, State)> = largest_first(
        comps,
        |(_, list)| list.len() as u64,
        |(comp, list)| {
            let sub = comp.subnetwork(net);
            let local = comp.gather(net, &state, &sub);
            let mut s = Ssp::new(&sub, local);
            for &i in &list {
                s.augment(local_of[i as usize] as usize);
            }
            let st = s.into_state();
            (comp, st)
        },
    );
    for (comp, st) in parts {
        comp.scatter(net, &st, &mut state);
    }
    let counted = seen.iter().filter(|&&x| x).count();
    Ok(finish(net, state, counted.max(1)))
}

/// Connected components as labels `0..count` per mentor (a mentee belongs to the component of
/// its mentors). Why mentors only: union-find over a few thousand mentors stays in L1 cache,
/// which makes this one pass over the arcs cheap enough for every warm start.
struct ComponentLabels {
    mentor: Vec<u32>,
    count: usize,
}

impl ComponentLabels {
    fn new(net: &Network) -> Self {
        let m = net.mentors();
        let mut parent: Vec<u32> = (0..m as u32).collect();
        for i in 0..net.mentees() {
            let (lo, hi) = (net.row_start[i], net.row_start[i + 1]);
            if lo == hi {
                continue;
            }
            let mut a = find(&mut parent, net.head[lo]);
            for &j in &net.head[lo + 1..hi] {
                let b = find(&mut parent, j);
                if a != b {
                    let (r, child) = if a < b { (a, b) } else { (b, a) };
                    parent[child as usize] = r;
                    a = r;
                }
            }
        }
        let mut id = vec![NONE; m];
        let mut mentor = vec![0u32; m];
        let mut count = 0usize;
        for j in 0..m {
            let r = find(&mut parent, j as u32) as usize;
            if id[r] == NONE {
                id[r] = count as u32;
                count += 1;
            }
            mentor[j] = id[r];
        }
        ComponentLabels { mentor, count }
    }

    /// Component of mentee `i`, `None` when it has no arcs.
    fn of_mentee(&self, net: &Network, i: usize) -> Option<u32> {
        let lo = net.row_start[i];
        (lo < net.row_start[i + 1]).then(|| self.mentor[net.head[lo] as usize])
    }
}

/// Capacity as the searches see it: `min(capacity, in-degree)`, so the slot table stays
/// `O(arcs)` even for a mentor with a huge nominal capacity.
fn effective_capacity(net: &Network) -> Vec<u32> {
    let mut deg = vec![0u32; net.mentors()];
    for &j in &net.head {
        deg[j as usize] += 1;
    }
    net.capacity
        .iter()
        .zip(&deg)
        .map(|(&c, &d)| c.min(d))
        .collect()
}

/// Checks the optimality certificate of `sol` for `net` (dual feasibility and complementary
/// slackness); also checks capacities. `O(arcs)`.
pub fn is_optimal(net: &Network, sol: &Solution) -> bool {
    let u_cost = net.unassigned_cost;
    let mut count = vec![0u64; net.mentors()];
    for i in 0..net.mentees() {
        let ui = sol.u[i];
        if ui > u_cost {
            return false;
        }
        match sol.arc_of(i) {
            Some(e) => {
                if e < net.row_start[i] || e >= net.row_start[i + 1] {
                    return false;
                }
                let j = net.head[e] as usize;
                count[j] += 1;
                if net.cost[e] + sol.p[j] != ui {
                    return false;
                }
            }
            None => {
                if ui != u_cost {
                    return false;
                }
            }
        }
        for (j, c) in net.row(i) {
            if c + sol.p[j as usize] < ui {
                return false;
            }
        }
    }
    for j in 0..net.mentors() {
        let cap = u64::from(net.capacity[j]);
        if count[j] > cap || sol.p[j] < 0 || (sol.p[j] > 0 && count[j] < cap) {
            return false;
        }
    }
    true
}

fn finish(net: &Network, st: State, components: usize) -> Solution {
    let mut objective = 0i64;
    let mut mentor_of = Vec::with_capacity(net.mentees());
    for &a in &st.arc {
        if a == NONE {
            objective += net.unassigned_cost;
            mentor_of.push(None);
        } else {
            objective += net.cost[a as usize];
            mentor_of.push(Some(net.head[a as usize]));
        }
    }
    Solution {
        arc_of: st.arc,
        mentor_of,
        u: st.u,
        p: st.p,
        objective,
        components,
    }
}

/// Primal and dual state.
#[derive(Clone, Debug, Default)]
struct State {
    arc: Vec<u32>,
    u: Vec<i64>,
    p: Vec<i64>,
}

impl State {
    fn empty(net: &Network) -> Self {
        State {
            arc: vec![NONE; net.mentees()],
            u: vec![0; net.mentees()],
            p: vec![0; net.mentors()],
        }
    }
}

/// Builds a consistent state from a warm start; returns it and the mentees still to route.
fn repair(net: &Network, warm: &WarmStart) -> (State, Vec<u32>) {
    let n = net.mentees();
    let m = net.mentors();
    let uc = net.unassigned_cost;
    let mut st = State::empty(net);
    for (j, &pj) in warm.mentor_price.iter().enumerate() {
        st.p[j] = pj.clamp(0, ZERO_CAP_PRICE);
    }
    let mut count = vec![0u32; m];
    let mut free = vec![false; n];
    // 1. Keep previous pairs that are still arcs, within capacity (first come, by index).
    for i in 0..n {
        match warm.mentor_of[i] {
            Some(j) if (j as usize) < m => match net.arc_index(i, j) {
                Some(e) if count[j as usize] < net.capacity[j as usize] => {
                    count[j as usize] += 1;
                    st.arc[i] = e as u32;
                }
                _ => free[i] = true,
            },
            Some(_) => free[i] = true,
            None => st.arc[i] = NONE,
        }
    }
    // 2. Complementary slackness on mentors: a mentor with room must have price 0. Every
    //    mentee is checked below anyway, so these drops need no re-queueing.
    for j in 0..m {
        if count[j] < net.capacity[j] {
            st.p[j] = 0;
        }
    }
    let mut to_check: Vec<u32> = (0..n as u32).rev().collect();
    let mut queued = vec![true; n];
    // Reverse adjacency, built only if a price drops during step 3 (never when mentors merely
    // leave), to re-check the mentees who see that mentor.
    let mut rev: Option<(Vec<usize>, Vec<u32>)> = None;
    // 3. Dual feasibility per mentee with the (now fixed) prices; infeasible ones are freed,
    //    which may open room at their mentor and drop its price in turn.
    while let Some(i) = to_check.pop() {
        let i = i as usize;
        queued[i] = false;
        if free[i] {
            continue;
        }
        let ui = if st.arc[i] == NONE {
            uc
        } else {
            let e = st.arc[i] as usize;
            net.cost[e] + st.p[net.head[e] as usize]
        };
        let ok = ui <= uc && net.row(i).all(|(j, c)| c + st.p[j as usize] >= ui);
        if ok {
            st.u[i] = ui;
        } else {
            free[i] = true;
            if st.arc[i] != NONE {
                let j = net.head[st.arc[i] as usize] as usize;
                st.arc[i] = NONE;
                count[j] -= 1;
                if st.p[j] > 0 {
                    st.p[j] = 0;
                    let (rs, rv) = rev.get_or_insert_with(|| reverse_adjacency(net));
                    for &k in &rv[rs[j]..rs[j + 1]] {
                        if !queued[k as usize] {
                            queued[k as usize] = true;
                            to_check.push(k);
                        }
                    }
                }
            }
        }
    }
    let free_list: Vec<u32> = (0..n as u32)
        .filter(|&i| {
            let f = free[i as usize];
            if f {
                st.arc[i as usize] = NONE;
            }
            f
        })
        .collect();
    (st, free_list)
}

/// One entry of a mentor's contracted adjacency (see `Ssp::rebuild`).
#[derive(Clone, Copy, Debug)]
///
/// 16 bytes (no arc index): the scan over these lists is a large share of the solve time, and
/// the arc of the few entries that end up on an augmenting path is found again by binary search.
struct AdjEntry {
    to: u32,
    mentee: u32,
    w: i64,
}

/// Mentees adjacent to each mentor, as CSR `(start, mentees)`.
fn reverse_adjacency(net: &Network) -> (Vec<usize>, Vec<u32>) {
    let m = net.mentors();
    let mut start = vec![0usize; m + 1];
    for &j in &net.head {
        start[j as usize + 1] += 1;
    }
    for j in 0..m {
        start[j + 1] += start[j];
    }
    let mut fill = start.clone();
    let mut rev = vec![0u32; net.head.len()];
    for i in 0..net.mentees() {
        for e in net.row_start[i]..net.row_start[i + 1] {
            let j = net.head[e] as usize;
            rev[fill[j]] = i as u32;
            fill[j] += 1;
        }
    }
    (start, rev)
}

/// How a search ends.
#[derive(Clone, Copy)]
enum Term {
    /// Mentor with spare capacity.
    Mentor(u32),
    /// This mentee drops to the unassigned arc.
    Unassigned(u32),
}

/// Search state of the successive-shortest-path engine, owned apart from the network it
/// searches so that [`Matcher`] can keep it between solves (see [`Ssp::park`]).
#[derive(Clone, Default)]
struct Engine {
    st: State,
    /// Effective capacity: min(capacity, in-degree), so the slot table below stays O(arcs).
    cap: Vec<u32>,
    count: Vec<u32>,
    slot_start: Vec<usize>,
    slots: Vec<u32>,
    /// Position of each assigned mentee inside its mentor's slot range.
    pos: Vec<u32>,
    /// Cost of each assigned mentee's current arc. Why cached: `rebuild` reads it for every
    /// member, and `cost[arc[i]]` is two dependent cache misses.
    own: Vec<i64>,
    adj: Vec<Vec<AdjEntry>>,
    adj_pos: Vec<u32>,
    dirty: Vec<bool>,
    kick_cost: Vec<i64>,
    kick_mentee: Vec<u32>,
    /// Cached lower bound on each assigned mentee's second-cheapest option (auction pass).
    w2: Vec<i64>,
    /// Tentative distance minus price, per mentor (see `relax`).
    q: Vec<i64>,
    pred_mentee: Vec<u32>,
    touched: Vec<u32>,
    finalized: Vec<(u32, i64)>,
    heap: Heap,
}

impl Engine {
    /// Mentors whose price can drop to 0, with that price, for a textbook certificate.
    ///
    /// Searches treat a mentor as full at min(capacity, in-degree). One that is full only
    /// because every mentee who can reach it already has it may hold a price > 0 with
    /// capacity to spare; its price can drop to 0 (its members' duals with it) without
    /// breaking any condition, which gives the certificate `is_optimal` checks.
    fn surplus_prices(&self, net: &Network) -> Vec<(usize, i64)> {
        (0..net.mentors())
            .filter(|&j| self.is_surplus(net, j))
            .map(|j| (j, self.st.p[j]))
            .collect()
    }

    /// Whether mentor `j` holds a price with room to spare (see [`Engine::surplus_prices`]).
    fn is_surplus(&self, net: &Network, j: usize) -> bool {
        self.st.p[j] > 0 && self.count[j] < net.capacity[j]
    }

    /// Moves mentor `j`'s price and all its members' duals by `delta` together, which keeps
    /// every member's own arc tight.
    #[inline]
    fn shift_price(&mut self, j: usize, delta: i64) {
        self.st.p[j] += delta;
        let b = self.slot_start[j];
        for k in b..b + self.count[j] as usize {
            let i = self.slots[k] as usize;
            self.st.u[i] += delta;
        }
    }

    /// Mentor `j`'s current mentees.
    fn members(&self, j: usize) -> &[u32] {
        let b = self.slot_start[j];
        &self.slots[b..b + self.count[j] as usize]
    }
}

/// Successive-shortest-path engine over one network: the network plus its [`Engine`].
struct Ssp<'a> {
    net: &'a Network,
    e: Engine,
}

impl<'a> Ssp<'a> {
    fn new(net: &'a Network, st: State) -> Self {
        let cap = effective_capacity(net);
        let m = net.mentors();
        let mut slot_start = vec![0usize; m + 1];
        for j in 0..m {
            slot_start[j + 1] = slot_start[j] + cap[j] as usize;
        }
        let e = Engine {
            cap,
            count: vec![0; m],
            slots: vec![NONE; slot_start[m]],
            slot_start,
            pos: vec![NONE; net.mentees()],
            own: vec![0; net.mentees()],
            q: vec![INF; m],
            w2: vec![INF; net.mentees()],
            adj: vec![Vec::new(); m],
            adj_pos: vec![NONE; m],
            dirty: vec![true; m],
            kick_cost: vec![0; m],
            kick_mentee: vec![NONE; m],
            pred_mentee: vec![NONE; m],
            touched: Vec::new(),
            finalized: Vec::new(),
            heap: Heap::new(m),
            st,
        };
        let mut s = Ssp { net, e };
        for i in 0..net.mentees() {
            let a = s.e.st.arc[i];
            if a != NONE {
                s.attach(i as u32, a);
            }
        }
        // A mentor with capacity 0 is always "full", so any price is consistent; a price no
        // arc can afford keeps every search and the auction pass away from it.
        for j in 0..m {
            if net.capacity[j] == 0 {
                s.e.st.p[j] = ZERO_CAP_PRICE;
            }
        }
        s
    }

    fn into_state(mut self) -> State {
        for (j, pj) in self.e.surplus_prices(self.net) {
            self.e.shift_price(j, -pj);
        }
        self.e.st
    }

    /// Rebuilds every stale contracted adjacency now, so that later searches find them ready
    /// (a [`Matcher`] does this once after its first solve, as part of [`Ssp::guide`]).
    fn rebuild_dirty(&mut self) {
        for j in 0..self.net.mentors() {
            if self.e.dirty[j] && self.e.count[j] > 0 {
                self.rebuild(j);
            }
        }
    }

    /// Raises each full mentor's price, and its members' duals with it, by its reduced
    /// distance to the nearest exit (a mentor with room, or dropping a member to the
    /// unassigned arc), found by one Dijkstra backwards from every exit over the contracted
    /// lists.
    ///
    /// Why: the duals stay optimal — the distance is consistent on every arc, never above the
    /// mentor's own kick exit (so no dual passes `U`), and 0 where there is room (so only full
    /// mentors hold a price) — and the searches that follow then run as A* towards the exits
    /// with no change to them. A [`Matcher`] does this once after its first solve (a few ms
    /// on the 50k instance): the re-match after 1 % of mentors leave then pops 10–12 % fewer
    /// mentors (89,661 → 80,470 on seed 1). Each search's own dual update keeps the duals
    /// valid but flattens the region it covers, so the gain fades as exits are used up;
    /// guiding each searched region again after every search saved another 30 % of pops but
    /// cost as much as the search (docs/bench-matching.md).
    fn guide(&mut self) {
        let net = self.net;
        let m = net.mentors();
        let uc = net.unassigned_cost;
        self.rebuild_dirty();
        // Reverse contracted lists as CSR: `(from, reduced weight)` per target mentor.
        let mut start = vec![0usize; m + 1];
        for j in 0..m {
            if self.e.count[j] > 0 {
                for en in &self.e.adj[j] {
                    start[en.to as usize + 1] += 1;
                }
            }
        }
        for j in 0..m {
            start[j + 1] += start[j];
        }
        let mut fill = start.clone();
        let mut rev = vec![(0u32, 0i64); start[m]];
        for j in 0..m {
            if self.e.count[j] > 0 {
                let pj = self.e.st.p[j];
                for en in &self.e.adj[j] {
                    let t = en.to as usize;
                    rev[fill[t]] = (j as u32, en.w + self.e.st.p[t] - pj);
                    fill[t] += 1;
                }
            }
        }
        let mut h = vec![INF; m];
        let mut heap = std::mem::take(&mut self.e.heap);
        for j in 0..m {
            // A mentor with capacity 0 is no exit, and its price already keeps searches away.
            if net.capacity[j] == 0 {
                continue;
            }
            h[j] = if self.e.count[j] < self.e.cap[j] {
                0
            } else {
                uc - (self.e.kick_cost[j] + self.e.st.p[j])
            };
            heap.push_or_decrease(h[j], j as u32);
        }
        while let Some((d, j)) = heap.pop() {
            let ju = j as usize;
            for &(from, rw) in &rev[start[ju]..start[ju + 1]] {
                let nd = d + rw;
                if nd < h[from as usize] {
                    h[from as usize] = nd;
                    heap.push_or_decrease(nd, from);
                }
            }
        }
        self.e.heap = heap;
        for j in 0..m {
            let hj = h[j];
            // `INF`: capacity 0, left as it is.
            if hj > 0 && hj < INF {
                self.e.shift_price(j, hj);
            }
        }
    }

    /// Sets the network aside and keeps the search state (see [`Matcher`]).
    fn park(self) -> Engine {
        self.e
    }

    /// Resumes a parked engine on the network it was built for (same indices; capacities may
    /// have been lowered since, see [`Ssp::lower_capacity`]).
    fn resume(net: &'a Network, e: Engine) -> Self {
        Ssp { net, e }
    }

    /// Lowers mentor `j`'s capacity to `cap` (the caller has already lowered it in the
    /// network) and returns its members beyond the new capacity, most expensive first, now
    /// unrouted. The others keep their seat: prices stay valid, because a full mentor may hold
    /// any price and no arc's reduced cost changes.
    fn lower_capacity(&mut self, j: usize, cap: u32) -> Vec<u32> {
        self.e.cap[j] = self.e.cap[j].min(cap);
        let mut moving = Vec::new();
        while self.e.count[j] > self.e.cap[j] {
            // The members' own costs are cached, so finding the most expensive is cheap.
            let b = self.e.slot_start[j];
            let members = &self.e.slots[b..b + self.e.count[j] as usize];
            let Some(&i) = members
                .iter()
                .max_by_key(|&&i| (self.e.own[i as usize], Reverse(i)))
            else {
                break;
            };
            self.detach(i);
            moving.push(i);
        }
        if cap == 0 {
            // Empty now: a price no arc can afford keeps later searches away.
            self.e.st.p[j] = ZERO_CAP_PRICE;
        }
        moving
    }

    fn attach(&mut self, i: u32, arc: u32) {
        let j = self.net.head[arc as usize] as usize;
        self.e.dirty[j] = true;
        let k = self.e.count[j];
        self.e.slots[self.e.slot_start[j] + k as usize] = i;
        self.e.pos[i as usize] = k;
        self.e.own[i as usize] = self.net.cost[arc as usize];
        self.e.count[j] = k + 1;
        self.e.st.arc[i as usize] = arc;
    }

    fn detach(&mut self, i: u32) {
        let arc = self.e.st.arc[i as usize];
        let j = self.net.head[arc as usize] as usize;
        self.e.dirty[j] = true;
        let base = self.e.slot_start[j];
        let k = self.e.pos[i as usize] as usize;
        let last = self.e.count[j] as usize - 1;
        let moved = self.e.slots[base + last];
        self.e.slots[base + k] = moved;
        self.e.pos[moved as usize] = k as u32;
        self.e.count[j] = last as u32;
        self.e.st.arc[i as usize] = NONE;
    }

    /// Rebuilds mentor `j`'s contracted adjacency: for each other mentor `j2` reachable through
    /// a member `i`, the cheapest `c(i,j2) - c(i,j)`.
    ///
    /// Why: a search that reaches a full mentor continues through each of its members' arcs.
    /// Members of one mentor live close together and share most candidate mentors (measured on
    /// the 50k instance: ~60 distinct neighbours for ~440 member arcs), so relaxing the
    /// contracted list does several times less work. The weights depend on costs only, not on
    /// prices, so a list stays valid until the membership changes (then it is marked dirty and
    /// rebuilt lazily, when next needed).
    fn rebuild(&mut self, j: usize) {
        let net = self.net;
        let mut adj = std::mem::take(&mut self.e.adj[j]);
        adj.clear();
        let b = self.e.slot_start[j];
        let mut kick_cost = i64::MIN;
        let mut kick_mentee = NONE;
        for k in b..b + self.e.count[j] as usize {
            let i = self.e.slots[k];
            let own = self.e.own[i as usize];
            if own > kick_cost {
                kick_cost = own;
                kick_mentee = i;
            }
            let (lo, hi) = (net.row_start[i as usize], net.row_start[i as usize + 1]);
            for e in lo..hi {
                let to = net.head[e];
                if to as usize == j {
                    continue;
                }
                let w = net.cost[e] - own;
                let at = self.e.adj_pos[to as usize];
                if at == NONE {
                    self.e.adj_pos[to as usize] = adj.len() as u32;
                    adj.push(AdjEntry { to, mentee: i, w });
                } else if w < adj[at as usize].w {
                    adj[at as usize] = AdjEntry { to, mentee: i, w };
                }
            }
        }
        for en in &adj {
            self.e.adj_pos[en.to as usize] = NONE;
        }
        self.e.adj[j] = adj;
        self.e.kick_cost[j] = kick_cost;
        self.e.kick_mentee[j] = kick_mentee;
        self.e.dirty[j] = false;
    }

    /// Cold start: an auction-like pass (the capacitated analogue of LAPJV's augmenting row
    /// reduction) settles most mentees cheaply, then one shortest augmenting path per mentee
    /// left over.
    fn greedy_and_augment(&mut self) {
        let n = self.net.mentees();
        let queue: VecDeque<u32> = (0..n as u32).collect();
        // Why a step budget: with ties the pass can trade the same seat back and forth; beyond
        // a few steps per mentee Dijkstra is the better tool.
        let left = self.auction(queue, 2 * n + 16);
        for i in left {
            self.augment(i as usize);
        }
    }

    /// Auction-like pass. Each mentee `i` from the queue takes its cheapest option at current
    /// prices (`w1`, mentor `j1`; `w2` = second cheapest, including staying unassigned). If `j1`
    /// is full, `i` evicts the member `k` with the smallest slack and `p[j1]` rises by
    /// `min(w2 - w1, slack_k)`. Every step keeps all optimality conditions for the assigned
    /// mentees (prices only rise, by at most any member's slack), so SSP can finish exactly.
    /// Slack uses a cached second-best value per mentee, a lower bound because prices only
    /// rise; a lower bound only makes the raise smaller, which stays safe.
    fn auction(&mut self, mut queue: VecDeque<u32>, budget: usize) -> Vec<u32> {
        let net = self.net;
        let uc = net.unassigned_cost;
        let mut steps = 0usize;
        let mut left = Vec::new();
        while let Some(i) = queue.pop_front() {
            if steps >= budget {
                left.push(i);
                left.extend(queue.drain(..));
                break;
            }
            steps += 1;
            let iu = i as usize;
            let (lo, hi) = (net.row_start[iu], net.row_start[iu + 1]);
            let mut w1 = uc;
            let mut e1 = NONE;
            let mut w2 = INF;
            for e in lo..hi {
                let v = net.cost[e] + self.e.st.p[net.head[e] as usize];
                if v < w1 || (e1 == NONE && v == w1) {
                    w2 = w1;
                    w1 = v;
                    e1 = e as u32;
                } else if v < w2 {
                    w2 = v;
                }
            }
            if e1 == NONE {
                self.e.st.u[iu] = uc;
                continue;
            }
            let j = net.head[e1 as usize] as usize;
            if self.e.count[j] < self.e.cap[j] {
                self.e.st.u[iu] = w1;
                self.e.w2[iu] = w2;
                self.attach(i, e1);
                continue;
            }
            // Full: the member with the least slack leaves.
            let b = self.e.slot_start[j];
            let c = self.e.count[j] as usize;
            let mut kstar = NONE;
            let mut smin = INF;
            for k in b..b + c {
                let m = self.e.slots[k] as usize;
                let slack = self.e.w2[m] - self.e.st.u[m];
                if slack < smin {
                    smin = slack;
                    kstar = self.e.slots[k];
                }
            }
            if kstar == NONE {
                left.push(i);
                continue;
            }
            let delta = (w2 - w1).min(smin).max(0);
            if delta > 0 {
                self.e.shift_price(j, delta);
            }
            self.detach(kstar);
            queue.push_back(kstar);
            self.e.st.u[iu] = w1 + delta;
            self.e.w2[iu] = w2;
            self.attach(i, e1);
        }
        left
    }

    /// Relaxes mentee `i`'s arcs from distance `d`.
    ///
    /// Why `q[j] = dist[j] - p[j]` instead of `dist[j]`: the test `d - u_i + c + p[j] < dist[j]`
    /// becomes `d - u_i + c < q[j]`, one load per arc instead of two; this loop is ~80 % of the
    /// solve time. Finalized mentors need no flag: reduced costs are >= 0, so a path through
    /// the current node can never improve a mentor that was finalized earlier.
    #[inline]
    fn relax(&mut self, i: u32, d: i64, ui: i64, best: &mut i64, term: &mut Term) {
        let net = self.net;
        let lo = net.row_start[i as usize];
        let hi = net.row_start[i as usize + 1];
        let base = d - ui;
        let heads = &net.head[lo..hi];
        let costs = &net.cost[lo..hi];
        for k in 0..heads.len() {
            let ju = heads[k] as usize;
            let v = base + costs[k];
            if v < self.e.q[ju] {
                self.improve(ju, v, i, best, term);
            }
        }
    }

    #[inline]
    fn improve(&mut self, ju: usize, v: i64, i: u32, best: &mut i64, term: &mut Term) {
        if self.e.q[ju] == INF {
            self.e.touched.push(ju as u32);
        }
        self.e.q[ju] = v;
        self.e.pred_mentee[ju] = i;
        let nd = v + self.e.st.p[ju];
        if nd < *best {
            if self.e.count[ju] < self.e.cap[ju] {
                *best = nd;
                *term = Term::Mentor(ju as u32);
            } else {
                self.e.heap.push_or_decrease(nd, ju as u32);
            }
        }
    }

    /// Routes mentee `s` (currently unrouted) along a shortest augmenting path and updates the
    /// duals so that all optimality conditions hold again.
    fn augment(&mut self, s: usize) {
        let net = self.net;
        let uc = net.unassigned_cost;
        let mut us = uc;
        for e in net.row_start[s]..net.row_start[s + 1] {
            us = us.min(net.cost[e] + self.e.st.p[net.head[e] as usize]);
        }
        self.e.st.u[s] = us;
        let mut best = uc - us;
        let mut term = Term::Unassigned(s as u32);
        self.relax(s as u32, 0, us, &mut best, &mut term);
        while let Some((d, j)) = self.e.heap.pop() {
            if d >= best {
                break;
            }
            let ju = j as usize;
            self.e.finalized.push((j, d));
            if self.e.dirty[ju] {
                self.rebuild(ju);
            }
            if self.e.count[ju] > 0 {
                // Dropping the member with the largest cost (largest dual) is the cheapest exit.
                let t = d + uc - (self.e.kick_cost[ju] + self.e.st.p[ju]);
                if t < best {
                    best = t;
                    term = Term::Unassigned(self.e.kick_mentee[ju]);
                }
            }
            let base = d - self.e.st.p[ju];
            let adj = std::mem::take(&mut self.e.adj[ju]);
            for en in &adj {
                let v = base + en.w;
                if v < self.e.q[en.to as usize] {
                    self.improve(en.to as usize, v, en.mentee, &mut best, &mut term);
                }
            }
            self.e.adj[ju] = adj;
        }
        // Dual update: every finalized mentor (and its mentees) moves by best - dist.
        for idx in 0..self.e.finalized.len() {
            let (j, dj) = self.e.finalized[idx];
            let j = j as usize;
            let delta = best - dj;
            if delta > 0 {
                self.e.shift_price(j, delta);
            }
        }
        self.e.st.u[s] = us + best;
        // Flip the path.
        let mut j = match term {
            Term::Unassigned(i) => {
                if i as usize == s {
                    NONE
                } else {
                    let jo = net.head[self.e.st.arc[i as usize] as usize];
                    self.detach(i);
                    jo
                }
            }
            Term::Mentor(t) => t,
        };
        while j != NONE {
            let ju = j as usize;
            let i = self.e.pred_mentee[ju];
            // Cannot fail: `pred_mentee[j] = i` is only set while relaxing an arc (i, j).
            let e = net
                .arc_index(i as usize, j)
                .expect("predecessor arc exists") as u32;
            let next = if i as usize == s {
                NONE
            } else {
                let jo = net.head[self.e.st.arc[i as usize] as usize];
                self.detach(i);
                jo
            };
            self.attach(i, e);
            j = next;
        }
        for &j in &self.e.touched {
            let ju = j as usize;
            self.e.q[ju] = INF;
            self.e.pred_mentee[ju] = NONE;
        }

        self.e.touched.clear();
        self.e.finalized.clear();
        self.e.heap.clear();
    }
}

/// Indexed 4-ary min-heap of mentors keyed by `(distance, mentor)`.
///
/// Why not `BinaryHeap` with lazy deletion: a mentor's distance improves several times per
/// search, and the stale copies cost pushes and pops; decrease-key keeps one entry per mentor.
/// Ties pop the smaller mentor index, so searches are deterministic.
#[derive(Clone, Default)]
struct Heap {
    items: Vec<(i64, u32)>,
    /// Position of each mentor in `items`, `NONE` when absent.
    pos: Vec<u32>,
}

impl Heap {
    fn new(m: usize) -> Self {
        Heap {
            items: Vec::new(),
            pos: vec![NONE; m],
        }
    }

    fn push_or_decrease(&mut self, key: i64, j: u32) {
        let at = self.pos[j as usize];
        let k = if at == NONE {
            self.items.push((key, j));
            self.items.len() - 1
        } else {
            self.items[at as usize].0 = key;
            at as usize
        };
        self.sift_up(k);
    }

    fn sift_up(&mut self, mut k: usize) {
        let item = self.items[k];
        while k > 0 {
            let parent = (k - 1) / 4;
            let p = self.items[parent];
            if p <= item {
                break;
            }
            self.items[k] = p;
            self.pos[p.1 as usize] = k as u32;
            k = parent;
        }
        self.items[k] = item;
        self.pos[item.1 as usize] = k as u32;
    }

    fn pop(&mut self) -> Option<(i64, u32)> {
        let top = *self.items.first()?;
        self.pos[top.1 as usize] = NONE;
        let last = self.items.pop()?;
        let n = self.items.len();
        if n > 0 {
            // Sift `last` down from the root.
            let mut k = 0usize;
            loop {
                let c0 = 4 * k + 1;
                if c0 >= n {
                    break;
                }
                let mut c = c0;
                let end = (c0 + 4).min(n);
                for x in c0 + 1..end {
                    if self.items[x] < self.items[c] {
                        c = x;
                    }
                }
                if self.items[c] >= last {
                    break;
                }
                self.items[k] = self.items[c];
                self.pos[self.items[k].1 as usize] = k as u32;
                k = c;
            }
            self.items[k] = last;
            self.pos[last.1 as usize] = k as u32;
        }
        Some(top)
    }

    fn clear(&mut self) {
        for &(_, j) in &self.items {
            self.pos[j as usize] = NONE;
        }
        self.items.clear();
    }
}

/// A connected component: its mentees and mentors in increasing global index.
#[derive(Clone)]
struct Component {
    mentees: Vec<u32>,
    mentors: Vec<u32>,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

/// Runs `work` on every job in parallel, heaviest `weight` first, each thread taking the next
/// heaviest job as soon as it is free (longest-processing-time-first); returns the results in
/// the jobs' order.
///
/// Why not `par_iter`: rayon splits a list in halves, so the second thread starts in the middle
/// of the list and a heavy job there can start last. After 1 % of mentors leave the 50k
/// instance, the work per component follows the mentees to move, not its size (one run: 25.8
/// ms for the component of 1,947 mentors, 16.6 ms for 1,011, 14.3 ms for 498, 6.1 ms for 774);
/// ordering by that weight took the live re-match from 0.0369 / 0.0388 s to 0.0352 / 0.0357 s
/// (medians of 31, two interleaved pairs). Each job's result does not depend on which thread
/// runs it, so the outcome is the same for any number of threads.
fn largest_first<T: Send, R: Send>(
    jobs: Vec<T>,
    weight: impl Fn(&T) -> u64,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| (Reverse(weight(&jobs[k])), k));
    let jobs: Vec<Mutex<Option<T>>> = jobs.into_iter().map(|job| Mutex::new(Some(job))).collect();
    let results: Vec<Mutex<Option<R>>> = (0..jobs.len()).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || {
        while let Some(&k) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            // A poisoned lock means another job panicked; that panic propagates out of the
            // scope anyway, so taking the inner value is as good as any.
            let taken = jobs[k].lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(job) = taken {
                let r = work(job);
                *results[k].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            }
        }
    };
    let threads = rayon::current_num_threads().min(jobs.len());
    rayon::scope(|s| {
        for _ in 1..threads {
            s.spawn(|_| worker());
        }
        worker();
    });
    results
        .into_iter()
        .filter_map(|r| r.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

/// Connected components with at least one arc, largest first.
fn components(net: &Network) -> Vec<Component> {
    let n = net.mentees();
    let m = net.mentors();
    let mut parent: Vec<u32> = (0..(n + m) as u32).collect();
    for i in 0..n {
        for e in net.row_start[i]..net.row_start[i + 1] {
            let a = find(&mut parent, i as u32);
            let b = find(&mut parent, (n + net.head[e] as usize) as u32);
            if a != b {
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                parent[hi as usize] = lo;
            }
        }
    }
    let mut id = vec![NONE; n + m];
    let mut comps: Vec<Component> = Vec::new();
    for i in 0..n {
        if net.row_start[i] == net.row_start[i + 1] {
            continue;
        }
        let r = find(&mut parent, i as u32) as usize;
        if id[r] == NONE {
            id[r] = comps.len() as u32;
            comps.push(Component {
                mentees: Vec::new(),
                mentors: Vec::new(),
            });
        }
        comps[id[r] as usize].mentees.push(i as u32);
    }
    for j in 0..m {
        let r = find(&mut parent, (n + j) as u32) as usize;
        if id[r] != NONE {
            comps[id[r] as usize].mentors.push(j as u32);
        }
    }
    // Store each component's mentees grouped by their cheapest mentor: the members of one
    // mentor then have nearby rows in memory, which measured faster (fewer cache misses when a
    // mentor's contracted adjacency is rebuilt). Ties keep index order, so it is deterministic.
    let cheapest = |i: u32| -> u32 {
        let r = net.row_start[i as usize]..net.row_start[i as usize + 1];
        let mut best = (i64::MAX, u32::MAX);
        for e in r {
            best = best.min((net.cost[e], net.head[e]));
        }
        best.1
    };
    for c in &mut comps {
        c.mentees.sort_by_cached_key(|&i| (cheapest(i), i));
    }
    comps.sort_by_key(|c| Reverse(c.mentees.len()));
    comps
}

impl Component {
    /// Expected work of solving it from scratch, for [`largest_first`]: its size (the
    /// auction pass scans every arc, and every mentee needs a seat).
    fn weight(&self) -> u64 {
        (self.mentees.len() + self.mentors.len()) as u64
    }

    fn subnetwork(&self, net: &Network) -> Network {
        let mut local = vec![NONE; net.mentors()];
        for (k, &j) in self.mentors.iter().enumerate() {
            local[j as usize] = k as u32;
        }
        let mut row_start = Vec::with_capacity(self.mentees.len() + 1);
        row_start.push(0);
        // Sized up front: growing these by doubling copied the largest component's arcs
        // several times over.
        let arcs: usize = self
            .mentees
            .iter()
            .map(|&i| net.row_start[i as usize + 1] - net.row_start[i as usize])
            .sum();
        let mut head = Vec::with_capacity(arcs);
        let mut cost = Vec::with_capacity(arcs);
        for &i in &self.mentees {
            let (lo, hi) = (net.row_start[i as usize], net.row_start[i as usize + 1]);
            // Local mentor order follows global order, so rows stay sorted.
            head.extend(net.head[lo..hi].iter().map(|&j| local[j as usize]));
            cost.extend_from_slice(&net.cost[lo..hi]);
            row_start.push(head.len());
        }
        Network {
            capacity: self
                .mentors
                .iter()
                .map(|&j| net.capacity[j as usize])
                .collect(),
            row_start,
            head,
            cost,
            unassigned_cost: net.unassigned_cost,
        }
    }

    /// The part of `global` that concerns this component, in `sub`'s local indices.
    fn gather(&self, net: &Network, global: &State, sub: &Network) -> State {
        let mut st = State::empty(sub);
        for (li, &i) in self.mentees.iter().enumerate() {
            let i = i as usize;
            st.u[li] = global.u[i];
            let a = global.arc[i];
            // Rows are copied whole, so the offset inside the row is preserved.
            st.arc[li] = if a == NONE {
                NONE
            } else {
                (sub.row_start[li] + (a as usize - net.row_start[i])) as u32
            };
        }
        for (lj, &j) in self.mentors.iter().enumerate() {
            st.p[lj] = global.p[j as usize];
        }
        st
    }

    fn scatter(&self, net: &Network, local: &State, global: &mut State) {
        let mut lo_local = 0usize;
        for (li, &i) in self.mentees.iter().enumerate() {
            let i = i as usize;
            let (lo, hi) = (net.row_start[i], net.row_start[i + 1]);
            global.u[i] = local.u[li];
            let a = local.arc[li];
            // Rows are copied whole, so the offset inside the row is preserved.
            global.arc[i] = if a == NONE {
                NONE
            } else {
                (lo + (a as usize - lo_local)) as u32
            };
            lo_local += hi - lo;
        }
        for (lj, &j) in self.mentors.iter().enumerate() {
            global.p[j as usize] = local.p[lj];
        }
    }
}
