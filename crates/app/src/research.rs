//! The research collaborative's figures (C11, C12), shared by pages, API and CLI: stored rows
//! turned into the `research` crate's model, then participation per member and month, the
//! Gini of participation over time, disengagement warnings (which queue nudges), brain-gain
//! figures, stretch-role suggestions and the citable outputs for BibTeX and CSL-JSON.

use crate::Error;
use chrono::NaiveDate;
use domain::FieldError;
use domain::ids::{PersonId, ProgramId};
use domain::research::OutputKind;
use domain::scheduling::AttendanceStatus;
use domain::values::CountryCode;
use research::brain_gain::{BrainGain, brain_gain};
use research::outputs::{Affiliation, NewAuthor, NewPresentation, NewPublication, NewTraining};
use research::participation::{
    ActivityLog, Contribution, ContributionKind, DisengagementRules, Session, disengagement,
    gini_by_month, gini_overall, participation,
};
use research::{Member, MemberId, Output};
use serde::Serialize;
use std::collections::BTreeMap;
use store::research::{ProjectRole, ProjectTask, ResearchOutput, ResearchProject};
use store::{Actor, Db};

/// The home country of a collaborative whose members have none recorded: the seed
/// collaborative's (Nigeria). Members with a recorded home country use theirs.
const DEFAULT_HOME: &str = "NG";

/// Turns stored outputs into the citable model (checked again: a stored row that no longer
/// validates is our fault, so it is reported as internal).
pub fn citable_outputs(stored: &[ResearchOutput]) -> Result<Vec<Output>, Error> {
    citable_outputs_with(stored, &BTreeMap::new())
}

fn citable_outputs_with(
    stored: &[ResearchOutput],
    members: &BTreeMap<PersonId, MemberId>,
) -> Result<Vec<Output>, Error> {
    let internal = |e: FieldError| Error::caused("stored output", e);
    let mut outputs = Vec::with_capacity(stored.len());
    for output in stored {
        let authors: Vec<NewAuthor> = output
            .authors
            .iter()
            .map(|a| NewAuthor {
                family: a.family.clone(),
                given: a.given.clone(),
                orcid: a.orcid.clone(),
                member: a.person.and_then(|p| members.get(&p).copied()),
                affiliation: CountryCode::parse(&a.affiliation_country)
                    .ok()
                    .map(|country| Affiliation {
                        name: String::new(),
                        country,
                    }),
            })
            .collect();
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let parsed = match output.kind {
            OutputKind::Publication => Output::Publication(
                NewPublication {
                    doi: output.doi.clone(),
                    title: output.title.clone(),
                    journal: output.venue.clone(),
                    published_on: output.happened_on,
                    volume: optional(&output.volume),
                    issue: optional(&output.issue),
                    pages: optional(&output.pages),
                    authors,
                }
                .validate()
                .map_err(internal)?,
            ),
            OutputKind::Presentation => Output::Presentation(
                NewPresentation {
                    title: output.title.clone(),
                    event: output.venue.clone(),
                    place: output.place.clone(),
                    date: output.happened_on,
                    presenters: authors,
                }
                .validate()
                .map_err(internal)?,
            ),
            OutputKind::Training => Output::Training(
                NewTraining {
                    title: output.title.clone(),
                    audience: output.venue.clone(),
                    place: output.place.clone(),
                    date: output.happened_on,
                    trainers: authors,
                    participants: output
                        .participants
                        .unwrap_or(0)
                        .clamp(0, i64::from(u32::MAX)) as u32,
                }
                .validate()
                .map_err(internal)?,
            ),
        };
        outputs.push(parsed);
    }
    Ok(outputs)
}

/// One member's line on the participation dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberParticipation {
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// Where they live (ISO country), if recorded.
    pub residence: String,
    /// Lives outside their home country.
    pub diaspora: bool,
    /// Sessions they were invited to (held so far).
    pub sessions_expected: u32,
    /// Sessions attended.
    pub sessions_attended: u32,
    /// Tasks done, outputs credited and roles taken.
    pub contributions: u32,
    /// Attended ÷ expected, as a percentage.
    pub attendance_percent: Option<u32>,
    /// Last attendance or contribution.
    pub last_active: Option<NaiveDate>,
    /// Warnings (why a nudge was queued).
    pub warnings: Vec<String>,
}

/// One member's participation in one month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthParticipation {
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// `2026-03`.
    pub month: String,
    /// Sessions they were expected at.
    pub sessions_expected: u32,
    /// Sessions attended.
    pub sessions_attended: u32,
    /// Tasks done, outputs credited and roles taken that month.
    pub contributions: u32,
}

/// The participation and equity report of a program.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipationReport {
    /// As of this day.
    pub today: NaiveDate,
    /// One line per member, by name.
    pub members: Vec<MemberParticipation>,
    /// Every member's participation per month, oldest first.
    pub by_month: Vec<MonthParticipation>,
    /// Gini of activity per month (`202503`, value): 0 = everyone equally active.
    pub gini_by_month: Vec<(String, f64)>,
    /// Gini of each member's total activity over the whole period.
    pub gini_overall: f64,
    /// Brain-gain figures per year and in total.
    pub brain_gain: BrainGain,
    /// Nudges newly queued by this run.
    pub nudges_queued: usize,
}

/// The report as the viewer may read it: a manager (or administrator) sees every member's
/// lines; anyone else their own, beside the collaborative's aggregates (Gini, brain gain),
/// which name nobody. A member's attendance is theirs and their managers' to read.
pub fn as_seen_by(
    mut report: ParticipationReport,
    viewer: &domain::access::Viewer,
    program: ProgramId,
) -> ParticipationReport {
    if !viewer.can_manage_program(program) {
        let me = viewer.person;
        report.members.retain(|m| Some(m.person) == me);
        report.by_month.retain(|m| Some(m.person) == me);
    }
    report
}

/// Computes a program's participation as of `today`. With `queue_nudges`, each
/// disengagement warning queues a nudge for that member unless one is already waiting.
pub async fn participation_report(
    db: &Db,
    actor: &Actor,
    program: ProgramId,
    today: NaiveDate,
    queue_nudges: bool,
) -> Result<ParticipationReport, Error> {
    let memberships = db.memberships_of_program(program, "").await?;
    let mut people: BTreeMap<PersonId, String> = BTreeMap::new();
    for m in &memberships {
        people.insert(m.person, m.person_name.clone());
    }
    let ids: BTreeMap<PersonId, MemberId> = people
        .keys()
        .enumerate()
        .map(|(i, p)| (*p, MemberId(i as u32)))
        .collect();
    let attendance = db.program_attendance(program).await?;
    let mut sessions: BTreeMap<i64, Session> = BTreeMap::new();
    for (person, session, at, status) in &attendance {
        let held_on = at.date_naive();
        if held_on > today {
            continue;
        }
        let Some(member) = ids.get(person).copied() else {
            continue;
        };
        let entry = sessions.entry(*session).or_insert_with(|| Session {
            held_on,
            expected: Vec::new(),
            attended: Vec::new(),
        });
        if *status != AttendanceStatus::Excused {
            entry.expected.push(member);
        }
        if *status == AttendanceStatus::Attended {
            entry.attended.push(member);
        }
    }
    let mut contributions = Vec::new();
    for task in db.program_tasks(program).await? {
        if let (Some(done), Some(member)) = (task.done_on, ids.get(&task.owner)) {
            contributions.push(Contribution {
                member: *member,
                on: done,
                kind: ContributionKind::TaskDone,
            });
        }
    }
    let stored_outputs = db.outputs(program).await?;
    for output in &stored_outputs {
        for author in &output.authors {
            if let Some(member) = author.person.and_then(|p| ids.get(&p)) {
                contributions.push(Contribution {
                    member: *member,
                    on: output.happened_on,
                    kind: ContributionKind::Output,
                });
            }
        }
    }
    for role in db.program_roles(program).await? {
        if let Some(member) = ids.get(&role.person) {
            contributions.push(Contribution {
                member: *member,
                on: role.created_at.date_naive(),
                kind: ContributionKind::Role,
            });
        }
    }
    contributions.retain(|c| c.on <= today);
    let log = ActivityLog {
        sessions: sessions.into_values().collect(),
        contributions,
    };

    let home_default =
        CountryCode::parse(DEFAULT_HOME).map_err(|e| Error::caused("default home country", e))?;
    let mut members = Vec::with_capacity(ids.len());
    let mut residences = BTreeMap::new();
    for (person, member) in &ids {
        let profile = db.person(*person).await?.profile;
        let home = profile.home_country.unwrap_or(home_default);
        let residence = profile.country_of_residence.unwrap_or(home);
        residences.insert(*person, residence);
        let first_invited = log
            .sessions
            .iter()
            .filter(|s| s.expected.contains(member))
            .map(|s| s.held_on)
            .min();
        members.push(Member {
            id: *member,
            joined_on: first_invited.unwrap_or(today),
            years_qualified: profile.years_experience.map_or(0, |y| u32::from(y.get())),
            residence,
            home,
        });
    }

    let rows = participation(&ids.values().copied().collect::<Vec<_>>(), &log);
    let warnings = disengagement(&members, &log, today, &DisengagementRules::default());
    let mut nudges_queued = 0;
    let by_member: BTreeMap<MemberId, PersonId> = ids.iter().map(|(p, m)| (*m, *p)).collect();
    let mut warning_text: BTreeMap<MemberId, Vec<String>> = BTreeMap::new();
    for warning in &warnings {
        let text = warning_reason(warning);
        if let Some(person) = by_member.get(&warning.member)
            && queue_nudges
            && db.queue_nudge(actor, program, *person, &text).await?
        {
            nudges_queued += 1;
        }
        warning_text.entry(warning.member).or_default().push(text);
    }

    let lines = ids
        .iter()
        .map(|(person, member)| {
            let mine = rows.iter().filter(|r| r.member == *member);
            let (mut expected, mut attended, mut contributed) = (0, 0, 0);
            for r in mine {
                expected += r.sessions_held;
                attended += r.sessions_attended;
                contributed += r.tasks_done + r.outputs + r.roles;
            }
            let last_session = log
                .sessions
                .iter()
                .filter(|s| s.attended.contains(member))
                .map(|s| s.held_on)
                .max();
            let last_contribution = log
                .contributions
                .iter()
                .filter(|c| c.member == *member)
                .map(|c| c.on)
                .max();
            let residence = residences.get(person).copied();
            MemberParticipation {
                person: *person,
                name: people.get(person).cloned().unwrap_or_default(),
                residence: residence.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                diaspora: members.iter().any(|m| m.id == *member && m.is_diaspora()),
                sessions_expected: expected,
                sessions_attended: attended,
                contributions: contributed,
                attendance_percent: (expected > 0).then(|| attended * 100 / expected),
                last_active: last_session.max(last_contribution),
                warnings: warning_text.remove(member).unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let mut lines = lines;
    lines.sort_by(|a, b| a.name.cmp(&b.name).then(a.person.cmp(&b.person)));

    let outputs = citable_outputs_with(&stored_outputs, &ids)?;
    let by_month = rows
        .iter()
        .filter_map(|r| {
            Some(MonthParticipation {
                person: *by_member.get(&r.member)?,
                month: format!("{}-{:02}", r.month.year, r.month.month),
                sessions_expected: r.sessions_held,
                sessions_attended: r.sessions_attended,
                contributions: r.tasks_done + r.outputs + r.roles,
            })
        })
        .collect();
    Ok(ParticipationReport {
        today,
        members: lines,
        by_month,
        gini_by_month: gini_by_month(&rows)
            .into_iter()
            .map(|(month, g)| (month.to_string(), g))
            .collect(),
        gini_overall: gini_overall(&rows),
        brain_gain: brain_gain(&members, &outputs, home_default),
        nudges_queued,
    })
}

/// The warning without the member index the `research` crate prefixes (pages name the
/// member themselves).
fn warning_reason(warning: &research::participation::DisengagementWarning) -> String {
    let text = warning.to_string();
    let prefix = format!("{}: ", warning.member);
    text.strip_prefix(&prefix)
        .map_or(text.clone(), str::to_owned)
}

/// A member suggested for a stretch role on a project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StretchSuggestion {
    /// Person.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// `first_author`, `lead_analysis` or `lead_presenter`.
    pub role: String,
    /// Why them.
    pub reason: String,
}

/// For each stretch role, up to two of the project's members who have never held it, least
/// experienced first (the `research` crate's rule), from the program's recorded firsts.
pub async fn stretch_suggestions(
    db: &Db,
    project: &store::research::ResearchProject,
) -> Result<Vec<StretchSuggestion>, Error> {
    use research::projects::ProjectMember;
    use research::stretch::{RoleRecord, StretchRole, suggest};
    let roles = db.project_roles(project.id).await?;
    let mut people: Vec<(PersonId, String)> =
        roles.iter().map(|r| (r.person, r.name.clone())).collect();
    people.sort();
    people.dedup();
    let firsts = db.stretch_firsts(project.program).await?;
    for first in &firsts {
        if !people.iter().any(|(p, _)| *p == first.person) {
            people.push((first.person, first.name.clone()));
        }
    }
    let ids: BTreeMap<PersonId, MemberId> = people
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (*p, MemberId(i as u32)))
        .collect();
    let home =
        CountryCode::parse(DEFAULT_HOME).map_err(|e| Error::caused("default home country", e))?;
    let mut members = Vec::new();
    for (person, member) in &ids {
        let profile = db.person(*person).await?.profile;
        members.push(Member {
            id: *member,
            joined_on: project.created_at.date_naive(),
            years_qualified: profile.years_experience.map_or(0, |y| u32::from(y.get())),
            residence: profile.country_of_residence.unwrap_or(home),
            home: profile.home_country.unwrap_or(home),
        });
    }
    let history: Vec<RoleRecord> = firsts
        .iter()
        .filter_map(|f| {
            let role = match f.role.as_str() {
                "first_author" => StretchRole::FirstAuthor,
                "lead_analysis" => StretchRole::LeadAnalysis,
                "lead_presenter" => StretchRole::LeadPresenter,
                _ => return None,
            };
            Some(RoleRecord {
                on: f.held_on,
                member: *ids.get(&f.person)?,
                role,
                on_what: String::new(),
            })
        })
        .collect();
    let mut model = research::Project::new(&project.title, project.created_at.date_naive())
        .map_err(|e| Error::caused("stored project", e))?;
    let on_project: Vec<PersonId> = roles.iter().map(|r| r.person).collect();
    model.members = ids
        .iter()
        .filter(|(p, _)| on_project.contains(p))
        .map(|(_, m)| ProjectMember {
            member: *m,
            roles: Vec::new(),
        })
        .collect();
    let by_member: BTreeMap<MemberId, &(PersonId, String)> =
        people.iter().map(|entry| (ids[&entry.0], entry)).collect();
    let mut out = Vec::new();
    for role in StretchRole::ALL {
        for s in suggest(&members, &history, &model, role, 2) {
            if let Some((person, name)) = by_member.get(&s.member) {
                out.push(StretchSuggestion {
                    person: *person,
                    name: name.clone(),
                    role: match role {
                        StretchRole::FirstAuthor => "first_author",
                        StretchRole::LeadAnalysis => "lead_analysis",
                        StretchRole::LeadPresenter => "lead_presenter",
                    }
                    .to_owned(),
                    reason: s.reason,
                });
            }
        }
    }
    Ok(out)
}

/// A project with everything on its page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectDetail {
    /// The project.
    pub project: ResearchProject,
    /// CRediT roles of its members.
    pub roles: Vec<ProjectRole>,
    /// Tasks and milestones.
    pub tasks: Vec<ProjectTask>,
    /// Outputs that came from it.
    pub outputs: Vec<ResearchOutput>,
}

/// Everything about a project.
pub async fn project_detail(db: &Db, project: ResearchProject) -> Result<ProjectDetail, Error> {
    let roles = db.project_roles(project.id).await?;
    let tasks = db.project_tasks(project.id).await?;
    let outputs = db
        .outputs(project.program)
        .await?
        .into_iter()
        .filter(|o| o.project == Some(project.id))
        .collect();
    Ok(ProjectDetail {
        project,
        roles,
        tasks,
        outputs,
    })
}
