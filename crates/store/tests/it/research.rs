//! Research projects, outputs and scheduling records (C7, C11, C12) on both backends.

use super::{actor, person, tree, unit};
use chrono::{TimeZone as _, Utc};
use domain::access::Role;
use domain::ids::PersonId;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, OrgUnitCode, Slug, TimeZone};
use store::research::{NewOutput, OutputAuthor};
use store::scheduling::{NewSeries, Window, WindowKind};
use store::testing::fresh_db;
use store::{Db, DbError};

struct Group {
    db: Db,
    program: domain::ids::ProgramId,
    members: Vec<PersonId>,
    outsider: PersonId,
}

async fn group() -> Group {
    let db = fresh_db().await.expect("db");
    tree(&db).await;
    let _ = unit;
    let program = db
        .create_program(
            &actor(),
            &NewProgram {
                code: Slug::parse("collab").expect("fixture"),
                name: Name::parse("Research collaborative").expect("fixture"),
                kind: ProgramKind::PeerResearch,
                description: String::new(),
                root_org_unit: None,
            },
        )
        .await
        .expect("fixture");
    let place = db
        .org_unit_by_code(&OrgUnitCode::parse("ET").expect("fixture"))
        .await
        .expect("fixture");
    let mut members = Vec::new();
    for (name, email) in [
        ("Ada Obi", "ada@example.org"),
        ("Bola Eze", "bola@example.org"),
    ] {
        let p = db
            .create_person(&actor(), &person(name, email))
            .await
            .expect("fixture");
        db.add_membership(&actor(), program.id, p.id, Role::Mentee, place.id)
            .await
            .expect("fixture");
        members.push(p.id);
    }
    let outsider = db
        .create_person(&actor(), &person("Out Sider", "out@example.org"))
        .await
        .expect("fixture")
        .id;
    Group {
        db,
        program: program.id,
        members,
        outsider,
    }
}

fn author(person: Option<PersonId>, family: &str) -> OutputAuthor {
    OutputAuthor {
        person,
        family: family.into(),
        given: "A.".into(),
        orcid: None,
        affiliation_country: "NG".into(),
    }
}

#[tokio::test]
async fn a_project_moves_through_its_pipeline_and_refuses_a_skip() {
    let g = group().await;
    let project =
        g.db.create_project(
            &actor(),
            g.program,
            "Surgical training in Nigeria",
            "",
            "idea",
        )
        .await
        .unwrap();
    assert_eq!(project.stage, "idea");
    let err =
        g.db.move_project(&actor(), project.id, "analysis")
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "stage"),
        "{err}"
    );
    assert_eq!(g.db.project(project.id).await.unwrap().stage, "idea");
    let moved =
        g.db.move_project(&actor(), project.id, "protocol")
            .await
            .unwrap();
    assert_eq!(moved.stage, "protocol");
    let err =
        g.db.create_project(&actor(), g.program, "  ", "", "idea")
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "title"),
        "{err}"
    );
}

#[tokio::test]
async fn a_duplicate_credit_role_is_refused_and_nothing_is_written() {
    let g = group().await;
    let project =
        g.db.create_project(&actor(), g.program, "Study", "", "idea")
            .await
            .unwrap();
    let roles = vec![
        ("conceptualization".to_owned(), "lead".to_owned()),
        ("Formal analysis".to_owned(), "lead".to_owned()),
        ("conceptualization".to_owned(), String::new()),
    ];
    let err =
        g.db.add_project_roles(&actor(), project.id, g.members[0], &roles)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "roles[2]"),
        "{err}"
    );
    assert!(g.db.project_roles(project.id).await.unwrap().is_empty());
    assert!(g.db.stretch_firsts(g.program).await.unwrap().is_empty());

    let held =
        g.db.add_project_roles(&actor(), project.id, g.members[0], &roles[..2])
            .await
            .unwrap();
    assert_eq!(held.len(), 2);
    let firsts = g.db.stretch_firsts(g.program).await.unwrap();
    assert_eq!(firsts.len(), 1);
    assert_eq!(
        (firsts[0].person, firsts[0].role.as_str()),
        (g.members[0], "lead_analysis")
    );
    // Already held: refused on a second call too.
    let err =
        g.db.add_project_roles(&actor(), project.id, g.members[0], &roles[..1])
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "roles[0]"),
        "{err}"
    );
    let err =
        g.db.add_project_roles(&actor(), project.id, g.outsider, &roles[..1])
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "person"),
        "{err}"
    );
}

#[tokio::test]
async fn outputs_keep_authors_in_order_normalise_the_doi_and_record_first_authors() {
    let g = group().await;
    let mut new = NewOutput {
        kind: "publication".into(),
        title: "Mentoring surgeons across borders".into(),
        venue: "Journal of Surgical Education".into(),
        happened_on: "2025-03-14".into(),
        doi: Some("https://doi.org/10.5555/ABC.123".into()),
        authors: vec![
            author(Some(g.members[1]), "Eze"),
            author(Some(g.members[0]), "Obi"),
            author(None, "Smith"),
        ],
        ..NewOutput::default()
    };
    let output = g.db.add_output(&actor(), g.program, &new).await.unwrap();
    assert_eq!(output.doi.as_deref(), Some("10.5555/abc.123"));
    let order: Vec<&str> = output.authors.iter().map(|a| a.family.as_str()).collect();
    assert_eq!(order, ["Eze", "Obi", "Smith"]);
    let firsts = g.db.stretch_firsts(g.program).await.unwrap();
    assert_eq!(firsts.len(), 1);
    assert_eq!(
        (firsts[0].person, firsts[0].role.as_str()),
        (g.members[1], "first_author")
    );

    // The same DOI in another spelling is the same publication.
    new.doi = Some("doi:10.5555/abc.123".into());
    let err =
        g.db.add_output(&actor(), g.program, &new)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "doi"),
        "{err}"
    );

    new.doi = Some("10.12/short".into());
    let err =
        g.db.add_output(&actor(), g.program, &new)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "doi"),
        "{err}"
    );

    new.doi = None;
    new.authors[2].orcid = Some("0000-0002-1825-0098".into());
    let err =
        g.db.add_output(&actor(), g.program, &new)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "authors[2].orcid"),
        "{err}"
    );
    assert_eq!(g.db.outputs(g.program).await.unwrap().len(), 1);
}

#[tokio::test]
async fn availability_windows_are_checked_before_anything_is_replaced() {
    let g = group().await;
    let ok = [
        Window {
            weekday: 2,
            start_minute: 18 * 60,
            end_minute: 21 * 60,
            kind: WindowKind::Preferred,
        },
        Window {
            weekday: 2,
            start_minute: 21 * 60,
            end_minute: 23 * 60,
            kind: WindowKind::Possible,
        },
    ];
    g.db.set_availability(&actor(), g.members[0], &ok)
        .await
        .unwrap();
    let backwards = [
        ok[0],
        Window {
            weekday: 4,
            start_minute: 20 * 60,
            end_minute: 19 * 60,
            kind: WindowKind::Preferred,
        },
    ];
    let err =
        g.db.set_availability(&actor(), g.members[0], &backwards)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "availability[1].end"),
        "{err}"
    );
    let overlapping = [
        ok[0],
        Window {
            start_minute: 20 * 60,
            ..ok[1]
        },
    ];
    let err =
        g.db.set_availability(&actor(), g.members[0], &overlapping)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "availability[1].start"),
        "{err}"
    );
    assert_eq!(g.db.availability(g.members[0]).await.unwrap(), ok);
}

#[tokio::test]
async fn sessions_bump_their_sequence_and_attendance_refuses_strangers() {
    let g = group().await;
    let starts = vec![
        Utc.with_ymd_and_hms(2026, 10, 20, 17, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 10, 27, 18, 0, 0).unwrap(),
    ];
    let sessions =
        g.db.create_series(
            &actor(),
            &NewSeries {
                program: g.program,
                project: None,
                title: "Weekly writing session".into(),
                organiser: Some(g.members[0]),
                organiser_zone: TimeZone::parse("Europe/London").unwrap(),
                video_url: "https://meet.example.org/collab".into(),
                duration_minutes: 60,
                starts: starts.clone(),
                invitees: g.members.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].series_key, sessions[1].series_key);
    assert_eq!(sessions[1].starts_at, starts[1]);
    let moved =
        g.db.reschedule_session(
            &actor(),
            sessions[0].id,
            starts[0] + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(moved.sequence, 1);
    let cancelled = g.db.cancel_session(&actor(), sessions[1].id).await.unwrap();
    assert_eq!(
        (cancelled.status.as_str(), cancelled.sequence),
        ("cancelled", 1)
    );
    assert_eq!(
        g.db.sessions_of_person(g.members[1]).await.unwrap().len(),
        2
    );
    assert!(
        g.db.sessions_of_person(g.outsider)
            .await
            .unwrap()
            .is_empty()
    );

    let marks = vec![
        (g.members[0], "attended".to_owned()),
        (g.outsider, "attended".to_owned()),
    ];
    let err =
        g.db.record_attendance(&actor(), sessions[0].id, &marks)
            .await
            .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "attendance[1].person"),
        "{err}"
    );
    let statuses: Vec<domain::scheduling::AttendanceStatus> =
        g.db.attendance(sessions[0].id)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.status)
            .collect();
    assert_eq!(statuses, [domain::scheduling::AttendanceStatus::Invited; 2]);
    let after =
        g.db.record_attendance(&actor(), sessions[0].id, &marks[..1])
            .await
            .unwrap();
    assert_eq!(
        after[0].status,
        domain::scheduling::AttendanceStatus::Attended
    );

    let err =
        g.db.create_series(
            &actor(),
            &NewSeries {
                program: g.program,
                project: None,
                title: "Bad".into(),
                organiser: None,
                organiser_zone: TimeZone::parse("Europe/London").unwrap(),
                video_url: String::new(),
                duration_minutes: 60,
                starts: starts.clone(),
                invitees: vec![g.members[0], g.outsider],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "invitees[1]"),
        "{err}"
    );
    assert_eq!(g.db.group_sessions(g.program).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_nudge_is_queued_once_until_sent_and_a_feed_token_finds_its_owner() {
    let g = group().await;
    assert!(
        g.db.queue_nudge(&actor(), g.program, g.members[1], "no activity for 60 days")
            .await
            .unwrap()
    );
    assert!(
        !g.db
            .queue_nudge(&actor(), g.program, g.members[1], "again")
            .await
            .unwrap()
    );
    let nudges = g.db.nudges(g.program).await.unwrap();
    assert_eq!(nudges.len(), 1);
    assert_eq!(nudges[0].reason, "no activity for 60 days");

    g.db.set_calendar_feed(&actor(), g.members[0], "hash-one")
        .await
        .unwrap();
    assert_eq!(
        g.db.calendar_feed_owner("hash-one").await.unwrap(),
        Some(g.members[0])
    );
    g.db.set_calendar_feed(&actor(), g.members[0], "hash-two")
        .await
        .unwrap();
    assert_eq!(g.db.calendar_feed_owner("hash-one").await.unwrap(), None);
    assert_eq!(
        g.db.calendar_feed_owner("hash-two").await.unwrap(),
        Some(g.members[0])
    );
}

/// Schedule pressed twice (or a retried request, even at the same moment) schedules the
/// series once and invites nobody twice; a series that meets only part of one already
/// scheduled is refused, naming the occurrence, with nothing written.
#[tokio::test]
async fn a_series_scheduled_twice_is_scheduled_once() {
    let g = group().await;
    let series = |starts: Vec<chrono::DateTime<Utc>>| NewSeries {
        program: g.program,
        project: None,
        title: "Monthly journal club".into(),
        organiser: Some(g.members[0]),
        organiser_zone: TimeZone::parse("Africa/Lagos").unwrap(),
        video_url: String::new(),
        duration_minutes: 60,
        starts,
        invitees: g.members.clone(),
    };
    let (first, second) = (
        Utc.with_ymd_and_hms(2026, 11, 3, 17, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap(),
    );
    let (created, repeated) =
        g.db.schedule_series(&actor(), &series(vec![first, second]))
            .await
            .unwrap();
    assert!(!repeated);
    let audit = g.db.audit_count(None).await.unwrap();
    let (again, repeated) =
        g.db.schedule_series(&actor(), &series(vec![first, second]))
            .await
            .unwrap();
    assert!(repeated);
    assert_eq!(again, created);
    let (a, b) = (actor(), actor());
    let third = Utc.with_ymd_and_hms(2027, 1, 5, 17, 0, 0).unwrap();
    let (x, y) = (series(vec![third]), series(vec![third]));
    let (one, other) = tokio::join!(g.db.schedule_series(&a, &x), g.db.schedule_series(&b, &y));
    let (one, other) = (one.unwrap(), other.unwrap());
    assert_eq!(one.0, other.0);
    assert!(one.1 != other.1, "exactly one of the two scheduled it");
    let err =
        g.db.schedule_series(
            &actor(),
            &series(vec![
                Utc.with_ymd_and_hms(2027, 2, 2, 17, 0, 0).unwrap(),
                second,
            ]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "starts[1]"),
        "{err}"
    );
    assert_eq!(g.db.audit_count(None).await.unwrap(), audit + 1);
    for member in &g.members {
        assert_eq!(g.db.sessions_of_person(*member).await.unwrap().len(), 3);
    }
    for session in created.iter().chain(&one.0) {
        assert_eq!(
            g.db.attendance(session.id).await.unwrap().len(),
            g.members.len()
        );
    }
}
