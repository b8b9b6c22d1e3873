//! `tandem demo`: two realistic programs, loaded once.
//!
//! 1. A peer research collaborative of 16 alumni of one Nigerian medical school class, living
//!    in Nigeria, the UK, the US and Canada, with three peer leaders (shaped like the seed
//!    report in `shared/seeds/000_…`).
//! 2. A surgical mentorship program shaped like Ethiopia's Safe Surgery 2020: three regions,
//!    nine hospitals, surgeon/anesthetist/OR-nurse mentors per region and mentees per hospital,
//!    a medical director per hospital as facility leader, a regional health bureau viewer.
//!
//! Every name is invented. Places are real towns; hospitals are named generically.

use anyhow::Context;
use domain::access::Role;
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::org_units::OrgUnitInput;
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, Orcid, OrgUnitCode, Slug};
use matching::criteria::Settings;
use std::collections::HashMap;
use std::fmt::Write as _;
use store::matching::RuleKind;
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
        let hash = web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
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
        }
        // Peer leaders take any member whatever their specialty; the working-hours criterion
        // groups members with a leader whose day they share.
        let settings = Settings {
            cadre_pairs: vec![("*".into(), "*".into())],
            default_capacity: 5,
            ..Settings::default()
        };
        self.match_and_approve(program, &settings, &[]).await?;
        // The first peer leader also runs the collaborative.
        self.member(program, ids[0], Role::ProgramManager, "NG")
            .await?;
        self.account("peer.leader@demo.tandem", Some(ids[0]), false)
            .await?;
        self.account("peer.member@demo.tandem", Some(ids[3]), false)
            .await?;
        Ok(())
    }

    /// Pairs a program the way a manager would: settings, rules, a proposal, approval.
    async fn match_and_approve(
        &self,
        program: ProgramId,
        settings: &Settings,
        conflicts: &[(PersonId, PersonId)],
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
        let proposal = web::proposals::propose(self.db, &self.actor, program, "demo")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        web::proposals::approve(self.db, &self.actor, proposal.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
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
            }
        }
        // Same cadre (the default), four mentees per mentor, matched by distance and language;
        // one named conflict shows how a manager's rule moves a mentee elsewhere.
        let settings = Settings {
            default_capacity: 4,
            ..Settings::default()
        };
        self.match_and_approve(program, &settings, &conflicts)
            .await?;
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
