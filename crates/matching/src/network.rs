//! The compact transportation graph: mentee → eligible mentor (capacity 1, cost) → sink
//! (mentor capacity), plus one "unassigned" arc per mentee at a fixed penalty.
//!
//! Mentors are never expanded into slots: a mentor is one node with a capacity. Arcs are stored
//! in compressed rows by mentee (CSR), sorted by mentor, which both makes duplicate detection a
//! linear scan and gives every solver the same deterministic arc order.

use crate::Error;

/// Largest absolute cost (and unassigned penalty) accepted, 2^40 ≈ 1.1e12.
///
/// Why a bound well below `i64::MAX`: potentials and path lengths are sums of a few costs, and
/// the objective is a sum over all mentees; with this bound and [`MAX_OBJECTIVE_BOUND`] no
/// intermediate value can overflow, so the hot loops use plain `i64` arithmetic.
pub const MAX_ABS_COST: i64 = 1 << 40;

/// Bound on `mentees × max |cost|` checked at construction (a quarter of `i64::MAX`).
pub const MAX_OBJECTIVE_BOUND: i64 = i64::MAX / 4;

/// One candidate arc given to [`Network::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// Mentee index, `0..mentees`.
    pub mentee: u32,
    /// Mentor index, `0..mentors`.
    pub mentor: u32,
    /// Cost of the pair; lower is better.
    pub cost: i64,
}

/// A validated matching instance in solver form. Build with [`Network::new`].
#[derive(Clone, Debug)]
pub struct Network {
    pub(crate) capacity: Vec<u32>,
    /// `row_start[i]..row_start[i+1]` are mentee `i`'s arcs.
    pub(crate) row_start: Vec<usize>,
    pub(crate) head: Vec<u32>,
    pub(crate) cost: Vec<i64>,
    pub(crate) unassigned_cost: i64,
}

pub(crate) fn check_cost(value: i64) -> Result<(), Error> {
    if value.unsigned_abs() > MAX_ABS_COST.unsigned_abs() {
        return Err(Error::CostOverflow {
            value: value.into(),
            why: "|cost| must be <= 2^40",
        });
    }
    Ok(())
}

impl Network {
    /// Validates and builds an instance. `capacities[j]` is mentor `j`'s capacity; every mentee
    /// may stay unassigned at `unassigned_cost`.
    ///
    /// Errors: unknown indices, duplicate pairs (reported with both positions in `arcs`), costs
    /// beyond [`MAX_ABS_COST`], or an instance whose objective could overflow.
    pub fn new(
        mentees: usize,
        capacities: Vec<u32>,
        arcs: &[Arc],
        unassigned_cost: i64,
    ) -> Result<Self, Error> {
        check_cost(unassigned_cost)?;
        let mentors = capacities.len();
        if mentees > u32::MAX as usize - 1 || mentors > u32::MAX as usize - 1 {
            return Err(Error::CostOverflow {
                value: mentees as i128,
                why: "too many nodes",
            });
        }
        let mut max_abs = unassigned_cost.unsigned_abs();
        let mut row_start = vec![0usize; mentees + 1];
        for a in arcs {
            if a.mentee as usize >= mentees {
                return Err(Error::UnknownMentee {
                    mentee: a.mentee as usize,
                    count: mentees,
                });
            }
            if a.mentor as usize >= mentors {
                return Err(Error::UnknownMentor {
                    mentor: a.mentor as usize,
                    count: mentors,
                });
            }
            check_cost(a.cost)?;
            max_abs = max_abs.max(a.cost.unsigned_abs());
            row_start[a.mentee as usize + 1] += 1;
        }
        let bound = (mentees as u128).saturating_mul(u128::from(max_abs).max(1));
        if bound > MAX_OBJECTIVE_BOUND as u128 {
            return Err(Error::CostOverflow {
                value: max_abs.into(),
                why: "mentees x max |cost| could overflow the objective",
            });
        }
        for i in 0..mentees {
            row_start[i + 1] += row_start[i];
        }
        // Counting sort by mentee keeps input order within a row; we then sort each (short) row
        // by mentor, carrying the input position so a duplicate can be reported precisely.
        let mut fill = row_start.clone();
        let mut order = vec![0u32; arcs.len()];
        for (k, a) in arcs.iter().enumerate() {
            let slot = &mut fill[a.mentee as usize];
            order[*slot] = k as u32;
            *slot += 1;
        }
        let mut head = Vec::with_capacity(arcs.len());
        let mut cost = Vec::with_capacity(arcs.len());
        for i in 0..mentees {
            let row = &mut order[row_start[i]..row_start[i + 1]];
            row.sort_unstable_by_key(|&k| (arcs[k as usize].mentor, k));
            for w in row.windows(2) {
                let (a, b) = (&arcs[w[0] as usize], &arcs[w[1] as usize]);
                if a.mentor == b.mentor {
                    return Err(Error::DuplicateArc {
                        mentee: i,
                        mentor: a.mentor as usize,
                        first: w[0] as usize,
                        second: w[1] as usize,
                    });
                }
            }
            for &k in row.iter() {
                head.push(arcs[k as usize].mentor);
                cost.push(arcs[k as usize].cost);
            }
        }
        Ok(Network {
            capacity: capacities,
            row_start,
            head,
            cost,
            unassigned_cost,
        })
    }

    /// Number of mentees.
    pub fn mentees(&self) -> usize {
        self.row_start.len() - 1
    }

    /// Number of mentors.
    pub fn mentors(&self) -> usize {
        self.capacity.len()
    }

    /// Number of candidate arcs.
    pub fn arcs(&self) -> usize {
        self.head.len()
    }

    /// Penalty for leaving a mentee unassigned.
    pub fn unassigned_cost(&self) -> i64 {
        self.unassigned_cost
    }

    /// Mentor capacities.
    pub fn capacities(&self) -> &[u32] {
        &self.capacity
    }

    /// Mentee `i`'s candidate arcs as `(mentor, cost)`, sorted by mentor.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u32, i64)> + '_ {
        let r = self.row_start[i]..self.row_start[i + 1];
        self.head[r.clone()]
            .iter()
            .copied()
            .zip(self.cost[r].iter().copied())
    }

    /// The cost of pair `(i, j)` if it is a candidate (binary search in the sorted row).
    pub fn arc_index(&self, i: usize, j: u32) -> Option<usize> {
        let lo = self.row_start[i];
        let hi = self.row_start[i + 1];
        self.head[lo..hi].binary_search(&j).ok().map(|k| lo + k)
    }

    /// Returns a copy with different capacities (same arcs), e.g. a mentor leaving = capacity 0.
    pub fn with_capacities(&self, capacities: Vec<u32>) -> Result<Self, Error> {
        if capacities.len() != self.capacity.len() {
            return Err(Error::UnknownMentor {
                mentor: capacities.len(),
                count: self.mentors(),
            });
        }
        let mut n = self.clone();
        n.capacity = capacities;
        Ok(n)
    }

    /// Returns a copy in which every pair of `mentor_of` (the pairs as they stand) costs
    /// `bonus` less: the program's continuity weight, as `criteria` charges current pairings
    /// (`Weights::continuity`). A pair that is no candidate arc is skipped.
    ///
    /// What a [`Matcher`](crate::Matcher) holds after
    /// [`favour_current`](crate::Matcher::favour_current), built from scratch, so that a
    /// re-match can be checked against a cold solve of the same costs.
    ///
    /// Errors: `mentor_of` not one entry per mentee, a negative bonus, or a cost pushed
    /// beyond the bounds [`Network::new`] checks.
    pub fn favouring(&self, mentor_of: &[Option<u32>], bonus: i64) -> Result<Self, Error> {
        if mentor_of.len() != self.mentees() {
            return Err(Error::UnknownMentee {
                mentee: mentor_of.len(),
                count: self.mentees(),
            });
        }
        if bonus < 0 {
            return Err(Error::NegativeBonus { bonus });
        }
        let mut n = self.clone();
        for (i, j) in mentor_of.iter().enumerate() {
            if let Some(e) = j.and_then(|j| self.arc_index(i, j)) {
                n.cost[e] = discounted(self.mentees(), self.cost[e], bonus)?;
            }
        }
        Ok(n)
    }
}

/// `cost - bonus`, checked against [`MAX_ABS_COST`] and the objective bound of a network with
/// `mentees` mentees (the other costs already meet it, so this one is all that can break it).
pub(crate) fn discounted(mentees: usize, cost: i64, bonus: i64) -> Result<i64, Error> {
    let value = cost.saturating_sub(bonus);
    check_cost(value)?;
    if (mentees as u128).saturating_mul(u128::from(value.unsigned_abs()))
        > MAX_OBJECTIVE_BOUND as u128
    {
        return Err(Error::CostOverflow {
            value: value.into(),
            why: "mentees x max |cost| could overflow the objective",
        });
    }
    Ok(value)
}
