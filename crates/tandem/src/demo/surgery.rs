//! The surgical mentorship program: Ethiopia's regions, zones and nine hospitals, the
//! program, its manager, regional viewers, mentors, facility leaders and mentees with their
//! accounts, then each step of its year in order (training, pairing, field history,
//! coupling and teams, monitoring). Apart from those steps, which have their own files.

use super::sites::{FieldProgram, FieldSite};
use super::{Loader, SURGERY};
use anyhow::Context;
use domain::access::Role;
use domain::people::PersonInput;
use domain::programs::ProgramKind;
use matching::criteria::Settings;

/// A demo facility: (code, name, latitude, longitude).
type DemoFacility = (&'static str, &'static str, f64, f64);

impl Loader<'_> {
    pub(super) async fn surgery(&mut self) -> anyhow::Result<()> {
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
