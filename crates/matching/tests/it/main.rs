//! Integration tests for the matching crate: exactness against reference solvers on thousands of
//! random instances (cold, warm and with several components), the domain API's explanations,
//! facility coupling and teams, and every bad-input case of the instance files.

mod domain;
// The benchmark harness and its file readers are compiled only with the `bench` feature
// (`cargo test -p matching --features bench`; `cargo xtask ci` runs it).
#[cfg(feature = "bench")]
mod files;
mod reference;

use matching::{Arc, Error, Matcher, Network, WarmStart, is_optimal, resolve, solve, solve_dense};
use proptest::prelude::*;

use reference::{brute_force, brute_force_dense, mcf_bellman_ford};

/// A random small instance: (mentees, capacities, arcs, unassigned cost).
fn instance(
    max_mentees: usize,
    max_mentors: usize,
) -> impl Strategy<Value = (usize, Vec<u32>, Vec<Arc>, i64)> {
    (1..=max_mentees, 1..=max_mentors).prop_flat_map(|(n, m)| {
        (
            Just(n),
            proptest::collection::vec(0u32..4, m),
            proptest::collection::vec(proptest::option::weighted(0.6, -20i64..100), n * m),
            -10i64..150,
        )
            .prop_map(move |(n, caps, cells, u)| {
                let arcs = cells
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| {
                        c.map(|cost| Arc {
                            mentee: (k / m) as u32,
                            mentor: (k % m) as u32,
                            cost,
                        })
                    })
                    .collect();
                (n, caps, arcs, u)
            })
    })
}

fn check_solution(net: &Network, sol: &matching::Solution) {
    assert!(is_optimal(net, sol), "optimality certificate fails");
    let mut load = vec![0u32; net.mentors()];
    let mut obj = 0i64;
    for (i, m) in sol.mentor_of().iter().enumerate() {
        match m {
            Some(j) => {
                load[*j as usize] += 1;
                let e = sol.arc_of(i).expect("assigned mentee has an arc");
                assert_eq!(
                    net.arc_index(i, *j),
                    Some(e),
                    "mentee {i}: arc_of is not its arc"
                );
                let (_, c) = net.row(i).find(|&(jj, _)| jj == *j).expect("arc exists");
                obj += c;
            }
            None => obj += net.unassigned_cost(),
        }
    }
    for (j, &l) in load.iter().enumerate() {
        assert!(l <= net.capacities()[j], "mentor {j} over capacity");
    }
    assert_eq!(obj, sol.objective());
}

/// Random blocks side by side as one instance (no arc between blocks, so each is a component
/// or several): `(mentees, capacities, arcs)`.
fn merge(blocks: &[(usize, Vec<u32>, Vec<Arc>, i64)]) -> (usize, Vec<u32>, Vec<Arc>) {
    let mut arcs = Vec::new();
    let mut caps = Vec::new();
    let mut n = 0u32;
    for (bn, bcaps, barcs, _) in blocks {
        let m0 = caps.len() as u32;
        for a in barcs {
            arcs.push(Arc {
                mentee: a.mentee + n,
                mentor: a.mentor + m0,
                cost: a.cost,
            });
        }
        caps.extend_from_slice(bcaps);
        n += *bn as u32;
    }
    (n as usize, caps, arcs)
}

/// Capacity changes drawn per mentor (`pick[j % 12]`): 0 leaves, 1 takes one fewer, 2 and 3
/// keep theirs.
fn lowered(caps: &[u32], pick: &[u8]) -> Vec<(u32, u32)> {
    caps.iter()
        .enumerate()
        .filter_map(|(j, &c)| match pick[j % pick.len()] {
            0 => Some((j as u32, 0)),
            1 => Some((j as u32, c.saturating_sub(1))),
            _ => None,
        })
        .collect()
}

/// A network's arcs as given to [`Network::new`].
fn arcs_of(net: &Network) -> Vec<Arc> {
    (0..net.mentees())
        .flat_map(|i| {
            net.row(i).map(move |(mentor, cost)| Arc {
                mentee: i as u32,
                mentor,
                cost,
            })
        })
        .collect()
}

/// One single-threaded pool for all cases (building a pool per case would dominate the test).
fn single_thread() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("thread pool")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Cold solve equals brute force on tiny instances, with a valid certificate.
    #[test]
    fn cold_matches_brute_force((n, caps, arcs, u) in instance(6, 3)) {
        let net = Network::new(n, caps.clone(), &arcs, u).expect("valid");
        let sol = solve(&net);
        check_solution(&net, &sol);
        prop_assert_eq!(sol.objective(), brute_force(n, &caps, &arcs, u));
        // Deterministic.
        prop_assert_eq!(solve(&net), sol);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Cold solve equals a Bellman–Ford successive-shortest-path reference on larger instances.
    #[test]
    fn cold_matches_bellman_ford((n, caps, arcs, u) in instance(25, 8)) {
        let net = Network::new(n, caps.clone(), &arcs, u).expect("valid");
        let sol = solve(&net);
        check_solution(&net, &sol);
        prop_assert_eq!(sol.objective(), mcf_bellman_ford(n, &caps, &arcs, u));
    }

    /// Warm re-solve after mentors leave (capacity 0), capacities change, arcs disappear or
    /// costs change equals a cold solve of the changed instance.
    #[test]
    fn warm_equals_cold(
        (n, caps, arcs, u) in instance(25, 8),
        leave in proptest::collection::vec(any::<bool>(), 8),
        bump in proptest::collection::vec(0u32..3, 8),
        drop_arc in proptest::collection::vec(0u8..10, 200),
        recost in proptest::collection::vec(-30i64..30, 200),
        mode in 0u8..4,
    ) {
        let net = Network::new(n, caps.clone(), &arcs, u).expect("valid");
        let first = solve(&net);
        let (caps2, arcs2) = match mode {
            // 1. mentors leave
            0 => (caps.iter().enumerate().map(|(j, &c)| if leave[j] { 0 } else { c }).collect(), arcs.clone()),
            // 2. capacities change both ways
            1 => (caps.iter().enumerate().map(|(j, &c)| if leave[j] { c.saturating_sub(1) } else { c + bump[j] }).collect(), arcs.clone()),
            // 3. arcs disappear
            2 => (caps.clone(), arcs.iter().enumerate().filter(|(k, _)| drop_arc[k % 200] != 0).map(|(_, a)| *a).collect()),
            // 4. costs change
            _ => (caps.clone(), arcs.iter().enumerate().map(|(k, a)| Arc { cost: a.cost + recost[k % 200], ..*a }).collect()),
        };
        let changed = Network::new(n, caps2, &arcs2, u).expect("valid");
        let cold = solve(&changed);
        let warm = resolve(&changed, &first.warm_start()).expect("shape ok");
        check_solution(&changed, &warm);
        prop_assert_eq!(warm.objective(), cold.objective());
        prop_assert_eq!(warm.objective(), mcf_bellman_ford(n, changed.capacities(), &arcs2, u));
    }

    /// Several disjoint blocks (components) solve to the sum of their optima, cold and warm
    /// (the warm re-solve runs components in parallel), with the same result on 1 and 2 threads.
    #[test]
    fn components_add_up(
        blocks in proptest::collection::vec(instance(8, 3), 1..5),
        leave in proptest::collection::vec(any::<bool>(), 12),
    ) {
        let mut arcs = Vec::new();
        let mut caps = Vec::new();
        let mut n = 0u32;
        let mut total = 0i64;
        let u = 77;
        for (bn, bcaps, barcs, _) in &blocks {
            let m0 = caps.len() as u32;
            for a in barcs {
                arcs.push(Arc { mentee: a.mentee + n, mentor: a.mentor + m0, cost: a.cost });
            }
            caps.extend_from_slice(bcaps);
            total += brute_force(*bn, bcaps, barcs, u);
            n += *bn as u32;
        }
        let net = Network::new(n as usize, caps.clone(), &arcs, u).expect("valid");
        let sol = solve(&net);
        check_solution(&net, &sol);
        prop_assert_eq!(sol.objective(), total);
        // Some mentors leave; every block re-solves from the previous solution.
        let caps2: Vec<u32> = caps.iter().enumerate().map(|(j, &c)| if leave[j % 12] { 0 } else { c }).collect();
        let changed = Network::new(n as usize, caps2.clone(), &arcs, u).expect("valid");
        let warm = resolve(&changed, &sol.warm_start()).expect("shape ok");
        check_solution(&changed, &warm);
        prop_assert_eq!(warm.objective(), mcf_bellman_ford(n as usize, &caps2, &arcs, u));
        let warm1 = single_thread().install(|| resolve(&changed, &sol.warm_start())).expect("shape ok");
        prop_assert_eq!(warm1, warm);
    }

    /// The live matcher, after capacities are lowered in two rounds (some mentors leave, some
    /// take fewer), holds the same optimum as a cold solve of the changed instance, with a
    /// valid certificate, and the same result on 1 and 2 threads.
    #[test]
    fn live_matcher_equals_cold(
        blocks in proptest::collection::vec(instance(12, 4), 1..4),
        first in proptest::collection::vec(0u8..4, 12),
        second in proptest::collection::vec(0u8..4, 12),
    ) {
        let u = 90;
        let (n, mut caps, arcs) = merge(&blocks);
        let net = Network::new(n, caps.clone(), &arcs, u).expect("valid");
        let mut live = Matcher::solve(net.clone());
        let mut live1 = single_thread().install(|| Matcher::solve(net.clone()));
        // Its duals are guided towards the exits (see `Matcher::solve`): still a certificate.
        let solved = live.solution();
        check_solution(&net, &solved);
        prop_assert_eq!(solved.objective(), solve(&net).objective());
        for round in [&first, &second] {
            let changes = lowered(&caps, round);
            for &(j, c) in &changes {
                caps[j as usize] = c;
            }
            live.lower_capacities(&changes).expect("lower only");
            single_thread().install(|| live1.lower_capacities(&changes)).expect("lower only");
            let changed = Network::new(n, caps.clone(), &arcs, u).expect("valid");
            let sol = live.solution();
            check_solution(&changed, &sol);
            prop_assert_eq!(sol.objective(), solve(&changed).objective());
            prop_assert_eq!(sol.objective(), mcf_bellman_ford(n, &caps, &arcs, u));
            prop_assert_eq!(live1.solution(), sol);
            prop_assert_eq!(live.network().capacities(), changed.capacities());
        }
    }

    /// Favouring the pairs as they stand (a program's continuity weight) moves nobody and keeps
    /// the assignment optimal for the favoured costs; lowering capacities afterwards holds the
    /// optimum of the same costs built from scratch (`Network::favouring`), by a cold solve
    /// and by Bellman–Ford, on 1 and 2 threads. The second round favours the pairs as they
    /// stand then with a larger bonus, so pairs that ended lose theirs.
    #[test]
    fn live_matcher_with_continuity_equals_cold(
        blocks in proptest::collection::vec(instance(12, 4), 1..4),
        first in proptest::collection::vec(0u8..4, 12),
        second in proptest::collection::vec(0u8..4, 12),
        bonus in 0i64..60,
        more in 0i64..40,
    ) {
        let u = 90;
        let (n, mut caps, arcs) = merge(&blocks);
        let net = Network::new(n, caps.clone(), &arcs, u).expect("valid");
        let mut live = Matcher::solve(net.clone());
        let mut live1 = single_thread().install(|| Matcher::solve(net.clone()));
        // The instance's own costs, with the capacities as they are lowered.
        let mut plain = net;
        for (round, b) in [(&first, bonus), (&second, bonus + more)] {
            let current = live.solution().mentor_of().to_vec();
            live.favour_current(b).expect("the bonus only rises");
            single_thread().install(|| live1.favour_current(b)).expect("the bonus only rises");
            let favoured = plain.favouring(&current, b).expect("costs in bounds");
            let sol = live.solution();
            prop_assert_eq!(sol.mentor_of(), current.as_slice());
            check_solution(&favoured, &sol);
            prop_assert_eq!(sol.objective(), solve(&favoured).objective());

            let changes = lowered(&caps, round);
            for &(j, c) in &changes {
                caps[j as usize] = c;
            }
            live.lower_capacities(&changes).expect("lower only");
            single_thread().install(|| live1.lower_capacities(&changes)).expect("lower only");
            plain = plain.with_capacities(caps.clone()).expect("same mentors");
            let favoured = favoured.with_capacities(caps.clone()).expect("same mentors");
            let sol = live.solution();
            check_solution(&favoured, &sol);
            prop_assert_eq!(sol.objective(), solve(&favoured).objective());
            prop_assert_eq!(sol.objective(), mcf_bellman_ford(n, &caps, &arcs_of(&favoured), u));
            prop_assert_eq!(live1.solution(), sol);
            prop_assert_eq!(arcs_of(live.network()), arcs_of(&favoured));
        }
    }

    /// Dense LAPJV equals brute force over permutations, also for rectangular matrices, both
    /// with costs small enough for its 32-bit path and with costs near the 2^40 bound.
    #[test]
    fn dense_matches_brute_force(
        rows in 1usize..6, cols in 1usize..6,
        cells in proptest::collection::vec(-50i64..1000, 36),
        scale in prop_oneof![Just(1i64), Just(1_000_000_007i64)],
    ) {
        let c: Vec<i64> = cells[..rows * cols].iter().map(|&x| x * scale).collect();
        let sol = solve_dense(&c, rows, cols).expect("valid");
        prop_assert_eq!(sol.objective, brute_force_dense(&c, rows, cols));
        let mut used = std::collections::BTreeSet::new();
        let mut obj = 0;
        for (r, &col) in sol.col_of_row.iter().enumerate() {
            if col != usize::MAX {
                prop_assert!(used.insert(col));
                obj += c[r * cols + col];
            }
        }
        prop_assert_eq!(obj, sol.objective);
        prop_assert_eq!(used.len(), rows.min(cols));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Dense LAPJV on larger square matrices equals the sparse solver (U large enough that
    /// everyone is assigned).
    #[test]
    fn dense_matches_sparse(n in 1usize..40, seed in any::<u64>()) {
        let mut s = seed | 1;
        let mut c = Vec::with_capacity(n * n);
        for _ in 0..n * n {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            c.push((s % 1000) as i64);
        }
        let dense = solve_dense(&c, n, n).expect("valid");
        let arcs: Vec<Arc> = (0..n * n)
            .map(|k| Arc { mentee: (k / n) as u32, mentor: (k % n) as u32, cost: c[k] })
            .collect();
        let net = Network::new(n, vec![1; n], &arcs, 1_000_000).expect("valid");
        prop_assert_eq!(dense.objective, solve(&net).objective());
    }
}

#[test]
fn warm_start_with_wrong_shape_is_an_error() {
    let net = Network::new(
        2,
        vec![1],
        &[Arc {
            mentee: 0,
            mentor: 0,
            cost: 1,
        }],
        10,
    )
    .expect("ok");
    let w = WarmStart {
        mentor_of: vec![None],
        mentor_price: vec![0],
    };
    assert!(matches!(
        resolve(&net, &w),
        Err(matching::Error::WarmStartShape { .. })
    ));
}

#[test]
fn network_rejects_bad_arcs() {
    use matching::Error;
    let a = |mentee, mentor, cost| Arc {
        mentee,
        mentor,
        cost,
    };
    assert!(matches!(
        Network::new(1, vec![1], &[a(1, 0, 1)], 5),
        Err(Error::UnknownMentee { mentee: 1, .. })
    ));
    assert!(matches!(
        Network::new(1, vec![1], &[a(0, 3, 1)], 5),
        Err(Error::UnknownMentor { mentor: 3, .. })
    ));
    assert!(matches!(
        Network::new(1, vec![1], &[a(0, 0, 1), a(0, 0, 2)], 5),
        Err(Error::DuplicateArc {
            first: 0,
            second: 1,
            ..
        })
    ));
    assert!(matches!(
        Network::new(1, vec![1], &[a(0, 0, i64::MAX)], 5),
        Err(Error::CostOverflow { .. })
    ));
    assert!(matches!(
        Network::new(1, vec![1], &[], i64::MIN),
        Err(Error::CostOverflow { .. })
    ));
}

#[test]
fn dense_rejects_bad_shape() {
    assert!(matches!(
        solve_dense(&[1, 2, 3], 2, 2),
        Err(matching::Error::DenseShape { .. })
    ));
}

#[test]
fn live_matcher_refuses_unknown_mentors_and_raised_capacities_and_changes_nothing() {
    let arcs = [
        Arc {
            mentee: 0,
            mentor: 0,
            cost: 1,
        },
        Arc {
            mentee: 0,
            mentor: 1,
            cost: 3,
        },
        Arc {
            mentee: 1,
            mentor: 1,
            cost: 1,
        },
        Arc {
            mentee: 1,
            mentor: 2,
            cost: 10,
        },
    ];
    let net = Network::new(2, vec![1, 1, 1], &arcs, 100).expect("valid");
    let mut live = Matcher::solve(net);
    let before = live.solution();
    assert_eq!(before.mentor_of(), &[Some(0), Some(1)]);
    let err = live
        .lower_capacities(&[(0, 0), (7, 0)])
        .expect_err("mentor 7 is unknown");
    assert!(
        matches!(
            err,
            Error::UnknownMentor {
                mentor: 7,
                count: 3
            }
        ),
        "{err}"
    );
    let err = live
        .lower_capacities(&[(1, 0), (0, 3)])
        .expect_err("raising is refused");
    assert_eq!(
        err.to_string(),
        "mentor 0's capacity can only be lowered in place (1 -> 3); solve again"
    );
    assert_eq!(live.solution(), before);
    assert_eq!(live.network().capacities(), &[1, 1, 1]);
    // Mentor 0 leaves: mentee 0 takes mentor 1 (3), which moves mentee 1 on to mentor 2 (10);
    // 13 beats leaving mentee 0 unassigned (100 + 1).
    live.mentors_leave(&[0]).expect("known mentor");
    let after = live.solution();
    assert_eq!(after.mentor_of(), &[Some(1), Some(2)]);
    assert_eq!(after.objective(), 13);
}

/// Mentor 0 leaves. Re-optimised freely, mentee 0 takes mentor 1 (3) and moves mentee 1 on to
/// mentor 2 (10): 13. With the pairs as they stood favoured by 5 (a program's continuity),
/// mentee 1 keeps mentor 1 and mentee 0 goes to mentor 3 instead (14): 15 in the instance's
/// own costs, but one person moved instead of two.
#[test]
fn continuity_keeps_a_pair_that_a_free_rematch_would_move() {
    let arc = |mentee, mentor, cost| Arc {
        mentee,
        mentor,
        cost,
    };
    let arcs = [
        arc(0, 0, 1),
        arc(0, 1, 3),
        arc(0, 3, 14),
        arc(1, 1, 1),
        arc(1, 2, 10),
    ];
    let net = Network::new(2, vec![1, 1, 1, 1], &arcs, 100).expect("valid");
    let mut free = Matcher::solve(net.clone());
    assert_eq!(free.solution().mentor_of(), &[Some(0), Some(1)]);
    let mut kept = free.clone();
    free.mentors_leave(&[0]).expect("known mentor");
    assert_eq!(free.solution().mentor_of(), &[Some(1), Some(2)]);
    assert_eq!(free.solution().objective(), 13);

    kept.favour_current(5).expect("a bonus");
    // Favouring moves nobody: the pairs only got cheaper.
    assert_eq!(kept.solution().mentor_of(), &[Some(0), Some(1)]);
    assert_eq!(kept.solution().objective(), 2 - 2 * 5);
    kept.mentors_leave(&[0]).expect("known mentor");
    let after = kept.solution();
    assert_eq!(after.mentor_of(), &[Some(3), Some(1)]);
    // 14 + (1 - 5): the kept pair still carries its bonus.
    assert_eq!(after.objective(), 10);
    let favoured = net
        .with_capacities(vec![0, 1, 1, 1])
        .and_then(|n| n.favouring(&[Some(0), Some(1)], 5))
        .expect("valid");
    check_solution(&favoured, &after);
}

#[test]
fn continuity_refuses_a_negative_or_lowered_bonus_and_costs_out_of_bounds() {
    let big = -(1i64 << 40) + 3;
    let arcs = [
        Arc {
            mentee: 0,
            mentor: 0,
            cost: big,
        },
        Arc {
            mentee: 1,
            mentor: 0,
            cost: 7,
        },
    ];
    let net = Network::new(2, vec![2], &arcs, 100).expect("valid");
    let mut live = Matcher::solve(net.clone());
    let before = live.solution();
    let err = live.favour_current(-1).expect_err("negative");
    assert_eq!(
        err.to_string(),
        "a continuity bonus must be 0 or more, got -1"
    );
    // Mentee 0's pair would cost less than -2^40: refused whole, mentee 1's pair included.
    let err = live.favour_current(4).expect_err("out of bounds");
    assert!(matches!(err, Error::CostOverflow { .. }), "{err}");
    assert_eq!(live.solution(), before);
    assert_eq!(arcs_of(live.network()), arcs_of(&net));
    live.favour_current(3).expect("in bounds");
    let err = live.favour_current(2).expect_err("lowered");
    assert_eq!(
        err.to_string(),
        "the continuity bonus can only be kept or raised in place (3 -> 2); solve again"
    );
    // The same bonus again changes nothing: the pairs carry it already.
    let favoured = live.network().clone();
    live.favour_current(3).expect("kept");
    assert_eq!(arcs_of(live.network()), arcs_of(&favoured));

    let current = before.mentor_of();
    let err = net
        .favouring(&current[..1], 1)
        .expect_err("one entry per mentee");
    assert!(
        matches!(
            err,
            Error::UnknownMentee {
                mentee: 1,
                count: 2
            }
        ),
        "{err}"
    );
    let err = net.favouring(current, -2).expect_err("negative");
    assert!(matches!(err, Error::NegativeBonus { bonus: -2 }), "{err}");
    let err = net.favouring(current, 4).expect_err("out of bounds");
    assert!(matches!(err, Error::CostOverflow { .. }), "{err}");
}

/// A pair that ended loses its bonus everywhere the search looks, including the contracted
/// list of the mentor its mentee sits with now. Mentee x leaves mentor A for B (round 1),
/// and mentee w's search passes B then, so B's list holds x's way back to A at the favoured
/// cost. In round 2 that way is back to full price: w must go to G (20), not along w → B,
/// x → A, y → E (24 at true prices, 14 with the stale bonus).
#[test]
fn continuity_of_an_ended_pair_is_gone_from_every_search() {
    let (a, b, c, d, e, g) = (0, 1, 2, 3, 4, 5);
    let (x, y, w) = (0, 1, 2);
    let arc = |mentee, mentor, cost| Arc {
        mentee,
        mentor,
        cost,
    };
    let arcs = [
        arc(x, a, 0),
        arc(x, b, 5),
        arc(y, a, 0),
        arc(y, e, 8),
        arc(w, b, 1),
        arc(w, c, 2),
        arc(w, d, 0),
        arc(w, g, 20),
    ];
    let net = Network::new(3, vec![2, 1, 1, 1, 1, 1], &arcs, 100).expect("valid");
    let mut live = Matcher::solve(net.clone());
    assert_eq!(live.solution().mentor_of(), &[Some(a), Some(a), Some(d)]);
    live.favour_current(10).expect("a bonus");
    live.lower_capacities(&[(a, 1), (d, 0)])
        .expect("lower only");
    let round1 = live.solution().mentor_of().to_vec();
    assert_eq!(round1, [Some(b), Some(a), Some(c)]);

    live.favour_current(10).expect("the same bonus");
    live.mentors_leave(&[c]).expect("known mentor");
    let after = live.solution();
    assert_eq!(after.mentor_of(), &[Some(b), Some(a), Some(g)]);
    let favoured = net
        .with_capacities(vec![1, 1, 0, 0, 1, 1])
        .and_then(|n| n.favouring(&round1, 10))
        .expect("valid");
    check_solution(&favoured, &after);
    assert_eq!(after.objective(), (5 - 10) + (0 - 10) + 20);
    assert_eq!(after.objective(), solve(&favoured).objective());
}
