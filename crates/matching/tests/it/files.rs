//! Instance files: the happy path, the JSON report, the `.npy` reader and every bad-input case,
//! each of which must name the file and the line.

use std::path::{Path, PathBuf};

use matching::Error;
use matching::instance::{read_npy, read_sparse, solve_instance_files};

/// A fresh directory per test under the system temp dir.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("matching-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(d: &Path, name: &str, text: &str) -> PathBuf {
    let p = d.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

const MENTORS: &str = "mentor,capacity\n0,1\n1,2\n";
const EDGES: &str = "mentee,mentor,cost\n0,0,5\n0,1,7\n1,0,3\n2,1,4\n";

#[test]
fn solves_files_and_reports_json() {
    let d = dir("ok");
    let e = write(&d, "x.edges.csv", EDGES);
    let m = write(&d, "x.mentors.csv", MENTORS);
    let r = solve_instance_files(&e, &m, 100, &[], 0).expect("solves");
    // 1->0 (3), 0->1 (7), 2->1 (4).
    assert_eq!((r.objective, r.assigned, r.unassigned), (14, 3, 0));
    assert!(r.seconds >= 0.0);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    for key in [
        "objective",
        "assigned",
        "unassigned",
        "seconds",
        "peak_rss_mb",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    if cfg!(target_os = "linux") {
        assert!(r.peak_rss_mb.is_some());
    }
}

#[test]
fn mentors_leave_after_the_solve_and_the_report_adds_the_rematch() {
    let d = dir("leave");
    let e = write(&d, "x.edges.csv", EDGES);
    let m = write(&d, "x.mentors.csv", MENTORS);
    // Before: 1->0 (3), 0->1 (7), 2->1 (4) = 14. Mentor 0 leaves: mentee 1 has no other
    // mentor (unassigned, 100); mentees 0 and 2 share mentor 1 (capacity 2): 7 + 4 + 100.
    let r = solve_instance_files(&e, &m, 100, &[0], 0).expect("solves");
    assert_eq!(r.objective, 14);
    let re = r.rematch.as_ref().expect("a re-match");
    assert_eq!(
        (re.objective, re.assigned, re.unassigned, re.moved),
        (111, 2, 1, 1)
    );
    assert_eq!(re.left, [0]);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    assert_eq!(v["rematch"]["objective"], 111);
    assert_eq!(re.continuity, 0);
    // With the pairs as they stood favoured by 200 (a program's continuity), the two pairs
    // kept at mentor 1 carry the bonus inside the solver; the report gives it back, so the
    // objective is the same 111 in the instance's own costs.
    let r = solve_instance_files(&e, &m, 100, &[0], 200).expect("solves");
    let re = r.rematch.as_ref().expect("a re-match");
    assert_eq!(
        (
            re.objective,
            re.assigned,
            re.unassigned,
            re.moved,
            re.continuity
        ),
        (111, 2, 1, 1, 200)
    );
    let err = solve_instance_files(&e, &m, 100, &[0], -3).expect_err("negative bonus");
    assert_eq!(
        err.to_string(),
        "a continuity bonus must be 0 or more, got -3"
    );
    // An id the mentors file does not define is refused, naming the parameter and the file.
    let err = solve_instance_files(&e, &m, 100, &[0, 42], 0).expect_err("unknown mentor");
    assert_eq!(
        err.to_string(),
        format!("--leave: mentor id 42 is not in {}", m.display())
    );
}

#[test]
fn meta_json_declares_mentees_without_edges() {
    let d = dir("meta");
    let e = write(&d, "x.edges.csv", EDGES);
    let m = write(&d, "x.mentors.csv", MENTORS);
    write(
        &d,
        "x.meta.json",
        r#"{"n_mentees": 5, "unassigned_cost": 100}"#,
    );
    let r = solve_instance_files(&e, &m, 100, &[], 0).expect("solves");
    assert_eq!((r.mentees, r.unassigned, r.objective), (5, 2, 214));
    // An edge to mentee 7 is now unknown.
    let e = write(&d, "x.edges.csv", "mentee,mentor,cost\n0,0,5\n7,1,1\n");
    let err = read_sparse(&e, &m, 100).expect_err("unknown mentee");
    assert!(
        matches!(
            err,
            Error::UnknownId {
                line: 3,
                kind: "mentee",
                id: 7,
                ..
            }
        ),
        "{err}"
    );
}

/// Runs a bad case and checks the error's variant, file and line.
fn bad(edges: &str, mentors: &str, expect_file: &str, expect_line: usize) -> Error {
    let d = dir(&format!(
        "bad-{expect_file}-{expect_line}-{}",
        edges.len() * 31 + mentors.len()
    ));
    let e = write(&d, "y.edges.csv", edges);
    let m = write(&d, "y.mentors.csv", mentors);
    let err = read_sparse(&e, &m, 100).expect_err("must fail");
    let text = err.to_string();
    let file = if expect_file == "edges" { &e } else { &m };
    assert!(
        text.contains(&format!("{}:{expect_line}", file.display())),
        "{text}"
    );
    err
}

#[test]
fn negative_capacity() {
    let err = bad(EDGES, "mentor,capacity\n0,1\n1,-2\n", "mentors", 3);
    assert!(matches!(
        err,
        Error::NegativeCapacity {
            mentor: 1,
            capacity: -2,
            ..
        }
    ));
}

#[test]
fn unknown_mentor_id() {
    let err = bad("mentee,mentor,cost\n0,0,5\n1,9,3\n", MENTORS, "edges", 3);
    assert!(matches!(
        err,
        Error::UnknownId {
            kind: "mentor",
            id: 9,
            ..
        }
    ));
}

#[test]
fn unknown_mentee_id() {
    let err = bad("mentee,mentor,cost\n0,0,5\n-1,0,3\n", MENTORS, "edges", 3);
    assert!(matches!(
        err,
        Error::UnknownId {
            kind: "mentee",
            id: -1,
            ..
        }
    ));
}

#[test]
fn duplicate_edge_names_both_lines() {
    let err = bad(
        "mentee,mentor,cost\n0,0,5\n1,0,3\n0,0,6\n",
        MENTORS,
        "edges",
        4,
    );
    assert!(
        matches!(err, Error::Duplicate { first_line: 2, .. }),
        "{err}"
    );
}

#[test]
fn duplicate_mentor() {
    let err = bad(EDGES, "mentor,capacity\n0,1\n1,2\n0,3\n", "mentors", 4);
    assert!(matches!(err, Error::Duplicate { first_line: 2, .. }));
}

#[test]
fn cost_overflow() {
    let err = bad(
        "mentee,mentor,cost\n0,0,99999999999999999999999\n",
        MENTORS,
        "edges",
        2,
    );
    assert!(matches!(err, Error::FileCostOverflow { .. }));
    let err = bad(
        "mentee,mentor,cost\n0,0,5\n0,1,-9000000000000000\n",
        MENTORS,
        "edges",
        3,
    );
    assert!(matches!(err, Error::FileCostOverflow { .. }));
}

#[test]
fn malformed_rows() {
    let err = bad("mentee,mentor,cost\n0,0\n", MENTORS, "edges", 2);
    assert!(matches!(err, Error::Malformed { .. }));
    let err = bad("mentee,mentor,cost\n0,0,5\n1,x,3\n", MENTORS, "edges", 3);
    assert!(matches!(err, Error::Malformed { .. }));
    let err = bad("mentee,mentor,cost\n0,0,1.5\n", MENTORS, "edges", 2);
    assert!(matches!(err, Error::Malformed { .. }));
    let err = bad(EDGES, "mentor,cap\n0,1\n", "mentors", 1);
    assert!(matches!(err, Error::Malformed { .. }));
}

#[test]
fn empty_files() {
    for (edges, mentors, which) in [
        (EDGES, "", "mentors"),
        ("", MENTORS, "edges"),
        ("mentee,mentor,cost\n", MENTORS, "edges"),
    ] {
        let d = dir(&format!("empty-{which}-{}", edges.len()));
        let e = write(&d, "z.edges.csv", edges);
        let m = write(&d, "z.mentors.csv", mentors);
        let err = read_sparse(&e, &m, 100).expect_err("empty");
        let file = if which == "edges" { &e } else { &m };
        match &err {
            Error::EmptyFile { file: f } => assert_eq!(f, file),
            other => panic!("expected EmptyFile, got {other}"),
        }
        assert!(err.to_string().contains(&file.display().to_string()));
    }
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let d = dir("missing");
    let m = write(&d, "m.mentors.csv", MENTORS);
    let e = d.join("nope.edges.csv");
    let err = read_sparse(&e, &m, 100).expect_err("missing");
    assert!(matches!(err, Error::Io { .. }));
    assert!(err.to_string().contains("nope.edges.csv"));
    // The whole chain, as anyhow's `{:#}` prints it, names the cause once.
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    let cause = std::io::Error::from(std::io::ErrorKind::NotFound).to_string();
    let os_cause = "No such file or directory";
    let once = |needle: &str| chain.matches(needle).count() <= 1;
    assert!(once(&cause) && once(os_cause), "repeated cause: {chain}");
}

fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn npy_int64_and_float64() {
    let d = dir("npy");
    let ints: Vec<u8> = [1i64, 2, 3, 4, 5, 6]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let p = d.join("a.npy");
    std::fs::write(&p, npy("<i8", "(2, 3)", &ints)).expect("write");
    assert_eq!(read_npy(&p).expect("reads"), (2, 3, vec![1, 2, 3, 4, 5, 6]));
    let floats: Vec<u8> = [1.0f64, 2.0, 3.0, 4.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write(&p, npy("<f8", "(2, 2)", &floats)).expect("write");
    assert_eq!(read_npy(&p).expect("reads"), (2, 2, vec![1, 2, 3, 4]));
    let bad: Vec<u8> = [1.5f64].iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&p, npy("<f8", "(1, 1)", &bad)).expect("write");
    assert!(matches!(read_npy(&p), Err(Error::Malformed { .. })));
    std::fs::write(&p, npy("<i4", "(1, 1)", &[0, 0, 0, 0])).expect("write");
    assert!(matches!(read_npy(&p), Err(Error::Malformed { .. })));
}
