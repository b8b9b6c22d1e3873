use std::path::PathBuf;

use indicators::Error;
use indicators::bench::run_bench_with;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("indicators-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

const HEADER: &str =
    "facility_id,district,region,period,cadre,modality,duration_minutes,checklist_score\n";

#[test]
fn small_events_file() {
    let events = write(
        "events.csv",
        &format!(
            "{HEADER}0,3,0,202301,0,0,60,90.0\n1,3,0,202302,1,1,30,79.9\n2,15,1,202304,0,0,20,80\n0,3,0,202301,0,2,10,\n"
        ),
    );
    let targets = write(
        "targets.csv",
        "region,year,quarter,cadre,target_visits\n0,2023,1,0,4\n",
    );
    let (report, answers) = run_bench_with(&events, Some(&targets), 2).expect("bench");
    assert_eq!(report.rows, 4);
    assert_eq!(report.q1.checksum_visits, 4);
    // Q2 keeps only the group with a target: region 0, 2023Q1, cadre 0 = 2 visits of 4.
    assert_eq!(answers.q1.len(), 1);
    assert_eq!(answers.q1[0].pct_of_target, Some(50.0));
    assert_eq!(answers.q1[0].avg_score, Some(90.0));
    assert_eq!(answers.q1[0].pct_onsite, Some(50.0));
    let country: Vec<_> = answers.q3.iter().filter(|r| r.lvl == "country").collect();
    assert_eq!(country.len(), 1);
    assert_eq!(country[0].n, 4);
    assert_eq!(country[0].pct, Some(50.0)); // 90.0 and 80 meet the standard
}

#[test]
fn bad_rows_name_file_and_line() {
    let events = write(
        "bad.csv",
        &format!("{HEADER}0,3,0,202301,0,0,60,90.0\n0,3,0,202313,0,0,60,90.0\n"),
    );
    let err = run_bench_with(&events, None, 2).expect_err("month 13");
    assert!(matches!(err, Error::Parse { line: 3, .. }), "{err}");
    assert!(err.to_string().contains("bad.csv:3: period"), "{err}");
    let events = write("bad2.csv", "facility,period\n1,2\n");
    assert!(matches!(
        run_bench_with(&events, None, 2),
        Err(Error::Parse { line: 1, .. })
    ));
    let events = write(
        "bad3.csv",
        &format!("{HEADER}0,3,0,202301,0,0,60,90.0\n0,4,0,202301,0,0,60,90.0\n"),
    );
    let err = run_bench_with(&events, None, 1)
        .expect_err("two districts")
        .to_string();
    assert!(err.contains("two districts"), "{err}");
}
