//! The store's contract: the same tests run on SQLite (default) and on PostgreSQL
//! (`TANDEM_TEST_DATABASE_URL=postgres://…`), proving the two backends agree.

use domain::access::Role;
use domain::ids::PersonId;
use domain::org_units::{NewOrgUnit, OrgUnitInput};
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Email, Name, OrgUnitCode, Slug};
use store::people::PeopleFilter;
use store::testing::fresh_db;
use store::{Actor, Db, DbError};

mod accounts;
mod field;
mod indicators;
mod research;

fn unit(parent: Option<&str>, level: &str, code: &str, name: &str) -> NewOrgUnit {
    OrgUnitInput {
        parent_code: parent.map(str::to_owned),
        level: level.into(),
        code: code.into(),
        name: name.into(),
        ..OrgUnitInput::default()
    }
    .validate()
    .expect("valid unit")
}

/// The field a refusal names; any other error fails the test.
fn field_of(err: &DbError) -> &str {
    match err {
        DbError::Invalid(e) | DbError::Conflict(e) => e.field.as_str(),
        other => panic!("expected a field error, got {other}"),
    }
}

/// The Safe Surgery program, created in `db`.
async fn safe_surgery(db: &Db) -> domain::programs::Program {
    db.create_program(
        &actor(),
        &NewProgram {
            code: Slug::parse("safe_surgery").expect("a slug"),
            name: Name::parse("Safe Surgery").expect("a name"),
            kind: ProgramKind::ClinicalMentorship,
            description: String::new(),
            root_org_unit: None,
        },
    )
    .await
    .expect("program created")
}

fn actor() -> Actor {
    Actor::system("test")
}

async fn tree(db: &Db) {
    for (parent, level, code, name) in [
        (None, "country", "ET", "Ethiopia"),
        (Some("ET"), "region", "ET-AM", "Amhara"),
        (Some("ET-AM"), "district", "ET-AM-NG", "North Gondar"),
        (
            Some("ET-AM-NG"),
            "facility",
            "ET-AM-NG-GH",
            "Gondar Hospital",
        ),
        (Some("ET"), "region", "ET-OR", "Oromia"),
    ] {
        db.create_org_unit(&actor(), &unit(parent, level, code, name))
            .await
            .expect("created");
    }
}

fn person(name: &str, email: &str) -> domain::people::PersonProfile {
    PersonInput {
        name: name.into(),
        time_zone: "Africa/Addis_Ababa".into(),
        email: Some(email.into()),
        ..PersonInput::default()
    }
    .validate()
    .expect("valid person")
}

#[test]
fn both_backends_have_the_same_migration_files() {
    let (sqlite, postgres) = Db::migration_names();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

#[tokio::test]
async fn migrating_twice_runs_nothing_the_second_time() {
    let db = fresh_db().await.expect("db");
    assert_eq!(db.migrate().await.expect("migrate"), 0);
    db.ping().await.expect("ping");
}

#[tokio::test]
async fn proposal_reasons_stored_as_sentences_become_codes() {
    use domain::matching::ProposalReason;
    // As the database stood before migration 0009: reasons were English sentences.
    let db = store::testing::fresh_db_through(8).await.unwrap();
    let program = safe_surgery(&db).await;
    let sentences = [
        "requested by a manager",
        "requested from the command line",
        "demo",
        "Abebe Near left the program",
        "something a script once wrote",
    ];
    for reason in sentences {
        store::on_pool!(&db, pool => {
            sqlx::query(
                "INSERT INTO match_proposals (program_id, status, reason, objective, result_json, created_by, created_at) \
                 VALUES ($1, 'draft', $2, 0, '{}', 'test', $3)",
            )
            .bind(program.id.0).bind(reason).bind(chrono::Utc::now())
            .execute(pool).await.unwrap().rows_affected()
        });
    }
    store::on_pool!(&db, pool => {
        sqlx::query(
            "INSERT INTO facility_proposals (program_id, kind, status, reason, inputs_sha256, result_json, created_by, created_at) \
             VALUES ($1, 'coupling', 'draft', 'requested by a manager', '', '{}', 'test', $2)",
        )
        .bind(program.id.0).bind(chrono::Utc::now())
        .execute(pool).await.unwrap().rows_affected()
    });
    db.migrate().await.unwrap();
    let mut reasons: Vec<ProposalReason> = db
        .proposals_of_program(program.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.reason)
        .collect();
    reasons.reverse();
    assert_eq!(
        reasons,
        [
            ProposalReason::ByManager,
            ProposalReason::FromCommandLine,
            ProposalReason::Demo,
            ProposalReason::MentorLeft("Abebe Near".into()),
            ProposalReason::ByManager,
        ]
    );
    // The API still says them in English.
    assert_eq!(reasons[3].to_string(), "Abebe Near left the program");
    let facility = db
        .facility_proposals_of_program(program.id, 10)
        .await
        .unwrap();
    assert_eq!(facility[0].reason, ProposalReason::ByManager);
}

#[tokio::test]
async fn org_unit_tree_keeps_paths_levels_and_order() {
    let db = fresh_db().await.expect("db");
    tree(&db).await;
    let units = db.org_units().await.expect("units");
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["ET", "ET-AM", "ET-AM-NG", "ET-AM-NG-GH", "ET-OR"]);
    let facility = db
        .org_unit_by_code(&OrgUnitCode::parse("ET-AM-NG-GH").unwrap())
        .await
        .unwrap();
    let region = db
        .org_unit_by_code(&OrgUnitCode::parse("ET-AM").unwrap())
        .await
        .unwrap();
    assert!(region.contains_path(&facility.path));
    let chain = db.org_unit_ancestry(&facility).await.unwrap();
    assert_eq!(chain.len(), 4);

    let err = db
        .create_org_unit(
            &actor(),
            &unit(Some("ET"), "facility", "ET-X", "Wrong level"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "parent"),
        "{err}"
    );
    let err = db
        .create_org_unit(&actor(), &unit(Some("ET"), "region", "ET-AM", "Duplicate"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "code"),
        "{err}"
    );
}

#[tokio::test]
async fn an_import_failing_on_its_last_row_writes_nothing() {
    let db = fresh_db().await.expect("db");
    let rows = vec![
        (2, unit(None, "country", "NG", "Nigeria")),
        (3, unit(Some("NG"), "region", "NG-ED", "Edo")),
        (4, unit(Some("NOPE"), "district", "NG-ED-X", "Orphan")),
    ];
    let err = db.import_org_units(&actor(), &rows).await.unwrap_err();
    assert!(matches!(err, DbError::AtRow { row: 4, .. }), "{err}");
    assert!(err.to_string().contains("NOPE"), "{err}");
    assert!(db.org_units().await.unwrap().is_empty());
    assert!(db.audit_entries(None, 10, 0).await.unwrap().is_empty());

    let counts = db.import_org_units(&actor(), &rows[..2]).await.unwrap();
    assert_eq!(counts.created, 2);
    let again = db.import_org_units(&actor(), &rows[..2]).await.unwrap();
    assert_eq!((again.created, again.unchanged), (0, 2));
}

#[tokio::test]
async fn people_changes_are_audited_with_before_and_after() {
    let db = fresh_db().await.expect("db");
    let created = db
        .create_person(&actor(), &person("Abebe Kebede", "abebe@example.org"))
        .await
        .unwrap();
    let mut changed = created.profile.clone();
    changed.name = Name::parse("Abebe K. Tadesse").unwrap();
    db.update_person(&actor(), created.id, &changed)
        .await
        .unwrap();
    assert_eq!(db.person(created.id).await.unwrap().profile, changed);

    let log = db
        .audit_entries(Some(("person", &created.id.to_string())), 10, 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, "update");
    assert_eq!(log[0].before.as_ref().unwrap()["name"], "Abebe Kebede");
    assert_eq!(log[0].after.as_ref().unwrap()["name"], "Abebe K. Tadesse");
    assert_eq!(log[0].actor, "test");

    let err = db
        .create_person(&actor(), &person("Someone Else", "ABEBE@example.org"))
        .await;
    // Emails are compared as stored: the local part keeps its case, the domain is lowered.
    assert!(err.is_ok());
    let err = db
        .create_person(&actor(), &person("Twin", "abebe@example.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "email"),
        "{err}"
    );
    let found = db
        .person_by_email(&Email::parse("abebe@EXAMPLE.org").unwrap())
        .await
        .unwrap();
    assert_eq!(found.map(|p| p.id), Some(created.id));
}

#[tokio::test]
async fn people_lists_filter_by_program_subtree_and_name() {
    let db = fresh_db().await.expect("db");
    tree(&db).await;
    let program = safe_surgery(&db).await;
    let gondar = db
        .org_unit_by_code(&OrgUnitCode::parse("ET-AM-NG-GH").unwrap())
        .await
        .unwrap();
    let oromia = db
        .org_unit_by_code(&OrgUnitCode::parse("ET-OR").unwrap())
        .await
        .unwrap();
    let amhara = db
        .org_unit_by_code(&OrgUnitCode::parse("ET-AM").unwrap())
        .await
        .unwrap();
    let a = db
        .create_person(&actor(), &person("Alemu Bekele", "a@example.org"))
        .await
        .unwrap();
    let b = db
        .create_person(&actor(), &person("Bethlehem Girma", "b@example.org"))
        .await
        .unwrap();
    db.create_person(&actor(), &person("Unplaced Person", "c@example.org"))
        .await
        .unwrap();
    db.add_membership(&actor(), program.id, a.id, Role::Mentee, gondar.id)
        .await
        .unwrap();
    db.add_membership(&actor(), program.id, b.id, Role::Mentor, oromia.id)
        .await
        .unwrap();

    let err = db
        .add_membership(&actor(), program.id, a.id, Role::FacilityLeader, amhara.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Invalid(ref e) if e.field == "org_unit"),
        "{err}"
    );
    let err = db
        .add_membership(&actor(), program.id, a.id, Role::Mentee, gondar.id)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already holds"), "{err}");

    let all = PeopleFilter::default();
    assert_eq!(db.people(&all, 10, 0).await.unwrap().total, 3);
    let in_program = PeopleFilter {
        program: Some(program.id),
        ..PeopleFilter::default()
    };
    assert_eq!(db.people(&in_program, 10, 0).await.unwrap().total, 2);
    let in_amhara = PeopleFilter {
        under_path: Some(amhara.path.clone()),
        ..in_program.clone()
    };
    let page = db.people(&in_amhara, 10, 0).await.unwrap();
    assert_eq!(page.people.iter().map(|p| p.id).collect::<Vec<_>>(), [a.id]);
    let named = PeopleFilter {
        search: Some("GIRMA".into()),
        ..PeopleFilter::default()
    };
    assert_eq!(db.people(&named, 10, 0).await.unwrap().people[0].id, b.id);
    let only = PeopleFilter {
        only: Some(vec![b.id]),
        ..PeopleFilter::default()
    };
    assert_eq!(db.people(&only, 10, 0).await.unwrap().total, 1);
    let nobody = PeopleFilter {
        only: Some(vec![]),
        ..PeopleFilter::default()
    };
    assert_eq!(db.people(&nobody, 10, 0).await.unwrap().total, 0);
    let second_page = db.people(&all, 2, 2).await.unwrap();
    assert_eq!((second_page.people.len(), second_page.total), (1, 3));

    db.add_pairing(
        &actor(),
        program.id,
        b.id,
        a.id,
        domain::matching::PairingStatus::Active,
    )
    .await
    .unwrap();
    let scope = db.person_scope(a.id).await.unwrap();
    assert_eq!(scope.mentors, [(program.id, b.id)]);
    assert_eq!(
        db.grants_of(b.id).await.unwrap()[0].org_unit_path,
        oromia.path
    );
}

#[tokio::test]
async fn sessions_tokens_and_failures_round_trip() {
    let db = fresh_db().await.expect("db");
    let account = db
        .create_account(&actor(), " Admin@Example.org ", "hash", None, true)
        .await
        .unwrap();
    assert_eq!(account.username, "admin@example.org");
    assert!(
        db.account_by_username("ADMIN@example.org")
            .await
            .unwrap()
            .is_some()
    );

    let now = store::now();
    let later = now + chrono::Duration::hours(8);
    db.create_session(account.id, "h1", "csrf", now, later)
        .await
        .unwrap();
    let session = db.session("h1").await.unwrap().unwrap();
    assert_eq!(
        (session.account, session.created_at, session.expires_at),
        (account.id, now, later)
    );
    assert_eq!(
        db.purge_sessions(now - chrono::Duration::minutes(1), now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.purge_sessions(now + chrono::Duration::minutes(1), now)
            .await
            .unwrap(),
        1
    );
    assert!(db.session("h1").await.unwrap().is_none());

    db.create_api_token(&actor(), account.id, "ci", "tokhash", None)
        .await
        .unwrap();
    assert_eq!(
        db.check_api_token("tokhash", now).await.unwrap(),
        store::accounts::TokenCheck::Live(account.id)
    );
    assert_eq!(
        db.check_api_token("other", now).await.unwrap(),
        store::accounts::TokenCheck::Unknown
    );

    for _ in 0..3 {
        db.record_login_failure("addr:127.0.0.1", now)
            .await
            .unwrap();
    }
    assert_eq!(
        db.login_failures_since("addr:127.0.0.1", now)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        db.login_failures_since("addr:127.0.0.1", later)
            .await
            .unwrap(),
        0
    );
    db.clear_login_failures("addr:127.0.0.1").await.unwrap();
    assert_eq!(
        db.login_failures_since("addr:127.0.0.1", now)
            .await
            .unwrap(),
        0
    );
    let _ = PersonId(0);
}
