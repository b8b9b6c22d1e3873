//! The surgical program's twelve months in the field (C3, C4, C6): the checklist and the
//! readiness questionnaire saved as forms, sites in waves with their baseline assessments,
//! the dose plan, coaching visits with scored checklists and debriefs, weekly tele-sessions,
//! weekly check-ins and two joint learning sessions. Deterministic, like `sites`: which
//! days, who attended, which checklist items were missed, which action items are still
//! open. Apart because it is the largest step and the only one that fills forms.

use super::Loader;
use super::readiness_form::readiness_form;
use super::sites::{FieldProgram, FieldSite};
use chrono::{Duration, NaiveDate};
use domain::ids::PersonId;

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

impl Loader<'_> {
    /// Twelve months of field work ending today: the checklist and the readiness
    /// questionnaire, sites in waves with their baseline assessments, the dose plan, coaching
    /// visits with checklists and debriefs, weekly tele-sessions, weekly check-ins and two
    /// joint learning sessions.
    pub(super) async fn field_history(&self, field: &FieldProgram) -> anyhow::Result<()> {
        let db = self.db;
        let actor = &self.actor;
        let program = field.program;
        let today = store::now().date_naive();
        let days_ago = |n: i64| today - Duration::days(n);

        let bytes =
            include_bytes!("../../../forms/tests/fixtures/surgical_mentoring_checklist.xlsx");
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
