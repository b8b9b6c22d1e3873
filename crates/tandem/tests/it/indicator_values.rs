//! Indicator values on the demo, read from the indicator engine the app builds from the
//! store, against figures worked out by hand from the demo's stated formulas (on SQLite, and
//! on PostgreSQL when `TANDEM_TEST_DATABASE_URL` is set).

use super::{Cli, ok};
use chrono::Datelike as _;
use indicators::periods::{Period, PeriodType};

#[test]
fn demo_indicator_values_match_the_hand_computed_ones() {
    let cli = Cli::new("indicator_values");
    ok(&cli.run(&["demo", "--no-serve"]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = store::Db::connect(&cli.url).await.expect("database");
        let code = domain::values::Slug::parse("safe_surgery_et").expect("code");
        let program = db.program_by_code(&code).await.expect("program").id;
        let unit = db
            .org_units()
            .await
            .expect("units")
            .into_iter()
            .find(|u| u.name.as_str() == "Debre Markos Referral Hospital")
            .expect("Debre Markos");
        let today = store::now().date_naive();
        let quarter = Period::containing(PeriodType::Quarterly, today)
            .and_then(|q| q.prev())
            .expect("last quarter");

        // The demo's formulas for Debre Markos, a pilot site mentored in every monitored month
        // k (0 = the oldest of the last 12 complete months): operations 118 + k; checklist use
        // min(40 + 8(k + 1), 85) %; infections max(60 − 5(k + 1), 30) per thousand; each
        // count rounded down.
        let last_month = Period::containing(PeriodType::Monthly, today)
            .and_then(|m| m.prev())
            .expect("last month");
        let month_index = |start: chrono::NaiveDate| {
            let months = (last_month.start().year() - start.year()) * 12
                + last_month.start().month() as i32
                - start.month() as i32;
            11 - i64::from(months)
        };
        let (mut operations, mut checklist, mut infections) = (0_i64, 0_i64, 0_i64);
        let mut month = quarter.start();
        while month <= quarter.end() {
            let k = month_index(month);
            assert!((0..12).contains(&k), "month {month} is monitored");
            let ops = 118 + k;
            operations += ops;
            checklist += ops * (40 + 8 * (k + 1)).min(85) / 100;
            infections += ops * (60 - 5 * (k + 1)).max(30) / 1000;
            month = month
                .checked_add_months(chrono::Months::new(1))
                .expect("next month");
        }
        let expected_ssc = 100.0 * checklist as f64 / operations as f64;
        let expected_ssi = 100.0 * infections as f64 / operations as f64;

        let records = db.indicators(program).await.expect("indicators");
        let wanted: Vec<_> = ["SSC_RATE", "SSI_RATE"]
            .iter()
            .map(|c| {
                records
                    .iter()
                    .find(|r| r.code == *c)
                    .expect("indicator")
                    .to_indicator()
                    .expect("valid")
            })
            .collect();
        let engines = app::engines::Engines::default();
        let figures = engines
            .read(&db, program, |engine| {
                let resolved: Vec<_> = wanted
                    .iter()
                    .map(|i| engine.catalog().resolve(i).expect("resolves"))
                    .collect();
                app::engines::quarter_figures(engine, &resolved, Some(unit.code.as_str()), &quarter)
            })
            .await
            .expect("figures");
        assert_eq!(
            figures[0].numerator, checklist as f64,
            "SSC_USED in {quarter}"
        );
        assert_eq!(
            figures[0].denominator, operations as f64,
            "OPERATIONS in {quarter}"
        );
        let ssc = figures[0].value.expect("a rate");
        let ssi = figures[1].value.expect("a rate");
        assert!((ssc - expected_ssc).abs() < 1e-9, "{ssc} vs {expected_ssc}");
        assert!((ssi - expected_ssi).abs() < 1e-9, "{ssi} vs {expected_ssi}");
        println!("{quarter} Debre Markos: checklist {ssc:.2} %, SSI {ssi:.2} %");
    });
}
