//! `tandem demo`: two realistic programs, loaded once.
//!
//! 1. A peer research collaborative of 16 alumni of one Nigerian medical school class, living
//!    in Nigeria, the UK, the US and Canada, with three peer leaders (shaped like the seed
//!    report in `shared/seeds/000_…`), and 18 months of its history ending today: five
//!    projects with CRediT roles, tasks and milestones, two papers, three talks, two
//!    trainings, fortnightly meetings with uneven attendance, everyone's weekly availability
//!    and the next four weekly meetings (`research::demo`, `scheduling::demo`).
//! 2. A surgical mentorship program shaped like Ethiopia's Safe Surgery 2020: three regions,
//!    nine hospitals, surgeon/anesthetist/OR-nurse mentors per region and mentees per hospital,
//!    a medical director per hospital as facility leader, a regional health bureau viewer;
//!    and its twelve months in the field ending today: two required courses (two Leku
//!    mentees still missing one, so their pairings await training), the hospitals as sites
//!    in waves (three pilots active for a year, six scale-up sites for half a year, Leku
//!    still being assessed) with baseline assessments, the dose plan, two-day coaching visits
//!    every two months with the XLSForm checklist scored and a debrief with action items,
//!    weekly tele-sessions, weekly check-ins and two joint learning sessions; and its
//!    monitoring data: a year of monthly operations, checklist use, infections and deaths per
//!    active hospital (two months reported late), four indicators, and last quarter's and
//!    this quarter's targets nationally and per region, signed by the stakeholder groups
//!    (one still awaiting its regional health bureau).
//!
//! Every name is invented. Places are real towns; hospitals are named generically.
//!
//! This file holds the entry point and the `Loader` with the steps both programs take (org
//! units, people, memberships, accounts, the program) and the time of day both histories
//! write at. The rest has a file per part: `collaborative` (the research collaborative's
//! people, program and pairing) and `collaborative_history` (its 18 months); `surgery` (the
//! surgical program's places and people, then its year step by step), `sites` (its hospitals
//! in waves, visit days and checklist gaps), `training`, `field_history` (its activities in
//! the field), `readiness_form` (the situation-analysis questionnaire) and `monitoring` (its
//! values, indicators and signed targets); `pairing` (the matching and facility workflows, as
//! a manager runs them).

mod collaborative;
mod collaborative_history;
mod field_history;
mod monitoring;
mod pairing;
mod readiness_form;
mod sites;
mod surgery;
mod training;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::access::Role;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::org_units::OrgUnitInput;
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, OrgUnitCode, Slug};
use std::collections::HashMap;
use std::fmt::Write as _;
use store::{Actor, Db};

/// The password of every demo account. Demo data is for trying tandem out, never production.
pub const DEMO_PASSWORD: &str = "tandem-demo-2026";

const RESEARCH: &str = "uniben_2008";
const SURGERY: &str = "safe_surgery_et";

/// Loads the demo unless already loaded; returns the sign-ins to print.
pub async fn load(db: &Db) -> anyhow::Result<String> {
    let already = db.program_by_code(&Slug::parse(SURGERY)?).await.is_ok();
    if !already {
        let actor = Actor::system("demo");
        let hash =
            app::accounts::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut loader = Loader {
            db,
            actor,
            hash,
            units: HashMap::new(),
        };
        loader
            .research()
            .await
            .context("loading the peer research collaborative")?;
        loader
            .surgery()
            .await
            .context("loading the surgical mentorship program")?;
    }
    let mut out = String::new();
    writeln!(
        out,
        "Demo programs {}. Sign in with password {DEMO_PASSWORD} as:",
        if already { "already loaded" } else { "loaded" }
    )?;
    for (user, what) in SIGN_INS {
        writeln!(out, "  {user:<40} {what}")?;
    }
    Ok(out)
}

/// Demo accounts and what each shows.
pub const SIGN_INS: &[(&str, &str)] = &[
    ("admin@demo.tandem", "system administrator: everything"),
    (
        "manager@demo.tandem",
        "program manager, Safe Surgery Ethiopia",
    ),
    (
        "regional.amhara@demo.tandem",
        "regional viewer, Amhara region",
    ),
    (
        "director.debremarkos@demo.tandem",
        "facility leader, Debre Markos hospital",
    ),
    (
        "mentor.surgeon.amhara@demo.tandem",
        "surgeon mentor, Amhara",
    ),
    (
        "mentee.surgeon.debremarkos@demo.tandem",
        "surgeon mentee, Debre Markos",
    ),
    (
        "peer.leader@demo.tandem",
        "peer leader and manager, UNIBEN 2008 research collaborative",
    ),
    (
        "peer.member@demo.tandem",
        "peer member, UNIBEN 2008 research collaborative",
    ),
];

struct Loader<'a> {
    db: &'a Db,
    actor: Actor,
    hash: String,
    units: HashMap<String, OrgUnitId>,
}

/// Noon or evening (`hour`) UTC on a day: when the history says "on that day".
fn at_utc(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

impl Loader<'_> {
    async fn unit(
        &mut self,
        parent: Option<&str>,
        level: &str,
        code: &str,
        name: &str,
        at: Option<(f64, f64)>,
    ) -> anyhow::Result<OrgUnitId> {
        let input = OrgUnitInput {
            parent_code: parent.map(str::to_owned),
            level: level.into(),
            code: code.into(),
            name: name.into(),
            dhis2_uid: None,
            latitude: at.map(|a| a.0),
            longitude: at.map(|a| a.1),
        };
        let new = input
            .validate()
            .map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
        let unit = match self.db.org_unit_by_code(&OrgUnitCode::parse(code)?).await {
            Ok(existing) => existing,
            Err(_) => self.db.create_org_unit(&self.actor, &new).await?,
        };
        self.units.insert(code.to_owned(), unit.id);
        Ok(unit.id)
    }

    async fn person(&self, input: PersonInput) -> anyhow::Result<PersonId> {
        let name = input.name.clone();
        let profile = input
            .validate()
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        Ok(self.db.create_person(&self.actor, &profile).await?.id)
    }

    async fn member(
        &self,
        program: ProgramId,
        person: PersonId,
        role: Role,
        unit: &str,
    ) -> anyhow::Result<()> {
        let unit = *self
            .units
            .get(unit)
            .with_context(|| format!("unit {unit}"))?;
        self.db
            .add_membership(&self.actor, program, person, role, unit)
            .await?;
        Ok(())
    }

    async fn account(
        &self,
        username: &str,
        person: Option<PersonId>,
        admin: bool,
    ) -> anyhow::Result<()> {
        self.db
            .create_account(&self.actor, username, &self.hash, person, admin)
            .await?;
        Ok(())
    }

    async fn program(
        &self,
        code: &str,
        name: &str,
        kind: ProgramKind,
        description: &str,
        root: Option<&str>,
    ) -> anyhow::Result<ProgramId> {
        let root_org_unit = root.and_then(|r| self.units.get(r).copied());
        let new = NewProgram {
            code: Slug::parse(code)?,
            name: Name::parse(name)?,
            kind,
            description: description.into(),
            root_org_unit,
        };
        Ok(self.db.create_program(&self.actor, &new).await?.id)
    }
}
