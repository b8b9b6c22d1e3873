//! A solution kept live in memory, so that mentors leaving (or taking fewer mentees) re-solve in
//! place.
//!
//! Why beside [`resolve`](super::resolve): a [`WarmStart`](super::WarmStart) is plain data (it is
//! what the app stores with a proposal), so `resolve` must rebuild the search structures from
//! it — find the components, copy each one, rebuild every mentor's contracted adjacency. A
//! process that keeps the solver between changes (a long-running matching service, the bench)
//! skips all of that: [`Matcher`] keeps each component's subnetwork and search engine, and a
//! change only runs the searches it needs.

use super::{Component, Engine, NONE, Ssp, State, components, largest_first};
use crate::network::discounted;
use crate::{Error, Network, Solution};

/// One connected component: its mentees and mentors, its own copy of the network in local
/// indices, and its engine between solves.
#[derive(Clone)]
struct Part {
    comp: Component,
    sub: Network,
    engine: Engine,
    /// Per local mentee, the local arc that carries the continuity bonus (`NONE`: none); see
    /// [`Matcher::favour_current`].
    favoured: Vec<u32>,
}

impl Part {
    /// [`Matcher::favour_current`] on this part, then its duals guided towards the exits again
    /// (`Ssp::guide`): the bonus makes every move away from a present mentor dearer, and the
    /// guide turns that into A* towards the exits, which halved the next re-match's time on
    /// the 50k instance (seed 1: 7.7 → 4.0 ms; seed 2: 13.3 → 9.8 ms) for 2–3 ms more here.
    /// Returns the cost changes in the global network's arc indices (`row_start`).
    fn favour(&mut self, old: i64, bonus: i64, row_start: &[usize]) -> Vec<(usize, i64)> {
        let (comp, sub, e) = (&self.comp, &mut self.sub, &mut self.engine);
        let mut changes = Vec::with_capacity(comp.mentees.len());
        let mut gain = vec![0i64; comp.mentees.len()];
        for (li, &i) in comp.mentees.iter().enumerate() {
            // Rows are copied whole, so the offset inside the row is preserved.
            let (lo, local_lo) = (row_start[i as usize], sub.row_start[li]);
            let global = |local: u32| lo + (local as usize - local_lo);
            let (arc, was) = (e.st.arc[li], self.favoured[li]);
            if was != NONE && was != arc {
                // An ended pair: dearer again. It carries no flow, so only the list of the
                // mentee's present mentor (which may route through it) goes stale.
                sub.cost[was as usize] += old;
                changes.push((global(was), old));
                if arc != NONE {
                    e.dirty[sub.head[arc as usize] as usize] = true;
                }
                self.favoured[li] = NONE;
            }
            if arc != NONE {
                let delta = if was == arc { bonus - old } else { bonus };
                sub.cost[arc as usize] -= delta;
                changes.push((global(arc), -delta));
                // The pair stays tight: the mentee's dual drops with its cost.
                e.own[li] -= delta;
                e.st.u[li] -= delta;
                gain[li] = delta;
                self.favoured[li] = arc;
            }
        }
        for j in 0..sub.mentors() {
            let members = e.members(j);
            let Some(&first) = members.first() else {
                continue;
            };
            let delta = gain[first as usize];
            let uniform = members.iter().all(|&li| gain[li as usize] == delta);
            if e.dirty[j] || (uniform && delta == 0) {
                continue;
            }
            if uniform {
                // Every entry is `c(i, j2) - own(i)` for a member `i`: all rise by delta.
                for entry in &mut e.adj[j] {
                    entry.w += delta;
                }
                e.kick_cost[j] -= delta;
            } else {
                e.dirty[j] = true;
            }
        }
        let mut ssp = Ssp::resume(&self.sub, std::mem::take(&mut self.engine));
        ssp.guide();
        self.engine = ssp.park();
        changes
    }
}

/// An optimal assignment kept live with its solver state.
///
/// Build with [`Matcher::solve`], read with [`Matcher::solution`], favour the pairs as they
/// stand by a program's continuity weight with [`Matcher::favour_current`], and lower
/// capacities (a mentor leaving is capacity 0) with [`Matcher::lower_capacities`]; the
/// assignment is exactly optimal after every call, with the objective
/// [`solve`](super::solve) finds on the changed network (ties and duals may differ: the
/// matcher keeps its duals raised towards the exits, see `Ssp::guide`).
#[derive(Clone)]
pub struct Matcher {
    net: Network,
    parts: Vec<Part>,
    /// `(part, local index)` of each mentor; part `NONE` for a mentor without arcs.
    mentor_at: Vec<(u32, u32)>,
    /// The continuity bonus in force (0 until [`Matcher::favour_current`]).
    bonus: i64,
}

impl Matcher {
    /// Solves `net` from scratch and keeps the solver state, with every mentor's price raised
    /// by its reduced distance to the nearest exit so that later re-matches search towards
    /// the exits (still optimal duals).
    pub fn solve(net: Network) -> Matcher {
        let parts: Vec<Part> = largest_first(components(&net), Component::weight, |comp| {
            let sub = comp.subnetwork(&net);
            let mut ssp = Ssp::new(&sub, State::empty(&sub));
            ssp.greedy_and_augment();
            // Also builds every stale contracted list, so the re-matches find them ready.
            ssp.guide();
            let engine = ssp.park();
            let favoured = vec![NONE; comp.mentees.len()];
            Part {
                comp,
                sub,
                engine,
                favoured,
            }
        });
        let mut mentor_at = vec![(NONE, NONE); net.mentors()];
        for (k, part) in parts.iter().enumerate() {
            for (lj, &j) in part.comp.mentors.iter().enumerate() {
                mentor_at[j as usize] = (k as u32, lj as u32);
            }
        }
        Matcher {
            net,
            parts,
            mentor_at,
            bonus: 0,
        }
    }

    /// The network as it stands (with every lowered capacity).
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The current optimal assignment with its duals.
    ///
    /// Why not `scatter` + `finish` as in [`solve`](super::solve): this runs after every
    /// re-match, and reading each assignment's cost and mentor from the network's arc arrays
    /// (20 MB on the 50k instance) is a cache miss per mentee; walking each mentor's members
    /// reads both from the engine's compact per-part arrays instead (1.6–2.0 → 1.0–1.1 ms on
    /// 50k).
    pub fn solution(&self) -> Solution {
        let net = &self.net;
        let uc = net.unassigned_cost;
        let n = net.mentees();
        let mut arc_of = vec![NONE; n];
        let mut mentor_of = vec![None; n];
        // Mentees without any arc stay unassigned at penalty U, as in `solve`.
        let mut u = vec![uc; n];
        let mut p = vec![0i64; net.mentors()];
        let mut assigned_cost = 0i64;
        let mut assigned = 0usize;
        for part in &self.parts {
            let (comp, sub, e) = (&part.comp, &part.sub, &part.engine);
            for (li, &i) in comp.mentees.iter().enumerate() {
                u[i as usize] = e.st.u[li];
            }
            for (lj, &j) in comp.mentors.iter().enumerate() {
                let pj = e.st.p[lj];
                // The certificate's prices, as `solve` gives them: a surplus mentor's price
                // drops to 0 and its members' duals with it (see `Engine::surplus_prices`).
                let surplus = e.is_surplus(sub, lj);
                p[j as usize] = if surplus { 0 } else { pj };
                for &li in e.members(lj) {
                    let (li, i) = (li as usize, comp.mentees[li as usize] as usize);
                    if surplus {
                        u[i] -= pj;
                    }
                    // Rows are copied whole, so the offset inside the row is preserved.
                    let local = e.st.arc[li] as usize - sub.row_start[li];
                    arc_of[i] = (net.row_start[i] + local) as u32;
                    mentor_of[i] = Some(j);
                    assigned_cost += e.own[li];
                    assigned += 1;
                }
            }
        }
        Solution {
            arc_of,
            mentor_of,
            u,
            p,
            objective: assigned_cost + uc * (n - assigned) as i64,
            components: self.parts.len().max(1),
        }
    }

    /// Favours the pairs as they stand by `bonus`, the program's continuity weight
    /// (`criteria::Weights::continuity`): from now on each mentee's arc to their present
    /// mentor costs `bonus` less, as the app's problem charges its current pairings, so a
    /// later re-match moves someone only when that saves more than `bonus`. Pairs favoured by
    /// an earlier call that have since ended lose the bonus. Call it when the pairs become
    /// current (a proposal approved); [`Network::favouring`] builds the same costs from
    /// scratch.
    ///
    /// Nothing is re-solved, and no mentee moves: an assigned pair only gets cheaper (its
    /// mentee's dual drops with it) and an ended one dearer, which keeps every optimality
    /// condition. Each mentor's contracted list shifts by the bonus in place when all its
    /// members gain the same, and is rebuilt when next searched otherwise.
    ///
    /// Refuses (changing nothing) a negative bonus, a bonus below the one in force (which
    /// would raise the cost of pairs it holds), and a cost pushed out of bounds.
    pub fn favour_current(&mut self, bonus: i64) -> Result<(), Error> {
        let old = self.bonus;
        if bonus < 0 {
            return Err(Error::NegativeBonus { bonus });
        }
        if bonus < old {
            return Err(Error::BonusLowered {
                from: old,
                to: bonus,
            });
        }
        let mentees = self.net.mentees();
        // Checked whole first, so that a refusal leaves the matcher as it was.
        for part in &self.parts {
            for (li, &arc) in part.engine.st.arc.iter().enumerate() {
                if arc != NONE {
                    let delta = if part.favoured[li] == arc {
                        bonus - old
                    } else {
                        bonus
                    };
                    discounted(mentees, part.sub.cost[arc as usize], delta)?;
                }
            }
        }
        let row_start = &self.net.row_start;
        let jobs: Vec<&mut Part> = self.parts.iter_mut().collect();
        let changes = largest_first(
            jobs,
            |part| part.comp.weight(),
            |part| part.favour(old, bonus, row_start),
        );
        // Applied in arc order: the network's cost array is large (20 MB on 50k), and the
        // parts' mentees are not in index order.
        let mut changes: Vec<(usize, i64)> = changes.into_iter().flatten().collect();
        changes.sort_unstable();
        for (arc, delta) in changes {
            self.net.cost[arc] += delta;
        }
        self.bonus = bonus;
        Ok(())
    }

    /// Mentors who leave: their capacity becomes 0 and their mentees are re-matched.
    pub fn mentors_leave(&mut self, mentors: &[u32]) -> Result<(), Error> {
        let changes: Vec<(u32, u32)> = mentors.iter().map(|&j| (j, 0)).collect();
        self.lower_capacities(&changes)
    }

    /// Sets each `(mentor, capacity)` to a capacity no higher than its current one and
    /// re-solves: the affected components run in parallel, each with one search per mentee that
    /// must move. Refuses (changing nothing) an unknown mentor or a higher capacity — raising
    /// one can lower a price and so move mentees anywhere; use [`solve`](super::solve) or
    /// [`resolve`](super::resolve) for that.
    pub fn lower_capacities(&mut self, changes: &[(u32, u32)]) -> Result<(), Error> {
        let count = self.net.mentors();
        for &(j, cap) in changes {
            let Some(&now) = self.net.capacity.get(j as usize) else {
                return Err(Error::UnknownMentor {
                    mentor: j as usize,
                    count,
                });
            };
            if cap > now {
                return Err(Error::CapacityRaised {
                    mentor: j as usize,
                    from: now,
                    to: cap,
                });
            }
        }
        let mut sources: Vec<Vec<u32>> = vec![Vec::new(); self.parts.len()];
        for &(j, cap) in changes {
            self.net.capacity[j as usize] = cap;
            let (k, lj) = self.mentor_at[j as usize];
            if k != NONE {
                let part = &mut self.parts[k as usize];
                part.sub.capacity[lj as usize] = cap;
                sources[k as usize].push(lj);
            }
        }
        let jobs: Vec<(&mut Part, Vec<u32>)> = self
            .parts
            .iter_mut()
            .zip(sources)
            .filter(|(_, list)| !list.is_empty())
            .map(|(part, mut list)| {
                list.sort_unstable();
                list.dedup();
                (part, list)
            })
            .collect();
        // The work follows the mentees to move, not the component's size.
        let displaced = |(part, list): &(&mut Part, Vec<u32>)| -> u64 {
            list.iter()
                .map(|&lj| {
                    let lj = lj as usize;
                    let keep = part.sub.capacity[lj].min(part.engine.cap[lj]);
                    u64::from(part.engine.count[lj].saturating_sub(keep))
                })
                .sum()
        };
        largest_first(jobs, displaced, |(part, list)| {
            let mut ssp = Ssp::resume(&part.sub, std::mem::take(&mut part.engine));
            let mut moving = Vec::new();
            for &lj in &list {
                moving.extend(ssp.lower_capacity(lj as usize, part.sub.capacity[lj as usize]));
            }
            // One search per displaced mentee, those of one mentor one after another (their
            // searches cover the same neighbourhood, still in cache). Tried and measured
            // no better on the 50k instance: one search from all over-full mentors at once
            // (2.6x the mentors scanned: each search covers every source's neighbourhood),
            // searches from one leaving mentor at a time (+5 %), and other orders (±5 %).
            for i in moving {
                ssp.augment(i as usize);
            }
            part.engine = ssp.park();
        });
        Ok(())
    }
}
