//! The server against slow clients, through a real TCP socket, and the token and lockout
//! commands of `tandem admin`.

use super::{Cli, fails, ok, serve};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends `head`, then one byte of `drip` every 100 ms, until the server closes the connection;
/// answers how long that took and what the server sent. Gives up after `give_up`.
fn dribble(addr: &str, head: &str, give_up: Duration) -> (Duration, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let start = Instant::now();
    stream.write_all(head.as_bytes()).expect("head");
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < give_up {
        if stream.write_all(b"a").is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    (
        start.elapsed(),
        String::from_utf8_lossy(&received).into_owned(),
    )
}

#[test]
fn slow_clients_are_cut_off_within_the_limits() {
    let cli = Cli::new("slow");
    let server = serve(
        &cli,
        &["--header-timeout-secs", "1", "--body-timeout-secs", "2"],
    );
    // A prompt client is served.
    let mut prompt = TcpStream::connect(&server.addr).expect("connect");
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .expect("request");
    let mut answer = String::new();
    prompt.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Headers dribbled a byte every 100 ms: cut off after the one-second header limit.
    let (took, _) = dribble(
        &server.addr,
        "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ",
        Duration::from_secs(10),
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "headers: cut off after {took:?}"
    );

    // A body dribbled the same way: answered 408 and cut off after the two-second body limit.
    let (took, answer) = dribble(
        &server.addr,
        "POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "body: cut off after {took:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[test]
fn tokens_expire_are_revoked_and_lockouts_lifted_from_the_command_line() {
    let cli = Cli::new("tokens");
    ok(&cli.run_with(
        &["admin", "create-user", "--username", "ops@example.org"],
        None,
        &[("TANDEM_PASSWORD", "a long enough secret")],
    ));
    let made = cli.run(&[
        "admin",
        "create-token",
        "--username",
        "ops@example.org",
        "--name",
        "ci",
        "--expires-days",
        "30",
    ]);
    let secret = ok(&made);
    assert!(secret.trim().starts_with("tdm_"), "{secret}");
    let said = String::from_utf8_lossy(&made.stderr);
    assert!(said.contains("expires"), "{said}");
    let err = fails(&cli.run(&[
        "admin",
        "create-token",
        "--username",
        "ops@example.org",
        "--name",
        "ci",
        "--expires-days",
        "0",
    ]));
    assert!(err.contains("--expires-days"), "{err}");
    let list = ok(&cli.run(&["admin", "list-tokens", "--username", "ops@example.org"]));
    let line = list.lines().nth(1).expect("one token");
    assert!(line.contains("ci") && line.contains("active"), "{list}");
    let id = line.split('\t').next().expect("id");
    let out = ok(&cli.run(&["admin", "revoke-token", "--id", id]));
    assert!(out.contains("revoked"), "{out}");
    let list = ok(&cli.run(&["admin", "list-tokens"]));
    assert!(
        list.contains("revoked") && !list.contains(secret.trim()),
        "{list}"
    );
    let err = fails(&cli.run(&["admin", "revoke-token", "--id", "9999"]));
    assert!(err.contains("--id"), "{err}");

    // Five failed sign-ins lock the account; the command forgets them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = runtime
        .block_on(store::Db::connect(&cli.url))
        .expect("database");
    let now = store::now();
    for _ in 0..5 {
        runtime
            .block_on(db.record_login_failure("account:ops@example.org", now))
            .expect("failure");
    }
    let out = ok(&cli.run(&["admin", "unlock", "--username", "OPS@example.org"]));
    assert!(out.contains("5 failed sign-ins forgotten"), "{out}");
    let left = runtime
        .block_on(db.login_failures_since("account:ops@example.org", now))
        .expect("count");
    assert_eq!(left, 0);
    let out = ok(&cli.run(&["admin", "unlock", "--address", "192.0.2.1"]));
    assert!(out.contains("addr:192.0.2.1"), "{out}");
    fails(&cli.run(&["admin", "unlock"]));
}
