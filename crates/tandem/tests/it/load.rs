//! The load benchmark (`cargo xtask load`; ignored in a plain test run): the served `tandem`
//! pinned to one core (`taskset -c 0`), `wrk` on the other with 64 connections, each page or
//! API route for a fixed time, `/healthz` in the same sitting as the reference. Prints one
//! JSON report and writes it to `$TANDEM_LOAD_REPORT` when set.
//!
//! `wrk` (Debian's package) is the load generator: a well-known C client that keeps 64
//! connections busy from one core, with latency percentiles; its Lua hooks give each
//! recording its own `Idempotency-Key` and print the figures as JSON.

use super::servers::a_visit;
use super::{Cli, ok, open_demo, serve_with};
use std::process::{Command, Stdio};
use std::time::Duration;

/// One measured route: its name, path, and the environment its wrk script reads.
type Run<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

const SECONDS: &str = "10";
const CONNECTIONS: &str = "64";
const PASSWORD: &str = "tandem-demo-2026";

/// The Lua that sets the request and prints wrk's figures as one JSON line.
const SCRIPT: &str = r#"
wrk.method = os.getenv("LOAD_METHOD") or "GET"
local auth = os.getenv("LOAD_AUTHORIZATION")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local cookie = os.getenv("LOAD_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local body = os.getenv("LOAD_BODY")
local prefix = os.getenv("LOAD_KEY_PREFIX")
local n = 0
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if prefix and prefix ~= "" then
  request = function()
    n = n + 1
    wrk.headers["Idempotency-Key"] = prefix .. "-" .. n
    return wrk.format()
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"status_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"#;

/// Signs in through the login form and returns the session cookie.
fn session_cookie(base: &str, username: &str) -> String {
    // The login form's CSRF check compares its field with its cookie (double submit).
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(format!("{base}/login"))
        .header("Cookie", "tandem_login=load")
        .content_type("application/x-www-form-urlencoded")
        .send(format!(
            "csrf=load&username={}&password={PASSWORD}&next=/",
            username.replace('@', "%40")
        ))
        .expect("sign-in answered");
    assert_eq!(response.status().as_u16(), 303, "{username} signed in");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tandem_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// One wrk run against `path`, pinned to the second core.
fn measure(
    base: &str,
    path: &str,
    env: &[(&str, &str)],
    script: &std::path::Path,
) -> serde_json::Value {
    let mut command = Command::new("taskset");
    command
        .args([
            "-c",
            "1",
            "wrk",
            "-t1",
            "-c",
            CONNECTIONS,
            "-d",
            &format!("{SECONDS}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(script)
        .arg(format!("{base}{path}"));
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.stderr(Stdio::inherit()).output().expect("wrk runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no figures from wrk: {text}"));
    let mut figures: serde_json::Value = serde_json::from_str(line).expect("wrk's JSON");
    let requests = figures["requests"].as_f64().unwrap_or(0.0);
    let seconds = figures["duration_us"].as_f64().unwrap_or(1.0) / 1e6;
    figures["requests_per_second"] = serde_json::json!((requests / seconds).round());
    figures["path"] = serde_json::json!(path);
    figures
}

#[test]
#[ignore = "a benchmark: run by cargo xtask load"]
fn load_benchmark() {
    for tool in ["wrk", "taskset"] {
        assert!(
            Command::new("which")
                .arg(tool)
                .output()
                .is_ok_and(|o| o.status.success()),
            "{tool} is needed (Debian packages wrk, util-linux)"
        );
    }
    let cli = Cli::new("load");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    let visit = runtime.block_on(a_visit(&db, program, store::now().date_naive()));
    runtime.block_on(db.close());
    let token = ok(&cli.run(&[
        "admin",
        "create-token",
        "--username",
        "admin@demo.tandem",
        "--name",
        "load",
    ]))
    .trim()
    .lines()
    .last()
    .expect("a token")
    .to_owned();

    let server = serve_with(&cli, &[], Some("0"));
    let base = server.base();
    // Let the engines warm before measuring.
    std::thread::sleep(Duration::from_secs(2));
    let manager = session_cookie(&base, "manager@demo.tandem");
    let mentor = session_cookie(&base, "mentor.surgeon.amhara@demo.tandem");
    let bearer = format!("Bearer {token}");
    let body = serde_json::json!({
        "kind": "visit",
        "facility": visit.facility.map(|f| f.0),
        "starts_on": visit.starts_on,
        "summary": "load",
        "participants": visit.participants.iter().map(|p| serde_json::json!({
            "person": p.person.0, "role": p.role, "attended": true
        })).collect::<Vec<_>>(),
    })
    .to_string();
    let script = cli.dir.join("report.lua");
    std::fs::write(&script, SCRIPT).expect("script");

    let p = program.0;
    let dashboard = format!("/programs/{p}/dashboard");
    let visits = format!("/programs/{p}/visits");
    let people = format!("/api/v1/people?program={p}&limit=50");
    let activities = format!("/api/v1/programs/{p}/activities");
    let runs: Vec<Run> = vec![
        ("healthz", "/healthz", vec![]),
        (
            "dashboard (manager)",
            &dashboard,
            vec![("LOAD_COOKIE", &manager)],
        ),
        ("home (mentor)", "/", vec![("LOAD_COOKIE", &mentor)]),
        (
            "visit list (mentor)",
            &visits,
            vec![("LOAD_COOKIE", &mentor)],
        ),
        (
            "API people list, 50 a page",
            &people,
            vec![("LOAD_AUTHORIZATION", &bearer)],
        ),
        (
            "API record a visit",
            &activities,
            vec![
                ("LOAD_AUTHORIZATION", &bearer),
                ("LOAD_METHOD", "POST"),
                ("LOAD_BODY", &body),
                ("LOAD_KEY_PREFIX", "load"),
            ],
        ),
    ];
    let mut results = serde_json::Map::new();
    for (name, path, env) in &runs {
        // Each page answers 200 to its viewer before it is measured.
        let mut check = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(format!("{base}{path}"));
        for (k, v) in env {
            match *k {
                "LOAD_COOKIE" => check = check.header("Cookie", *v),
                "LOAD_AUTHORIZATION" => check = check.header("Authorization", *v),
                _ => {}
            }
        }
        if !env.iter().any(|(k, _)| *k == "LOAD_METHOD") {
            let status = check.call().expect("answered").status().as_u16();
            assert_eq!(status, 200, "{name} {path}");
        }
        let figures = measure(&base, path, env, &script);
        eprintln!("{name}: {figures}");
        results.insert((*name).to_owned(), figures);
    }
    drop(server);

    let reference = results["healthz"]["requests_per_second"]
        .as_f64()
        .unwrap_or(1.0);
    for figures in results.values_mut() {
        let rps = figures["requests_per_second"].as_f64().unwrap_or(0.0);
        figures["ratio_to_healthz"] =
            serde_json::json!((rps / reference * 1000.0).round() / 1000.0);
    }
    let report = serde_json::json!({
        "benchmark": "load",
        "backend": if cli.url.starts_with("postgres") { "postgresql" } else { "sqlite" },
        "server_cores": 1,
        "connections": CONNECTIONS.parse::<u32>().unwrap_or(64),
        "seconds_each": SECONDS.parse::<u32>().unwrap_or(10),
        "results": results,
    });
    println!("{report}");
    if let Ok(path) = std::env::var("TANDEM_LOAD_REPORT") {
        std::fs::write(&path, serde_json::to_string_pretty(&report).expect("json"))
            .expect("report written");
    }
    for (name, figures) in &results {
        assert_eq!(figures["socket_errors"], 0, "{name}: {figures}");
        assert_eq!(figures["status_errors"], 0, "{name}: {figures}");
    }
}
