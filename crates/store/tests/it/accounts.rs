//! API tokens (expiry, revocation, last use written sparingly), sign-in lockouts and LIKE
//! searches that take `%` and `_` literally.

use super::{actor, person};
use chrono::Duration;
use store::accounts::TokenCheck;
use store::people::PeopleFilter;
use store::testing::fresh_db;

#[tokio::test]
async fn tokens_expire_and_are_revoked_with_audit_rows() {
    let db = fresh_db().await.expect("db");
    let account = db
        .create_account(&actor(), "mentor@example.org", "hash", None, false)
        .await
        .unwrap();
    let now = store::now();
    let lasting = db
        .create_api_token(&actor(), account.id, "ci", "h-lasting", None)
        .await
        .unwrap();
    let short = db
        .create_api_token(
            &actor(),
            account.id,
            "phone",
            "h-short",
            Some(now + Duration::days(30)),
        )
        .await
        .unwrap();
    assert_eq!(
        db.check_api_token("h-short", now).await.unwrap(),
        TokenCheck::Live(account.id)
    );
    assert_eq!(
        db.check_api_token("h-short", now + Duration::days(30))
            .await
            .unwrap(),
        TokenCheck::Expired
    );
    assert_eq!(
        db.check_api_token("h-lasting", now + Duration::days(3000))
            .await
            .unwrap(),
        TokenCheck::Live(account.id)
    );

    assert!(db.revoke_api_token(&actor(), lasting, now).await.unwrap());
    assert!(!db.revoke_api_token(&actor(), lasting, now).await.unwrap());
    assert_eq!(
        db.check_api_token("h-lasting", now).await.unwrap(),
        TokenCheck::Revoked
    );
    let listed = db.api_tokens(Some(account.id)).await.unwrap();
    assert_eq!(listed.len(), 2);
    let revoked = listed.iter().find(|t| t.id == lasting).expect("listed");
    assert!(revoked.revoked && revoked.revoked_at.is_some() && !revoked.is_live(now));
    let phone = db.api_token(short).await.unwrap();
    assert_eq!(phone.name, "phone");
    assert_eq!(phone.username, "mentor@example.org");
    // Created, then revoked once (the second revoke changed nothing): two rows.
    let rows = db
        .audit_entries(Some(("api_token", &lasting.to_string())), 10, 0)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        db.audit_count(Some(("api_token", &short.to_string())))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn twenty_uses_in_a_row_write_last_use_once() {
    let db = fresh_db().await.expect("db");
    let account = db
        .create_account(&actor(), "script@example.org", "hash", None, false)
        .await
        .unwrap();
    let id = db
        .create_api_token(&actor(), account.id, "script", "h", None)
        .await
        .unwrap();
    assert_eq!(db.api_token(id).await.unwrap().last_used_at, None);
    let start = store::now();
    // Twenty requests ten seconds apart: 190 seconds, inside the five-minute granularity.
    for i in 0..20 {
        let at = start + Duration::seconds(10 * i);
        assert_eq!(
            db.check_api_token("h", at).await.unwrap(),
            TokenCheck::Live(account.id)
        );
    }
    let stored = db.api_token(id).await.unwrap().last_used_at.expect("used");
    assert!(
        (stored - start).num_milliseconds().abs() < 1,
        "written only by the first use: {stored} vs {start}"
    );
    // Once the stored time is five minutes old, the next use writes it again.
    let later = start + Duration::seconds(store::accounts::TOKEN_USE_GRANULARITY_SECONDS);
    db.check_api_token("h", later).await.unwrap();
    let stored = db.api_token(id).await.unwrap().last_used_at.expect("used");
    assert!((stored - later).num_milliseconds().abs() < 1, "{stored}");
}

#[tokio::test]
async fn lockouts_are_counted_per_key_and_lifted_with_an_audit_row() {
    let db = fresh_db().await.expect("db");
    let now = store::now();
    for i in 0..6 {
        db.record_login_failure("account:mentor@example.org", now - Duration::minutes(i))
            .await
            .unwrap();
    }
    db.record_login_failure("addr:10.0.0.9", now).await.unwrap();
    let since = now - Duration::minutes(15);
    let counts = db.login_failure_counts(since, 5).await.unwrap();
    assert_eq!(counts, vec![("account:mentor@example.org".to_owned(), 6)]);
    // The second oldest of six: with five allowed, the lockout ends when it ages out.
    let second = db
        .login_failure_at("account:mentor@example.org", since, 1)
        .await
        .unwrap()
        .expect("six failures");
    assert!(
        (second - (now - Duration::minutes(4)))
            .num_milliseconds()
            .abs()
            < 1
    );

    let removed = db
        .unlock_login(&actor(), "account:mentor@example.org")
        .await
        .unwrap();
    assert_eq!(removed, 6);
    assert!(db.login_failure_counts(since, 1).await.unwrap().len() == 1);
    assert_eq!(
        db.audit_count(Some(("login_lockout", "account:mentor@example.org")))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_name_search_takes_percent_and_underscore_literally() {
    let db = fresh_db().await.expect("db");
    for (name, email) in [
        ("Ward 50% Lead", "a@example.org"),
        ("Ward 500 Lead", "b@example.org"),
        ("Ward 5_0 Lead", "c@example.org"),
        ("Ward 510 Lead", "d@example.org"),
        ("Back\\slash Lead", "e@example.org"),
    ] {
        db.create_person(&actor(), &person(name, email))
            .await
            .unwrap();
    }
    let names = |search: &str| {
        let db = db.clone();
        let search = search.to_owned();
        async move {
            let filter = PeopleFilter {
                search: Some(search),
                ..PeopleFilter::default()
            };
            db.people(&filter, 50, 0)
                .await
                .unwrap()
                .people
                .into_iter()
                .map(|p| p.profile.name.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("50%").await, vec!["Ward 50% Lead"]);
    assert_eq!(names("5_0").await, vec!["Ward 5_0 Lead"]);
    assert_eq!(names("k\\s").await, vec!["Back\\slash Lead"]);
    assert_eq!(names("ward 5").await.len(), 4);
}
