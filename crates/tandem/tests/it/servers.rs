//! Several servers on one database: each keeps its own indicator engines in memory, and a
//! write on one — or a command-line import — reaches every other's figures within a second,
//! through the store's change log (on SQLite's shared file by polling, on PostgreSQL by
//! LISTEN/NOTIFY), each change applied exactly once.

use super::{Cli, ok, open_demo};
use app::App;
use domain::ids::ProgramId;
use indicators::periods::{Period, PeriodType};
use std::time::{Duration, Instant};
use store::visits::{NewActivity, NewParticipant};

/// What a process's engine says for the program over `quarter`: visits and contact minutes.
async fn activity(app: &App, program: ProgramId, quarter: &Period) -> (u64, u64) {
    app.engines
        .read(&app.db, program, |engine| {
            app::engines::quarter_activity(engine, None, quarter)
        })
        .await
        .expect("figures")
}

/// The sum of `element`'s values over `quarter`, as a process's engine holds them.
async fn value_sum(app: &App, program: ProgramId, element: &str, quarter: &Period) -> f64 {
    let indicator = indicators::definitions::Indicator::new(
        "SUM",
        "sum",
        indicators::definitions::Category::Input,
        &format!("#{{{element}}}"),
        "1",
        1.0,
    )
    .expect("an indicator");
    app.engines
        .read(&app.db, program, |engine| {
            let resolved = engine.catalog().resolve(&indicator).expect("resolves");
            app::engines::quarter_figures(engine, &[resolved], None, quarter)
        })
        .await
        .expect("figures")[0]
        .numerator
}

/// Waits until `check` holds, at most `limit`; how long it took.
async fn within<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() <= limit {
        if check().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// A visit like the program's first one with a facility, on `day`.
pub(super) async fn a_visit(
    db: &store::Db,
    program: ProgramId,
    day: chrono::NaiveDate,
) -> NewActivity {
    let first = db
        .activities(program, &store::visits::ActivityFilter::default())
        .await
        .expect("activities")
        .into_iter()
        .find(|a| a.facility.is_some() && a.kind == domain::field::ActivityKind::Visit)
        .expect("a demo visit");
    let detail = db.activity(first.id).await.expect("its detail");
    NewActivity {
        kind: "visit".into(),
        facility: first.facility,
        starts_on: Some(day.to_string()),
        ends_on: Some(day.to_string()),
        duration_minutes: Some(240),
        summary: "Coaching in theatre".into(),
        participants: detail
            .participants
            .iter()
            .map(|p| NewParticipant {
                person: p.person,
                role: p.role.as_str().into(),
                attended: true,
            })
            .collect(),
        ..NewActivity::default()
    }
}

#[test]
fn a_write_on_one_server_reaches_the_others_figures_within_a_second() {
    let cli = Cli::new("two_servers");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    runtime.block_on(async {
        // Two servers: each its own pool and engines, B following the log as `serve` does.
        let a = App::new(store::Db::connect(&cli.url).await.expect("pool A")).expect("app A");
        let b = App::new(store::Db::connect(&cli.url).await.expect("pool B")).expect("app B");
        let follower = tokio::spawn(app::engines::follow(b.clone()));
        let today = store::now().date_naive();
        let quarter = Period::containing(PeriodType::Quarterly, today).expect("quarter");
        let (visits, minutes) = activity(&b, program, &quarter).await;
        assert_eq!(activity(&a, program, &quarter).await, (visits, minutes));

        // A visit recorded on A: A's own figures have it at once, B's within a second.
        let actor = store::Actor::system("test");
        let visit = a_visit(&db, program, today).await;
        app::field::record_activity(&a, &actor, program, None, async {
            Ok::<_, app::Error>(visit.clone())
        })
        .await
        .expect("recorded");
        assert_eq!(
            activity(&a, program, &quarter).await,
            (visits + 1, minutes + 240)
        );
        let took = within(Duration::from_secs(1), || async {
            activity(&b, program, &quarter).await == (visits + 1, minutes + 240)
        })
        .await;
        println!("a visit reached server B in {took:?}");
        assert!(took.is_some(), "server B still shows {visits} visits");

        // Values saved by a command-line import (another process) reach both.
        let element = db
            .data_elements(program)
            .await
            .expect("elements")
            .into_iter()
            .next()
            .expect("a data element");
        let facility = db
            .org_unit(visit.facility.expect("a facility"))
            .await
            .expect("facility");
        let month = Period::containing(PeriodType::Monthly, today).expect("month");
        let before = value_sum(&b, program, &element.code, &quarter).await;
        let stored = db
            .values_of(program, None, None)
            .await
            .expect("values")
            .into_iter()
            .find(|v| {
                v.data_element_code == element.code
                    && v.org_unit_code == facility.code.as_str()
                    && v.period == month.to_string()
            })
            .map_or(0.0, |v| v.value);
        let csv = cli.file(
            "values.csv",
            &format!(
                "data_element,org_unit,period,value\n{},{},{month},{}\n",
                element.code,
                facility.code.as_str(),
                stored + 7.0
            ),
        );
        ok(&cli.run(&["import", "values", &csv, "--program", "safe_surgery_et"]));
        let took = within(Duration::from_secs(1), || async {
            value_sum(&b, program, &element.code, &quarter).await == before + 7.0
        })
        .await;
        println!("an import reached server B in {took:?}");
        assert!(took.is_some(), "server B's {} did not move", element.code);

        // Twenty visits recorded at once on A while B follows and a server D builds its
        // engine: each counted once on all three, as a server that builds its engine from the
        // rows afterwards counts them.
        let d = App::new(store::Db::connect(&cli.url).await.expect("pool D")).expect("app D");
        let building = tokio::spawn({
            let d = d.clone();
            async move { activity(&d, program, &quarter).await }
        });
        let mut recordings = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (a, actor, visit) = (a.clone(), actor.clone(), visit.clone());
            recordings.spawn(async move {
                app::field::record_activity(&a, &actor, program, None, async {
                    Ok::<_, app::Error>(visit)
                })
                .await
                .map(|_| ())
            });
        }
        while let Some(recorded) = recordings.join_next().await {
            recorded.expect("joined").expect("recorded");
        }
        let fresh = App::new(store::Db::connect(&cli.url).await.expect("pool C")).expect("app C");
        let expected = activity(&fresh, program, &quarter).await;
        assert_eq!(expected.0, visits + 21);
        assert_eq!(activity(&a, program, &quarter).await, expected);
        building.await.expect("D built its engine");
        d.engines.catch_up(&d.db).await.expect("D caught up");
        assert_eq!(activity(&d, program, &quarter).await, expected);
        let took = within(Duration::from_secs(1), || async {
            activity(&b, program, &quarter).await == expected
        })
        .await;
        assert!(took.is_some(), "server B differs from the rows");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            activity(&b, program, &quarter).await,
            expected,
            "applied twice"
        );
        follower.abort();
    });
}

#[test]
fn an_engine_built_while_writes_commit_counts_each_of_them_once() {
    let cli = Cli::new("build_window");
    let (runtime, db, program) = open_demo(&cli, "safe_surgery_et");
    runtime.block_on(async {
        let writer = App::new(db.clone()).expect("app");
        let today = store::now().date_naive();
        let quarter = Period::containing(PeriodType::Quarterly, today).expect("quarter");
        let visit = a_visit(&db, program, today).await;
        // The log as a build that starts now would see it; then three visits commit, which
        // that build both reads from the rows and finds in the log after `before`.
        let before = db.last_engine_change().await.expect("log position");
        for _ in 0..3 {
            app::field::record_activity(
                &writer,
                &store::Actor::system("test"),
                program,
                None,
                async { Ok::<_, app::Error>(visit.clone()) },
            )
            .await
            .expect("recorded");
        }
        let built = App::new(db.clone()).expect("app");
        built
            .engines
            .build_as_of(&db, program, before)
            .await
            .expect("built");
        let fresh = App::new(db.clone()).expect("app");
        let expected = activity(&fresh, program, &quarter).await;
        assert_eq!(activity(&built, program, &quarter).await, expected);
        let position = built.engines.positions().expect("positions")[&program];
        assert_eq!(
            position,
            db.last_engine_change().await.expect("log position")
        );
    });
}
