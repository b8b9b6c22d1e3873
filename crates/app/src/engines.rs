//! The indicator engines (C10): one `indicators::engine::Engine` per program, built from the
//! store the first time the program's figures are asked for (at start for a serving process
//! that is then warm) and kept current by the write paths of this process — values saved,
//! activities recorded — so dashboards and reports read the columnar engine, never the row
//! store. Structural changes (new org units or data elements) drop the engine and the next
//! read rebuilds it.
//!
//! Writes made by another process (a CLI import while the server runs) are not seen until
//! the engine is rebuilt; `invalidate_all` is the hook for them.

use crate::Error;
use domain::field::ActivityKind;
use domain::ids::ProgramId;
use domain::org_units::{OrgUnit, OrgUnitLevel};
use indicators::definitions::{Catalog, DataElement, ResolvedIndicator};
use indicators::engine::{Engine, EngineConfig, Fact, OrgTree, Query};
use indicators::periods::{Period, PeriodType};
use std::collections::HashMap;
use std::sync::RwLock;
use store::Db;

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

/// The engines of every program this process has been asked about.
#[derive(Default)]
pub struct Engines {
    by_program: RwLock<HashMap<ProgramId, Engine>>,
}

impl std::fmt::Debug for Engines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded = self.by_program.read().map(|m| m.len()).unwrap_or(0);
        write!(f, "Engines({loaded} loaded)")
    }
}

impl Engines {
    /// Builds a program's engine from the store: the org-unit tree, the program's data
    /// elements and values, and one fact per recorded activity.
    pub async fn build(db: &Db, program: ProgramId) -> Result<Engine, Error> {
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
        let facts = activity_facts(db, program, &engine, &codes).await?;
        engine.rebuild(facts).map_err(engine_error)?;
        Ok(engine)
    }

    /// Runs `read` on the program's engine, building it first if this process has none.
    pub async fn read<R>(
        &self,
        db: &Db,
        program: ProgramId,
        read: impl FnOnce(&Engine) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if !self.lock_read()?.contains_key(&program) {
            let engine = Self::build(db, program).await?;
            self.lock_write()?.entry(program).or_insert(engine);
        }
        let engines = self.lock_read()?;
        let engine = engines
            .get(&program)
            .ok_or_else(|| Error::internal("engine dropped while reading"))?;
        read(engine)
    }

    /// Keeps a loaded engine current after values were saved (an engine not loaded yet will
    /// read them when it is built).
    pub fn values_saved(&self, program: ProgramId, values: &[domain::indicators::NewValue]) {
        let Ok(mut engines) = self.by_program.write() else {
            return;
        };
        let Some(engine) = engines.get_mut(&program) else {
            return;
        };
        let mut failed = false;
        for v in values {
            let applied = store::indicators::parse_period(&v.period, "period")
                .ok()
                .and_then(|p| {
                    engine
                        .set_value(&v.data_element_code, None, &v.org_unit_code, p, v.value)
                        .ok()
                });
            failed |= applied.is_none();
        }
        if failed {
            // The store accepted what the engine could not place: rebuild on the next read.
            engines.remove(&program);
        }
    }

    /// Keeps a loaded engine current after an activity at the facility `facility_code` was
    /// recorded, scored `score` percent by its checklist (activities without a facility are
    /// not counted by facility).
    pub fn activity_recorded(
        &self,
        program: ProgramId,
        activity: &store::visits::Activity,
        facility_code: Option<&str>,
        score: Option<f64>,
    ) {
        let Some(code) = facility_code else {
            return;
        };
        let Ok(mut engines) = self.by_program.write() else {
            return;
        };
        let Some(engine) = engines.get_mut(&program) else {
            return;
        };
        let appended = fact_of(engine, activity, code.to_owned(), score)
            .ok()
            .and_then(|fact| engine.append(&fact).ok());
        if appended.is_none() {
            engines.remove(&program);
        }
    }

    /// Drops a program's engine (its data elements changed); the next read rebuilds it.
    pub fn invalidate(&self, program: ProgramId) {
        if let Ok(mut engines) = self.by_program.write() {
            engines.remove(&program);
        }
    }

    /// Drops every engine (the org-unit tree changed).
    pub fn invalidate_all(&self) {
        if let Ok(mut engines) = self.by_program.write() {
            engines.clear();
        }
    }

    fn lock_read(
        &self,
    ) -> Result<std::sync::RwLockReadGuard<'_, HashMap<ProgramId, Engine>>, Error> {
        self.by_program
            .read()
            .map_err(|_| Error::internal("engine lock poisoned"))
    }

    fn lock_write(
        &self,
    ) -> Result<std::sync::RwLockWriteGuard<'_, HashMap<ProgramId, Engine>>, Error> {
        self.by_program
            .write()
            .map_err(|_| Error::internal("engine lock poisoned"))
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
) -> Result<Vec<Fact>, Error> {
    let activities = db
        .activities(program, &store::visits::ActivityFilter::default())
        .await?;
    // The first checklist of an activity scores it (a visit usually fills one).
    let mut scores: HashMap<domain::ids::ActivityId, f64> = HashMap::new();
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
    Ok(facts)
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
