//! The collaborative's 18 months of history: projects replayed through their stages, CRediT
//! roles, tasks and milestones, outputs with their authors, availability, meetings with
//! attendance and the next four weeks planned fairly, all from `research::demo` and
//! `scheduling::demo` and written through the store. Apart because it maps another crate's
//! history onto the people just created, which the collaborative's set-up does not need.

use super::{Loader, at_utc};
use anyhow::Context;
use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use domain::ids::{PersonId, ProgramId, ProjectId};
use domain::values::TimeZone;
use research::credit::Degree;
use research::pipeline::Stage;
use research::{MemberId, Output};
use scheduling::demo::DEMO_ZONES;
use std::collections::{HashMap, HashSet, VecDeque};
use store::research::{NewOutput, OutputAuthor};
use store::scheduling::{NewSeries, Window, WindowKind};

impl Loader<'_> {
    /// Loads the collaborative's history (issue 6): 18 months shaped like the seed report,
    /// from `research::demo` (projects, roles, tasks, outputs, sessions and attendance) and
    /// `scheduling::demo` (availability), ending today so the participation figures and
    /// disengagement warnings are current. Then plans the next four weekly meetings so the
    /// scheduling page has upcoming sessions. Every write goes through a store method, so
    /// each is audited like a user's.
    pub(super) async fn research_history(
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
        let mut outputs: Vec<(ProjectId, &Output)> = history
            .projects
            .iter()
            .zip(&project_ids)
            .flat_map(|(p, id)| p.outputs.iter().map(move |o| (*id, o)))
            .collect();
        outputs.sort_by_key(|(_, o)| o.date());
        for (project, output) in outputs {
            let new = new_output(project.0, output, &person)?;
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
        project: ProjectId,
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
}

/// A member of the research collaborative as its history needs them.
pub(super) struct Collaborator<'a> {
    pub(super) id: PersonId,
    pub(super) name: &'a str,
    pub(super) zone: &'a str,
    pub(super) orcid: String,
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
        project: Some(ProjectId(project)),
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
