//! The client against a real HTTP server on 127.0.0.1 that checks the exact request (method,
//! path, query string, headers, body bytes) and answers as DHIS2 does.

use std::net::TcpListener;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use dhis2::{
    Auth, CredentialKind, DataValueInput, DataValueSet, Dhis2Client, Dhis2Error, ImportStatus, Key,
    PushOptions,
};

use crate::server::{Answer, Expected, Server};
use crate::summary::{ERROR_BODY, OLD_TOP_LEVEL_BODY, conflict_body, success_body};

/// The query string for code-keyed payloads without category option combos, dry run.
const DRY_RUN_CODES: &str = "/api/dataValueSets?dryRun=true&dataElementIdScheme=CODE\
    &orgUnitIdScheme=CODE&categoryOptionComboIdScheme=UID&importStrategy=CREATE_AND_UPDATE";

/// `admin:district`, base64.
const BASIC_ADMIN: &str = "Basic YWRtaW46ZGlzdHJpY3Q=";

const TOKEN: &str = "d2pat_5xVA12xyUbWNedQxy4ohH77WlxRGVvZZ1151814092";

fn admin() -> Auth {
    Auth::basic("admin", "district").expect("credentials")
}

fn row(de: &str, ou: &str, pe: &str, value: i64) -> DataValueInput {
    DataValueInput {
        data_element: Key::code(de).expect("code"),
        org_unit: Key::code(ou).expect("code"),
        period: pe.parse().expect("period"),
        category_option_combo: None,
        value: value.into(),
        comment: None,
    }
}

/// Three values; the expected body is written out by hand, not by the code under test.
fn three() -> (DataValueSet, Vec<u8>) {
    let set = DataValueSet::build(&[
        row("MENTOR_VISITS", "OU_KANO_GH", "202603", 4),
        row("MENTOR_VISITS", "OU_KANO_GH", "202612", 2),
        row("NO_SUCH_DE", "OU_KANO_GH", "202603", 9),
    ])
    .expect("valid");
    let body = concat!(
        r#"{"dataValues":["#,
        r#"{"dataElement":"MENTOR_VISITS","period":"202603","orgUnit":"OU_KANO_GH","value":"4"},"#,
        r#"{"dataElement":"MENTOR_VISITS","period":"202612","orgUnit":"OU_KANO_GH","value":"2"},"#,
        r#"{"dataElement":"NO_SUCH_DE","period":"202603","orgUnit":"OU_KANO_GH","value":"9"}"#,
        r#"]}"#
    );
    (set, body.as_bytes().to_vec())
}

fn dry_run() -> PushOptions {
    PushOptions {
        dry_run: true,
        ..PushOptions::default()
    }
}

fn expected_dry_run(body: Vec<u8>) -> Expected {
    Expected {
        target: DRY_RUN_CODES.to_owned(),
        authorization: BASIC_ADMIN.to_owned(),
        body,
    }
}

/// Pushes `three()` as a dry run with Basic auth to a server that answers `answer`.
fn push_three(answer: Answer) -> Result<dhis2::ImportSummary, Dhis2Error> {
    let (set, body) = three();
    let server = Server::start(vec![(expected_dry_run(body), answer)]);
    let client = Dhis2Client::new(&server.base_url, admin()).expect("client");
    let result = client.push(&set, &dry_run());
    server.finish();
    result
}

#[test]
fn dry_run_with_codes_and_basic_auth() {
    let summary =
        push_three(Answer::Reply(200, "application/json", success_body(3, 0))).expect("summary");
    assert_eq!(summary.status, ImportStatus::Success);
    assert_eq!(summary.import_count.imported, 3);
}

#[test]
fn conflicts_on_409_are_an_answer_and_name_the_values_sent() {
    let summary = push_three(Answer::Reply(
        409,
        "application/json",
        conflict_body("1", "2"),
    ))
    .expect("409 with a summary is an answer");
    assert_eq!(summary.status, ImportStatus::Warning);
    let (set, _) = three();
    let lines = summary.conflict_lines(&set);
    assert!(
        lines[1].starts_with(
            "dataValues[2] (dataElement NO_SUCH_DE, orgUnit OU_KANO_GH, period 202603): \
             Data element not found"
        ),
        "{lines:?}"
    );
}

#[test]
fn whole_import_refused_and_old_servers() {
    let summary = push_three(Answer::Reply(
        409,
        "application/json",
        ERROR_BODY.to_owned(),
    ))
    .expect("summary");
    assert_eq!(summary.status, ImportStatus::Error);
    assert_eq!(summary.conflicts[0].indexes, [0, 1, 2]);
    let summary = push_three(Answer::Reply(
        200,
        "application/json",
        OLD_TOP_LEVEL_BODY.to_owned(),
    ))
    .expect("summary");
    assert_eq!(summary.import_count.updated, 1);
}

#[test]
fn api_token_uids_and_a_context_path() {
    let input = DataValueInput {
        data_element: Key::uid("fbfJHSPpUQD").expect("uid"),
        org_unit: Key::uid("DiszpKrYNg8").expect("uid"),
        period: "2026Q1".parse().expect("period"),
        category_option_combo: Some(Key::code("FEMALE_U25").expect("code")),
        value: 0.75.into(),
        comment: None,
    };
    let set = DataValueSet::build(&[input]).expect("valid");
    let body = br#"{"dataValues":[{"dataElement":"fbfJHSPpUQD","period":"2026Q1","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"FEMALE_U25","value":"0.75"}]}"#;
    let expected = Expected {
        target: "/dhis/api/dataValueSets?dryRun=false&dataElementIdScheme=UID\
                 &orgUnitIdScheme=UID&categoryOptionComboIdScheme=CODE\
                 &importStrategy=CREATE_AND_UPDATE"
            .to_owned(),
        authorization: format!("ApiToken {TOKEN}"),
        body: body.to_vec(),
    };
    let server = Server::start(vec![(
        expected,
        Answer::Reply(200, "application/json", success_body(0, 1)),
    )]);
    // A pasted API address works: the trailing `/api/` is dropped.
    let base = format!("{}/dhis/api/", server.base_url);
    let client = Dhis2Client::new(&base, Auth::api_token(TOKEN).expect("token")).expect("client");
    let summary = client.push(&set, &PushOptions::default()).expect("summary");
    server.finish();
    assert_eq!(summary.import_count.updated, 1);
}

#[test]
fn fifteen_thousand_values_go_in_two_requests_and_merge() {
    let rows: Vec<_> = (0..15_000_i64)
        .map(|i| row("MENTOR_VISITS", &format!("OU_{}", i % 50), "202603", i))
        .collect();
    let set = DataValueSet::build(&rows).expect("valid");
    let body = |range: std::ops::Range<i64>| {
        let values: Vec<String> = range
            .map(|i| {
                format!(
                    r#"{{"dataElement":"MENTOR_VISITS","period":"202603","orgUnit":"OU_{}","value":"{i}"}}"#,
                    i % 50
                )
            })
            .collect();
        format!(r#"{{"dataValues":[{}]}}"#, values.join(",")).into_bytes()
    };
    let server = Server::start(vec![
        (
            expected_dry_run(body(0..10_000)),
            Answer::Reply(200, "application/json", success_body(10_000, 0)),
        ),
        (
            expected_dry_run(body(10_000..15_000)),
            Answer::Reply(409, "application/json", conflict_body("1", "4999")),
        ),
    ]);
    let client = Dhis2Client::new(&server.base_url, admin()).expect("client");
    let summary = client.push(&set, &dry_run()).expect("summary");
    server.finish();
    assert_eq!(summary.status, ImportStatus::Warning);
    assert_eq!(summary.import_count.imported, 10_001);
    assert_eq!(summary.import_count.ignored, 2);
    assert_eq!(summary.conflicts[0].indexes, [10_001]);
    assert_eq!(summary.conflicts[1].indexes, [14_999]);
    let lines = summary.conflict_lines(&set);
    assert!(
        lines[1].starts_with(
            "dataValues[14999] (dataElement MENTOR_VISITS, orgUnit OU_49, period 202603)"
        ),
        "{lines:?}"
    );
}

#[test]
fn a_failure_after_an_imported_chunk_says_what_landed() {
    let (set, _) = three();
    let first = br#"{"dataValues":[{"dataElement":"MENTOR_VISITS","period":"202603","orgUnit":"OU_KANO_GH","value":"4"},{"dataElement":"MENTOR_VISITS","period":"202612","orgUnit":"OU_KANO_GH","value":"2"}]}"#;
    let second = br#"{"dataValues":[{"dataElement":"NO_SUCH_DE","period":"202603","orgUnit":"OU_KANO_GH","value":"9"}]}"#;
    let server = Server::start(vec![
        (
            expected_dry_run(first.to_vec()),
            Answer::Reply(200, "application/json", success_body(2, 0)),
        ),
        (
            expected_dry_run(second.to_vec()),
            Answer::Reply(500, "text/html", "<h1>HTTP Status 500</h1>".to_owned()),
        ),
    ]);
    let client = Dhis2Client::new(&server.base_url, admin()).expect("client");
    let options = PushOptions {
        dry_run: true,
        chunk_size: NonZeroUsize::new(2).expect("non-zero"),
    };
    let error = client.push(&set, &options).expect_err("second chunk fails");
    server.finish();
    let Dhis2Error::Partial {
        sent,
        total,
        summary,
        source,
    } = &error
    else {
        panic!("expected Partial, got {error:?}");
    };
    assert_eq!((*sent, *total), (2, 3));
    assert_eq!(summary.import_count.imported, 2);
    assert!(matches!(**source, Dhis2Error::Server { status: 500, .. }));
    assert!(
        error.to_string().contains("after the first 2 of 3 values"),
        "{error}"
    );
}

#[test]
fn unauthorized_names_the_credential() {
    let body = r#"{"httpStatus":"Unauthorized","httpStatusCode":401,"status":"ERROR","message":"Unauthorized"}"#;
    let error =
        push_three(Answer::Reply(401, "application/json", body.to_owned())).expect_err("401");
    assert!(matches!(
        error,
        Dhis2Error::Unauthorized {
            kind: CredentialKind::Password
        }
    ));
    assert!(
        error.to_string().contains("username and password"),
        "{error}"
    );

    let (set, body3) = three();
    let server = Server::start(vec![(
        Expected {
            target: DRY_RUN_CODES.to_owned(),
            authorization: format!("ApiToken {TOKEN}"),
            body: body3,
        },
        Answer::Reply(401, "application/json", body.to_owned()),
    )]);
    let client =
        Dhis2Client::new(&server.base_url, Auth::api_token(TOKEN).expect("token")).expect("client");
    let error = client.push(&set, &dry_run()).expect_err("401");
    server.finish();
    assert!(
        error.to_string().contains("personal access token"),
        "{error}"
    );
}

#[test]
fn forbidden_names_the_missing_authority() {
    let body = r#"{"httpStatus":"Forbidden","httpStatusCode":403,"status":"ERROR","message":"You don't have the proper permissions to access this resource."}"#;
    let error =
        push_three(Answer::Reply(403, "application/json", body.to_owned())).expect_err("403");
    let text = error.to_string();
    assert!(text.contains("F_DATAVALUE_ADD"), "{text}");
    assert!(text.contains("proper permissions"), "{text}");
}

#[test]
fn not_found_says_the_base_url_is_wrong() {
    let error = push_three(Answer::Reply(
        404,
        "text/html",
        "<h1>Not Found</h1>".to_owned(),
    ))
    .expect_err("404");
    assert!(matches!(error, Dhis2Error::NotFound { .. }));
    let text = error.to_string();
    assert!(text.contains("base URL is probably wrong"), "{text}");
    assert!(text.ends_with("/dhis)"), "{text}");
    assert!(!text.contains('?'), "the query string is left out: {text}");
}

#[test]
fn server_errors() {
    let error = push_three(Answer::Reply(
        500,
        "application/json",
        r#"{"httpStatus":"Internal Server Error","httpStatusCode":500,"status":"ERROR","message":"could not execute statement"}"#.to_owned(),
    ))
    .expect_err("500");
    let Dhis2Error::Server { status, snippet } = &error else {
        panic!("expected Server, got {error:?}");
    };
    assert_eq!(*status, 500);
    assert!(snippet.contains("could not execute statement"));
}

#[test]
fn a_login_page_is_not_an_import_summary() {
    let page = format!(
        "<!DOCTYPE html><html><head><title>DHIS 2 Login</title></head><body>{}</body></html>",
        "x".repeat(400)
    );
    let error = push_three(Answer::Reply(200, "text/html", page.clone())).expect_err("html");
    let Dhis2Error::NotAnImportSummary { status, snippet } = &error else {
        panic!("expected NotAnImportSummary, got {error:?}");
    };
    assert_eq!(*status, 200);
    assert_eq!(snippet.as_str(), &page[..200]);
}

#[test]
fn a_409_web_message_without_summary_is_a_refusal_with_its_message() {
    let body = r#"{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"Data set not found or not accessible: `XYZ`"}"#;
    let error =
        push_three(Answer::Reply(409, "application/json", body.to_owned())).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "DHIS2 refused the import (409): Data set not found or not accessible: `XYZ`"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let (set, body) = three();
    let server = Server::start(vec![(expected_dry_run(body), Answer::Hang)]);
    let client = Dhis2Client::with_timeouts(
        &server.base_url,
        admin(),
        Duration::from_secs(1),
        Duration::from_millis(500),
    )
    .expect("client");
    let started = Instant::now();
    let error = client.push(&set, &dry_run()).expect_err("timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.finish();
    assert!(matches!(error, Dhis2Error::Timeout { .. }), "{error:?}");
    assert!(
        error.to_string().contains("did not answer within 0.5 s"),
        "{error}"
    );
}

#[test]
fn nothing_listening_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let (set, _) = three();
    let client = Dhis2Client::new(&base, admin()).expect("client");
    let error = client.push(&set, &dry_run()).expect_err("refused");
    assert!(matches!(error, Dhis2Error::Unreachable { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot reach DHIS2 at {base}/api/dataValueSets"))
    );
}

#[test]
fn configuration_is_checked() {
    assert!(matches!(
        Dhis2Client::new("dhis2.example.org", admin()),
        Err(Dhis2Error::BadBaseUrl { .. })
    ));
    assert_eq!(
        Dhis2Client::new("https://dhis2.example.org/", admin())
            .expect("client")
            .base_url(),
        "https://dhis2.example.org"
    );
    assert_eq!(
        Auth::basic("", "x").expect_err("empty").field,
        "dhis2_username"
    );
    assert_eq!(
        Auth::basic("a:b", "x").expect_err("colon").field,
        "dhis2_username"
    );
    assert_eq!(
        Auth::api_token("d2pat_ a").expect_err("space").field,
        "dhis2_token"
    );
    let debug = format!("{:?} {:?}", admin(), Auth::api_token(TOKEN).expect("token"));
    assert!(
        !debug.contains("district") && !debug.contains(TOKEN),
        "{debug}"
    );
}
