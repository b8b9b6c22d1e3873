//! The indicator engines (C10): one `indicators::engine::Engine` per program, built from the
//! store the first time the program's figures are asked for (at start for a serving process
//! that is then warm), so dashboards and reports read the columnar engine, never the row
//! store.
//!
//! Engines follow the store's ordered change log (`store::engine_changes`), never the write
//! paths of their own process: every write that changes what an engine holds logs it in its
//! own transaction, whichever process made it (this server, another server on the same
//! database, a command-line import), and each process applies the log in commit order — at
//! once after its own writes ([`Engines::catch_up`], so a person sees what they just saved),
//! and when woken by another's ([`follow`]). Each engine remembers the last entry it holds,
//! so an entry is applied to it exactly once.

use crate::Error;
use domain::field::ActivityKind;
use domain::ids::{ActivityId, ProgramId};
use domain::org_units::{OrgUnit, OrgUnitLevel};
use indicators::definitions::{Catalog, DataElement, ResolvedIndicator};
use indicators::engine::{Engine, EngineConfig, Fact, OrgTree, Query};
use indicators::periods::{Period, PeriodType};
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use store::Db;
use store::engine_changes::{EngineActivity, EngineChange, LoggedChange};

/// Modality codes the engine keeps per activity (its `Fact::modality`).
fn modality(kind: ActivityKind) -> u8 {
    match kind {
        ActivityKind::Visit => 0,
        ActivityKind::TeleSession => 1,
        ActivityKind::CheckIn => 2,
        ActivityKind::JointSession => 3,
        ActivityKind::TrainingSession => 4,
    }
}

/// Minutes a visit day counts when the visit has no duration (as the store's contact rows).
const VISIT_DAY_MINUTES: i64 = 480;

/// Log entries read at a time.
const LOG_BATCH: i64 = 1000;

/// Times a build starts over because the program's structure changed while it read.
const BUILD_ATTEMPTS: usize = 3;

fn engine_error(e: indicators::Error) -> Error {
    Error::caused("indicator engine", e)
}

/// A program's indicator value for one group of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The validation rules this value breaks, in words (`numerator 12 exceeds denominator 10`).
    pub violations: Vec<String>,
    /// Indicator code.
    pub code: String,
    /// `factor × numerator / denominator`, when the denominator is not 0.
    pub value: Option<f64>,
    /// Numerator sum.
    pub numerator: f64,
    /// Denominator sum.
    pub denominator: f64,
}

/// An engine and the last change-log entry it holds.
struct Loaded {
    engine: Engine,
    through: i64,
}

/// The engines of every program this process has been asked about.
#[derive(Default)]
pub struct Engines {
    by_program: RwLock<HashMap<ProgramId, Loaded>>,
    /// One catch-up at a time, so two never apply the same entry.
    following: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Engines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded = self.by_program.read().map(|m| m.len()).unwrap_or(0);
        write!(f, "Engines({loaded} loaded)")
    }
}

/// What applying one log entry did to an engine.
enum Applied {
    Kept,
    /// The engine cannot follow the change in place: build it again on the next read.
    Dropped,
}

impl Engines {
    /// Builds a program's engine from the store — the org-unit tree, the program's data
    /// elements and values, one fact per recorded activity — and the change-log entry it
    /// holds everything through.
    async fn build(db: &Db, program: ProgramId) -> Result<Loaded, Error> {
        for _ in 0..BUILD_ATTEMPTS {
            let before = db.last_engine_change().await?;
            if let Some(loaded) = Self::build_since(db, program, before).await? {
                return Ok(loaded);
            }
        }
        Err(Error::internal(
            "the program's data elements or org units kept changing while its engine was built",
        ))
    }

    /// Builds the engine from the rows when the log was known through `before`, then applies
    /// the entries after it. Those may or may not be in what the build read (they commit
    /// while it reads): values are set again, which changes nothing if they were; activities
    /// are appended unless the build read them. `None`: a structural change came in, start
    /// over.
    async fn build_since(
        db: &Db,
        program: ProgramId,
        before: i64,
    ) -> Result<Option<Loaded>, Error> {
        let (mut engine, read) = Self::build_from_rows(db, program).await?;
        let mut through = before;
        loop {
            let batch = db.engine_changes_after(through, LOG_BATCH).await?;
            let Some(last) = batch.last().map(|c| c.seq) else {
                return Ok(Some(Loaded { engine, through }));
            };
            let activities = activities_of(db, &batch, through, last).await?;
            let start_over = batch
                .iter()
                .filter(|c| concerns(c, program))
                .filter(|c| !matches!(c.change, EngineChange::Activity(id) if read.contains(&id)))
                .any(|c| matches!(apply(&mut engine, c, &activities), Applied::Dropped));
            if start_over {
                return Ok(None);
            }
            through = last;
        }
    }

    /// Builds the program's engine as if the build had begun when the log ended at `before`
    /// and every entry since had committed while it read — the window a build must count
    /// exactly once — and makes it this process's engine. For tests that place writes in
    /// that window.
    #[doc(hidden)]
    pub async fn build_as_of(&self, db: &Db, program: ProgramId, before: i64) -> Result<(), Error> {
        let loaded = Self::build_since(db, program, before)
            .await?
            .ok_or_else(|| Error::internal("a structural change came in"))?;
        self.lock_write()?.insert(program, loaded);
        Ok(())
    }

    /// The engine as the rows stand, and the activities it counted.
    async fn build_from_rows(
        db: &Db,
        program: ProgramId,
    ) -> Result<(Engine, HashSet<ActivityId>), Error> {
        let mut units: Vec<OrgUnit> = db.org_units().await?;
        // Parents before children: the tree checks each parent is already in.
        units.sort_by_key(|u| (u.path.matches('/').count(), u.path.clone()));
        let codes: HashMap<_, _> = units
            .iter()
            .map(|u| (u.id, u.code.as_str().to_owned()))
            .collect();
        let mut tree =
            OrgTree::new(OrgUnitLevel::ALL.iter().map(|l| l.as_str())).map_err(engine_error)?;
        for unit in &units {
            let parent = unit.parent.and_then(|p| codes.get(&p)).map(String::as_str);
            tree.add(unit.code.as_str(), parent).map_err(engine_error)?;
        }
        let mut catalog = Catalog::new();
        for element in db.data_elements(program).await? {
            catalog
                .add(DataElement {
                    code: element.code.clone(),
                    name: element.name.clone(),
                    category_option_combos: element.category_option_combo.into_iter().collect(),
                })
                .map_err(engine_error)?;
        }
        let config = EngineConfig {
            threads: 1,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config, tree, catalog).map_err(engine_error)?;
        for row in db.values_of(program, None, None).await? {
            let period = store::indicators::parse_period(&row.period, "period")
                .map_err(|e| Error::caused("stored period", e))?;
            engine
                .set_value(
                    &row.data_element_code,
                    None,
                    &row.org_unit_code,
                    period,
                    row.value,
                )
                .map_err(engine_error)?;
        }
        let (facts, read) = activity_facts(db, program, &engine, &codes).await?;
        engine.rebuild(facts).map_err(engine_error)?;
        Ok((engine, read))
    }

    /// Runs `read` on the program's engine, building it first if this process has none.
    pub async fn read<R>(
        &self,
        db: &Db,
        program: ProgramId,
        read: impl FnOnce(&Engine) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if !self.lock_read()?.contains_key(&program) {
            let loaded = Self::build(db, program).await?;
            self.lock_write()?.entry(program).or_insert(loaded);
        }
        let engines = self.lock_read()?;
        let loaded = engines
            .get(&program)
            .ok_or_else(|| Error::internal("engine dropped while reading"))?;
        read(&loaded.engine)
    }

    /// Applies every change-log entry the loaded engines do not hold yet, in order. Called
    /// after this process's own writes (so the writer's next page shows them) and by
    /// [`follow`] when another process may have written.
    pub async fn catch_up(&self, db: &Db) -> Result<(), Error> {
        let _turn = self.following.lock().await;
        loop {
            let Some(from) = self.lock_read()?.values().map(|l| l.through).min() else {
                return Ok(());
            };
            let batch = db.engine_changes_after(from, LOG_BATCH).await?;
            let Some(last) = batch.last().map(|c| c.seq) else {
                return Ok(());
            };
            let activities = activities_of(db, &batch, from, last).await?;
            {
                let mut engines = self.lock_write()?;
                let mut dropped = Vec::new();
                for (program, loaded) in engines.iter_mut() {
                    for change in &batch {
                        if change.seq <= loaded.through || !concerns(change, *program) {
                            continue;
                        }
                        if let Applied::Dropped = apply(&mut loaded.engine, change, &activities) {
                            dropped.push(*program);
                            break;
                        }
                    }
                    // An engine built meanwhile may already hold more than this batch.
                    loaded.through = loaded.through.max(last);
                }
                for program in dropped {
                    engines.remove(&program);
                }
            }
            if (batch.len() as i64) < LOG_BATCH {
                return Ok(());
            }
        }
    }

    /// [`Engines::catch_up`] after a write of this process that has committed: a failure to
    /// read the log must not turn a saved write into an error, so it is logged, and the
    /// follower retries within a second.
    pub async fn after_write(&self, db: &Db) {
        if let Err(error) = self.catch_up(db).await {
            tracing::warn!(error = %error.chain(), "indicator engines did not catch up after a write");
        }
    }

    /// The change-log entry each loaded engine holds everything through, by program.
    pub fn positions(&self) -> Result<HashMap<ProgramId, i64>, Error> {
        Ok(self
            .lock_read()?
            .iter()
            .map(|(program, loaded)| (*program, loaded.through))
            .collect())
    }

    fn lock_read(
        &self,
    ) -> Result<std::sync::RwLockReadGuard<'_, HashMap<ProgramId, Loaded>>, Error> {
        self.by_program
            .read()
            .map_err(|_| Error::internal("engine lock poisoned"))
    }

    fn lock_write(
        &self,
    ) -> Result<std::sync::RwLockWriteGuard<'_, HashMap<ProgramId, Loaded>>, Error> {
        self.by_program
            .write()
            .map_err(|_| Error::internal("engine lock poisoned"))
    }
}

/// Follows other processes' writes for as long as the process runs: each time the store says
/// there may be new log entries, the loaded engines catch up. Old entries are pruned now and
/// then (a process that starts builds from the rows).
pub async fn follow(app: crate::App) {
    let mut waker = loop {
        match app.db.engine_change_waker().await {
            Ok(waker) => break waker,
            Err(error) => {
                tracing::warn!(%error, "cannot follow other servers' writes yet; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    };
    let mut last_prune = std::time::Instant::now();
    loop {
        waker.wait().await;
        if let Err(error) = app.engines.catch_up(&app.db).await {
            tracing::warn!(error = %error.chain(), "indicator engines did not catch up");
        }
        if last_prune.elapsed() > std::time::Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            let before = store::now() - chrono::Duration::days(1);
            if let Err(error) = app.db.prune_engine_changes(before).await {
                tracing::warn!(%error, "pruning the engine change log failed");
            }
        }
    }
}

/// Whether a log entry concerns `program`'s engine.
fn concerns(change: &LoggedChange, program: ProgramId) -> bool {
    change.program.is_none_or(|p| p == program)
}

/// The activities the entries of `batch` (after `from`, through `last`) name.
async fn activities_of(
    db: &Db,
    batch: &[LoggedChange],
    from: i64,
    last: i64,
) -> Result<HashMap<ActivityId, EngineActivity>, Error> {
    if batch
        .iter()
        .any(|c| matches!(c.change, EngineChange::Activity(_)))
    {
        Ok(db.engine_activities(from, last).await?)
    } else {
        Ok(HashMap::new())
    }
}

/// Applies one entry to an engine.
fn apply(
    engine: &mut Engine,
    change: &LoggedChange,
    activities: &HashMap<ActivityId, EngineActivity>,
) -> Applied {
    let applied = match &change.change {
        EngineChange::Rebuild => return Applied::Dropped,
        EngineChange::Values(values) => values.iter().all(|v| {
            store::indicators::parse_period(&v.period, "period")
                .ok()
                .and_then(|p| {
                    engine
                        .set_value(&v.data_element, None, &v.org_unit, p, v.value)
                        .ok()
                })
                .is_some()
        }),
        EngineChange::Activity(id) => match activities.get(id) {
            // Activities without a facility are not counted by facility.
            Some(EngineActivity {
                facility_code: None,
                ..
            }) => true,
            Some(EngineActivity {
                activity,
                facility_code: Some(code),
                score,
            }) => fact_of(engine, activity, code.clone(), *score)
                .ok()
                .and_then(|fact| engine.append(&fact).ok())
                .is_some(),
            // Logged but not found: the store and the log disagree; read the rows again.
            None => false,
        },
    };
    if applied {
        Applied::Kept
    } else {
        // The store accepted what the engine could not place: rebuild on the next read.
        Applied::Dropped
    }
}

fn fact_of(
    engine: &Engine,
    activity: &store::visits::Activity,
    facility: String,
    score: Option<f64>,
) -> Result<Fact, Error> {
    let days = (activity.ends_on - activity.starts_on).num_days() + 1;
    let minutes = match activity.duration_minutes {
        Some(m) => m,
        None if activity.kind == ActivityKind::Visit => days * VISIT_DAY_MINUTES,
        None => 0,
    };
    Ok(Fact {
        facility: engine.tree().facility(&facility).map_err(engine_error)?,
        period: Period::containing(PeriodType::Monthly, activity.starts_on)
            .map_err(engine_error)?,
        cadre: 0,
        modality: modality(activity.kind),
        minutes: u16::try_from(minutes.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX),
        score,
    })
}

async fn activity_facts(
    db: &Db,
    program: ProgramId,
    engine: &Engine,
    codes: &HashMap<domain::ids::OrgUnitId, String>,
) -> Result<(Vec<Fact>, HashSet<ActivityId>), Error> {
    let activities = db
        .activities(program, &store::visits::ActivityFilter::default())
        .await?;
    // The first checklist of an activity scores it (a visit usually fills one).
    let mut scores: HashMap<ActivityId, f64> = HashMap::new();
    for (activity, percent) in db.checklist_percents(program).await? {
        scores.entry(activity).or_insert(percent);
    }
    let mut facts = Vec::with_capacity(activities.len());
    for activity in &activities {
        if let Some(code) = activity.facility.and_then(|f| codes.get(&f)) {
            let score = scores.get(&activity.id).copied();
            facts.push(fact_of(engine, activity, code.clone(), score)?);
        }
    }
    Ok((facts, activities.iter().map(|a| a.id).collect()))
}

/// Each indicator of `resolved` for `quarter`, within the org unit `within` (its code; `None`:
/// every root), read from the engine.
pub fn quarter_figures(
    engine: &Engine,
    resolved: &[ResolvedIndicator],
    within: Option<&str>,
    quarter: &Period,
) -> Result<Vec<Figure>, Error> {
    let query = quarter_query(engine, within, quarter)?;
    let many = engine
        .evaluate_many(resolved, &query)
        .map_err(engine_error)?;
    let mut figures: Vec<Figure> = resolved
        .iter()
        .map(|r| Figure {
            violations: Vec::new(),
            code: r.indicator.code.clone(),
            value: None,
            numerator: 0.0,
            denominator: 0.0,
        })
        .collect();
    for row in many.rows {
        for (figure, value) in figures.iter_mut().zip(row.values) {
            figure.numerator += value.numerator;
            figure.denominator += value.denominator;
        }
    }
    for (figure, r) in figures.iter_mut().zip(resolved) {
        figure.value = r.indicator.value(figure.numerator, figure.denominator);
        figure.violations = many
            .violations
            .iter()
            .filter(|v| v.indicator == figure.code)
            .map(|v| v.detail.clone())
            .collect();
    }
    Ok(figures)
}

/// Visits and contact minutes in `quarter` within `within`, from the engine's facts.
pub fn quarter_activity(
    engine: &Engine,
    within: Option<&str>,
    quarter: &Period,
) -> Result<(u64, u64), Error> {
    let rows = engine
        .group(&quarter_query(engine, within, quarter)?)
        .map_err(engine_error)?;
    Ok(rows.iter().fold((0, 0), |(v, m), r| {
        (v + r.measures.visits, m + r.measures.minutes)
    }))
}

/// The engine query for one quarter within an org unit (grouped at that unit's level, so one
/// group) or over the whole tree.
fn quarter_query(engine: &Engine, within: Option<&str>, quarter: &Period) -> Result<Query, Error> {
    let within = match within {
        Some(code) => Some(engine.tree().find(code).map_err(engine_error)?),
        None => None,
    };
    let first = Period::containing(PeriodType::Monthly, quarter.start()).map_err(engine_error)?;
    let last = Period::containing(PeriodType::Monthly, quarter.end()).map_err(engine_error)?;
    Ok(Query {
        within,
        period_type: Some(PeriodType::Quarterly),
        from: Some(first),
        to: Some(last),
        level: within.map(|w| engine.tree().level_of(w)),
        ..Query::default()
    })
}
