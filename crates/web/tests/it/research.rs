//! The research collaborative through the real router: projects, CRediT roles, outputs and
//! their BibTeX/CSL-JSON exports; availability, fair slots, sessions, calendar files and the
//! private feed; participation and nudges; and bad input on each path.

use super::support::{Persona, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_project_gets_roles_tasks_and_outputs_and_exports_them() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentor = f.person_of[&Persona::Mentor].0;
    let mentee = f.person_of[&Persona::Mentee].0;
    let created = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/projects", f.program),
            Persona::Mentee,
            &json!({"title": "Surgical training across borders", "summary": "Mixed methods"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let project = created.json()["id"].as_i64().unwrap();

    let skip = app
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/stage"),
            Persona::Mentee,
            &json!({"stage": "analysis"}),
        )
        .await;
    assert_eq!(skip.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(skip.error_field(), "stage");

    let roles = json!({"person": mentee, "roles": [
        {"role": "conceptualization", "degree": "lead"},
        {"role": "Formal analysis", "degree": "lead"},
        {"role": "CONCEPTUALIZATION"}
    ]});
    let dup = app
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/roles"),
            Persona::Mentee,
            &roles,
        )
        .await;
    assert_eq!(
        dup.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        dup.text()
    );
    assert_eq!(dup.error_field(), "roles[2]");
    let detail = app
        .get(&format!("/api/v1/projects/{project}"), Persona::Mentor)
        .await
        .json();
    assert_eq!(
        detail["roles"].as_array().unwrap().len(),
        0,
        "nothing half-written"
    );

    let roles = json!({"person": mentee, "roles": [
        {"role": "conceptualization", "degree": "lead"},
        {"role": "formal_analysis", "degree": "lead"}
    ]});
    let ok = app
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/roles"),
            Persona::Mentee,
            &roles,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());

    let task = app
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/tasks"),
            Persona::Mentor,
            &json!({"kind": "milestone", "title": "Ethics approval", "owner": mentor, "due_on": "2027-02-30"}),
        )
        .await;
    assert_eq!(task.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(task.error_field(), "due_on");

    let publication = json!({
        "project": project,
        "kind": "publication",
        "title": "Mentoring surgeons across borders: a mixed-methods study",
        "venue": "BMC Medical Education",
        "happened_on": "2026-03-02",
        "doi": "https://doi.org/10.5555/BME.2026.042",
        "volume": "26",
        "pages": "101-109",
        "authors": [
            {"person": mentee, "family": "Person", "given": "Mentee", "orcid": "0000-0002-1825-0097", "affiliation_country": "NG"},
            {"person": mentor, "family": "Person", "given": "Mentor", "affiliation_country": "GB"},
            {"family": "O'Neill", "given": "Siobhán & Co"}
        ]
    });
    let bad_doi = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/outputs", f.program),
            Persona::Mentee,
            &json!({"kind": "publication", "title": "T", "venue": "J", "happened_on": "2026-01-01", "doi": "10.55/x", "authors": [{"family": "A"}]}),
        )
        .await;
    assert_eq!(bad_doi.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_doi.error_field(), "doi");
    let bad_orcid = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/outputs", f.program),
            Persona::Mentee,
            &json!({"kind": "publication", "title": "T", "venue": "J", "happened_on": "2026-01-01", "authors": [{"family": "A", "orcid": "0000-0002-1825-0098"}]}),
        )
        .await;
    assert_eq!(bad_orcid.error_field(), "authors[0].orcid");
    let added = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/outputs", f.program),
            Persona::Mentee,
            &publication,
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(added.json()["doi"], "10.5555/bme.2026.042");

    let bib = app
        .get(
            &format!("/api/v1/programs/{}/outputs.bib", f.program),
            Persona::Leader,
        )
        .await;
    assert_eq!(bib.status, StatusCode::OK);
    let bib = bib.text();
    assert!(bib.contains("@article{"), "{bib}");
    assert!(bib.contains("doi = {10.5555/bme.2026.042}"), "{bib}");
    assert!(
        bib.contains(r"Siobhán \& Co"),
        "LaTeX specials escaped: {bib}"
    );
    let csl = app
        .get(
            &format!("/api/v1/programs/{}/outputs.csl.json", f.program),
            Persona::Mentor,
        )
        .await;
    let items = csl.json();
    let item = &items.as_array().unwrap()[0];
    assert_eq!(item["type"], "article-journal");
    assert_eq!(item["DOI"], "10.5555/bme.2026.042");
    assert_eq!(item["author"][0]["family"], "Person");
    assert_eq!(item["issued"]["date-parts"][0][0], 2026);
}

#[tokio::test]
async fn slots_sessions_invites_feeds_and_participation() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let mentee = f.person_of[&Persona::Mentee].0;
    let mentor = f.person_of[&Persona::Mentor].0;

    let backwards = app
        .json(
            Method::PUT,
            &format!("/api/v1/people/{mentee}/availability"),
            Persona::Mentee,
            &json!([{"weekday": 2, "start": "18:00", "end": "21:00", "kind": "preferred"},
                    {"weekday": 3, "start": "21:00", "end": "19:00", "kind": "possible"}]),
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(backwards.error_field(), "availability[1].end");
    for person in [mentee, mentor] {
        let ok = app
            .json(
                Method::PUT,
                &format!("/api/v1/people/{person}/availability"),
                if person == mentee {
                    Persona::Mentee
                } else {
                    Persona::Mentor
                },
                &json!([{"weekday": 2, "start": "18:00", "end": "21:00", "kind": "preferred"},
                        {"weekday": 3, "start": "20:00", "end": "23:00", "kind": "possible"}]),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    }

    // Addis Ababa is UTC+3 all year: Tuesday 18:00 there is 15:00 UTC.
    let slots = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/scheduling/slots", f.program),
            Persona::Mentor,
            &json!({"week": "2026-11-25", "duration_minutes": 60, "top": 3}),
        )
        .await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.text());
    let best = &slots.json()[0];
    assert_eq!(best["start"], "2026-11-24T15:00:00Z");
    let local: Vec<&str> = best["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["person"] == mentee)
        .map(|m| m["local"].as_str().unwrap())
        .collect();
    assert_eq!(local, ["Tue 18:00"]);

    let zone = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/sessions", f.program),
            Persona::Mentor,
            &json!({"title": "Journal club", "duration_minutes": 60, "starts": ["2026-11-24T15:00:00Z"], "zone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(zone.error_field(), "zone");
    let sessions = format!("/api/v1/programs/{}/sessions", f.program);
    let club = json!({"title": "Journal club", "duration_minutes": 60,
                      "starts": ["2026-11-24T15:00:00Z"], "invitees": [mentee, mentor],
                      "video_url": "https://meet.example.org/club"});
    let created = app
        .json(Method::POST, &sessions, Persona::Mentor, &club)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let session = created.json()[0]["id"].as_i64().unwrap();
    // Sent again (a retry after a lost answer): the same session, nobody invited twice.
    let again = app
        .json(Method::POST, &sessions, Persona::Mentor, &club)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.json()[0]["id"], session);

    let ics = app
        .get(
            &format!("/api/v1/sessions/{session}/invite.ics"),
            Persona::Mentee,
        )
        .await;
    assert_eq!(ics.status, StatusCode::OK);
    let text = ics.text();
    assert!(text.contains("METHOD:REQUEST\r\n"), "{text}");
    assert!(
        text.contains(&format!("UID:session-{session}@tandem\r\n")),
        "{text}"
    );
    assert!(
        text.contains("DTSTART;TZID=Africa/Addis_Ababa:20261124T180000\r\n"),
        "{text}"
    );
    assert!(
        text.contains("BEGIN:VTIMEZONE\r\nTZID:Africa/Addis_Ababa\r\n"),
        "{text}"
    );
    assert!(text.contains("SEQUENCE:0\r\n"), "{text}");

    let cancelled = app
        .json(
            Method::POST,
            &format!("/api/v1/sessions/{session}/cancel"),
            Persona::Mentee,
            &json!(null),
        )
        .await;
    assert_eq!(cancelled.json()["sequence"], 1);
    let text = app
        .get(
            &format!("/api/v1/sessions/{session}/invite.ics"),
            Persona::Mentee,
        )
        .await
        .text();
    assert!(text.contains("METHOD:CANCEL\r\n"), "{text}");
    assert!(text.contains("STATUS:CANCELLED\r\n"), "{text}");
    assert!(text.contains("SEQUENCE:1\r\n"), "{text}");

    let feed = app
        .json(
            Method::POST,
            "/api/v1/me/calendar-feed",
            Persona::Mentee,
            &json!(null),
        )
        .await;
    assert_eq!(feed.status, StatusCode::CREATED, "{}", feed.text());
    let path = feed.json()["path"].as_str().unwrap().to_owned();
    let body = app.get(&path, Persona::Anonymous).await;
    assert_eq!(body.status, StatusCode::OK);
    let text = body.text();
    assert!(!text.contains("METHOD:"), "a feed is not an iTIP message");
    assert_eq!(
        text.matches("BEGIN:VEVENT").count(),
        2,
        "fixture session and this one: {text}"
    );
    assert!(
        !text.contains("ATTENDEE"),
        "feeds list nobody else's address"
    );
    let wrong = app
        .get("/calendar/not-the-token/feed.ics", Persona::Anonymous)
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Attendance: the fixture session (next week) is in the future, so only past sessions
    // count; mark this one (cancelled) refused, then the report lists everyone.
    let refused = app
        .json(
            Method::POST,
            &format!("/api/v1/sessions/{session}/attendance"),
            Persona::Mentor,
            &json!([{"person": mentee, "status": "attended"}]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let uri = format!("/api/v1/programs/{}/participation", f.program);
    let report_for = |persona| app.get(&uri, persona);
    let managers = report_for(Persona::Manager).await;
    assert_eq!(managers.status, StatusCode::OK, "{}", managers.text());
    let members = managers.json()["members"].as_array().unwrap().len();
    assert!(members >= 6, "every member has a line: {members}");
    // A member reads their own attendance beside the aggregates, not everyone's; so does a
    // facility leader, who used to be refused the page.
    let mine = report_for(Persona::Mentee).await.json();
    let lines: Vec<i64> = mine["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["person"].as_i64())
        .collect();
    assert_eq!(lines, [mentee]);
    assert!(
        mine["by_month"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["person"] == mentee)
    );
    assert!(mine["gini_overall"].is_number());
    let leaders = report_for(Persona::Leader).await;
    assert_eq!(leaders.status, StatusCode::OK, "{}", leaders.text());
    let leader = f.person_of[&Persona::Leader].0;
    assert!(
        leaders.json()["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["person"] == leader)
    );
}

#[tokio::test]
async fn the_pages_show_the_board_the_project_and_name_bad_input() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let board = app
        .get(
            &format!("/programs/{}/research", f.program),
            Persona::Leader,
        )
        .await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.text().contains("Fixture study"), "{}", board.text());
    assert!(
        !board.text().contains("Start the project"),
        "leaders read only"
    );

    let created = app
        .form(
            &format!("/programs/{}/research/projects", f.program),
            Persona::Mentee,
            "title=Brain+drain+to+brain+gain&summary=Mixed+methods",
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let page_path = created.location();
    let project = app.get(&page_path, Persona::Mentee).await;
    assert!(
        project.text().contains("Move to Protocol"),
        "{}",
        project.text()
    );

    let mentor = f.person_of[&Persona::Mentor].0;
    let id = page_path.rsplit('/').next().unwrap();
    let ok = app
        .form(
            &format!("/research/projects/{id}/roles"),
            Persona::Mentee,
            &format!("person={mentor}&role=formal_analysis&degree=lead"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let again = app
        .form(
            &format!("/research/projects/{id}/roles"),
            Persona::Mentee,
            &format!("person={mentor}&role=Formal+analysis"),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.text().contains("Formal analysis is already given"),
        "{}",
        again.text()
    );

    let empty = app
        .get(
            &format!("/programs/{}/scheduling?week=2026-11-23", f.program),
            Persona::Mentor,
        )
        .await;
    assert!(
        empty.text().contains("No slot suits anyone yet"),
        "{}",
        empty.text()
    );
    let saved = app
        .form(
            &format!("/programs/{}/scheduling/availability", f.program),
            Persona::Mentor,
            "availability=Tue+18%3A00-21%3A00+preferred%0AWed+20%3A00-23%3A00+possible",
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert!(saved.text().contains("Your availability is saved"));
    let schedule = app
        .get(
            &format!(
                "/programs/{}/scheduling?week=2026-11-23&duration=60&sessions=4",
                f.program
            ),
            Persona::Mentor,
        )
        .await;
    assert_eq!(schedule.status, StatusCode::OK, "{}", schedule.text());
    assert!(
        schedule.text().contains("Africa/Addis_Ababa"),
        "local zones shown"
    );
    assert!(schedule.text().contains("Tue 18:00"), "{}", schedule.text());
    let bad = app
        .form(
            &format!("/programs/{}/scheduling/availability", f.program),
            Persona::Mentor,
            "availability=Tue+18%3A00-21%3A00+preferred%0A%0AWed+21%3A00-19%3A00+possible",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("availability line 3"), "{}", bad.text());
    let bad_week = app
        .get(
            &format!("/programs/{}/scheduling?week=next+week", f.program),
            Persona::Mentor,
        )
        .await;
    assert_eq!(bad_week.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_week.text().contains("week"), "{}", bad_week.text());

    let participation = app
        .get(
            &format!("/programs/{}/participation", f.program),
            Persona::Manager,
        )
        .await;
    assert_eq!(participation.status, StatusCode::OK);
    assert!(
        participation.text().contains("<svg class=\"chart\""),
        "{}",
        participation.text()
    );
}

/// Writes the calendar files the app serves (invites, a cancellation, a feed) for sessions
/// organised in London across the October 2026 clock change, with hand-worked local times,
/// to `TANDEM_ICS_OUT` when set; CI parses them with Python's `icalendar`
/// (`crates/scheduling/tests/ics/check_ics.py`).
#[tokio::test]
async fn writes_app_calendar_files() {
    let app = TestApp::new().await;
    let f = &app.fixture;
    let manager = f.person_of[&Persona::Manager].0;
    let mentee = f.person_of[&Persona::Mentee].0;
    let created = app
        .json(
            Method::POST,
            &format!("/api/v1/programs/{}/sessions", f.program),
            Persona::Manager,
            &json!({"title": "Writing group, London time", "duration_minutes": 90,
                    "starts": ["2026-10-20T18:00:00Z", "2026-10-27T19:00:00Z"],
                    "invitees": [manager, mentee], "zone": "Europe/London",
                    "video_url": "https://meet.example.org/writing"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let ids: Vec<i64> = created
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let first = app
        .get(
            &format!("/api/v1/sessions/{}/invite.ics", ids[0]),
            Persona::Manager,
        )
        .await
        .text();
    app.json(
        Method::POST,
        &format!("/api/v1/sessions/{}/cancel", ids[1]),
        Persona::Manager,
        &json!(null),
    )
    .await;
    let cancel = app
        .get(
            &format!("/api/v1/sessions/{}/invite.ics", ids[1]),
            Persona::Manager,
        )
        .await
        .text();
    let feed_path = app
        .json(
            Method::POST,
            "/api/v1/me/calendar-feed",
            Persona::Manager,
            &json!(null),
        )
        .await
        .json()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let feed = app.get(&feed_path, Persona::Anonymous).await.text();
    for text in [&first, &cancel, &feed] {
        assert!(
            text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"),
            "{text}"
        );
    }
    // 18:00 UTC on 20 Oct is 19:00 BST in London and 14:00 EDT in Toronto; 19:00 UTC on
    // 27 Oct, after London's change but before Toronto's, is 19:00 GMT and 15:00 EDT.
    let first_uid = format!("session-{}@tandem", ids[0]);
    let second_uid = format!("session-{}@tandem", ids[1]);
    let first_starts =
        json!([{"Europe/London": "2026-10-20T19:00", "America/Toronto": "2026-10-20T14:00"}]);
    let second_starts =
        json!([{"Europe/London": "2026-10-27T19:00", "America/Toronto": "2026-10-27T15:00"}]);
    let expectations = json!({
        "app-invite.ics": {"method": "REQUEST", "feed": false, "events": {
            first_uid.clone(): {"sequence": 0, "status": "CONFIRMED", "starts": first_starts}}},
        "app-cancel.ics": {"method": "CANCEL", "feed": false, "events": {
            second_uid.clone(): {"sequence": 1, "status": "CANCELLED", "starts": second_starts}}},
        "app-feed.ics": {"method": null, "feed": true, "events": {
            first_uid: {"sequence": 0, "status": "CONFIRMED", "starts": first_starts},
            second_uid: {"sequence": 1, "status": "CANCELLED", "starts": second_starts}}}
    });
    let Some(dir) = std::env::var_os("TANDEM_ICS_OUT") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app-invite.ics"), first).unwrap();
    std::fs::write(dir.join("app-cancel.ics"), cancel).unwrap();
    std::fs::write(dir.join("app-feed.ics"), feed).unwrap();
    std::fs::write(dir.join("expectations.json"), expectations.to_string()).unwrap();
}
