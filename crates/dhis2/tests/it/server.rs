//! A small HTTP/1.1 server on 127.0.0.1:0 for the client tests. Each step expects one exact
//! request and answers it as DHIS2 would. A request that differs from what is expected gets
//! `400` with a description of the difference, and the difference is reported by
//! [`Server::finish`], so a test fails whichever way the client takes the answer.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The request the server expects.
#[derive(Clone)]
pub struct Expected {
    /// Request target: path and query string.
    pub target: String,
    /// The exact `Authorization` header.
    pub authorization: String,
    /// The exact body.
    pub body: Vec<u8>,
}

/// What the server does once the request has been checked.
pub enum Answer {
    /// Answer with a status, a content type and a body.
    Reply(u16, &'static str, String),
    /// Never answer; hold the connection until the client gives up (or 10 s pass).
    Hang,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    handle: JoinHandle<Vec<String>>,
}

impl Server {
    /// Serves `steps` in order, one connection each, then stops.
    pub fn start(steps: Vec<(Expected, Answer)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        listener.set_nonblocking(true).expect("non-blocking");
        let handle = std::thread::spawn(move || {
            let mut problems = Vec::new();
            for (i, (expected, answer)) in steps.into_iter().enumerate() {
                let Some(stream) = accept(&listener) else {
                    problems.push(format!("step {i}: no request arrived within 10 s"));
                    break;
                };
                if let Err(problem) = serve_one(stream, &expected, answer) {
                    problems.push(format!("step {i}: {problem}"));
                }
            }
            problems
        });
        Self { base_url, handle }
    }

    /// Waits for the server to finish and fails the test if any request was not the expected
    /// one.
    pub fn finish(self) {
        let problems = self.handle.join().expect("server thread");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

fn accept(listener: &TcpListener) -> Option<TcpStream> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok()?;
                return Some(stream);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    None
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(stream: &mut TcpStream) -> Result<Request, String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = stream.read(&mut byte).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the headers ended".into());
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).map_err(|e| e.to_string())?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let version = parts.next().unwrap_or_default();
    if version != "HTTP/1.1" {
        return Err(format!("request line {request_line:?} is not HTTP/1.1"));
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut request = Request {
        method,
        target,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err("body sent with Transfer-Encoding; expected Content-Length".into());
    }
    let length: usize = request
        .header("content-length")
        .ok_or("no Content-Length header")?
        .parse()
        .map_err(|e| format!("Content-Length: {e}"))?;
    while request.body.len() < length {
        let n = stream.read(&mut byte).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the body ended".into());
        }
        request.body.extend_from_slice(&byte[..n]);
    }
    Ok(request)
}

fn check(request: &Request, expected: &Expected) -> Result<(), String> {
    let mut wrong = Vec::new();
    if request.method != "POST" {
        wrong.push(format!("method {} (expected POST)", request.method));
    }
    if request.target != expected.target {
        wrong.push(format!(
            "target {:?}\n  expected {:?}",
            request.target, expected.target
        ));
    }
    for (name, value) in [
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("authorization", expected.authorization.as_str()),
    ] {
        if request.header(name) != Some(value) {
            wrong.push(format!(
                "{name}: {:?} (expected {value:?})",
                request.header(name)
            ));
        }
    }
    if request.body != expected.body {
        wrong.push(format!(
            "body {}\n  expected {}",
            String::from_utf8_lossy(&request.body),
            String::from_utf8_lossy(&expected.body)
        ));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

fn serve_one(mut stream: TcpStream, expected: &Expected, answer: Answer) -> Result<(), String> {
    let request = read_request(&mut stream)?;
    if let Err(problem) = check(&request, expected) {
        let body = format!("test server: unexpected request: {problem}");
        write_reply(&mut stream, 400, "text/plain", &body)?;
        return Err(problem);
    }
    match answer {
        Answer::Reply(status, content_type, body) => {
            write_reply(&mut stream, status, content_type, &body)
        }
        Answer::Hang => {
            // Read until the client closes the connection after its timeout; a bounded wait,
            // so the thread always ends.
            let mut sink = [0u8; 64];
            let _ = stream.read(&mut sink);
            Ok(())
        }
    }
}

fn write_reply(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> Result<(), String> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .and_then(|()| stream.flush())
        .map_err(|e| e.to_string())
}
