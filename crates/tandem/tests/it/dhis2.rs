//! `tandem dhis2 push` against a local HTTP server that checks the request and answers as
//! DHIS2 does, with a conflict, so the summary and the conflict line are printed.

use super::{Cli, fails, ok};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// Accepts one request; returns (request line, authorization header, body) and answers with
/// DHIS2's 409 import summary naming the second value sent.
fn one_request(listener: TcpListener) -> std::thread::JoinHandle<(String, String, String)> {
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("a request");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let (mut length, mut authorization) = (0, String::new());
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header");
            let line = line.trim_end().to_owned();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("a header");
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().expect("length"),
                "authorization" => authorization = value.trim().to_owned(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let answer = r#"{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","message":"One more conflicts encountered, please check import summary.","response":{"responseType":"ImportSummary","status":"WARNING","importCount":{"imported":1,"updated":0,"ignored":1,"deleted":0},"conflicts":[{"object":"202609","objects":{"period":"202609"},"value":"Period not in data set","errorCode":"E7642","indexes":[1]}]}}"#;
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .expect("answer");
        (
            request_line.trim_end().to_owned(),
            authorization,
            String::from_utf8(body).expect("utf-8"),
        )
    })
}

#[test]
fn values_are_pushed_to_dhis2_and_its_conflicts_printed() {
    let cli = Cli::new("dhis2_push");
    ok(&cli.run(&["demo", "--no-serve"]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let facility = runtime.block_on(async {
        let db = store::Db::connect(&cli.url).await.expect("database");
        let code = domain::values::Slug::parse("safe_surgery_et").expect("code");
        let program = db.program_by_code(&code).await.expect("program").id;
        let site = db.sites(program).await.expect("sites").remove(0);
        let facility = db.org_unit(site.facility).await.expect("unit").code;
        let actor = store::Actor::system("test");
        if db
            .data_element(program, "TEST_OPERATIONS")
            .await
            .expect("lookup")
            .is_none()
        {
            db.create_data_element(
                &actor,
                program,
                &store::indicators::NewDataElement {
                    code: "TEST_OPERATIONS".into(),
                    name: "Operations (test)".into(),
                    value_type: "integer".into(),
                    dhis2_code: Some("TEST_OPS".into()),
                    ..Default::default()
                },
            )
            .await
            .expect("element");
        }
        let value = |period: &str, v: f64| domain::indicators::NewValue {
            data_element_code: "TEST_OPERATIONS".into(),
            org_unit_code: facility.as_str().to_owned(),
            period: period.into(),
            value: v,
            comment: String::new(),
        };
        db.save_values(
            &actor,
            program,
            &[value("202608", 61.0), value("202609", 58.0)],
        )
        .await
        .expect("values");
        facility.as_str().to_owned()
    });

    let listener = TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = one_request(listener);
    let out = cli.run_with(
        &[
            "dhis2",
            "push",
            "--program",
            "safe_surgery_et",
            "--url",
            &url,
            "--from",
            "2026-08-01",
            "--to",
            "2026-09-30",
            "--dry-run",
        ],
        None,
        &[(
            "TANDEM_DHIS2_TOKEN",
            "d2pat_abcdefghijklmnopqrstuvwxyz0123456789",
        )],
    );
    let (request_line, authorization, body) = server.join().expect("server");
    assert!(
        request_line.starts_with("POST /api/dataValueSets?dryRun=true&dataElementIdScheme=CODE"),
        "{request_line}"
    );
    assert_eq!(
        authorization,
        "ApiToken d2pat_abcdefghijklmnopqrstuvwxyz0123456789"
    );
    let sent: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
    let ours: Vec<&serde_json::Value> = sent["dataValues"]
        .as_array()
        .expect("dataValues")
        .iter()
        .filter(|v| v["dataElement"] == "TEST_OPS")
        .collect();
    assert_eq!(ours.len(), 2, "{body}");
    assert!(
        ours.iter().any(|v| v["orgUnit"] == facility.as_str()
            && v["period"] == "202609"
            && v["value"] == "58"),
        "{body}"
    );
    // A conflict makes the command fail after printing the summary and the conflict.
    let stderr = fails(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dry run: WARNING"), "{stdout}");
    assert!(stdout.contains("Period not in data set"), "{stdout}");
    assert!(stderr.contains("did not import everything"), "{stderr}");

    let no_credentials = fails(&cli.run(&[
        "dhis2",
        "push",
        "--program",
        "safe_surgery_et",
        "--url",
        &url,
        "--from",
        "2026-08-01",
        "--to",
        "2026-09-30",
    ]));
    assert!(
        no_credentials.contains("TANDEM_DHIS2_TOKEN"),
        "{no_credentials}"
    );
}
