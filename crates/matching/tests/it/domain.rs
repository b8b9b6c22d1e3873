//! The domain API: rules, explanations, warm re-proposals, facility coupling and teams.

use matching::{
    Backup, Candidate, CostComponent, CouplingParams, Error, Exclusion, FacilitySite, Mentee,
    Mentor, Problem, Rules, TeamMentor, UnassignedReason, couple_facilities, form_teams,
    haversine_km, propose, repropose,
};

fn mentee(c: &str) -> Mentee {
    Mentee { cadre: c.into() }
}
fn mentor(c: &str, capacity: u32) -> Mentor {
    Mentor {
        cadre: c.into(),
        capacity,
    }
}
fn cand(mentee: usize, mentor: usize, costs: &[i64]) -> Candidate {
    Candidate {
        mentee,
        mentor,
        costs: costs.to_vec(),
    }
}

/// Mentees: 0 nurse, 1 nurse, 2 midwife, 3 nurse (all excluded), 4 lab (no lab mentor),
/// 5 nurse (only a far mentor). Mentors: 0 nurse cap 1, 1 nurse cap 1, 2 midwife cap 1.
fn problem() -> Problem {
    Problem {
        criteria: vec!["language".into(), "distance".into()],
        mentees: ["nurse", "nurse", "midwife", "nurse", "lab", "nurse"]
            .map(mentee)
            .to_vec(),
        mentors: vec![mentor("nurse", 1), mentor("nurse", 1), mentor("midwife", 1)],
        candidates: vec![
            cand(0, 0, &[0, 10]),
            cand(0, 1, &[500, 20]),
            cand(1, 0, &[0, 15]),
            cand(1, 1, &[0, 30]),
            cand(2, 2, &[0, 5]),
            cand(2, 0, &[0, 1]), // cross-cadre: blocked by the default rule
            cand(3, 0, &[0, 1]),
            cand(4, 0, &[0, 1]), // lab -> nurse: blocked
            cand(5, 1, &[0, 2000]),
        ],
        unassigned_cost: 1000,
    }
}

fn rules() -> Rules {
    Rules {
        exclusions: vec![Exclusion {
            mentee: 3,
            mentor: 0,
            reason: "direct supervisor".into(),
        }],
        ..Rules::default()
    }
}

#[test]
fn proposal_explains_pairs_and_unassigned() {
    let p = propose(&problem(), &rules()).expect("valid");
    let pairs: Vec<(usize, usize)> = p.pairs.iter().map(|x| (x.mentee, x.mentor)).collect();
    assert_eq!(pairs, vec![(0, 0), (1, 1), (2, 2)]);
    assert_eq!(
        p.pairs[0].breakdown,
        vec![
            CostComponent {
                criterion: "language".into(),
                cost: 0
            },
            CostComponent {
                criterion: "distance".into(),
                cost: 10
            },
        ]
    );
    for pair in &p.pairs {
        assert_eq!(
            pair.cost,
            pair.breakdown.iter().map(|c| c.cost).sum::<i64>()
        );
    }
    let reasons: Vec<(usize, UnassignedReason)> = p
        .unassigned
        .iter()
        .map(|u| (u.mentee, u.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                3,
                UnassignedReason::ExcludedByRule {
                    reasons: vec!["direct supervisor".into()]
                }
            ),
            (4, UnassignedReason::NoEligibleMentor),
            (5, UnassignedReason::CapacityExhausted),
        ]
    );
    // The manager sees whose one extra place would serve mentee 5; nobody is eligible for 3
    // and 4.
    let best: Vec<(usize, Option<Backup>)> = p
        .unassigned
        .iter()
        .map(|u| (u.mentee, u.best_eligible.clone()))
        .collect();
    assert_eq!(
        best,
        vec![
            (3, None),
            (4, None),
            (
                5,
                Some(Backup {
                    mentor: 1,
                    cost: 2000,
                    has_room: false
                })
            ),
        ]
    );
    assert_eq!(p.objective, 10 + 30 + 5 + 3 * 1000);
}

#[test]
fn cheaper_unassigned_reason() {
    let mut pr = problem();
    pr.mentors[1].capacity = 2; // mentor 1 has room, but mentee 5's pair costs 2000 > 1000
    // A cheaper pair with mentor 0, who is full: the mentor with room is still named first.
    pr.candidates.push(cand(5, 0, &[0, 1500]));
    let p = propose(&pr, &rules()).expect("valid");
    let u5 = p
        .unassigned
        .iter()
        .find(|u| u.mentee == 5)
        .expect("unassigned");
    assert_eq!(u5.reason, UnassignedReason::CheaperUnassigned);
    assert_eq!(
        u5.best_eligible,
        Some(Backup {
            mentor: 1,
            cost: 2000,
            has_room: true
        })
    );
}

#[test]
fn a_mentor_without_places_is_never_named_as_back_up_or_best_eligible() {
    let mut pr = problem();
    // Mentor 0 has left: the cheapest option of mentees 0 and 1, but no places.
    pr.mentors[0].capacity = 0;
    let p = propose(&pr, &rules()).expect("valid");
    // Mentor 1's one place goes to mentee 1 (30, against 520 for mentee 0).
    let m1 = p.pairs.iter().find(|x| x.mentee == 1).expect("pair");
    assert_eq!(m1.mentor, 1);
    assert_eq!(m1.backup, None, "mentor 0 takes nobody");
    let u0 = p
        .unassigned
        .iter()
        .find(|u| u.mentee == 0)
        .expect("unassigned");
    assert_eq!(u0.reason, UnassignedReason::CapacityExhausted);
    assert_eq!(
        u0.best_eligible,
        Some(Backup {
            mentor: 1,
            cost: 520,
            has_room: false
        })
    );
}

#[test]
fn cadre_pairs_pins_and_forbids() {
    let mut r = rules();
    r.cadre_pairs = Some(vec![
        ("nurse".into(), "nurse".into()),
        ("midwife".into(), "midwife".into()),
        ("lab".into(), "nurse".into()),
    ]);
    r.pins = vec![(1, 0)];
    r.forbids = vec![(0, 0)];
    let p = propose(&problem(), &r).expect("valid");
    let pin = p.pairs.iter().find(|x| x.mentee == 1).expect("pinned pair");
    assert!(pin.pinned);
    assert_eq!(pin.mentor, 0);
    // Mentee 0 cannot use mentor 0 (forbidden and full): takes mentor 1 at 520.
    let m0 = p.pairs.iter().find(|x| x.mentee == 0).expect("pair");
    assert_eq!((m0.mentor, m0.cost), (1, 520));
    // Mentee 4 (lab) is now eligible for mentor 0, which is full.
    let r4 = p
        .unassigned
        .iter()
        .find(|u| u.mentee == 4)
        .map(|u| u.reason.clone());
    assert_eq!(r4, Some(UnassignedReason::CapacityExhausted));
}

#[test]
fn bad_rules_are_errors() {
    let mut r = rules();
    r.pins = vec![(0, 0), (1, 0)];
    assert!(matches!(propose(&problem(), &r), Err(Error::BadPin { .. })));
    let mut r = rules();
    r.pins = vec![(0, 0)];
    r.forbids = vec![(0, 0)];
    assert!(matches!(propose(&problem(), &r), Err(Error::BadPin { .. })));
    let mut pr = problem();
    pr.candidates[0].costs = vec![1];
    assert!(matches!(
        propose(&pr, &rules()),
        Err(Error::CriteriaMismatch { index: 0, .. })
    ));
    let mut pr = problem();
    pr.candidates.push(cand(0, 0, &[1, 1]));
    assert!(matches!(
        propose(&pr, &rules()),
        Err(Error::DuplicateArc {
            first: 0,
            second: 9,
            ..
        })
    ));
    let mut pr = problem();
    pr.candidates.push(cand(9, 0, &[1, 1]));
    assert!(matches!(
        propose(&pr, &rules()),
        Err(Error::UnknownMentee { mentee: 9, .. })
    ));
}

#[test]
fn repropose_after_a_mentor_leaves_matches_a_cold_run() {
    let pr = problem();
    let first = propose(&pr, &rules()).expect("valid");
    let mut changed = pr.clone();
    changed.mentors[0].capacity = 0;
    let warm = repropose(&changed, &rules(), &first.warm_start).expect("valid");
    let cold = propose(&changed, &rules()).expect("valid");
    assert_eq!(warm.objective, cold.objective);
    assert_eq!(warm.pairs, cold.pairs);
    assert!(warm.pairs.iter().all(|p| p.mentor != 0));
}

#[test]
fn haversine_known_distances() {
    // One degree of longitude on the equator.
    assert!((haversine_km(0.0, 0.0, 0.0, 1.0) - 111.195).abs() < 0.01);
    // Nairobi to Kampala, about 505 km.
    let d = haversine_km(-1.2921, 36.8219, 0.3476, 32.5825);
    assert!((d - 505.0).abs() < 10.0, "{d}");
    assert_eq!(haversine_km(10.0, 20.0, 10.0, 20.0), 0.0);
}

#[test]
fn facility_coupling_minimises_distance_with_capacity() {
    let site = |lat: f64, lon: f64, strength: f64| FacilitySite { lat, lon, strength };
    // Strong at lon 0 and lon 10; weak at lon 1, 2 and 9.
    let sites = vec![
        site(0.0, 0.0, 0.9),
        site(0.0, 10.0, 0.9),
        site(0.0, 1.0, 0.1),
        site(0.0, 2.0, 0.1),
        site(0.0, 9.0, 0.1),
    ];
    let params = CouplingParams {
        threshold: 0.5,
        max_per_strong: 1,
        max_km: None,
    };
    let c = couple_facilities(&sites, &params).expect("valid");
    // Capacity 1 each: only two weak facilities can be coupled; 2->0 and 4->1 is cheapest.
    let pairs: Vec<(usize, usize)> = c.pairs.iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(pairs, vec![(2, 0), (4, 1)]);
    assert_eq!(c.unpaired, vec![3]);
    let params = CouplingParams {
        threshold: 0.5,
        max_per_strong: 2,
        max_km: Some(500.0),
    };
    let c = couple_facilities(&sites, &params).expect("valid");
    let pairs: Vec<(usize, usize)> = c.pairs.iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(pairs, vec![(2, 0), (3, 0), (4, 1)]);
}

#[test]
fn teams_cover_required_cadres() {
    let fac = |lon: f64| FacilitySite {
        lat: 0.0,
        lon,
        strength: 0.0,
    };
    let tm = |cadre: &str, lon: f64, max_facilities| TeamMentor {
        cadre: cadre.into(),
        lat: 0.0,
        lon,
        max_facilities,
    };
    let facilities = vec![fac(0.0), fac(5.0)];
    let mentors = vec![
        tm("surgeon", 0.1, 1),
        tm("surgeon", 5.1, 1),
        tm("anesthetist", 2.5, 2),
        tm("or_nurse", 4.9, 1),
    ];
    let required: Vec<String> = ["surgeon", "anesthetist", "or_nurse"]
        .map(String::from)
        .to_vec();
    let t = form_teams(&facilities, &mentors, &required, None).expect("valid");
    assert_eq!(
        t.teams[0].members,
        vec![("surgeon".to_string(), 0), ("anesthetist".to_string(), 2)]
    );
    assert_eq!(t.teams[0].missing, vec!["or_nurse".to_string()]);
    assert_eq!(
        t.teams[1].members,
        vec![
            ("surgeon".to_string(), 1),
            ("anesthetist".to_string(), 2),
            ("or_nurse".to_string(), 3)
        ]
    );
    assert!(t.teams[1].missing.is_empty());
}

#[test]
fn uncoupled_facilities_and_farther_partners_are_explained() {
    use matching::UncoupledReason;
    let site = |lon: f64, strength: f64| FacilitySite {
        lat: 0.0,
        lon,
        strength,
    };
    // One degree of longitude on the equator is about 111 km. Strong at 0; weak at 0.5 and
    // 0.6 (both in range of it, but it takes one), and at 5 (out of every range).
    let sites = vec![
        site(0.0, 90.0),
        site(0.5, 10.0),
        site(0.6, 10.0),
        site(5.0, 10.0),
        site(1.2, 90.0),
    ];
    let params = CouplingParams {
        threshold: 50.0,
        max_per_strong: 1,
        max_km: Some(200.0),
    };
    let c = couple_facilities(&sites, &params).expect("valid");
    // 1 -> 0 (56 km) and 2 -> 4 (67 km) beat 1 -> 4 and 2 -> 0 (78 + 67 = 145 > 56 + 67).
    let pairs: Vec<(usize, usize)> = c.pairs.iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(pairs, vec![(1, 0), (2, 4)]);
    // Each got a nearest strong facility (facility 2 lies halfway between 0 and 4), so
    // neither carries a "a nearer one was full" note.
    assert_eq!(c.nearer, vec![None, None]);
    assert_eq!(c.unpaired, vec![3]);
    assert_eq!(c.unpaired_reasons, vec![UncoupledReason::NoStrongInRange]);

    // Capacity: strong at 0 takes one; weak at 0.1 and 0.2 both want it, nothing else in range.
    let sites = vec![
        site(0.0, 90.0),
        site(0.1, 10.0),
        site(0.2, 10.0),
        site(3.0, 90.0),
    ];
    let c = couple_facilities(
        &sites,
        &CouplingParams {
            threshold: 50.0,
            max_per_strong: 1,
            max_km: Some(100.0),
        },
    )
    .expect("valid");
    assert_eq!(
        c.pairs.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        vec![(1, 0)]
    );
    assert_eq!(c.unpaired, vec![2]);
    assert_eq!(c.unpaired_reasons, vec![UncoupledReason::StrongInRangeFull]);

    // With a wider range the second weak facility goes to the far strong one, and the
    // proposal says the nearer one was full.
    let c = couple_facilities(
        &sites,
        &CouplingParams {
            threshold: 50.0,
            max_per_strong: 1,
            max_km: Some(400.0),
        },
    )
    .expect("valid");
    assert_eq!(
        c.pairs.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        vec![(1, 0), (2, 3)]
    );
    assert_eq!(c.nearer[0], None);
    let (nearer, km) = c.nearer[1].expect("a nearer, full strong facility");
    assert_eq!(nearer, 0);
    assert!((km - 22.2).abs() < 0.2, "{km}");
}

#[test]
fn missing_cadres_are_explained() {
    use matching::MissingReason;
    let fac = |lon: f64| FacilitySite {
        lat: 0.0,
        lon,
        strength: 0.0,
    };
    let tm = |cadre: &str, lon: f64, max_facilities| TeamMentor {
        cadre: cadre.into(),
        lat: 0.0,
        lon,
        max_facilities,
    };
    // Two facilities 11 km apart; one surgeon between them, nearer the first, who joins one
    // team; an anaesthetist 1000 km away; no OR nurse at all.
    let facilities = vec![fac(0.0), fac(0.1)];
    let mentors = vec![tm("surgeon", 0.04, 1), tm("anesthetist", 9.0, 5)];
    let required: Vec<String> = ["surgeon", "anesthetist", "or_nurse"]
        .map(String::from)
        .to_vec();
    let t = form_teams(&facilities, &mentors, &required, Some(100.0)).expect("valid");
    assert_eq!(t.teams[0].members, vec![("surgeon".to_string(), 0)]);
    assert_eq!(
        t.teams[0].missing_reasons,
        vec![MissingReason::NoneInRange, MissingReason::NoMentorOfCadre]
    );
    assert!(t.teams[1].members.is_empty());
    assert_eq!(t.teams[1].missing, required);
    assert_eq!(
        t.teams[1].missing_reasons,
        vec![
            MissingReason::AllInRangeAtLimit,
            MissingReason::NoneInRange,
            MissingReason::NoMentorOfCadre
        ]
    );
}

#[test]
fn facility_settings_name_the_bad_field() {
    use matching::FacilitySettings;
    assert!(FacilitySettings::default().validate().is_ok());
    let bad = |s: FacilitySettings| s.validate().expect_err("refused").0;
    let d = FacilitySettings::default;
    assert_eq!(
        bad(FacilitySettings {
            threshold: 101.0,
            ..d()
        }),
        "threshold"
    );
    assert_eq!(
        bad(FacilitySettings {
            threshold: f64::NAN,
            ..d()
        }),
        "threshold"
    );
    assert_eq!(
        bad(FacilitySettings {
            max_per_strong: 0,
            ..d()
        }),
        "max_per_strong"
    );
    assert_eq!(bad(FacilitySettings { max_km: 0.0, ..d() }), "max_km");
    assert_eq!(
        bad(FacilitySettings {
            max_teams_per_mentor: 0,
            ..d()
        }),
        "max_teams_per_mentor"
    );
    assert_eq!(
        bad(FacilitySettings {
            required_cadres: vec!["surgeon".into(), "Surgeon!".into()],
            ..d()
        }),
        "required_cadres[1]"
    );
    assert_eq!(
        bad(FacilitySettings {
            required_cadres: vec!["surgeon".into(), "surgeon".into()],
            ..d()
        }),
        "required_cadres[1]"
    );
}
