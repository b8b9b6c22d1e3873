//! The `tandem` command line, run as a user runs it: the built binary, a fresh database each
//! time (SQLite file, or a PostgreSQL schema when `TANDEM_TEST_DATABASE_URL` is set).

mod backup;
mod dhis2;
mod faults;
mod forms;
mod indicator_values;
mod load;
mod server;
mod servers;
mod values_import;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

struct Cli {
    dir: PathBuf,
    url: String,
}

impl Cli {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tandem-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = match std::env::var("TANDEM_TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let schema = format!("cli_{name}_{}", std::process::id());
                let psql = Command::new("psql")
                    .args([
                        base.as_str(),
                        "-q",
                        "-c",
                        &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
                    ])
                    .output()
                    .expect("psql runs");
                assert!(
                    psql.status.success(),
                    "{}",
                    String::from_utf8_lossy(&psql.stderr)
                );
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-csearch_path%3D{schema}")
            }
            _ => format!("sqlite://{}", dir.join("t.db").display()),
        };
        Cli { dir, url }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None, &[])
    }

    fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
        command
            .args(args)
            .env("TANDEM_DATABASE_URL", &self.url)
            .env_remove("TANDEM_PASSWORD");
        for (k, v) in env {
            command.env(k, v);
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("tandem runs");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("tandem finishes")
    }
}

/// A running `tandem serve` on a free port; killed (SIGKILL, as `kill -9`) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// `http://host:port`.
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `cli`'s database with `extra` flags, once it listens (it prints its address).
fn serve(cli: &Cli, extra: &[&str]) -> Server {
    serve_with(cli, extra, None)
}

/// [`serve`], optionally pinned to the CPU cores `pinned` names (`taskset -c`).
fn serve_with(cli: &Cli, extra: &[&str], pinned: Option<&str>) -> Server {
    let mut command = match pinned {
        Some(cores) => {
            let mut c = Command::new("taskset");
            c.args(["-c", cores, env!("CARGO_BIN_EXE_tandem")]);
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_tandem")),
    };
    let mut child = command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .env("TANDEM_DATABASE_URL", &cli.url)
        .env("TANDEM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tandem serves");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the serving line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server { child, addr }
}

/// Loads the demo into `cli`'s database and opens it on a one-thread runtime, with the id of
/// the demo program whose code is given.
fn open_demo(
    cli: &Cli,
    program: &str,
) -> (tokio::runtime::Runtime, store::Db, domain::ids::ProgramId) {
    ok(&cli.run(&["demo", "--no-serve"]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (db, program) = runtime.block_on(async {
        let db = store::Db::connect(&cli.url).await.expect("database");
        let code = domain::values::Slug::parse(program).expect("code");
        let program = db.program_by_code(&code).await.expect("program").id;
        (db, program)
    });
    (runtime, db, program)
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const UNITS: &str = "code,name,level,parent_code,latitude,longitude\n\
ET,Ethiopia,country,,,\n\
ET-AM,Amhara,region,ET,,\n\
ET-AM-EG,East Gojjam,district,ET-AM,,\n\
ET-AM-EG-DM,Debre Markos Hospital,facility,ET-AM-EG,10.33,37.73\n";

#[test]
fn help_explains_every_command() {
    let cli = Cli::new("help");
    let help = ok(&cli.run(&["--help"]));
    for command in ["serve", "migrate", "demo", "admin", "import", "match"] {
        assert!(help.contains(command), "{command} in {help}");
    }
    // The bench commands are built only with the `bench` feature, never into the shipped
    // binary.
    let match_help = ok(&cli.run(&["match", "--help"]));
    if cfg!(feature = "bench") {
        assert!(help.contains("bench"), "bench in {help}");
        assert!(match_help.contains("solve"), "solve in {match_help}");
    } else {
        assert!(!help.contains("bench"), "no bench in {help}");
        assert!(!match_help.contains("solve"), "no solve in {match_help}");
    }
    let import = ok(&cli.run(&["import", "org-units", "--help"]));
    assert!(import.contains("DHIS2"), "{import}");
}

#[test]
fn an_org_unit_import_failing_on_its_last_row_leaves_nothing() {
    let cli = Cli::new("units");
    let bad = format!("{UNITS}ET-AM-EG-XX,Orphan Clinic,facility,ET-AM-NOPE,,\n");
    let file = cli.file("units.csv", &bad);
    let err = fails(&cli.run(&["import", "org-units", &file]));
    assert!(
        err.contains("units.csv")
            && err.contains("row 6")
            && err.contains("ET-AM-NOPE")
            && err.contains("nothing was imported"),
        "{err}"
    );
    // Nothing half-written: the good rows can be imported now, all created afresh.
    let good = cli.file("good.csv", UNITS);
    let out = ok(&cli.run(&["import", "org-units", &good]));
    assert!(out.contains("4 created, 0 updated, 0 unchanged"), "{out}");
    let again = ok(&cli.run(&["import", "org-units", &good]));
    assert!(
        again.contains("0 created, 0 updated, 4 unchanged"),
        "{again}"
    );

    let malformed = cli.file("bad.csv", "code,name,level\nET,Ethiopia,nation\n");
    let err = fails(&cli.run(&["import", "org-units", &malformed]));
    assert!(err.contains("bad.csv: row 2, level"), "{err}");
    let err = fails(&cli.run(&["import", "org-units", &cli.file("units.txt", UNITS)]));
    assert!(err.contains("--format"), "{err}");
    let err = fails(&cli.run(&["import", "org-units", "/no/such/file.csv"]));
    assert!(err.contains("/no/such/file.csv: cannot read"), "{err}");
    let err = fails(&cli.run(&["import", "org-units", &good, "--format", "xml"]));
    assert!(err.contains("--format"), "{err}");
}

#[test]
fn dhis2_org_units_and_people_import() {
    let cli = Cli::new("dhis2");
    let json = r#"{"organisationUnits":[
      {"id":"ImspTQPwCqd","code":"ET","name":"Ethiopia","level":1},
      {"id":"at6UHUQatSo","code":"ET-AM","name":"Amhara","level":2,"parent":{"id":"ImspTQPwCqd"}},
      {"id":"qtr8GGlm4gg","code":"ET-AM-EG","name":"East Gojjam","level":3,"parent":{"id":"at6UHUQatSo"}},
      {"id":"Rp268JB6Ne4","code":"ET-AM-EG-DM","name":"Debre Markos","level":4,"parent":{"id":"qtr8GGlm4gg"},"geometry":{"type":"Point","coordinates":[37.73,10.33]}}
    ]}"#;
    let out = ok(&cli.run(&["import", "org-units", &cli.file("ou.json", json)]));
    assert!(out.contains("4 created"), "{out}");
    let err = fails(&cli.run(&[
        "import",
        "org-units",
        &cli.file("broken.json", "{\"organisationUnits\": [{\"id\": 5}]}"),
    ]));
    assert!(
        err.contains("broken.json") && err.contains("organisationUnits[0].id"),
        "{err}"
    );

    // The demo has no program here; people rows without placement still import.
    let people = "name,time_zone,email,languages,cadre\n\
                  Abebe Kebede,Africa/Addis_Ababa,abebe@example.et,\"am;en\",surgeon\n\
                  Hana Tesfaye,Africa/Addis_Ababa,hana@example.et,am,anesthetist\n";
    let out = ok(&cli.run(&["import", "people", &cli.file("people.csv", people)]));
    assert!(out.contains("2 created"), "{out}");
    let bad = format!("{people}Last Row,Mars/Base,last@example.et,am,surgeon\n");
    let err = fails(&cli.run(&["import", "people", &cli.file("people2.csv", &bad)]));
    assert!(err.contains("people2.csv: row 4, time_zone"), "{err}");
    let placed = "name,time_zone,email,program,role,org_unit\nNew Person,Africa/Addis_Ababa,new@example.et,no_such_program,mentee,ET-AM-EG-DM\n";
    let err = fails(&cli.run(&["import", "people", &cli.file("people3.csv", placed)]));
    assert!(
        err.contains("row 2")
            && err.contains("no_such_program")
            && err.contains("nothing was imported"),
        "{err}"
    );
    let updated = ok(&cli.run(&["import", "people", &cli.file("people.csv", people)]));
    assert!(
        updated.contains("0 created"),
        "the failed import wrote nothing and emails match: {updated}"
    );
}

#[test]
fn accounts_are_created_with_a_checked_password_from_stdin() {
    let cli = Cli::new("admin");
    let err = fails(&cli.run_with(
        &[
            "admin",
            "create-user",
            "--username",
            "boss@example.org",
            "--admin",
        ],
        Some("short\n"),
        &[],
    ));
    assert!(
        err.contains("password: must be at least 10 characters"),
        "{err}"
    );
    let out = ok(&cli.run_with(
        &[
            "admin",
            "create-user",
            "--username",
            "Boss@Example.org",
            "--admin",
        ],
        Some("a long enough secret\n"),
        &[],
    ));
    assert!(
        out.contains("boss@example.org") && out.contains("administrator"),
        "{out}"
    );
    let err = fails(&cli.run_with(
        &["admin", "create-user", "--username", "boss@example.org"],
        None,
        &[("TANDEM_PASSWORD", "another long secret")],
    ));
    assert!(
        err.contains("--username") && err.contains("already taken"),
        "{err}"
    );
    let err = fails(&cli.run_with(
        &[
            "admin",
            "create-user",
            "--username",
            "x@example.org",
            "--person-email",
            "nobody@example.org",
        ],
        None,
        &[("TANDEM_PASSWORD", "another long secret")],
    ));
    assert!(err.contains("--person-email: no person has email"), "{err}");
    let token = ok(&cli.run(&[
        "admin",
        "create-token",
        "--username",
        "boss@example.org",
        "--name",
        "ci",
    ]));
    assert!(
        token.trim().starts_with("tdm_") && token.trim().len() == 68,
        "{token}"
    );
    let err = fails(&cli.run(&[
        "admin",
        "create-token",
        "--username",
        "ghost@example.org",
        "--name",
        "ci",
    ]));
    assert!(err.contains("no account ghost@example.org"), "{err}");
}

#[test]
fn the_demo_loads_once_and_prints_its_sign_ins() {
    let cli = Cli::new("demo");
    let first = ok(&cli.run(&["demo", "--no-serve"]));
    assert!(
        first.contains("Demo programs loaded")
            && first.contains("manager@demo.tandem")
            && first.contains("tandem-demo-2026"),
        "{first}"
    );
    let second = ok(&cli.run(&["demo", "--no-serve"]));
    assert!(second.contains("already loaded"), "{second}");
    let migrate = ok(&cli.run(&["migrate"]));
    assert!(migrate.contains("0 migration(s) applied"), "{migrate}");
}

#[test]
fn bad_flags_and_urls_are_named() {
    let cli = Cli::new("flags");
    let err = fails(&cli.run(&["serve", "--addr", "not-an-address"]));
    assert!(err.contains("--addr"), "{err}");
    let err = fails(&cli.run(&["serve", "--session-hours", "0", "--addr", "127.0.0.1:0"]));
    assert!(err.contains("--session-hours"), "{err}");
    let err = fails(&cli.run_with(
        &["migrate"],
        None,
        &[(
            "TANDEM_DATABASE_URL",
            "postgres://nobody:secret@127.0.0.1:1/x",
        )],
    ));
    assert!(
        err.contains("nobody:***@127.0.0.1:1") && !err.contains("secret"),
        "{err}"
    );
}

#[cfg(feature = "bench")]
#[test]
fn match_solve_names_a_missing_instance_file() {
    let cli = Cli::new("solve_missing");
    let err = fails(&cli.run(&[
        "match",
        "solve",
        "--edges",
        "/no/edges.csv",
        "--mentors",
        "/no/mentors.csv",
    ]));
    assert!(
        err.contains("/no/edges.csv") || err.contains("/no/mentors.csv"),
        "{err}"
    );
}

#[cfg(feature = "bench")]
#[test]
fn match_solve_rematches_after_mentors_leave_and_names_a_bad_leave() {
    let cli = Cli::new("solve_leave");
    let edges = cli.dir.join("x.edges.csv");
    let mentors = cli.dir.join("x.mentors.csv");
    std::fs::write(
        &edges,
        "mentee,mentor,cost\n0,10,1\n0,11,3\n0,13,14\n1,11,1\n1,12,10\n",
    )
    .expect("write");
    std::fs::write(&mentors, "mentor,capacity\n10,1\n11,1\n12,1\n13,1\n").expect("write");
    let (e, m) = (
        edges.to_str().expect("utf-8"),
        mentors.to_str().expect("utf-8"),
    );
    let base = [
        "match",
        "solve",
        "--edges",
        e,
        "--mentors",
        m,
        "--unassigned-cost",
        "100",
    ];
    // Mentor 10 leaves: mentee 0 takes mentor 11, which moves mentee 1 on to mentor 12.
    let out = ok(&cli.run(&[&base[..], &["--leave", "10"]].concat()));
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["objective"], 2, "{out}");
    assert_eq!(report["rematch"]["objective"], 13, "{out}");
    assert_eq!(report["rematch"]["moved"], 2, "{out}");
    assert_eq!(report["rematch"]["left"], serde_json::json!([10]));
    assert_eq!(report["rematch"]["continuity"], 0, "{out}");
    // With the pairs as they stood favoured by 5, mentee 1 keeps mentor 11 and mentee 0 takes
    // mentor 13 (14): 15 in the instance's own costs, one person moved instead of two.
    let out = ok(&cli.run(&[&base[..], &["--leave", "10", "--continuity", "5"]].concat()));
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["rematch"]["objective"], 15, "{out}");
    assert_eq!(report["rematch"]["moved"], 1, "{out}");
    assert_eq!(report["rematch"]["continuity"], 5, "{out}");
    let err = fails(&cli.run(&[&base[..], &["--leave", "10", "--continuity", "-1"]].concat()));
    assert!(
        err.contains("'-1' for '--continuity") && err.contains("not in 0.."),
        "{err}"
    );
    // Without --leave the report has no re-match.
    let out = ok(&cli.run(&base));
    assert!(!out.contains("rematch"), "{out}");
    let err = fails(&cli.run(&[&base[..], &["--leave", "10,99"]].concat()));
    assert!(
        err.contains("--leave: mentor id 99 is not in") && err.contains("x.mentors.csv"),
        "{err}"
    );
    let err = fails(&cli.run(&[&base[..], &["--leave", "ten"]].concat()));
    assert!(err.contains("--leave"), "{err}");
}

#[test]
fn the_demo_is_paired_by_matching_and_a_departure_is_rematched() {
    let cli = Cli::new("matching");
    ok(&cli.run(&["demo", "--no-serve"]));
    // The demo's pairings came from an approved proposal; a new run changes nothing.
    let out = ok(&cli.run(&["match", "propose", "--program", "safe_surgery_et"]));
    let proposal: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(proposal["status"], "draft");
    assert_eq!(proposal["changes"], 0, "{out}");
    assert_eq!(proposal["warm_started"], true);
    assert_eq!(proposal["pairs"].as_array().expect("pairs").len(), 27);
    // The named conflict in the demo keeps that anesthetist away from their supervisor.
    let cold = ok(&cli.run(&["match", "propose", "--program", "safe_surgery_et", "--cold"]));
    let cold: serde_json::Value = serde_json::from_str(&cold).expect("JSON");
    assert_eq!(
        cold["objective"], proposal["objective"],
        "warm and cold agree"
    );
    assert_eq!(cold["warm_started"], false);

    // The Amhara surgeon mentor leaves: their mentees get other surgeons, each with a back-up.
    let out = ok(&cli.run(&[
        "match",
        "mentor-left",
        "--program",
        "safe_surgery_et",
        "--mentor",
        "yohannes.alemu@demo.example.et",
    ]));
    let rematch: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let pairs = rematch["pairs"].as_array().expect("pairs");
    assert!(rematch["changes"].as_u64().expect("changes") > 0, "{out}");
    assert!(
        pairs.iter().all(|p| p["mentor_name"] != "Yohannes Alemu"),
        "{out}"
    );
    let id = rematch["id"].to_string();
    let approved = ok(&cli.run(&["match", "approve", "--proposal", &id]));
    assert!(approved.contains("\"created\""), "{approved}");
    let err = fails(&cli.run(&["match", "approve", "--proposal", &id]));
    assert!(
        err.contains("--proposal") && err.contains("approved"),
        "{err}"
    );

    // An unknown code (here shortened: the country suffix left off) names the flag and lists
    // the codes there are.
    let err = fails(&cli.run(&["match", "propose", "--program", "safe-surgery"]));
    assert!(
        err.contains("--program: no program has code \"safe-surgery\"")
            && err.contains("safe_surgery_et")
            && err.contains("uniben_2008"),
        "{err}"
    );
    let err = fails(&cli.run(&[
        "match",
        "mentor-left",
        "--program",
        "safe_surgery_et",
        "--mentor",
        "not-an-email",
    ]));
    assert!(err.contains("--mentor"), "{err}");
}

#[test]
fn the_demo_hospitals_are_coupled_and_given_teams_through_the_workflow() {
    let cli = Cli::new("facility_matching");
    ok(&cli.run(&["demo", "--no-serve"]));
    // The demo approved its couplings when it loaded: a new run proposes the same ones.
    let out = ok(&cli.run(&["match", "couple", "--program", "safe_surgery_et"]));
    let coupling: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(coupling["kind"], "coupling");
    assert_eq!(coupling["status"], "draft");
    assert_eq!(coupling["result"]["changes"], 0, "{out}");
    let pairs = coupling["result"]["pairs"].as_array().expect("pairs");
    // The six 40 % hospitals, each with its region's 60 % referral hospital.
    assert_eq!(pairs.len(), 6, "{out}");
    let motta = pairs
        .iter()
        .find(|p| p["weak_name"] == "Motta General Hospital")
        .expect("Motta coupled");
    assert_eq!(motta["strong_name"], "Debre Markos Referral Hospital");
    assert!(pairs.iter().all(|p| p["current"] == true), "{out}");

    let out = ok(&cli.run(&["match", "teams", "--program", "safe_surgery_et"]));
    let teams: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(teams["result"]["changes"], 0, "{out}");
    let list = teams["result"]["teams"].as_array().expect("teams");
    assert_eq!(list.len(), 9);
    assert!(
        list.iter()
            .all(|t| t["members"].as_array().map(Vec::len) == Some(3)),
        "surgeon, anesthetist and OR nurse everywhere: {out}"
    );

    let id = coupling["id"].to_string();
    let approved = ok(&cli.run(&["match", "approve", "--facility-proposal", &id]));
    assert!(approved.contains("\"created\": 6"), "{approved}");
    let err = fails(&cli.run(&["match", "approve", "--facility-proposal", &id]));
    assert!(
        err.contains("--facility-proposal") && err.contains("approved"),
        "{err}"
    );
    let err = fails(&cli.run(&["match", "couple", "--program", "no_such_program"]));
    assert!(err.contains("--program"), "{err}");
}

#[test]
fn the_research_demo_has_eighteen_months_of_history() {
    use chrono::Datelike as _;
    let cli = Cli::new("history");
    let (runtime, db, program) = open_demo(&cli, "uniben_2008");
    runtime.block_on(async {
        let now = store::now();
        let today = now.date_naive();
        let days_ago = |n: i64| today - chrono::Duration::days(n);

        // Five projects, created in the seed report's order: two papers published, the
        // mixed-methods study in analysis, the training evaluation being written up, the
        // simulation study just through ethics.
        let projects = db.projects(program).await.expect("projects");
        let stages: Vec<&str> = projects.iter().map(|p| p.stage.as_str()).collect();
        assert_eq!(
            stages,
            [
                "published",
                "published",
                "analysis",
                "writing",
                "ethics_approval"
            ]
        );
        // 14 + 11 + 13 + 6 + 4 CRediT roles, dated when each project started (18 months
        // ago for the first), not when the demo was loaded.
        let roles = db.program_roles(program).await.expect("roles");
        assert_eq!(roles.len(), 48);
        let first_role = roles.iter().map(|r| r.created_at.date_naive()).min();
        assert_eq!(first_role, Some(days_ago(548)));
        // A task every five days while a project runs (66 + 86 + 101 + 89 + 17) and a
        // milestone per stage reached plus the next (7 + 7 + 5 + 6 + 3, of which
        // 7 + 7 + 4 + 5 + 2 are reached).
        let tasks = db.program_tasks(program).await.expect("tasks");
        let (milestones, work): (Vec<_>, Vec<_>) = tasks
            .iter()
            .partition(|t| t.kind == domain::research::TaskKind::Milestone);
        assert_eq!(work.len(), 359);
        assert_eq!(milestones.len(), 28);
        assert_eq!(
            milestones.iter().filter(|m| m.done_on.is_some()).count(),
            25
        );
        assert!(work.iter().any(|t| t.done_on.is_some()));

        // Seven outputs: the two papers with their DOIs normalised to lowercase, three talks,
        // two trainings; the first paper's first author is the first peer leader.
        let outputs = db.outputs(program).await.expect("outputs");
        assert_eq!(outputs.len(), 7);
        // CI parses what the app exports for the demo with bibtexparser and citeproc-py
        // (`cargo xtask ci-formats`).
        if let Some(dir) = std::env::var_os("TANDEM_EXPORT_OUT") {
            let citable = app::research::citable_outputs(&outputs).expect("citable");
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).expect("export dir");
            std::fs::write(dir.join("demo.bib"), research::bibtex::to_bibtex(&citable))
                .expect("write bib");
            std::fs::write(
                dir.join("demo.csl.json"),
                research::csl::to_csl_json(&citable),
            )
            .expect("write csl");
        }
        let count = |kind: &str| outputs.iter().filter(|o| o.kind.as_str() == kind).count();
        assert_eq!(
            (
                count("publication"),
                count("presentation"),
                count("training")
            ),
            (2, 3, 2)
        );
        let mut dois: Vec<&str> = outputs.iter().filter_map(|o| o.doi.as_deref()).collect();
        dois.sort_unstable();
        assert_eq!(
            dois,
            ["10.5555/pamj.2025.50.112", "10.5555/tandem.bme.2024.0417"]
        );
        let survey = outputs
            .iter()
            .find(|o| o.doi.as_deref() == Some("10.5555/tandem.bme.2024.0417"))
            .expect("survey paper");
        assert_eq!(survey.authors.len(), 7);
        assert_eq!(
            (
                survey.authors[0].given.as_str(),
                survey.authors[0].family.as_str()
            ),
            ("Osagie", "Igbinedion")
        );
        assert!(survey.authors.iter().all(|a| a.person.is_some()));
        assert_eq!(survey.happened_on, days_ago(548 - 335));

        // Everyone has weekly availability; the first peer leader (London) has evenings
        // Monday to Thursday, two early mornings and a Saturday morning.
        let memberships = db
            .memberships_of_program(program, "")
            .await
            .expect("members");
        let mut people: Vec<_> = memberships.iter().map(|m| m.person).collect();
        people.sort_unstable();
        people.dedup();
        assert_eq!(people.len(), 16);
        for person in &people {
            assert!(!db.availability(*person).await.expect("windows").is_empty());
        }
        let leader = memberships
            .iter()
            .find(|m| m.person_name == "Osagie Igbinedion")
            .expect("leader");
        assert_eq!(
            db.availability(leader.person).await.expect("windows").len(),
            11
        );

        // Fortnightly meetings over 18 months (39, the first 541 days ago, the last 9),
        // every invitee marked; then four weekly meetings ahead, everyone invited.
        let sessions = db.group_sessions(program).await.expect("sessions");
        let (past, upcoming): (Vec<_>, Vec<_>) = sessions.iter().partition(|s| s.starts_at < now);
        assert_eq!(past.len(), 39);
        assert_eq!(past[0].starts_at.date_naive(), days_ago(541));
        assert_eq!(past[38].starts_at.date_naive(), days_ago(9));
        for session in &past {
            let marks = db.attendance(session.id).await.expect("attendance");
            assert_eq!(marks.len(), 16);
            assert!(marks.iter().all(|a| a.status
                == domain::scheduling::AttendanceStatus::Attended
                || a.status == domain::scheduling::AttendanceStatus::Absent));
        }
        assert_eq!(upcoming.len(), 4);
        // One in each of the next four weeks (Monday to Sunday, UTC).
        let next_monday =
            today + chrono::Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
        for (week, session) in (0..).zip(&upcoming) {
            let monday = next_monday + chrono::Duration::weeks(week);
            let day = session.starts_at.date_naive();
            assert!(
                monday <= day && day < monday + chrono::Duration::weeks(1),
                "{day} not in the week of {monday}"
            );
        }
        for session in &upcoming {
            let marks = db.attendance(session.id).await.expect("attendance");
            assert_eq!(marks.len(), 16);
            assert!(
                marks
                    .iter()
                    .all(|a| a.status == domain::scheduling::AttendanceStatus::Invited)
            );
        }

        // Participation as of today: uneven, and exactly the three fading members warned
        // (two stopped coming; one's attendance fell to one of the last four meetings).
        let actor = store::Actor::system("test");
        let report = app::research::participation_report(&db, &actor, program, today, false)
            .await
            .expect("report");
        let mut warned: Vec<&str> = report
            .members
            .iter()
            .filter(|m| !m.warnings.is_empty())
            .map(|m| m.name.as_str())
            .collect();
        warned.sort_unstable();
        assert_eq!(warned, ["Efosa Aigbe", "Itohan Ogbemudia", "Kelechi Obi"]);
        assert!(
            (0.25..=0.5).contains(&report.gini_overall),
            "{}",
            report.gini_overall
        );
        let attended = |name: &str| {
            report
                .members
                .iter()
                .find(|m| m.name == name)
                .map(|m| (m.sessions_attended, m.sessions_expected))
        };
        assert_eq!(attended("Osagie Igbinedion"), Some((35, 39)));
        assert_eq!(attended("Kelechi Obi"), Some((33, 39)));
        assert_eq!(attended("Itohan Ogbemudia"), Some((15, 39)));
        assert_eq!(attended("Efosa Aigbe"), Some((17, 39)));
        db.close().await;
    });
}

#[test]
fn the_field_demo_has_twelve_months_of_activity() {
    use indicators::dose;
    let cli = Cli::new("field");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    runtime.block_on(async {
        let today = store::now().date_naive();
        let days_ago = |n: i64| today - chrono::Duration::days(n);

        // Sites in waves: each region's referral hospital piloted, the other six scaled up;
        // Leku is still being assessed. Every site has one baseline with five domain scores.
        let sites = db.sites(program).await.expect("sites");
        let waves = |wave: &str| sites.iter().filter(|s| s.wave == wave).count();
        assert_eq!((waves("pilot"), waves("scale_up")), (3, 6));
        let status = |status: &str| {
            sites
                .iter()
                .filter(|s| s.status.as_str() == status)
                .map(|s| s.facility_name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(status("active").len(), 8);
        assert_eq!(status("assessing"), ["Leku Primary Hospital"]);
        for site in &sites {
            let assessments = db
                .site_assessments(program, site.facility)
                .await
                .expect("assessments");
            assert_eq!(assessments.len(), 1, "{}", site.facility_name);
            assert!(assessments[0].baseline);
            assert_eq!(assessments[0].domain_scores.len(), 5);
        }

        // 6 visits at each pilot hospital and 3 at each active scale-up one (33); a
        // tele-session every week (52); a check-in a week per active hospital (3 × 52 for a
        // year, 5 × 26 for half a year: 286); two joint learning sessions. All in the last
        // twelve months.
        let activities = db
            .activities(program, &store::visits::ActivityFilter::default())
            .await
            .expect("activities");
        let count = |kind: &str| {
            activities
                .iter()
                .filter(|a| a.kind.as_str() == kind)
                .count()
        };
        assert_eq!(
            (
                count("visit"),
                count("tele_session"),
                count("check_in"),
                count("joint_session")
            ),
            (33, 52, 286, 2)
        );
        assert!(
            activities
                .iter()
                .all(|a| a.starts_on >= days_ago(365) && a.ends_on <= today)
        );
        assert!(
            activities
                .iter()
                .filter(|a| a.kind == domain::field::ActivityKind::TeleSession)
                .all(|a| a.patient_identifiers_removed)
        );

        // Every visit has a scored checklist and a debrief with 1 to 3 actions: 66 in all.
        // Debre Markos improves from six missed items at the first visit to none at the last.
        let mut actions = 0;
        let mut debre_markos = Vec::new();
        for visit in activities
            .iter()
            .filter(|a| a.kind == domain::field::ActivityKind::Visit)
        {
            let detail = db.activity(visit.id).await.expect("visit");
            assert_eq!(detail.checklists.len(), 1);
            assert!(detail.debrief.is_some());
            assert!((1..=3).contains(&detail.actions.len()));
            assert_eq!(
                detail.activity.ends_on - detail.activity.starts_on,
                chrono::Duration::days(1)
            );
            actions += detail.actions.len();
            if visit.facility_name.as_deref() == Some("Debre Markos Referral Hospital") {
                let c = &detail.checklists[0];
                debre_markos.push(c.score_total / c.score_max);
            }
        }
        assert_eq!(actions, 66);
        assert_eq!(debre_markos.len(), 6);
        assert!(
            debre_markos.windows(2).all(|w| w[0] < w[1]),
            "{debre_markos:?}"
        );
        assert_eq!(debre_markos[5], 1.0);

        // Open actions: those of each site's latest visit (3 + 3 + 3 at the pilots, 1, 2, 1,
        // 2, 1 at the scale-up sites), not yet due, and the first action of the visit before
        // last at Motta, Nekemte and Gida Ayana, overdue.
        let open = db.open_actions(program, None, None).await.expect("open");
        assert_eq!(open.len(), 19);
        assert_eq!(open.iter().filter(|a| a.due_on < today).count(), 3);

        // The two Leku mentees still missing a required course wait for it.
        let members = db
            .memberships_of_program(program, "")
            .await
            .expect("members");
        let mut waiting = Vec::new();
        for m in members
            .iter()
            .filter(|m| m.role == domain::access::Role::Mentee)
        {
            for pairing in db.pairings_of(m.person).await.expect("pairings") {
                if pairing.mentee == m.person
                    && pairing.status == domain::matching::PairingStatus::AwaitingTraining
                {
                    waiting.push(m.person_name.as_str());
                }
            }
        }
        waiting.sort_unstable();
        assert_eq!(waiting, ["Biruk Asfaw", "Eden Tefera"]);

        // Dawit Getachew, surgeon mentee at Debre Markos, by hand: 5 of the 6 visits (absent
        // from the fifth) = 10 days × 480 minutes; 39 of 52 tele-sessions (absent every
        // fourth week) × 80 = 3120 minutes; 44 of 52 check-ins (silent every sixth week), 9 of
        // them 10-minute calls; both joint sessions × 360. 90 touches, 8730 minutes.
        let dawit = members
            .iter()
            .find(|m| m.person_name == "Dawit Getachew")
            .expect("Dawit");
        let plan = db.dose_plan(program).await.expect("plan").expect("a plan");
        let contacts: Vec<dose::Contact> = db
            .contact_rows(program, days_ago(365), today)
            .await
            .expect("contacts")
            .into_iter()
            .map(|r| dose::Contact {
                activity: r.activity.0,
                kind: dose::Modality::parse(r.kind.as_str()).expect("kind"),
                date: r.date,
                facility: r.facility.map(|f| f.0),
                person: r.person.0,
                role: dose::Role::parse(r.role.as_str()).expect("role"),
                minutes: u32::try_from(r.minutes).expect("minutes"),
            })
            .collect();
        let to_u32 = |v: i64| u32::try_from(v).expect("plan");
        let query = dose::DoseQuery {
            period_type: indicators::PeriodType::Monthly,
            from: days_ago(365),
            to: today,
            mentees: vec![(dawit.person.0, Some(dawit.org_unit.0))],
            plan: dose::Plan {
                visit_days: to_u32(plan.visit_days),
                visit_every_months: to_u32(plan.visit_every_months),
                tele_minutes_per_week: to_u32(plan.tele_minutes_per_week),
                check_ins_per_month: to_u32(plan.check_ins_per_month),
            },
        };
        let rows = dose::compute(&contacts, &query).expect("dose");
        let mine = |modality: Option<dose::Modality>| {
            rows.iter()
                .filter(|r| r.subject == dose::Subject::Mentee(dawit.person.0))
                .filter(move |r| r.modality == modality)
        };
        let visit = || mine(Some(dose::Modality::Visit));
        assert_eq!(visit().map(|r| r.days).sum::<u32>(), 10);
        assert_eq!(visit().map(|r| r.activities).sum::<u32>(), 5);
        assert_eq!(visit().map(|r| r.contact_minutes).sum::<u64>(), 4800);
        let tele: f64 = mine(Some(dose::Modality::TeleSession))
            .filter_map(|r| r.delivered)
            .sum();
        assert_eq!(tele, 3120.0);
        let check_ins = mine(Some(dose::Modality::CheckIn));
        assert_eq!(check_ins.map(|r| r.activities).sum::<u32>(), 44);
        let joint = mine(Some(dose::Modality::JointSession));
        assert_eq!(joint.map(|r| r.contact_minutes).sum::<u64>(), 720);
        assert_eq!(mine(None).map(|r| r.activities).sum::<u32>(), 90);
        assert_eq!(mine(None).map(|r| r.contact_minutes).sum::<u64>(), 8730);
        // The facility's rows are there too, each visit day once.
        let facility_days: u32 = rows
            .iter()
            .filter(|r| r.subject == dose::Subject::Facility(dawit.org_unit.0))
            .filter(|r| r.modality == Some(dose::Modality::Visit))
            .map(|r| r.days)
            .sum();
        assert_eq!(facility_days, 12);
        db.close().await;
    });
}

#[test]
fn the_surgical_demo_has_indicators_values_and_signed_targets() {
    use chrono::Datelike as _;
    let cli = Cli::new("monitoring");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    runtime.block_on(async {
        let today = store::now().date_naive();
        let this_month = today.with_day(1).expect("first of the month");
        // Monitored month k: 0 the oldest of the last twelve complete months, 11 the last.
        let month = |k: u32| {
            this_month
                .checked_sub_months(chrono::Months::new(12 - k))
                .expect("month")
        };
        let period = |k: u32| month(k).format("%Y%m").to_string();

        // Four integer elements, each with its DHIS2 code.
        let elements = db.data_elements(program).await.expect("elements");
        let codes: Vec<(&str, Option<&str>)> = elements
            .iter()
            .map(|e| (e.code.as_str(), e.dhis2_code.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                ("OPERATIONS", Some("SS_OPERATIONS")),
                ("PERIOP_DEATHS", Some("SS_PERIOP_DEATHS")),
                ("SSC_USED", Some("SS_SSC_USED")),
                ("SSI_CASES", Some("SS_SSI_CASES")),
            ]
        );
        assert!(
            elements
                .iter()
                .all(|e| e.value_type == domain::indicators::ValueType::Integer)
        );

        // Eight active hospitals (not Leku, still being assessed) × 12 months × 4 elements.
        let values = db.values_of(program, None, None).await.expect("values");
        assert_eq!(values.len(), 8 * 12 * 4);
        assert!(values.iter().all(|v| v.org_unit_code != "ET-SI-CE-LE"));
        let value = |unit: &str, k: u32, element: &str| {
            let period = period(k);
            values
                .iter()
                .find(|v| {
                    v.org_unit_code == unit && v.period == period && v.data_element_code == element
                })
                .map(|v| v.value)
        };
        let month_values = |unit: &str, k: u32| {
            ["OPERATIONS", "SSC_USED", "SSI_CASES", "PERIOP_DEATHS"].map(|e| value(unit, k, e))
        };
        // Debre Markos (pilot, site 0), last month: 118 + 11 = 129 operations; mentored 12
        // months, so checklist use at its 85 % ceiling (129 × 85 / 100 = 109) and infections
        // at their 3 % floor (129 × 30 / 1000 = 3); (0 + 11) mod 3 = 2 deaths.
        assert_eq!(
            month_values("ET-AM-EG-DM", 11),
            [Some(129.0), Some(109.0), Some(3.0), Some(2.0)]
        );
        // Motta (scale-up, site 1), oldest month, not yet mentored: 88 operations, 40 %
        // checklist use (35), 6 % infections (5), (1 + 0) mod 3 = 1 death; last month, mentored
        // six months: 99 operations, 85 % (84), 3 % (2), 0 deaths.
        assert_eq!(
            month_values("ET-AM-EG-MO", 0),
            [Some(88.0), Some(35.0), Some(5.0), Some(1.0)]
        );
        assert_eq!(
            month_values("ET-AM-EG-MO", 11),
            [Some(99.0), Some(84.0), Some(2.0), Some(0.0)]
        );
        // Gida Ayana (site 5) stalled: last month still 40 % of 71 (28) and 6 % (4).
        assert_eq!(
            month_values("ET-OR-EW-GI", 11),
            [Some(71.0), Some(28.0), Some(4.0), Some(1.0)]
        );
        // Two hospital-months were reported after the 15-day deadline: Sire in month 2 and
        // Yirgalem in month 8, four values each.
        let ends: Vec<(String, chrono::NaiveDate)> = (0..12)
            .map(|k| (period(k), month(k + 1) - chrono::Duration::days(1)))
            .collect();
        let late: Vec<(&str, &str)> = values
            .iter()
            .filter(|v| {
                ends.iter().any(|(period, end)| {
                    *period == v.period
                        && v.first_entered_at.date_naive() > *end + chrono::Duration::days(15)
                })
            })
            .map(|v| (v.org_unit_code.as_str(), v.period.as_str()))
            .collect();
        let (p2, p8) = (period(2), period(8));
        assert_eq!(late.len(), 8, "{late:?}");
        assert!(late.iter().all(
            |(unit, period)| (*unit, *period) == ("ET-OR-EW-SI", p2.as_str())
                || (*unit, *period) == ("ET-SI-CE-YI", p8.as_str())
        ));

        // Four indicators over the elements and recorded visits.
        let indicators = db.indicators(program).await.expect("indicators");
        let defined: Vec<(&str, &str, &str, &str)> = indicators
            .iter()
            .map(|i| {
                (
                    i.code.as_str(),
                    i.category.as_str(),
                    i.numerator.as_str(),
                    i.denominator.as_str(),
                )
            })
            .collect();
        assert_eq!(
            defined,
            [
                ("POMR", "outcome", "#{PERIOP_DEATHS}", "#{OPERATIONS}"),
                (
                    "SSC_RATE",
                    "provider_behaviour",
                    "#{SSC_USED}",
                    "#{OPERATIONS}"
                ),
                ("SSI_RATE", "outcome", "#{SSI_CASES}", "#{OPERATIONS}"),
                ("VISITS", "input", "visits", "1"),
            ]
        );

        // Three indicators × (Ethiopia + three regions) × (last quarter, this quarter), all
        // fully signed by the five groups except Sidama's checklist target this quarter,
        // which still awaits its regional health bureau.
        let quarter = today.month0() / 3 + 1;
        let current = format!("{}Q{quarter}", today.year());
        let previous = if quarter == 1 {
            format!("{}Q4", today.year() - 1)
        } else {
            format!("{}Q{}", today.year(), quarter - 1)
        };
        let targets = db.targets(program, None).await.expect("targets");
        assert_eq!(targets.len(), 24);
        for period in [&previous, &current] {
            assert_eq!(targets.iter().filter(|t| t.period == *period).count(), 12);
        }
        let mut unsigned = Vec::new();
        for indicator in indicators.iter().filter(|i| i.code != "VISITS") {
            for unit in ["ET", "ET-AM", "ET-OR", "ET-SI"] {
                let code = domain::values::OrgUnitCode::parse(unit).expect("code");
                let unit_id = db.org_unit_by_code(&code).await.expect("unit").id;
                for period in [&previous, &current] {
                    let target = db
                        .current_target(indicator.id, unit_id, period)
                        .await
                        .expect("target")
                        .expect("proposed");
                    assert_eq!(target.required_groups.len(), 5);
                    if !target.fully_signed {
                        let groups: Vec<&str> = target
                            .target
                            .signoffs
                            .iter()
                            .map(|s| s.group.as_str())
                            .collect();
                        unsigned.push((
                            indicator.code.clone(),
                            unit,
                            period.clone(),
                            groups.join(","),
                        ));
                    }
                }
            }
        }
        assert_eq!(
            unsigned,
            [(
                "SSC_RATE".to_owned(),
                "ET-SI",
                current.clone(),
                "mentees,mentors,facility_leaders,program_managers".to_owned()
            )]
        );
        let ssc = |unit: &str, period: &str| {
            targets
                .iter()
                .find(|t| {
                    t.indicator_code == "SSC_RATE" && t.org_unit_code == unit && t.period == period
                })
                .map(|t| t.value)
        };
        assert_eq!(ssc("ET", &previous), Some(75.0));
        assert_eq!(ssc("ET-AM", &current), Some(80.0));
    });
}

/// A form file larger than a form may be is refused by its size, before it is read (the file
/// here is sparse: reading it would allocate six megabytes of zeros).
#[test]
fn an_oversized_form_file_is_refused_before_it_is_read() {
    let cli = Cli::new("big_form");
    assert!(cli.run(&["migrate"]).status.success());
    let path = cli.dir.join("huge.xlsx");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: six million bytes on paper, none written.
    file.set_len(6_000_000).expect("size");
    let out = cli.run(&["import", "form", &path.display().to_string()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("huge.xlsx: the file is 6000000 bytes, more than the 5000000"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
}
