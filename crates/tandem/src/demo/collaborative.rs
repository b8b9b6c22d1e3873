//! The peer research collaborative: its countries and teaching hospital, its sixteen members
//! with their peer leaders, the program, and its pairing through the matching workflow.
//! Apart from its history, which is loaded afterwards from the `research` and `scheduling`
//! crates' demo data.

use super::collaborative_history::Collaborator;
use super::{Loader, RESEARCH};
use anyhow::Context;
use domain::access::Role;
use domain::people::PersonInput;
use domain::programs::ProgramKind;
use domain::values::Orcid;
use matching::criteria::Settings;

struct Member<'a> {
    name: &'a str,
    cadre: &'a str,
    years: i64,
    tz: &'a str,
    residence: &'a str,
    languages: &'a str,
}

impl Loader<'_> {
    pub(super) async fn research(&mut self) -> anyhow::Result<()> {
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
}
