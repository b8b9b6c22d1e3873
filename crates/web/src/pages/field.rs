//! Field mentorship pages (C3, C4, C6): the visit form (usable on a small phone; the
//! checklist is drawn from the stored XLSForm), visit history, a visit's page, the sites with
//! their readiness, a facility's page with readiness, visits and open action items, and a
//! mentee's page with their pairings, training, sessions and actions.

use super::{Layout, render, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::access::{ContributableProgram, VisibleProgram};
use crate::extract::csrf::CheckedForm;
use crate::extract::{PathId, PathIds};
use app::field::{ActivityInput, ChecklistInput, new_activity};
use app::field::{AnswerInput, activity_filter, can_see_activity};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Role;
use domain::field::ParticipantRole;
use domain::ids::{ActionItemId, ActivityId, OrgUnitId, PersonId, ProgramId};
use domain::programs::Program;
use forms::{Form, Item, QuestionType};
use std::collections::BTreeMap;
use store::visits::{ActionItem, Activity, ActivityDetail, NewAction, NewDebrief, NewParticipant};

/// One field of the drawn checklist.
pub struct FieldView {
    /// `group` (opens a fieldset), `end` (closes it), `note`, `input`, `one`, `many`.
    pub kind: &'static str,
    /// Question name (the form field is `q.<name>`).
    pub name: String,
    /// Label in the reader's language.
    pub label: String,
    /// Hint.
    pub hint: String,
    /// `<input type=…>` for `input`.
    pub input_type: &'static str,
    /// `inputmode` for numbers.
    pub inputmode: &'static str,
    /// Required and always shown (the browser can insist).
    pub required: bool,
    /// (value, label, checked) for choices.
    pub choices: Vec<(String, String, bool)>,
    /// The value typed before a refusal.
    pub value: String,
}

/// Draws a form's questions for `lang`, keeping `posted` values.
pub fn draw(form: &Form, lang: &str, posted: &BTreeMap<String, Vec<String>>) -> Vec<FieldView> {
    fn walk(
        form: &Form,
        items: &[Item],
        lang: &str,
        posted: &BTreeMap<String, Vec<String>>,
        out: &mut Vec<FieldView>,
    ) {
        let default = form.default_language.as_deref();
        let text = |t: &forms::Translated| -> String {
            t.best(Some(lang), default)
                .or_else(|| t.untagged())
                .unwrap_or_default()
                .to_owned()
        };
        for item in items {
            match item {
                Item::Group(group) => {
                    out.push(FieldView {
                        kind: "group",
                        name: group.name.clone(),
                        label: text(&group.label),
                        hint: String::new(),
                        input_type: "",
                        inputmode: "",
                        required: false,
                        choices: Vec::new(),
                        value: String::new(),
                    });
                    walk(form, &group.items, lang, posted, out);
                    out.push(FieldView {
                        kind: "end",
                        name: String::new(),
                        label: String::new(),
                        hint: String::new(),
                        input_type: "",
                        inputmode: "",
                        required: false,
                        choices: Vec::new(),
                        value: String::new(),
                    });
                }
                Item::Question(q) => {
                    let values = posted.get(&q.name).cloned().unwrap_or_default();
                    let value = values.first().cloned().unwrap_or_default();
                    let (kind, input_type, inputmode) = match q.kind {
                        QuestionType::Note => ("note", "", ""),
                        QuestionType::SelectOne => ("one", "", ""),
                        QuestionType::SelectMultiple => ("many", "", ""),
                        QuestionType::Integer => ("input", "text", "numeric"),
                        QuestionType::Decimal => ("input", "text", "decimal"),
                        QuestionType::Date => ("input", "date", ""),
                        QuestionType::Time => ("input", "time", ""),
                        QuestionType::DateTime => ("input", "datetime-local", ""),
                        QuestionType::PhoneNumber => ("input", "tel", "tel"),
                        QuestionType::Text => ("input", "text", ""),
                        // Computed or metadata: nothing to fill in.
                        _ => continue,
                    };
                    let selected: Vec<String> = values
                        .iter()
                        .flat_map(|v| v.split_whitespace().map(str::to_owned))
                        .collect();
                    out.push(FieldView {
                        kind,
                        name: q.name.clone(),
                        label: text(&q.label),
                        hint: text(&q.hint),
                        input_type,
                        inputmode,
                        required: q.required && q.relevant.is_none(),
                        choices: form
                            .choices_of(q)
                            .iter()
                            .map(|c| (c.name.clone(), text(&c.label), selected.contains(&c.name)))
                            .collect(),
                        value,
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(form, &form.items, lang, posted, &mut out);
    out
}

#[derive(Template)]
#[template(path = "field/visits.html")]
struct VisitsPage {
    layout: Layout,
    program: Program,
    activities: Vec<Activity>,
    can_record: bool,
}

/// `GET /programs/{program}/visits`: the activities the viewer may see, newest first.
pub async fn visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    layout.title = layout
        .t
        .with("field-visits-title", "program", &program.name);
    let filter = store::visits::ActivityFilter {
        newest_first: true,
        limit: Some(200),
        ..activity_filter(&auth.viewer, program.id)
    };
    let activities = state.app.db.activities(program.id, &filter).await?;
    render(&VisitsPage {
        can_record: auth.viewer.can_contribute(program.id),
        layout,
        program,
        activities,
    })
}

#[derive(Template)]
#[template(path = "field/visit_form.html")]
struct VisitForm {
    layout: Layout,
    program: Program,
    error: Option<String>,
    facilities: Vec<(i64, String)>,
    people: Vec<(i64, String, ParticipantRole)>,
    form_id: Option<i64>,
    form_title: String,
    fields: Vec<FieldView>,
    posted: BTreeMap<String, Vec<String>>,
    mentees: Vec<(i64, String)>,
}

impl VisitForm {
    fn value(&self, key: &str) -> String {
        self.posted
            .get(key)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    }
    fn checked(&self, key: &str, value: &i64) -> bool {
        self.posted
            .get(key)
            .is_some_and(|v| v.iter().any(|x| x == &value.to_string()))
    }
}

async fn visit_form(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    mut posted: BTreeMap<String, Vec<String>>,
    error: Option<domain::FieldError>,
) -> Result<Response, AppError> {
    let fresh = posted.is_empty();
    // One key per visit being entered, so that a second press of Record on a slow link, or
    // the form sent again from history, records the visit once. A refused form keeps its
    // key: nothing was written under it.
    if !posted.contains_key("submission_key") {
        posted.insert(
            "submission_key".into(),
            vec![app::accounts::random_token()?],
        );
    }
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.get("field-record-visit");
    let mut facilities: Vec<(i64, String)> = state
        .app
        .db
        .sites(program.id)
        .await?
        .into_iter()
        .map(|s| (s.facility.0, s.facility_name))
        .collect();
    if facilities.is_empty() {
        // Programs without sites yet: the facilities their members work at.
        for m in state.app.db.memberships_of_program(program.id, "").await? {
            facilities.push((m.org_unit.0, m.org_unit_name));
        }
    }
    facilities.sort_by(|a, b| a.1.cmp(&b.1));
    facilities.dedup();
    let mut people: Vec<(i64, String, ParticipantRole)> = state
        .app
        .db
        .memberships_of_program(program.id, "")
        .await?
        .into_iter()
        .filter_map(|m| match m.role {
            Role::Mentor => Some((m.person.0, m.person_name, ParticipantRole::Mentor)),
            Role::Mentee => Some((m.person.0, m.person_name, ParticipantRole::Mentee)),
            _ => None,
        })
        .collect();
    // Mentees first, then mentors, as their codes sort.
    people.sort_by(|a, b| a.2.as_str().cmp(b.2.as_str()).then(a.1.cmp(&b.1)));
    people.dedup();
    people.truncate(300);
    // Whoever records a visit took part in it: a new form has them ticked already.
    if fresh
        && let Some(me) = auth.viewer.person
        && let Some((_, _, role)) = people.iter().find(|p| p.0 == me.0)
    {
        posted.insert(format!("{role}s"), vec![me.0.to_string()]);
    }
    let forms = state.app.db.forms_of_program(program.id).await?;
    let chosen = forms
        .iter()
        .find(|f| f.purpose == domain::field::FormPurpose::Checklist);
    let fields = chosen.map_or_else(Vec::new, |f| {
        draw(&f.model, layout.t.lang(), &posted_answers(&posted))
    });
    let refused = error.is_some();
    let page = VisitForm {
        facilities,
        mentees: people
            .iter()
            .filter(|p| p.2 == ParticipantRole::Mentee)
            .map(|p| (p.0, p.1.clone()))
            .collect(),
        people,
        form_id: chosen.map(|f| f.id.0),
        form_title: chosen.map(|f| f.title.clone()).unwrap_or_default(),
        fields,
        posted,
        error: error.map(|e| layout.t.refusal(&e)),
        layout,
        program,
    };
    render_form(&page, refused)
}

/// The checklist answers among posted fields (`q.<name>` → `<name>`).
fn posted_answers(posted: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    posted
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("q.")
                .map(|name| (name.to_owned(), v.clone()))
        })
        .collect()
}

/// `GET /programs/{program}/visits/new`.
pub async fn new_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
) -> Result<Response, AppError> {
    visit_form(&state, &headers, &auth, program, BTreeMap::new(), None).await
}

/// A form's fields by name, keeping repeated keys (checkboxes) in order and leaving out
/// empty values.
fn grouped(posted: Vec<(String, String)>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in posted {
        if !v.trim().is_empty() {
            out.entry(k).or_default().push(v);
        }
    }
    out
}

/// `POST /programs/{program}/visits`: records the visit with its checklist and debrief; a
/// refusal re-draws the form with what was typed and the field named.
pub async fn record_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    ContributableProgram(program): ContributableProgram,
    CheckedForm(body): CheckedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let posted = grouped(body);
    let first = |k: &str| posted.get(k).and_then(|v| v.first()).cloned();
    let number = |k: &str| -> Result<Option<i64>, AppError> {
        first(k)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| AppError::invalid(k, format!("{v:?} is not a number")))
            })
            .transpose()
    };
    let build = async {
        let mut participants = Vec::new();
        for (key, role) in [("mentors", "mentor"), ("mentees", "mentee")] {
            for v in posted.get(key).into_iter().flatten() {
                let person = v
                    .parse()
                    .map_err(|_| AppError::invalid(key, format!("{v:?} is not a person")))?;
                participants.push(NewParticipant {
                    person: PersonId(person),
                    role: role.into(),
                    attended: true,
                });
            }
        }
        let mut actions = Vec::new();
        for i in 0..3 {
            let description = first(&format!("action{i}"));
            if let Some(description) = description {
                let owner = number(&format!("action{i}_owner"))?.ok_or_else(|| {
                    AppError::Invalid(
                        domain::FieldError::new(
                            format!("debrief.actions[{i}].owner"),
                            "choose who owns it",
                        )
                        .phrased("field-error-action-owner", &[]),
                    )
                })?;
                actions.push(NewAction {
                    owner: PersonId(owner),
                    description,
                    due_on: first(&format!("action{i}_due")).unwrap_or_default(),
                });
            }
        }
        let went_well = first("went_well").unwrap_or_default();
        let to_improve = first("to_improve").unwrap_or_default();
        let debrief = (!went_well.is_empty() || !to_improve.is_empty() || !actions.is_empty())
            .then_some(NewDebrief {
                went_well,
                to_improve,
                actions,
            });
        let answers: BTreeMap<String, AnswerInput> = posted_answers(&posted)
            .into_iter()
            .map(|(k, v)| {
                let answer = if v.len() == 1 {
                    AnswerInput::Text(v[0].clone())
                } else {
                    AnswerInput::Many(v)
                };
                (k, answer)
            })
            .collect();
        let checklist = match number("form")? {
            Some(form) if !answers.is_empty() => Some(ChecklistInput {
                form,
                mentee: number("checklist_mentee")?,
                answers,
            }),
            _ => None,
        };
        let input = ActivityInput {
            kind: "visit".into(),
            facility: number("facility")?,
            starts_on: first("starts_on"),
            ends_on: first("ends_on"),
            starts_at: None,
            duration_minutes: None,
            channel: None,
            summary: first("summary").unwrap_or_default(),
            patient_identifiers_removed: false,
            participants,
            cases: Vec::new(),
            checklist,
            debrief,
        };
        Ok::<_, AppError>(new_activity(&state.app.db, &auth.viewer, program.id, input).await?)
    };
    let key = first("submission_key");
    // What this press asked, so that a retry is told from a changed form sent again.
    let digest = {
        let mut asked = posted.clone();
        asked.remove("csrf");
        asked.remove("submission_key");
        app::field::request_digest(&asked)?
    };
    let submission = key.as_deref().map(|key| store::visits::Submission {
        key,
        request_sha256: &digest,
    });
    let recorded =
        app::field::record_activity(&state.app, &auth.actor(), program.id, submission, build).await;
    match recorded {
        // A repeat lands where the first press did.
        Ok(recorded) => Ok(
            Redirect::to(&format!("/activities/{}", recorded.detail.activity.id)).into_response(),
        ),
        Err(AppError::Invalid(e)) => {
            visit_form(&state, &headers, &auth, program, posted, Some(e)).await
        }
        // Sent before, then changed (from history, say): shown again with a new key, so that
        // recording it now adds a visit instead of answering with the first.
        Err(AppError::Conflict(e)) => {
            let mut posted = posted.clone();
            posted.remove("submission_key");
            let refusal = domain::FieldError::new("submission_key", e.message)
                .phrased("field-error-sent-already", &[]);
            visit_form(&state, &headers, &auth, program, posted, Some(refusal)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "field/activity.html")]
struct ActivityPage {
    layout: Layout,
    detail: ActivityDetail,
}

/// `GET /activities/{activity}`.
pub async fn activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let detail = state.app.db.activity(ActivityId(id)).await?;
    if !can_see_activity(&auth.viewer, &detail) {
        return Err(AppError::Forbidden);
    }
    let mut layout = Layout::new(&state, &headers, Some(&auth), "");
    let kind = layout
        .t
        .get(&format!("field-kind-{}", detail.activity.kind));
    layout.title = format!(
        "{kind} · {}",
        detail.activity.facility_name.clone().unwrap_or_default()
    );
    render(&ActivityPage { layout, detail })
}

#[derive(Template)]
#[template(path = "field/facility.html")]
struct FacilityPage {
    layout: Layout,
    program: Program,
    site: Option<store::readiness::Site>,
    assessments: Vec<store::readiness::SiteAssessment>,
    activities: Vec<Activity>,
    /// Open actions, each with whether the viewer may follow it up.
    actions: Vec<(ActionItem, bool)>,
    today: chrono::NaiveDate,
    facility_id: i64,
    dose: Vec<DoseLine>,
    quarter: String,
    /// Its coupling partner(s) and mentor team, in words.
    partners: Vec<String>,
}

/// One modality's dose in the current quarter, as pages show it.
pub struct DoseLine {
    /// Translated modality (or "all").
    pub label: String,
    /// Contact hours.
    pub hours: String,
    /// Activities (visits; touches overall).
    pub activities: u32,
    /// Delivered of planned (`4 of 3 visit days`), when planned.
    pub against_plan: String,
    /// `on_track`, `at_risk`, `off_track` or empty.
    pub status: String,
}

/// The current quarter's dose lines for one subject.
async fn dose_lines(
    state: &AppState,
    layout: &Layout,
    program: ProgramId,
    subject: indicators::dose::Subject,
) -> Result<(String, Vec<DoseLine>), AppError> {
    let today = store::now().date_naive();
    let quarter =
        indicators::periods::Period::containing(indicators::periods::PeriodType::Quarterly, today)
            .map_err(|e| AppError::caused("this quarter", e))?;
    let rows = app::field::dose_rows(
        &state.app.db,
        program,
        indicators::periods::PeriodType::Quarterly,
        quarter.start(),
        quarter.end(),
    )
    .await?;
    let lines = rows
        .into_iter()
        .filter(|r| r.subject == subject)
        .filter(|r| r.contact_minutes > 0 || r.planned.is_some_and(|p| p > 0.0))
        .map(|r| {
            let key = r.modality.map_or("overall".to_owned(), |m| {
                serde_json::to_value(m)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            });
            DoseLine {
                label: layout.t.get(&format!("field-dose-{key}")),
                hours: layout.t.decimal(r.contact_hours, 1),
                activities: r.activities,
                against_plan: match (r.delivered, r.planned) {
                    (Some(d), Some(p)) => format!("{:.0} / {:.0}", d.max(0.0), p),
                    _ => r
                        .percent_of_plan
                        .map(|p| format!("{p:.0} %"))
                        .unwrap_or_default(),
                },
                status: r
                    .status
                    .and_then(|s| serde_json::to_value(s).ok())
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok((quarter.to_string(), lines))
}

/// `GET /programs/{program}/sites/{facility}`: readiness, visits and open action items.
pub async fn facility(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathIds(program, facility): PathIds,
) -> Result<Response, AppError> {
    let program =
        app::scope::visible_program(&state.app.db, &auth.viewer, ProgramId(program)).await?;
    let unit = state.app.db.org_unit(OrgUnitId(facility)).await?;
    if !auth.viewer.can_view_org_unit(&unit.path) {
        return Err(AppError::Forbidden);
    }
    let layout = Layout::new(&state, &headers, Some(&auth), unit.name.to_string());
    let site = state.app.db.site(program.id, unit.id).await.ok();
    // The page shows this unit's part of what the viewer may see, never more: on an ancestor
    // (the country) a facility leader still sees their own area, a mentor or mentee still
    // only the visits they took part in and the actions they own.
    let scope = app::scope::member_scope(&auth.viewer, program.id);
    let area = match scope.as_deref() {
        Some(scope) if scope.starts_with(unit.path.as_str()) => scope.to_owned(),
        _ => unit.path.clone(),
    };
    let mut filter = activity_filter(&auth.viewer, program.id);
    filter.under_path = Some(area.clone());
    let mut activities = state.app.db.activities(program.id, &filter).await?;
    activities.sort_by_key(|a| std::cmp::Reverse(a.starts_on));
    activities.truncate(50);
    let open = match (&scope, auth.viewer.person) {
        (Some(_), _) => {
            state
                .app
                .db
                .open_actions(program.id, Some(&area), None)
                .await?
        }
        // Someone with no area sees the actions they own.
        (None, Some(me)) => {
            state
                .app
                .db
                .open_actions(program.id, Some(&area), Some(me))
                .await?
        }
        (None, None) => Vec::new(),
    };
    // Each action's button follows the rule its follow-up is checked by; the activities they
    // came from are read once each.
    let mut details = std::collections::HashMap::new();
    let mut actions = Vec::with_capacity(open.len());
    for action in open {
        let detail = match details.entry(action.activity) {
            std::collections::hash_map::Entry::Occupied(seen) => seen.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(state.app.db.activity(action.activity).await?)
            }
        };
        let may = app::scope::may_follow_up(&auth.viewer, &action, detail);
        actions.push((action, may));
    }
    let (quarter, dose) = dose_lines(
        &state,
        &layout,
        program.id,
        indicators::dose::Subject::Facility(unit.id.0),
    )
    .await?;
    let partners =
        super::facility_matching::facility_partners(&state, &layout.t, program.id, unit.id).await?;
    render(&FacilityPage {
        partners,
        dose,
        quarter,
        facility_id: unit.id.0,
        assessments: state.app.db.site_assessments(program.id, unit.id).await?,
        today: store::now().date_naive(),
        layout,
        program,
        site,
        activities,
        actions,
    })
}

/// A follow-up from a page.
#[derive(Debug, serde::Deserialize)]
pub struct ActionForm {
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// `POST /actions/{action}/status`: marks an action done (or dropped, or open again).
pub async fn action_status(
    State(state): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    CheckedForm(form): CheckedForm<ActionForm>,
) -> Result<Response, AppError> {
    let action = state.app.db.action_item(ActionItemId(id)).await?;
    let detail = state.app.db.activity(action.activity).await?;
    if !app::scope::may_follow_up(&auth.viewer, &action, &detail) {
        return Err(AppError::Forbidden);
    }
    state
        .app
        .db
        .update_action(&auth.actor(), ActionItemId(id), &form.status, &form.note)
        .await?;
    // Only local paths, so the form cannot send the browser elsewhere.
    let back = if super::is_local_path(&form.back) {
        form.back
    } else {
        format!("/activities/{}", action.activity)
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "field/mentee.html")]
struct MenteePage {
    layout: Layout,
    program: Program,
    pairings: Vec<(store::memberships::Pairing, String)>,
    missing: Vec<store::training::Course>,
    activities: Vec<Activity>,
    actions: Vec<ActionItem>,
    dose: Vec<DoseLine>,
    quarter: String,
    today: chrono::NaiveDate,
}

/// `GET /programs/{program}/mentees/{person}`: a mentee's pairings and training, their
/// activities, open actions and dose this quarter.
pub async fn mentee(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    PathIds(program, person): PathIds,
) -> Result<Response, AppError> {
    let program =
        app::scope::visible_program(&state.app.db, &auth.viewer, ProgramId(program)).await?;
    let person = state.app.db.person(PersonId(person)).await?;
    if !auth
        .viewer
        .can_view_person(&state.app.db.person_scope(person.id).await?)
    {
        return Err(AppError::Forbidden);
    }
    let layout = Layout::new(
        &state,
        &headers,
        Some(&auth),
        person.profile.name.to_string(),
    );
    let mut pairings = Vec::new();
    for p in state.app.db.pairings_of(person.id).await? {
        if p.program == program.id && p.mentee == person.id {
            let mentor = state
                .app
                .db
                .person(p.mentor)
                .await?
                .profile
                .name
                .to_string();
            pairings.push((p, mentor));
        }
    }
    let filter = store::visits::ActivityFilter {
        person: Some(person.id),
        newest_first: true,
        limit: Some(50),
        ..Default::default()
    };
    let activities = state.app.db.activities(program.id, &filter).await?;
    let (quarter, dose) = dose_lines(
        &state,
        &layout,
        program.id,
        indicators::dose::Subject::Mentee(person.id.0),
    )
    .await?;
    render(&MenteePage {
        missing: state.app.db.missing_courses(program.id, person.id).await?,
        actions: state
            .app
            .db
            .open_actions(program.id, None, Some(person.id))
            .await?,
        today: store::now().date_naive(),
        layout,
        program,
        pairings,
        activities,
        dose,
        quarter,
    })
}
