//! `tandem backup` and `tandem restore`: a consistent copy taken while writes go on, checked
//! by its checksum and restored with every write acknowledged before the backup began.

use super::servers::a_visit;
use super::{Cli, fails, ok, open_demo, serve};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn is_postgres(cli: &Cli) -> bool {
    cli.url.starts_with("postgres")
}

#[test]
fn a_backup_taken_under_writes_restores_every_write_acknowledged_before_it() {
    let cli = Cli::new("backup_under_writes");
    if is_postgres(&cli) {
        ok(&cli.run(&["migrate"]));
        let refusal = fails(&cli.run(&["backup", &cli.dir.join("b.db").display().to_string()]));
        assert!(refusal.contains("pg_dump"), "{refusal}");
        let refusal = fails(&cli.run(&["restore", "b.db"]));
        assert!(refusal.contains("pg_restore"), "{refusal}");
        return;
    }
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    let visit = runtime.block_on(a_visit(&db, program, store::now().date_naive()));

    // A writer in another thread records visits one after another and notes each as it is
    // acknowledged (committed).
    let acknowledged: Arc<Mutex<Vec<(Instant, domain::ids::ActivityId)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, url) = (acknowledged.clone(), stop.clone(), cli.url.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let db = store::Db::connect(&url).await.expect("database");
                let actor = store::Actor::system("writer");
                while !stop.load(Ordering::Relaxed) {
                    let detail = db
                        .record_activity(&actor, program, &visit)
                        .await
                        .expect("recorded");
                    acknowledged
                        .lock()
                        .expect("list")
                        .push((Instant::now(), detail.activity.id));
                }
                db.close().await;
            });
        })
    };
    while acknowledged.lock().expect("list").len() < 100 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let backup = cli.dir.join("backup.db");
    let began = Instant::now();
    let printed = ok(&cli.run(&["backup", &backup.display().to_string()]));
    let took = began.elapsed();
    let ended = Instant::now();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    let acknowledged = acknowledged.lock().expect("list").clone();
    let before: Vec<_> = acknowledged.iter().filter(|(at, _)| *at < began).collect();
    let during = acknowledged
        .iter()
        .filter(|(at, _)| *at >= began && *at <= ended)
        .count();
    let after: Vec<_> = acknowledged.iter().filter(|(at, _)| *at > ended).collect();
    let rate_before = match (before.first(), before.last()) {
        (Some(first), Some(last)) if before.len() > 1 => {
            (before.len() - 1) as f64 / (last.0 - first.0).as_secs_f64()
        }
        _ => 0.0,
    };
    println!(
        "{printed}backup took {took:?} while {during} writes were acknowledged ({:.0}/s; {rate_before:.0}/s before it)",
        during as f64 / took.as_secs_f64()
    );
    assert!(during > 0, "the writer kept writing during the backup");
    assert!(!after.is_empty());

    // The checksum beside it is sha256sum's format and matches.
    let sums = std::fs::read_to_string(cli.dir.join("backup.db.sha256")).expect("checksum");
    assert_eq!(
        sums,
        format!(
            "{}  backup.db\n",
            store::backup::sha256_of(&backup).expect("hash")
        )
    );

    runtime.block_on(db.close());
    let printed = ok(&cli.run(&["restore", &backup.display().to_string()]));
    assert!(printed.contains("restored"), "{printed}");
    runtime.block_on(async {
        let restored = store::Db::connect(&cli.url).await.expect("restored");
        for (_, id) in &before {
            restored
                .activity(*id)
                .await
                .unwrap_or_else(|e| panic!("activity {id:?} acknowledged before the backup: {e}"));
        }
        // What came after the backup is not in it: the file really was replaced.
        for (_, id) in &after {
            assert!(restored.activity(*id).await.is_err(), "{id:?}");
        }
        restored.close().await;
    });
    println!(
        "{} writes acknowledged before the backup all restored",
        before.len()
    );
}

#[test]
fn a_restore_refuses_a_changed_backup_and_a_database_being_served() {
    let cli = Cli::new("restore_refusals");
    if is_postgres(&cli) {
        return;
    }
    ok(&cli.run(&["demo", "--no-serve"]));
    let backup = cli.dir.join("b.db");
    ok(&cli.run(&["backup", &backup.display().to_string()]));
    let refusal = fails(&cli.run(&["backup", &backup.display().to_string()]));
    assert!(refusal.contains("already exists"), "{refusal}");
    let live = cli.dir.join("t.db");
    let live_hash = store::backup::sha256_of(&live).expect("hash");

    // One byte changed: refused, naming the file and both checksums; the live file untouched.
    let tampered = cli.dir.join("tampered.db");
    let mut bytes = std::fs::read(&backup).expect("backup");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&tampered, &bytes).expect("write");
    std::fs::copy(
        cli.dir.join("b.db.sha256"),
        cli.dir.join("tampered.db.sha256"),
    )
    .expect("copy checksum");
    let refusal = fails(&cli.run(&["restore", &tampered.display().to_string()]));
    assert!(
        refusal.contains("tampered.db") && refusal.contains("SHA-256"),
        "{refusal}"
    );
    assert_eq!(store::backup::sha256_of(&live).expect("hash"), live_hash);

    // A backup without its checksum file is refused too.
    std::fs::remove_file(cli.dir.join("tampered.db.sha256")).expect("remove");
    let refusal = fails(&cli.run(&["restore", &tampered.display().to_string()]));
    assert!(refusal.contains("tampered.db.sha256"), "{refusal}");

    // While a server serves the database, a restore is refused.
    let server = serve(&cli, &[]);
    let refusal = fails(&cli.run(&["restore", &backup.display().to_string()]));
    drop(server);
    assert!(refusal.contains("stop it before restoring"), "{refusal}");

    // Once it has stopped, the restore goes ahead.
    ok(&cli.run(&["restore", &backup.display().to_string()]));
}
