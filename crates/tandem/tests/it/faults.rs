//! The fault battery: the release's promise that an acknowledged write survives the server
//! being killed (`kill -9`, no shutdown), and that a client retrying a request whose answer it
//! never saw records it exactly once. Clients write through the API with `Idempotency-Key`s
//! while the server is killed at varied moments, then retry what was in flight.
//!
//! CI runs the short form (10 cycles on each database); `cargo xtask faults --cycles N` the
//! long one. Both print one JSON line of figures.

use super::servers::a_visit;
use super::{Cli, ok, open_demo, serve};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Cycles to run: `TANDEM_FAULT_CYCLES`, or the short form's 10.
fn cycles() -> usize {
    std::env::var("TANDEM_FAULT_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// What one client saw of one request.
enum Outcome {
    /// 201 (recorded now) or 200 (a repeat of a recorded key).
    Acknowledged(u16),
    /// No answer: the server died under it.
    Lost,
}

fn send(base: &str, token: &str, program: i64, key: &str, body: &str) -> Outcome {
    let sent = agent()
        .post(format!("{base}/api/v1/programs/{program}/activities"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .content_type("application/json")
        .send(body);
    match sent {
        Ok(response) if matches!(response.status().as_u16(), 200 | 201) => {
            Outcome::Acknowledged(response.status().as_u16())
        }
        Ok(mut response) => panic!(
            "{key}: {} {}",
            response.status(),
            response.body_mut().read_to_string().unwrap_or_default()
        ),
        Err(_) => Outcome::Lost,
    }
}

#[test]
fn kill_9_loses_no_acknowledged_write_and_a_retried_key_is_recorded_once() {
    let cli = Cli::new("faults");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    let visit = runtime.block_on(a_visit(&db, program, store::now().date_naive()));
    ok(&cli.run_with(
        &["admin", "create-user", "--username", "battery", "--admin"],
        None,
        &[("TANDEM_PASSWORD", "battery-password-2026")],
    ));
    let token = ok(&cli.run(&[
        "admin",
        "create-token",
        "--username",
        "battery",
        "--name",
        "faults",
    ]))
    .trim()
    .lines()
    .last()
    .expect("a token")
    .to_owned();
    let visit = Arc::new(visit);
    let body = move |summary: &str| {
        serde_json::json!({
            "kind": "visit",
            "facility": visit.facility.map(|f| f.0),
            "starts_on": visit.starts_on,
            "summary": summary,
            "participants": visit.participants.iter().map(|p| serde_json::json!({
                "person": p.person.0, "role": p.role, "attended": true
            })).collect::<Vec<_>>(),
        })
        .to_string()
    };

    let cycles = cycles();
    let clients = 4;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut in_flight: Vec<String> = Vec::new();
    let (mut retried, mut retried_recorded_before) = (0, 0);
    // What was in flight when the last server died is sent again with its key: 200 if that
    // server had committed it, 201 if not; recorded once either way.
    let mut retry = |base: &str, in_flight: &mut Vec<String>| {
        for key in in_flight.drain(..) {
            match send(base, &token, program.0, &key, &body(&key)) {
                Outcome::Acknowledged(status) => {
                    retried += 1;
                    retried_recorded_before += usize::from(status == 200);
                    acknowledged.lock().expect("list").push(key);
                }
                Outcome::Lost => panic!("{key}: no answer from a running server"),
            }
        }
    };
    let started = Instant::now();
    for cycle in 0..cycles {
        let server = serve(&cli, &[]);
        retry(&server.base(), &mut in_flight);
        let lost: Arc<Mutex<Vec<String>>> = Arc::default();
        let writers: Vec<_> = (0..clients)
            .map(|client| {
                let (base, token, acknowledged, lost) = (
                    server.base(),
                    token.clone(),
                    acknowledged.clone(),
                    lost.clone(),
                );
                let body = body.clone();
                std::thread::spawn(move || {
                    for n in 0.. {
                        let key = format!("fault-c{cycle}-w{client}-n{n}");
                        match send(&base, &token, program.0, &key, &body(&key)) {
                            Outcome::Acknowledged(_) => {
                                acknowledged.lock().expect("list").push(key)
                            }
                            Outcome::Lost => {
                                lost.lock().expect("list").push(key);
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        // Killed at a different moment each cycle, mid-write.
        std::thread::sleep(Duration::from_millis(150 + (cycle as u64 * 137) % 400));
        // Dropping the server kills it with SIGKILL: no graceful shutdown, no checkpoint.
        drop(server);
        for writer in writers {
            writer.join().expect("client");
        }
        in_flight.extend(lost.lock().expect("list").drain(..));
    }
    // The last cycle's in-flight requests, retried on a server that stays up.
    let server = serve(&cli, &[]);
    retry(&server.base(), &mut in_flight);
    drop(server);

    let acknowledged = acknowledged.lock().expect("list").clone();
    let stored: HashMap<String, usize> = runtime.block_on(async {
        let db = store::Db::connect(&cli.url).await.expect("database");
        let mut counts = HashMap::new();
        for activity in db
            .activities(program, &store::visits::ActivityFilter::default())
            .await
            .expect("activities")
        {
            if activity.summary.starts_with("fault-") {
                *counts.entry(activity.summary).or_insert(0) += 1;
            }
        }
        counts
    });
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|k| !stored.contains_key(*k))
        .collect();
    let duplicated: Vec<_> = stored.iter().filter(|(_, n)| **n > 1).collect();
    println!(
        "{}",
        serde_json::json!({
            "battery": "kill -9",
            "backend": if cli.url.starts_with("postgres") { "postgresql" } else { "sqlite" },
            "cycles": cycles,
            "clients": clients,
            "seconds": started.elapsed().as_secs_f64(),
            "acknowledged": acknowledged.len(),
            "retried_after_kill": retried,
            "retried_found_recorded": retried_recorded_before,
            "acknowledged_lost": missing.len(),
            "recorded_twice": duplicated.len(),
        })
    );
    assert!(
        acknowledged.len() > cycles,
        "the clients got writes through"
    );
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(
        duplicated.is_empty(),
        "recorded more than once: {duplicated:?}"
    );
    // Nothing stored that no client was told about or retried.
    assert_eq!(stored.len(), acknowledged.len());
}
