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

use anyhow::Context;
use app::proposals::reasons::DEMO;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Timelike, Utc};
use domain::access::Role;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::org_units::OrgUnitInput;
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::TimeZone;
use domain::values::{Name, Orcid, OrgUnitCode, Slug};
use indicators::definitions::ValidationRule;
use matching::criteria::Settings;
use research::credit::Degree;
use research::pipeline::Stage;
use research::{MemberId, Output};
use scheduling::demo::DEMO_ZONES;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use store::matching::RuleKind;
use store::research::{NewOutput, OutputAuthor};
use store::scheduling::{NewSeries, Window, WindowKind};
use store::{Actor, Db};

/// A demo facility: (code, name, latitude, longitude).
type DemoFacility = (&'static str, &'static str, f64, f64);

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

struct Member<'a> {
    name: &'a str,
    cadre: &'a str,
    years: i64,
    tz: &'a str,
    residence: &'a str,
    languages: &'a str,
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

    async fn research(&mut self) -> anyhow::Result<()> {
        self.unit(None, "country", "NG", "Nigeria", None).await?;
        self.unit(Some("NG"), "region", "NG-ED", "Edo State", None)
            .await?;
        self.unit(Some("NG-ED"), "district", "NG-ED-OR", "Oredo", None)
            .await?;
        self.unit(
            Some("NG-ED-OR"),
            "facility",
            "NG-ED-OR-UBTH",
            "University Teaching Hospital, Benin City",
            Some((6.3990, 5.6130)),
        )
        .await?;
        self.unit(None, "country", "GB", "United Kingdom", None)
            .await?;
        self.unit(None, "country", "US", "United States", None)
            .await?;
        self.unit(None, "country", "CA", "Canada", None).await?;
        let program = self
            .program(
                RESEARCH,
                "UNIBEN Class of 2008 Research Collaborative",
                ProgramKind::PeerResearch,
                "Sixteen alumni of one medical school class, on three continents, producing research together: papers, a mixed-methods study, trainings and conference talks.",
                Some("NG"),
            )
            .await?;
        // (name, cadre, years of research experience, zone, residence, languages)
        let members = [
            Member {
                name: "Osagie Igbinedion",
                cadre: "public_health_physician",
                years: 12,
                tz: "Europe/London",
                residence: "GB",
                languages: "en, bin",
            },
            Member {
                name: "Ifeoma Nwachukwu",
                cadre: "paediatrician",
                years: 10,
                tz: "America/Toronto",
                residence: "CA",
                languages: "en, ig",
            },
            Member {
                name: "Babatunde Adeyemi",
                cadre: "epidemiologist",
                years: 11,
                tz: "America/New_York",
                residence: "US",
                languages: "en, yo",
            },
            Member {
                name: "Ehi Omoregie",
                cadre: "physician",
                years: 2,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, bin",
            },
            Member {
                name: "Nosa Uwaifo",
                cadre: "surgeon",
                years: 1,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, bin",
            },
            Member {
                name: "Adaeze Okonkwo",
                cadre: "obstetrician",
                years: 4,
                tz: "Europe/London",
                residence: "GB",
                languages: "en, ig",
            },
            Member {
                name: "Funmilayo Ogunleye",
                cadre: "physician",
                years: 0,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, yo",
            },
            Member {
                name: "Chukwudi Eze",
                cadre: "psychiatrist",
                years: 3,
                tz: "America/Chicago",
                residence: "US",
                languages: "en, ig",
            },
            Member {
                name: "Efosa Aigbe",
                cadre: "physician",
                years: 1,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, bin",
            },
            Member {
                name: "Omonigho Ehigie",
                cadre: "anaesthetist",
                years: 2,
                tz: "Europe/London",
                residence: "GB",
                languages: "en",
            },
            Member {
                name: "Zainab Bello",
                cadre: "public_health_physician",
                years: 5,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, ha",
            },
            Member {
                name: "Uyi Osaretin",
                cadre: "family_physician",
                years: 2,
                tz: "America/Edmonton",
                residence: "CA",
                languages: "en",
            },
            Member {
                name: "Itohan Ogbemudia",
                cadre: "paediatrician",
                years: 3,
                tz: "Europe/London",
                residence: "GB",
                languages: "en, bin",
            },
            Member {
                name: "Kelechi Obi",
                cadre: "physician",
                years: 1,
                tz: "America/New_York",
                residence: "US",
                languages: "en, ig",
            },
            Member {
                name: "Oluwaseun Afolabi",
                cadre: "surgeon",
                years: 0,
                tz: "Africa/Lagos",
                residence: "NG",
                languages: "en, yo",
            },
            Member {
                name: "Aisosa Edobor",
                cadre: "physician",
                years: 6,
                tz: "America/Los_Angeles",
                residence: "US",
                languages: "en, bin",
            },
        ];
        let mut ids = Vec::new();
        let mut people = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            let slug = m.name.to_lowercase().replace(' ', ".");
            let orcid = Orcid::from_digits(&format!("000000021{:06}", 430_000 + i * 37))?;
            let input = PersonInput {
                name: m.name.into(),
                cadre: Some(m.cadre.into()),
                disciplines: vec!["global_health".into()],
                years_experience: Some(m.years),
                languages: vec![m.languages.into()],
                time_zone: m.tz.into(),
                country_of_residence: Some(m.residence.into()),
                home_country: Some("NG".into()),
                orcid: Some(orcid.to_string()),
                phone: None,
                email: Some(format!("{slug}@alumni.example.org")),
                contact_consent: vec!["email".into()],
            };
            let id = self.person(input).await?;
            let role = if i < 3 { Role::Mentor } else { Role::Mentee };
            self.member(program, id, role, m.residence).await?;
            ids.push(id);
            people.push(Collaborator {
                id,
                name: m.name,
                zone: m.tz,
                orcid: orcid.as_str().to_owned(),
            });
        }
        // Peer leaders take any member whatever their specialty; the working-hours criterion
        // groups members with a leader whose day they share.
        let settings = Settings {
            cadre_pairs: vec![("*".into(), "*".into())],
            default_capacity: 5,
            ..Settings::default()
        };
        self.match_and_approve(program, &settings, &[], &[]).await?;
        // The first peer leader also runs the collaborative.
        self.member(program, ids[0], Role::ProgramManager, "NG")
            .await?;
        self.account("peer.leader@demo.tandem", Some(ids[0]), false)
            .await?;
        self.account("peer.member@demo.tandem", Some(ids[3]), false)
            .await?;
        // After matching, so the history (availability included) leaves the pairings as the
        // matching workflow made them.
        self.research_history(program, &people)
            .await
            .context("loading the collaborative's 18 months of history")?;
        Ok(())
    }

    /// Loads the collaborative's history (issue 6): 18 months shaped like the seed report,
    /// from `research::demo` (projects, roles, tasks, outputs, sessions and attendance) and
    /// `scheduling::demo` (availability), ending today so the participation figures and
    /// disengagement warnings are current. Then plans the next four weekly meetings so the
    /// scheduling page has upcoming sessions. Every write goes through a store method, so
    /// each is audited like a user's.
    async fn research_history(
        &self,
        program: ProgramId,
        people: &[Collaborator<'_>],
    ) -> anyhow::Result<()> {
        let team = by_demo_index(people)?;
        let today = store::now().date_naive();
        let history = research::demo::demo_history(today - Duration::days(HISTORY_DAYS));
        anyhow::ensure!(
            history.members.len() == team.len(),
            "the research demo has {} members, the collaborative {}",
            history.members.len(),
            team.len()
        );
        let person = |member: MemberId| -> anyhow::Result<&Collaborator<'_>> {
            let index = usize::try_from(member.0)?;
            team.get(index)
                .copied()
                .with_context(|| format!("research demo member {index} has no person"))
        };

        let availability = scheduling::demo::demo_collaborative_availability();
        anyhow::ensure!(
            availability.len() == team.len(),
            "the scheduling demo has {} members, the collaborative {}",
            availability.len(),
            team.len()
        );
        for member in &availability {
            let who = team
                .get(member.index)
                .with_context(|| format!("scheduling demo member {}", member.index))?;
            // The windows are local times: in another zone they would mean other hours.
            anyhow::ensure!(
                member.availability.zone().as_str() == who.zone,
                "{} lives in {}, the scheduling demo's member {} in {}",
                who.name,
                who.zone,
                member.index,
                member.availability.zone().as_str()
            );
            let windows: Vec<Window> = member
                .availability
                .windows()
                .iter()
                .map(stored_window)
                .collect::<anyhow::Result<_>>()?;
            self.db
                .set_availability(&self.actor, who.id, &windows)
                .await?;
        }

        let mut project_ids = Vec::with_capacity(history.projects.len());
        for project in &history.projects {
            let id = self
                .db
                .create_project(&self.actor, program, &project.title, "", Stage::Idea.id())
                .await?
                .id;
            // Replaying every change, the rejection and revision included, keeps the audit
            // trail the same shape as the real pipeline's.
            for change in &project.history {
                self.db
                    .move_project(&self.actor, id, change.stage.id())
                    .await?;
            }
            let given_on = at_utc(project.started_on, 12);
            for member in &project.members {
                let roles: Vec<(String, String)> = member
                    .roles
                    .iter()
                    .map(|r| {
                        (
                            r.role.slug().to_owned(),
                            r.degree.map_or("", Degree::id).to_owned(),
                        )
                    })
                    .collect();
                self.db
                    .add_project_roles_on(
                        &self.actor,
                        id,
                        person(member.member)?.id,
                        &roles,
                        given_on,
                    )
                    .await?;
            }
            for task in &project.tasks {
                let owner = person(task.owner)?.id;
                self.task(id, "task", &task.title, owner, task.due_on, task.done_on)
                    .await?;
            }
            for milestone in &project.milestones {
                let owner = person(milestone.owner)?.id;
                self.task(
                    id,
                    "milestone",
                    &milestone.title,
                    owner,
                    milestone.due_on,
                    milestone.reached_on,
                )
                .await?;
            }
            project_ids.push(id);
        }

        // In date order across projects, so each stretch first (first author, lead
        // presenter) goes to the member who held the role earliest.
        let mut outputs: Vec<(i64, &Output)> = history
            .projects
            .iter()
            .zip(&project_ids)
            .flat_map(|(p, id)| p.outputs.iter().map(move |o| (*id, o)))
            .collect();
        outputs.sort_by_key(|(_, o)| o.date());
        for (project, output) in outputs {
            let new = new_output(project, output, &person)?;
            self.db.add_output(&self.actor, program, &new).await?;
        }

        let organiser = person(MemberId(0))?;
        let organiser_zone = TimeZone::parse(organiser.zone)?;
        // Consecutive meetings expecting the same members are one series (in the demo all
        // are): one transaction for many sessions instead of one each.
        for run in history
            .log
            .sessions
            .chunk_by(|a, b| a.expected == b.expected)
            .flat_map(|run| run.chunks(MAX_SERIES))
        {
            let invitees = run
                .first()
                .map_or(&[][..], |s| &s.expected[..])
                .iter()
                .map(|m| person(*m).map(|p| p.id))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let created = self
                .db
                .create_series(
                    &self.actor,
                    &NewSeries {
                        program,
                        project: None,
                        title: "Fortnightly collaborative meeting".into(),
                        organiser: Some(organiser.id),
                        organiser_zone,
                        video_url: VIDEO_URL.into(),
                        duration_minutes: 60,
                        // 19:00 UTC: evening in London and Lagos, the middle of the day
                        // in North America, as the group met before it planned by burden.
                        starts: run.iter().map(|s| at_utc(s.held_on, 19)).collect(),
                        invitees,
                    },
                )
                .await?;
            for (session, held) in created.iter().zip(run) {
                let came: HashSet<MemberId> = held.attended.iter().copied().collect();
                let marks = held
                    .expected
                    .iter()
                    .map(|m| {
                        let status = if came.contains(m) {
                            "attended"
                        } else {
                            "absent"
                        };
                        Ok((person(*m)?.id, status.to_owned()))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                self.db
                    .record_attendance(&self.actor, session.id, &marks)
                    .await?;
            }
        }

        // The coming weeks, planned the way the scheduling page plans them: the out-of-hours
        // burden rotates fairly across the zones.
        let group = app::scheduling::program_group(self.db, program)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let first_week = app::scheduling::monday_of(today + Duration::days(7));
        let plan = app::scheduling::plan_series(&group, first_week, UPCOMING_WEEKS, 60)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        self.db
            .create_series(
                &self.actor,
                &NewSeries {
                    program,
                    project: None,
                    title: "Weekly collaborative meeting".into(),
                    organiser: Some(organiser.id),
                    organiser_zone,
                    video_url: VIDEO_URL.into(),
                    duration_minutes: 60,
                    starts: plan.sessions.iter().map(|s| s.start).collect(),
                    invitees: group.people.clone(),
                },
            )
            .await?;
        Ok(())
    }

    /// Adds a task or milestone, then marks it done on its day if it was.
    async fn task(
        &self,
        project: i64,
        kind: &str,
        title: &str,
        owner: PersonId,
        due_on: NaiveDate,
        done_on: Option<NaiveDate>,
    ) -> anyhow::Result<()> {
        let task = self
            .db
            .add_task(
                &self.actor,
                project,
                kind,
                title,
                owner,
                &due_on.to_string(),
            )
            .await?;
        if done_on.is_some() {
            self.db.set_task_done(&self.actor, task.id, done_on).await?;
        }
        Ok(())
    }

    /// Pairs a program the way a manager would: settings, rules, the rankings people state
    /// (each `(person, ranked first choice first)`, checked as the preferences page checks
    /// them), a proposal, approval.
    async fn match_and_approve(
        &self,
        program: ProgramId,
        settings: &Settings,
        conflicts: &[(PersonId, PersonId)],
        rankings: &[(PersonId, Vec<PersonId>)],
    ) -> anyhow::Result<()> {
        self.db
            .set_matching_settings(&self.actor, program, settings)
            .await?;
        for (mentee, mentor) in conflicts {
            self.db
                .add_match_rule(
                    &self.actor,
                    program,
                    RuleKind::Conflict,
                    *mentee,
                    *mentor,
                    "direct supervisor",
                )
                .await?;
        }
        for (person, ranked) in rankings {
            let posted: Vec<app::preferences::Posted> = ranked
                .iter()
                .enumerate()
                .map(|(k, whom)| app::preferences::Posted {
                    field: format!("ranked[{k}]"),
                    person: *whom,
                    rank: k as u32 + 1,
                })
                .collect();
            app::preferences::save(self.db, &self.actor, program, *person, &posted)
                .await
                .map_err(|e| anyhow::anyhow!("preferences of person {person}: {e}"))?;
        }
        let proposal = app::proposals::propose(self.db, &self.actor, program, DEMO)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        app::proposals::approve(self.db, &self.actor, proposal.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// Couples the weaker hospitals with stronger ones nearby and forms a surgeon,
    /// anesthetist and OR-nurse team per hospital the way a manager would: settings, a
    /// proposal, approval.
    async fn couple_and_form_teams(&self, program: ProgramId) -> anyhow::Result<()> {
        let settings = matching::FacilitySettings {
            threshold: DEMO_READINESS_THRESHOLD,
            max_per_strong: 2,
            max_km: 150.0,
            max_teams_per_mentor: 3,
            required_cadres: vec!["surgeon".into(), "anesthetist".into(), "or_nurse".into()],
        };
        self.db
            .set_facility_matching_settings(&self.actor, program, &settings)
            .await?;
        use app::facility_matching::{approve, propose_coupling, propose_teams};
        let (db, actor) = (self.db, &self.actor);
        let coupling = propose_coupling(db, actor, program, DEMO).await;
        approve(db, actor, coupling?.id).await?;
        let teams = propose_teams(db, actor, program, DEMO).await;
        approve(db, actor, teams?.id).await?;
        Ok(())
    }

    async fn surgery(&mut self) -> anyhow::Result<()> {
        self.unit(None, "country", "ET", "Ethiopia", None).await?;
        // (region code, region, zone code, zone, [(facility code, facility, lat, lon)])
        let regions: [(&str, &str, &str, &str, [DemoFacility; 3]); 3] = [
            (
                "ET-AM",
                "Amhara",
                "ET-AM-EG",
                "East Gojjam",
                [
                    (
                        "ET-AM-EG-DM",
                        "Debre Markos Referral Hospital",
                        10.3300,
                        37.7300,
                    ),
                    ("ET-AM-EG-MO", "Motta General Hospital", 11.0700, 37.8700),
                    ("ET-AM-EG-BI", "Bichena Primary Hospital", 10.4500, 38.2000),
                ],
            ),
            (
                "ET-OR",
                "Oromia",
                "ET-OR-EW",
                "East Wollega",
                [
                    ("ET-OR-EW-NE", "Nekemte Referral Hospital", 9.0900, 36.5500),
                    ("ET-OR-EW-SI", "Sire Primary Hospital", 9.1000, 36.9200),
                    (
                        "ET-OR-EW-GI",
                        "Gida Ayana Primary Hospital",
                        9.8700,
                        36.6200,
                    ),
                ],
            ),
            (
                "ET-SI",
                "Sidama",
                "ET-SI-CE",
                "Central Sidama",
                [
                    (
                        "ET-SI-CE-HA",
                        "Hawassa Comprehensive Hospital",
                        7.0500,
                        38.4700,
                    ),
                    ("ET-SI-CE-YI", "Yirgalem General Hospital", 6.7500, 38.4100),
                    ("ET-SI-CE-LE", "Leku Primary Hospital", 6.8700, 38.4400),
                ],
            ),
        ];
        for (rcode, rname, zcode, zname, facilities) in &regions {
            self.unit(Some("ET"), "region", rcode, rname, None).await?;
            self.unit(Some(rcode), "district", zcode, zname, None)
                .await?;
            for (fcode, fname, lat, lon) in facilities {
                self.unit(Some(zcode), "facility", fcode, fname, Some((*lat, *lon)))
                    .await?;
            }
        }
        let program = self
            .program(
                SURGERY,
                "Safe Surgery Ethiopia Mentorship",
                ProgramKind::ClinicalMentorship,
                "Side-by-side surgical mentorship at district and primary hospitals after clinical training: a two-day visit every two months, weekly tele-mentoring, WhatsApp check-ins. Targets agreed with mentees, mentors, facility leaders and regional health bureaus.",
                Some("ET"),
            )
            .await?;
        let manager = self
            .person(et_person(
                "Meron Tesfaye",
                "public_health_officer",
                14,
                "meron.tesfaye",
            ))
            .await?;
        self.member(program, manager, Role::ProgramManager, "ET")
            .await?;
        self.account("admin@demo.tandem", None, true).await?;
        self.account("manager@demo.tandem", Some(manager), false)
            .await?;

        let cadres = ["surgeon", "anesthetist", "or_nurse"];
        let mentor_names = [
            ["Yohannes Alemu", "Selamawit Bekele", "Hirut Desta"],
            ["Gemechu Tolosa", "Chaltu Abdissa", "Lensa Gudeta"],
            ["Abebe Tadesse", "Tsion Haile", "Mekdes Wolde"],
        ];
        let mentee_first = [
            "Dawit", "Kidist", "Bereket", "Hanna", "Tesfaye", "Ruth", "Samuel", "Eden", "Biruk",
        ];
        let mentee_last = [
            "Getachew", "Ayele", "Mulugeta", "Tefera", "Negash", "Kebede", "Worku", "Asfaw",
            "Lemma",
        ];
        let leader_names = [
            "Girma Assefa",
            "Tigist Mamo",
            "Fikru Mengistu",
            "Aster Dinku",
            "Bekele Fufa",
            "Genet Olana",
            "Tamrat Dube",
            "Alemnesh Kassa",
            "Yared Hailu",
        ];
        let viewer_names = ["Mulatu Ambaw", "Obsa Keneni", "Ermias Sorsa"];
        let mut conflicts = Vec::new();
        let mut teams = Vec::new();
        let mut sites = Vec::new();
        let mut viewers = Vec::new();
        for (r, (rcode, _, _, _, facilities)) in regions.iter().enumerate() {
            let viewer = self
                .person(et_person(
                    viewer_names[r],
                    "public_health_officer",
                    12,
                    &format!("rhb.{}", rcode.to_lowercase()),
                ))
                .await?;
            self.member(program, viewer, Role::RegionalViewer, rcode)
                .await?;
            viewers.push(viewer);
            if r == 0 {
                self.account("regional.amhara@demo.tandem", Some(viewer), false)
                    .await?;
            }
            let mut mentors = Vec::new();
            for (c, cadre) in cadres.iter().enumerate() {
                let name = mentor_names[r][c];
                let mentor = self
                    .person(et_person(
                        name,
                        cadre,
                        15 + (r * 3 + c) as i64 % 7,
                        &name.to_lowercase().replace(' ', "."),
                    ))
                    .await?;
                // Mentors are based at the region's referral hospital and travel to the others.
                self.member(program, mentor, Role::Mentor, facilities[0].0)
                    .await?;
                mentors.push(mentor);
                if r == 0 && c == 0 {
                    self.account("mentor.surgeon.amhara@demo.tandem", Some(mentor), false)
                        .await?;
                }
            }
            for (f, (fcode, _, _, _)) in facilities.iter().enumerate() {
                let leader = self
                    .person(et_person(
                        leader_names[r * 3 + f],
                        "general_practitioner",
                        9,
                        &format!("director.{}", fcode.to_lowercase()),
                    ))
                    .await?;
                self.member(program, leader, Role::FacilityLeader, fcode)
                    .await?;
                let mut mentees = Vec::new();
                if r == 0 && f == 0 {
                    self.account("director.debremarkos@demo.tandem", Some(leader), false)
                        .await?;
                }
                for (c, cadre) in cadres.iter().enumerate() {
                    let k = r * 9 + f * 3 + c;
                    let name = format!("{} {}", mentee_first[k % 9], mentee_last[(k * 4 + r) % 9]);
                    let email = format!(
                        "{}.{}",
                        name.to_lowercase().replace(' ', "."),
                        fcode.to_lowercase()
                    );
                    let mentee = self
                        .person(et_person(&name, cadre, 1 + (k % 4) as i64, &email))
                        .await?;
                    self.member(program, mentee, Role::Mentee, fcode).await?;
                    mentees.push(mentee);
                    if r == 0 && f == 1 && c == 1 {
                        conflicts.push((mentee, mentors[c]));
                    }
                    if r == 0 && f == 0 && c == 0 {
                        self.account(
                            "mentee.surgeon.debremarkos@demo.tandem",
                            Some(mentee),
                            false,
                        )
                        .await?;
                    }
                }
                let facility = *self
                    .units
                    .get(*fcode)
                    .with_context(|| format!("unit {fcode}"))?;
                sites.push(FieldSite {
                    code: fcode,
                    facility,
                    region: r,
                    index: r * 3 + f,
                    leader,
                    mentees: [mentees[0], mentees[1], mentees[2]],
                });
            }
            teams.push([mentors[0], mentors[1], mentors[2]]);
        }
        let field = FieldProgram {
            program,
            manager,
            regions: regions.iter().map(|r| r.0).collect(),
            viewers,
            teams,
            sites,
        };
        // Courses before pairing, so that the approval holds the two mentees still missing
        // one in `awaiting_training`.
        self.training(&field).await?;
        // Same cadre (the default), four mentees per mentor, matched by distance and language;
        // one named conflict shows how a manager's rule moves a mentee elsewhere.
        let settings = Settings {
            default_capacity: 4,
            ..Settings::default()
        };
        // A few people state whom they would like; the proposal shows which wishes it kept.
        // The demo mentee (Debre Markos surgeon) ranks her region's surgeon first and
        // Oromia's second; Nekemte's anaesthetist ranks Oromia's anaesthetist first; Sidama's
        // anaesthetist mentor ranks the Hawassa anaesthetist first.
        let (sites, teams) = (&field.sites, &field.teams);
        let rankings = [
            (sites[0].mentees[0], vec![teams[0][0], teams[1][0]]),
            (sites[1].mentees[0], vec![teams[0][0]]),
            (sites[3].mentees[1], vec![teams[1][1], teams[0][1]]),
            (teams[2][1], vec![sites[6].mentees[1]]),
        ];
        self.match_and_approve(program, &settings, &conflicts, &rankings)
            .await?;
        self.field_history(&field)
            .await
            .context("the surgical program's field history")?;
        // After the readiness assessments: coupling reads them as facility strength.
        self.couple_and_form_teams(program)
            .await
            .context("the surgical program's facility coupling and mentor teams")?;
        self.monitoring(&field)
            .await
            .context("the surgical program's monitoring data and targets")?;
        Ok(())
    }
}

fn et_person(name: &str, cadre: &str, years: i64, handle: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        cadre: Some(cadre.into()),
        disciplines: Vec::new(),
        years_experience: Some(years),
        languages: vec!["am, en".into()],
        time_zone: "Africa/Addis_Ababa".into(),
        country_of_residence: Some("ET".into()),
        home_country: Some("ET".into()),
        orcid: None,
        phone: None,
        email: Some(format!("{handle}@demo.example.et")),
        contact_consent: vec!["email".into()],
    }
}

/// A member of the research collaborative as its history needs them.
struct Collaborator<'a> {
    id: PersonId,
    name: &'a str,
    zone: &'a str,
    orcid: String,
}

/// The history's length: `research::demo`'s "today" is this many days after its start.
const HISTORY_DAYS: i64 = 548;

/// Weekly meetings planned ahead.
const UPCOMING_WEEKS: u32 = 4;

/// The most occurrences the store takes in one series.
const MAX_SERIES: usize = 200;

/// The collaborative's standing video link (`example.org` is reserved, so it leads nowhere).
const VIDEO_URL: &str = "https://meet.example.org/uniben-2008";

/// The demo's people in the order of `research::demo` and `scheduling::demo` (member indices
/// 0..16 by zone: London ×4, Toronto, New York ×2, Lagos ×6, Chicago, Edmonton, Los Angeles):
/// each zone's people in the order they were created. Fails unless the zone counts match.
fn by_demo_index<'p, 'a>(
    people: &'p [Collaborator<'a>],
) -> anyhow::Result<Vec<&'p Collaborator<'a>>> {
    let mut by_zone: HashMap<&str, VecDeque<&Collaborator<'a>>> = HashMap::new();
    for p in people {
        by_zone.entry(p.zone).or_default().push_back(p);
    }
    let mut ordered = Vec::with_capacity(DEMO_ZONES.len());
    for (index, zone) in DEMO_ZONES.iter().enumerate() {
        let next = by_zone
            .get_mut(zone)
            .and_then(VecDeque::pop_front)
            .with_context(|| {
                format!(
                    "research demo member {index} lives in {zone}, but no demo person is left there"
                )
            })?;
        ordered.push(next);
    }
    if let Some((zone, left)) = by_zone.iter().find(|(_, left)| !left.is_empty()) {
        anyhow::bail!(
            "{} demo person(s) in {zone} have no place in the research demo's history",
            left.len()
        );
    }
    Ok(ordered)
}

/// Noon or evening (`hour`) UTC on a day: when the history says "on that day".
fn at_utc(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

/// A scheduling window as the store keeps it (minutes; 1440 for the midnight that ends a day).
fn stored_window(window: &scheduling::Window) -> anyhow::Result<Window> {
    let minutes = |t: NaiveTime| u16::try_from(t.hour() * 60 + t.minute());
    let end = match minutes(window.end())? {
        // The scheduling crate writes the day's closing midnight as 00:00.
        0 => 1440,
        m => m,
    };
    Ok(Window {
        weekday: u8::try_from(window.weekday().number_from_monday())?,
        start_minute: minutes(window.start())?,
        end_minute: end,
        kind: match window.kind() {
            scheduling::WindowKind::Preferred => WindowKind::Preferred,
            scheduling::WindowKind::Possible => WindowKind::Possible,
        },
    })
}

/// An output of the history as the store takes it. Member authors are credited as the demo's
/// people, with their own names and ORCID iDs, so the pages and exports name the people who
/// sign in (the `research` crate's names are placeholders).
fn new_output<'a>(
    project: i64,
    output: &Output,
    person: &impl Fn(MemberId) -> anyhow::Result<&'a Collaborator<'a>>,
) -> anyhow::Result<NewOutput> {
    let authors = output
        .people()
        .iter()
        .map(|a| {
            let affiliation_country = a
                .affiliation
                .as_ref()
                .map_or_else(String::new, |x| x.country.as_str().to_owned());
            Ok(match a.member {
                Some(member) => {
                    let who = person(member)?;
                    let (given, family) = who.name.rsplit_once(' ').unwrap_or(("", who.name));
                    OutputAuthor {
                        person: Some(who.id),
                        family: family.to_owned(),
                        given: given.to_owned(),
                        orcid: Some(who.orcid.clone()),
                        affiliation_country,
                    }
                }
                None => OutputAuthor {
                    person: None,
                    family: a.family.clone(),
                    given: a.given.clone(),
                    orcid: a.orcid.as_ref().map(|o| o.as_str().to_owned()),
                    affiliation_country,
                },
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let base = NewOutput {
        project: Some(project),
        happened_on: output.date().to_string(),
        authors,
        ..NewOutput::default()
    };
    Ok(match output {
        Output::Publication(p) => NewOutput {
            kind: "publication".into(),
            title: p.title.clone(),
            venue: p.journal.clone(),
            doi: p.doi.as_ref().map(|d| d.as_str().to_owned()),
            volume: p.volume.clone().unwrap_or_default(),
            issue: p.issue.clone().unwrap_or_default(),
            pages: p.pages.clone().unwrap_or_default(),
            ..base
        },
        Output::Presentation(p) => NewOutput {
            kind: "presentation".into(),
            title: p.title.clone(),
            venue: p.event.clone(),
            place: p.place.clone(),
            ..base
        },
        Output::Training(t) => NewOutput {
            kind: "training".into(),
            title: t.title.clone(),
            venue: t.audience.clone(),
            place: t.place.clone(),
            participants: Some(i64::from(t.participants)),
            ..base
        },
    })
}

// ---------------------------------------------------------------------------------------------
// The surgical program's twelve months in the field (C3, C4, C6).
//
// Everything below is deterministic arithmetic on the day the demo is loaded, so the CLI test
// can derive its expectations by hand: which days, who attended, which checklist items were
// missed, which action items are still open.
// ---------------------------------------------------------------------------------------------

/// A hospital of the surgical program as its field history needs it.
struct FieldSite {
    /// Org-unit code (`ET-AM-EG-DM`).
    code: &'static str,
    facility: OrgUnitId,
    /// 0 Amhara, 1 Oromia, 2 Sidama.
    region: usize,
    /// 0..9: region × 3 + the hospital's place in its region (0 is the referral hospital).
    index: usize,
    leader: PersonId,
    /// Surgeon, anaesthetist and OR-nurse mentees, in that order.
    mentees: [PersonId; 3],
}

/// The surgical program's people and places, gathered while they are created.
struct FieldProgram {
    program: ProgramId,
    /// The program manager, placed at the national level.
    manager: PersonId,
    /// Region codes (Amhara, Oromia, Sidama).
    regions: Vec<&'static str>,
    /// Each region's regional health bureau viewer.
    viewers: Vec<PersonId>,
    /// Each region's surgeon, anaesthetist and OR-nurse mentors.
    teams: Vec<[PersonId; 3]>,
    sites: Vec<FieldSite>,
}

/// Readiness (%) below which a demo hospital is weak and coupled with a stronger one.
const DEMO_READINESS_THRESHOLD: f64 = 60.0;

/// Days ago the pilot sites (each region's referral hospital) started mentoring.
const PILOT_SINCE_DAYS: i64 = 365;
/// Days ago the scale-up sites started mentoring.
const SCALE_UP_SINCE_DAYS: i64 = 182;
/// The site still being assessed: Leku Primary Hospital.
const ASSESSING_SITE: usize = 8;
/// Days ago each pilot visit began: every 61 days, the last five weeks ago.
const PILOT_VISITS: [i64; 6] = [340, 279, 218, 157, 96, 35];
/// Days ago each scale-up visit began, before adding a week per place in the region (the
/// regional mentor team travels to one hospital a week).
const SCALE_UP_VISITS: [i64; 3] = [157, 96, 35];
/// Checklist items answered `no` at each pilot visit: the teams improve.
const PILOT_GAPS: [usize; 6] = [6, 4, 3, 2, 1, 0];
/// The same at each scale-up visit.
const SCALE_UP_GAPS: [usize; 3] = [5, 3, 1];
/// Gida Ayana lost its trained anaesthetist: no improvement.
const STALLED_SITE: usize = 5;
const STALLED_GAPS: [usize; 3] = [4, 4, 5];
/// Sites where the first action of the visit before last is still open, and overdue.
const OVERDUE_SITES: [usize; 3] = [1, 3, 5];
/// Weekly tele-sessions and check-ins over the year.
const FIELD_WEEKS: usize = 52;
/// Length of the weekly tele-mentoring session.
const TELE_MINUTES: i64 = 80;
/// Days ago the two joint learning sessions were held.
const JOINT_SESSIONS: [i64; 2] = [200, 21];
/// The checklist's scored yes/no questions, in the order gaps are assigned.
const CHECKLIST_ITEMS: [&str; 10] = [
    "identity_confirmed",
    "site_marked",
    "anaesthesia_check",
    "pulse_oximeter",
    "airway_assessed",
    "team_introduced",
    "antibiotic_given",
    "imaging_displayed",
    "counts_correct",
    "specimen_labelled",
];
/// Procedures done at visits and presented at tele-sessions.
const PROCEDURES: [&str; 6] = [
    "Caesarean section",
    "Inguinal hernia repair",
    "Exploratory laparotomy",
    "Appendicectomy",
    "Open fracture debridement",
    "Hysterectomy",
];
/// Actions agreed at debriefs, rotated.
const ACTIONS: [&str; 6] = [
    "Run the sign-in with the whole team before induction, every case",
    "Ask the store for a second pulse-oximeter probe",
    "Post the antibiotic timing poster in theatre",
    "Start the count sheet for sponges and needles",
    "Present one case at the weekly tele-session",
    "Review theatre register completeness with the medical director",
];

// ---------------------------------------------------------------------------------------------
// Monitoring and evaluation: a year of monthly surgical data per active hospital, the four
// indicators over it and signed quarterly targets. Plain arithmetic on the site's index and
// the month, no randomness, so the tests derive their expectations by hand.
// ---------------------------------------------------------------------------------------------

/// Months of values: the last twelve complete months.
const MONITORED_MONTHS: usize = 12;
/// Operations in the oldest monitored month at each hospital (by site index), one more each
/// month after: the referral and comprehensive hospitals operate most, primary hospitals
/// least. Leku (still being assessed) reports nothing yet.
const BASE_OPERATIONS: [i64; 9] = [118, 88, 66, 112, 62, 60, 128, 92, 58];
/// The first monitored month (0 the oldest) the scale-up sites were mentored: they started
/// half a year ago, the pilots a year ago, so the pilots are mentored in every month.
const SCALE_UP_FIRST_MONTH: usize = 6;
/// Per cent of operations with the WHO checklist before mentoring, the rise per mentored
/// month and where it levels off.
const SSC_BEFORE: i64 = 40;
const SSC_RISE: i64 = 8;
const SSC_CEILING: i64 = 85;
/// Surgical site infections per thousand operations before mentoring, the fall per mentored
/// month and where it levels off.
const SSI_BEFORE: i64 = 60;
const SSI_FALL: i64 = 5;
const SSI_FLOOR: i64 = 30;
/// Days after a month's end its values are entered, by the site's place in its region.
const ENTRY_DELAYS: [i64; 3] = [3, 4, 5];
/// (site index, monitored month) reported late, after the 15-day deadline, so that
/// timeliness is not perfect: Sire and Yirgalem once each.
const LATE_REPORTS: [(usize, usize); 2] = [(4, 2), (7, 8)];
/// Days after the month's end the late reports came in.
const LATE_DELAY: i64 = 20;
/// The data elements, each pushed to DHIS2 as `SS_<code>`: (code, name).
const SURGICAL_ELEMENTS: [(&str, &str); 4] = [
    ("OPERATIONS", "Major operations performed"),
    (
        "SSC_USED",
        "Operations with the WHO Surgical Safety Checklist used",
    ),
    ("SSI_CASES", "Surgical site infections"),
    ("PERIOP_DEATHS", "Perioperative deaths"),
];
/// Quarterly targets at the national and regional levels: (indicator, last quarter's value,
/// this quarter's value). The checklist target rises as the scale-up sites catch up; the
/// outcome targets are ceilings.
const SURGICAL_TARGETS: [(&str, f64, f64); 3] = [
    ("SSC_RATE", 75.0, 80.0),
    ("SSI_RATE", 4.5, 4.0),
    ("POMR", 1.0, 1.0),
];
/// The one target left short of a signature, so that "fully signed" varies: Sidama's
/// checklist target for this quarter still awaits its regional health bureau.
const UNSIGNED_TARGET: (&str, usize, &str) = ("SSC_RATE", 2, "regional_authority");

impl FieldSite {
    fn is_pilot(&self) -> bool {
        self.index.is_multiple_of(3)
    }

    /// Days ago mentoring started here; `None` while the site is still being assessed.
    fn active_since(&self) -> Option<i64> {
        if self.index == ASSESSING_SITE {
            None
        } else if self.is_pilot() {
            Some(PILOT_SINCE_DAYS)
        } else {
            Some(SCALE_UP_SINCE_DAYS)
        }
    }

    /// Days ago each coaching visit began.
    fn visits(&self) -> Vec<i64> {
        match self.active_since() {
            None => Vec::new(),
            Some(_) if self.is_pilot() => PILOT_VISITS.to_vec(),
            Some(_) => {
                let week = 7 * (self.index % 3) as i64;
                SCALE_UP_VISITS.iter().map(|d| d + week).collect()
            }
        }
    }

    /// Checklist items answered `no` at visit `k`.
    fn gaps(&self, k: usize) -> usize {
        let gaps: &[usize] = if self.index == STALLED_SITE {
            &STALLED_GAPS
        } else if self.is_pilot() {
            &PILOT_GAPS
        } else {
            &SCALE_UP_GAPS
        };
        gaps.get(k).copied().unwrap_or(0)
    }

    /// Months of mentoring by the end of monitored month `k` (0 the oldest): every month at
    /// the pilots, from [`SCALE_UP_FIRST_MONTH`] at the scale-up sites, none at Leku.
    fn mentored_months(&self, k: usize) -> i64 {
        let since = match self.active_since() {
            None => return 0,
            Some(_) if self.is_pilot() => 0,
            Some(_) => SCALE_UP_FIRST_MONTH,
        };
        (k + 1).saturating_sub(since) as i64
    }

    /// The site's values for monitored month `k`, as (data element, value). Checklist use
    /// climbs and infections fall with each mentored month, except at Gida Ayana, which lost
    /// its anaesthetist and stays where it started.
    fn monthly_values(&self, k: usize) -> [(&'static str, i64); 4] {
        let operations = BASE_OPERATIONS[self.index] + k as i64;
        let mentored = if self.index == STALLED_SITE {
            0
        } else {
            self.mentored_months(k)
        };
        let checklist = (SSC_BEFORE + SSC_RISE * mentored).min(SSC_CEILING);
        let infections = (SSI_BEFORE - SSI_FALL * mentored).max(SSI_FLOOR);
        [
            ("OPERATIONS", operations),
            ("SSC_USED", operations * checklist / 100),
            ("SSI_CASES", operations * infections / 1000),
            ("PERIOP_DEATHS", ((self.index + k) % 3) as i64),
        ]
    }
}

fn participant(person: PersonId, role: &str, attended: bool) -> store::visits::NewParticipant {
    store::visits::NewParticipant {
        person,
        role: role.into(),
        attended,
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks posted answers with the form and scores them, as the visit page would; returns the
/// answers as a JSON object and the scores.
fn fill(
    form: &forms::Form,
    pairs: &[(&str, String)],
    day: NaiveDate,
) -> anyhow::Result<(serde_json::Value, forms::Scores)> {
    let raw = forms::RawSubmission::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    let answers = form
        .validate(&raw, &forms::Context::on(day))
        .map_err(|errors| anyhow::anyhow!("{}: {errors:?}", form.id))?;
    let json: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
        .collect();
    Ok((serde_json::Value::Object(json), form.score(&answers)))
}

/// A questionnaire domain: (group name, label, two (question name, label)).
type Domain = (
    &'static str,
    &'static str,
    [(&'static str, &'static str); 2],
);

/// The situation-analysis questionnaire of the demo (C3): five domains of two questions,
/// each answered yes (2 points), partly (1) or no (0). Built in code because the forms
/// fixtures hold only the checklist.
fn readiness_form() -> forms::Form {
    use forms::model::QuestionScoring;
    use forms::{Choice, Form, Group, GroupKind, Item, Question, QuestionType, Translated};
    const LANGUAGE: &str = "English (en)";
    let text = |t: &str| Translated([(LANGUAGE.to_owned(), t.to_owned())].into_iter().collect());
    let domains: [Domain; 5] = [
        (
            "leadership",
            "Leadership and governance",
            [
                (
                    "leadership_engaged",
                    "Hospital leadership follows surgical quality",
                ),
                (
                    "quality_committee",
                    "A surgical quality committee meets monthly",
                ),
            ],
        ),
        (
            "infrastructure",
            "Infrastructure and equipment",
            [
                (
                    "theatre_functional",
                    "At least one fully functional operating theatre",
                ),
                (
                    "oxygen_reliable",
                    "Oxygen is available without interruption",
                ),
            ],
        ),
        (
            "workforce",
            "Surgical workforce",
            [
                (
                    "anaesthesia_cover",
                    "An anaesthesia provider is on call day and night",
                ),
                (
                    "surgical_cover",
                    "A surgeon or surgical officer is on call day and night",
                ),
            ],
        ),
        (
            "supplies",
            "Supplies and medicines",
            [
                (
                    "sterile_supplies",
                    "Sterilisation works and sterile packs are available",
                ),
                (
                    "essential_drugs",
                    "Essential anaesthesia drugs are in stock",
                ),
            ],
        ),
        (
            "data",
            "Data and quality",
            [
                (
                    "theatre_register",
                    "The operating theatre register is complete",
                ),
                (
                    "checklist_in_use",
                    "The surgical safety checklist is used for every case",
                ),
            ],
        ),
    ];
    let mut row = 1;
    let mut items = Vec::new();
    for (name, label, questions) in domains {
        row += 1;
        let group_row = row;
        let mut inner = Vec::new();
        for (q, qlabel) in questions {
            row += 1;
            inner.push(Item::Question(Question {
                name: q.into(),
                kind: QuestionType::SelectOne,
                label: text(qlabel),
                hint: Translated::default(),
                required: true,
                required_message: Translated::default(),
                constraint: None,
                constraint_message: Translated::default(),
                relevant: None,
                calculation: None,
                choices: Some("readiness".into()),
                appearance: None,
                scoring: Some(QuestionScoring {
                    weight: 1.0,
                    range: None,
                }),
                row,
            }));
        }
        row += 1;
        items.push(Item::Group(Group {
            name: name.into(),
            kind: GroupKind::Group,
            label: text(label),
            relevant: None,
            appearance: None,
            items: inner,
            row: group_row,
        }));
    }
    let choices = [
        ("yes", "Yes", 2.0),
        ("partly", "Partly", 1.0),
        ("no", "No", 0.0),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, label, score))| Choice {
        name: name.into(),
        label: text(label),
        score: Some(score),
        row: i + 2,
    })
    .collect();
    Form {
        id: "surgical_readiness_assessment".into(),
        title: "Surgical readiness situation analysis".into(),
        version: Some("2025.1".into()),
        default_language: Some(LANGUAGE.into()),
        languages: vec![LANGUAGE.into()],
        items,
        choice_lists: [("readiness".to_owned(), choices)].into_iter().collect(),
    }
}

impl Loader<'_> {
    /// The two required courses, completed by every mentee a month before mentoring started
    /// at their hospital, except two at Leku (still being assessed): its anaesthetist lacks
    /// the basic course, its OR nurse the anaesthesia refresher.
    async fn training(&self, field: &FieldProgram) -> anyhow::Result<()> {
        let today = store::now().date_naive();
        let program = field.program;
        let mut courses = Vec::new();
        for (code, title, hours) in [
            ("safe_surgery_basic", "Safe Surgery basic course", 40.0),
            ("anaesthesia_refresher", "Basic anaesthesia refresher", 24.0),
        ] {
            let course = self
                .db
                .create_course(&self.actor, program, code, title, hours)
                .await?;
            self.db
                .require_course(&self.actor, program, course.id)
                .await?;
            courses.push(course.id);
        }
        for site in &field.sites {
            let days = site.active_since().map_or(20, |d| d + 30);
            let on = (today - Duration::days(days)).to_string();
            for (c, mentee) in site.mentees.iter().enumerate() {
                for (k, course) in courses.iter().enumerate() {
                    let missing = site.index == ASSESSING_SITE && c == k + 1;
                    if !missing {
                        self.db
                            .record_completion(
                                &self.actor,
                                *mentee,
                                *course,
                                &on,
                                "Certificate seen by the program manager",
                            )
                            .await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Twelve months of field work ending today: the checklist and the readiness
    /// questionnaire, sites in waves with their baseline assessments, the dose plan, coaching
    /// visits with checklists and debriefs, weekly tele-sessions, weekly check-ins and two
    /// joint learning sessions.
    async fn field_history(&self, field: &FieldProgram) -> anyhow::Result<()> {
        let db = self.db;
        let actor = &self.actor;
        let program = field.program;
        let today = store::now().date_naive();
        let days_ago = |n: i64| today - Duration::days(n);

        let bytes = include_bytes!("../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx");
        let checklist = forms::Form::from_xlsx_bytes(
            "surgical_mentoring_checklist.xlsx",
            bytes,
            &forms::Limits::default(),
        )
        .map_err(|errors| anyhow::anyhow!("the demo checklist: {errors:?}"))?;
        let checklist_id = db
            .save_form(
                actor,
                Some(program),
                "checklist",
                &checklist,
                &hex_sha256(bytes),
            )
            .await?
            .id;
        let readiness = readiness_form();
        let readiness_id = db
            .save_form(
                actor,
                Some(program),
                "assessment",
                &readiness,
                &hex_sha256(&serde_json::to_vec(&readiness)?),
            )
            .await?
            .id;
        db.set_dose_plan(
            actor,
            program,
            &store::visits::DosePlan {
                visit_days: 2,
                visit_every_months: 2,
                tele_minutes_per_week: TELE_MINUTES,
                check_ins_per_month: 4,
            },
        )
        .await?;

        // Sites in waves, each with a baseline a fortnight before mentoring started there.
        let questions: Vec<String> = readiness
            .questions()
            .iter()
            .map(|(_, q)| q.name.clone())
            .collect();
        for site in &field.sites {
            let wave = if site.is_pilot() { "pilot" } else { "scale_up" };
            db.add_site(actor, program, site.facility, wave).await?;
            let assessed_on = days_ago(site.active_since().map_or(20, |d| d + 15));
            let pairs: Vec<(&str, String)> = questions
                .iter()
                .enumerate()
                .map(|(j, q)| {
                    // Referral hospitals start stronger.
                    let level = (site.index * 7 + j * 3) % 5 + usize::from(site.is_pilot());
                    let answer = match level {
                        0 | 1 => "no",
                        2 | 3 => "partly",
                        _ => "yes",
                    };
                    (q.as_str(), answer.to_owned())
                })
                .collect();
            let (answers, scores) = fill(&readiness, &pairs, assessed_on)?;
            db.record_assessment(
                actor,
                program,
                &store::readiness::NewAssessment {
                    facility: site.facility,
                    form: readiness_id,
                    answers,
                    scores,
                    priorities: "Reliable oxygen; anaesthesia cover at night; use the surgical safety checklist for every case".into(),
                    assessed_on: assessed_on.to_string(),
                    baseline: true,
                },
            )
            .await?;
            if site.active_since().is_some() {
                db.activate_site(actor, program, site.facility).await?;
            }
        }

        // Coaching visits: two days every two months, the region's three mentors with the
        // hospital's three mentees and its medical director at the debrief.
        let mut to_close = Vec::new();
        for site in &field.sites {
            let starts = site.visits();
            let mentors = field.teams[site.region];
            for (k, &ago) in starts.iter().enumerate() {
                let first = days_ago(ago);
                let attends = |c: usize| (site.index + k + c) % 5 != 4;
                let mut participants: Vec<_> = mentors
                    .iter()
                    .map(|m| participant(*m, "mentor", true))
                    .collect();
                participants.extend(
                    site.mentees
                        .iter()
                        .enumerate()
                        .map(|(c, m)| participant(*m, "mentee", attends(c))),
                );
                participants.push(participant(site.leader, "participant", true));
                // The checklist is about one mentee per visit, in turn, among those present.
                let about = (0..3)
                    .map(|i| (k + i) % 3)
                    .find(|&c| attends(c))
                    .unwrap_or(0);
                let gaps = site.gaps(k);
                let missed: Vec<&str> = (0..gaps)
                    .map(|i| CHECKLIST_ITEMS[(site.index + 3 * i) % CHECKLIST_ITEMS.len()])
                    .collect();
                let procedure = PROCEDURES[(site.index + k) % PROCEDURES.len()];
                let mut pairs: Vec<(&str, String)> = vec![
                    ("visit_date", first.to_string()),
                    ("procedure", procedure.into()),
                ];
                for item in CHECKLIST_ITEMS {
                    let answer = if missed.contains(&item) { "no" } else { "yes" };
                    pairs.push((item, answer.into()));
                }
                let reviewed = match gaps {
                    4.. => "surgeon",
                    2 | 3 => "surgeon anaesthetist",
                    _ => "surgeon anaesthetist nursing",
                };
                pairs.push(("critical_events", reviewed.into()));
                if gaps >= 3 {
                    pairs.push(("equipment_problems", "yes".into()));
                    pairs.push((
                        "equipment_notes",
                        "Suction machine unreliable; one pulse-oximeter probe for two theatres"
                            .into(),
                    ));
                } else {
                    pairs.push(("equipment_problems", "no".into()));
                }
                pairs.push(("team_communication", (5 - gaps.min(8) / 2).to_string()));
                let (answers, scores) = fill(&checklist, &pairs, first)?;
                let owners = [
                    site.mentees[about],
                    site.leader,
                    site.mentees[(about + 1) % 3],
                ];
                let actions = (0..1 + (site.index + k) % 3)
                    .map(|a| store::visits::NewAction {
                        owner: owners[a],
                        description: ACTIONS[(site.index + k + a) % ACTIONS.len()].into(),
                        due_on: (first + Duration::days(56)).to_string(),
                    })
                    .collect();
                let went_well = if gaps <= 1 {
                    "Sign-in, time-out and sign-out done by the team without prompting"
                } else {
                    "Team engaged; time-out done for every case observed"
                };
                let to_improve = if missed.is_empty() {
                    "Keep the counts going when the theatre is busy".to_owned()
                } else {
                    format!("Missed today: {}", missed.join(", ").replace('_', " "))
                };
                let new = store::visits::NewActivity {
                    kind: "visit".into(),
                    facility: Some(site.facility),
                    starts_on: Some(first.to_string()),
                    ends_on: Some((first + Duration::days(1)).to_string()),
                    summary: format!(
                        "Two-day side-by-side coaching visit: {} cases in theatre, checklist filled, debrief with the medical director",
                        procedure.to_lowercase()
                    ),
                    participants,
                    cases: vec![
                        store::visits::NewCase {
                            procedure: procedure.into(),
                            performed_by: "together".into(),
                            count: 1 + (k % 2) as i64,
                        },
                        store::visits::NewCase {
                            procedure: PROCEDURES[(site.index + k + 1) % PROCEDURES.len()].into(),
                            performed_by: if k >= 2 { "mentee" } else { "observed" }.into(),
                            count: 1,
                        },
                    ],
                    checklist: Some(store::visits::NewChecklist {
                        form: checklist_id,
                        mentee: Some(site.mentees[about]),
                        answers,
                        scores,
                    }),
                    debrief: Some(store::visits::NewDebrief {
                        went_well: went_well.into(),
                        to_improve,
                        actions,
                    }),
                    ..Default::default()
                };
                let detail = db.record_activity(actor, program, &new).await?;
                // Followed up at the next visit: done, except the latest visit's (not yet
                // due) and, at three sites, the first action of the visit before.
                let latest = k + 1 == starts.len();
                let stuck = OVERDUE_SITES.contains(&site.index) && k + 2 == starts.len();
                for (a, item) in detail.actions.iter().enumerate() {
                    let still_open = latest || (stuck && a == 0);
                    if !still_open {
                        to_close.push(item.id);
                    }
                }
            }
        }
        for id in to_close {
            db.update_action(actor, id, "done", "Checked at the next visit")
                .await?;
        }

        // Weekly tele-mentoring: a mentee presents a case, one mentor facilitates, the
        // mentees of the sites active that week are invited and three in four come.
        let mentors: Vec<PersonId> = field.teams.iter().flatten().copied().collect();
        for week in 0..FIELD_WEEKS {
            let ago = 7 * week as i64 + 3;
            let active: Vec<&FieldSite> = field
                .sites
                .iter()
                .filter(|s| s.active_since().is_some_and(|since| since >= ago))
                .collect();
            let mut participants = vec![participant(
                mentors[week % mentors.len()],
                "facilitator",
                true,
            )];
            for site in &active {
                for (c, mentee) in site.mentees.iter().enumerate() {
                    let attended = (week + site.index * 3 + c) % 4 != 0;
                    participants.push(participant(*mentee, "mentee", attended));
                }
            }
            let presenter = active
                .get(week % active.len().max(1))
                .map_or("", |s| s.code);
            let procedure = PROCEDURES[week % PROCEDURES.len()];
            let new = store::visits::NewActivity {
                kind: "tele_session".into(),
                starts_at: Some(format!("{}T11:00:00Z", days_ago(ago))),
                duration_minutes: Some(TELE_MINUTES),
                summary: format!(
                    "Weekly tele-mentoring: case presentation from {presenter} ({}), discussion of indications and safety steps",
                    procedure.to_lowercase()
                ),
                patient_identifiers_removed: true,
                participants,
                cases: vec![store::visits::NewCase {
                    procedure: procedure.into(),
                    performed_by: "mentee".into(),
                    count: 1,
                }],
                ..Default::default()
            };
            db.record_activity(actor, program, &new).await?;
        }

        // Weekly check-ins with each active hospital's team, by WhatsApp mostly; a phone call
        // (10 minutes) every fourth week.
        for site in &field.sites {
            let Some(since) = site.active_since() else {
                continue;
            };
            let offset = (site.index % 3) as i64 + 1;
            for week in 0..FIELD_WEEKS {
                let ago = 7 * week as i64 + offset;
                if ago > since {
                    break;
                }
                let channel = ["whatsapp", "whatsapp", "sms", "phone"][week % 4];
                let mut participants = vec![participant(
                    field.teams[site.region][week % 3],
                    "mentor",
                    true,
                )];
                participants.extend(
                    site.mentees
                        .iter()
                        .enumerate()
                        .map(|(c, m)| participant(*m, "mentee", (week + c + site.index) % 6 != 5)),
                );
                let new = store::visits::NewActivity {
                    kind: "check_in".into(),
                    facility: Some(site.facility),
                    starts_at: Some(format!("{}T06:30:00Z", days_ago(ago))),
                    duration_minutes: (channel == "phone").then_some(10),
                    channel: Some(channel.into()),
                    summary: "Weekly check-in: cases this week, problems with supplies, actions from the last visit".into(),
                    participants,
                    ..Default::default()
                };
                db.record_activity(actor, program, &new).await?;
            }
        }

        // Two joint learning sessions: the pilot teams share what worked (the scale-up
        // hospitals' directors listen in), then every active team half a year later.
        for ago in JOINT_SESSIONS {
            let mut participants: Vec<_> = mentors
                .iter()
                .map(|m| participant(*m, "facilitator", true))
                .collect();
            for site in &field.sites {
                if site.active_since().is_some_and(|since| since >= ago) {
                    for (c, mentee) in site.mentees.iter().enumerate() {
                        let attended = (site.index * 3 + c) % 7 != 6;
                        participants.push(participant(*mentee, "mentee", attended));
                    }
                }
                participants.push(participant(site.leader, "participant", true));
            }
            let new = store::visits::NewActivity {
                kind: "joint_session".into(),
                starts_at: Some(format!("{}T06:00:00Z", days_ago(ago))),
                duration_minutes: Some(360),
                summary: "Joint learning session across hospitals: checklist use, counts, anaesthesia safety; each team presents its progress".into(),
                participants,
                ..Default::default()
            };
            db.record_activity(actor, program, &new).await?;
        }
        Ok(())
    }
}

impl Loader<'_> {
    /// Monitoring and evaluation: the four data elements, a year of monthly values per active
    /// hospital entered a few days after each month (two late), the four indicators, and
    /// last quarter's and this quarter's targets nationally and per region, signed by every
    /// stakeholder group but one.
    async fn monitoring(&self, field: &FieldProgram) -> anyhow::Result<()> {
        let db = self.db;
        let actor = &self.actor;
        let program = field.program;
        for (code, name) in SURGICAL_ELEMENTS {
            let new = store::indicators::NewDataElement {
                code: code.into(),
                name: name.into(),
                value_type: "integer".into(),
                min: Some(0.0),
                dhis2_code: Some(format!("SS_{code}")),
                ..Default::default()
            };
            db.create_data_element(actor, program, &new).await?;
        }

        // Values grouped by the moment they were entered, so that each month takes a few
        // batched saves instead of one per hospital.
        let now = store::now();
        let today = now.date_naive();
        let this_month = today.with_day(1).context("the first day of this month")?;
        let mut batches: BTreeMap<DateTime<Utc>, Vec<domain::indicators::NewValue>> =
            BTreeMap::new();
        for k in 0..MONITORED_MONTHS {
            let back = Months::new(u32::try_from(MONITORED_MONTHS - k)?);
            let first = this_month
                .checked_sub_months(back)
                .context("a monitored month")?;
            let last = first
                .checked_add_months(Months::new(1))
                .and_then(|next| next.pred_opt())
                .context("a monitored month's last day")?;
            let period = first.format("%Y%m").to_string();
            for site in &field.sites {
                if site.active_since().is_none() {
                    continue;
                }
                let late = LATE_REPORTS.contains(&(site.index, k));
                let delay = if late {
                    LATE_DELAY
                } else {
                    ENTRY_DELAYS[site.index % 3]
                };
                // The last month's reports may not all be due yet: those are entered now.
                let at = at_utc(last + Duration::days(delay), 9).min(now);
                let comment = if late {
                    "Entered late: the records officer was on leave"
                } else {
                    ""
                };
                let batch = batches.entry(at).or_default();
                for (element, value) in site.monthly_values(k) {
                    batch.push(domain::indicators::NewValue {
                        data_element_code: element.into(),
                        org_unit_code: site.code.into(),
                        period: period.clone(),
                        value: value as f64,
                        comment: comment.into(),
                    });
                }
            }
        }
        for (at, values) in &batches {
            db.save_values_on(actor, program, values, *at).await?;
        }

        let proportion = vec![ValidationRule::NumeratorLeDenominator];
        for (code, name, category, numerator, factor) in [
            (
                "SSC_RATE",
                "Surgical Safety Checklist use (%)",
                "provider_behaviour",
                "#{SSC_USED}",
                100.0,
            ),
            (
                "SSI_RATE",
                "Surgical site infection rate (%)",
                "outcome",
                "#{SSI_CASES}",
                100.0,
            ),
            (
                "POMR",
                "Perioperative mortality per 100 operations",
                "outcome",
                "#{PERIOP_DEATHS}",
                100.0,
            ),
            (
                "VISITS",
                "Mentorship visits and sessions",
                "input",
                "visits",
                1.0,
            ),
        ] {
            // Activity counts are not proportions of anything: no rule on VISITS.
            let (denominator, rules) = if code == "VISITS" {
                ("1", Vec::new())
            } else {
                ("#{OPERATIONS}", proportion.clone())
            };
            let new = store::indicators::NewIndicator {
                code: code.into(),
                name: name.into(),
                category: category.into(),
                numerator: numerator.into(),
                denominator: denominator.into(),
                factor,
                rules,
            };
            db.create_indicator(actor, program, &new).await?;
        }

        // Targets agreed at each quarter's review meeting. A region's are signed by its
        // bureau, its surgeon mentor, its referral hospital's director and surgeon mentee and
        // the program manager; the national ones by one region's people in turn.
        let quarter = today.month0() / 3 + 1;
        let current = format!("{}Q{quarter}", today.year());
        let previous = if quarter == 1 {
            format!("{}Q4", today.year() - 1)
        } else {
            format!("{}Q{}", today.year(), quarter - 1)
        };
        let mut units: Vec<(&str, usize)> = vec![("ET", 0)];
        units.extend(field.regions.iter().enumerate().map(|(r, code)| (*code, r)));
        for (i, (indicator, before, now_value)) in SURGICAL_TARGETS.iter().enumerate() {
            for (u, (unit, region)) in units.iter().enumerate() {
                let region = if u == 0 { i % 3 } else { *region };
                let referral = field
                    .sites
                    .get(region * 3)
                    .context("the region's referral hospital")?;
                let signers = [
                    ("mentees", referral.mentees[0]),
                    ("mentors", field.teams[region][0]),
                    ("facility_leaders", referral.leader),
                    ("regional_authority", field.viewers[region]),
                    ("program_managers", field.manager),
                ];
                for (period, value) in [(&previous, *before), (&current, *now_value)] {
                    let note = format!("Agreed at the {period} quarterly review");
                    let target = db
                        .propose_target(actor, program, indicator, unit, period, value, &note)
                        .await?;
                    for (group, person) in signers {
                        let skipped = (*indicator, region, group) == UNSIGNED_TARGET
                            && u > 0
                            && *period == current;
                        if !skipped {
                            db.sign_target(actor, target.id, group, person, "").await?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
