//! "My matching preferences": a mentee ranks the mentors they may be given, a mentor the
//! mentees, each shown with why they fit on the solver's own criteria. One rank select per
//! row, so it works on a small phone without JavaScript. The rules are in
//! [`app::preferences`].

use super::{Layout, render_form};
use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Params;
use crate::extract::access::VisibleProgram;
use crate::extract::csrf::CheckedForm;
use app::i18n::Tr;
use app::preferences::{self, Choice, Posted, Preferences, Side};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldError;
use domain::ids::PersonId;
use domain::programs::Program;
use matching::criteria::WORKING_DAY_MINUTES;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Where someone may be ranked, as a row of the form.
struct Row {
    id: i64,
    name: String,
    details: String,
    fit: Vec<String>,
    select_label: String,
    /// (value, label, selected)
    ranks: Vec<(String, String, bool)>,
    invalid: bool,
}

#[derive(Template)]
#[template(path = "preferences/page.html")]
struct PreferencesPage {
    layout: Layout,
    program: Program,
    error: Option<String>,
    notice: Option<String>,
    /// Why the viewer cannot state preferences here, when they cannot.
    unavailable: Option<String>,
    intro: String,
    person: i64,
    rows: Vec<Row>,
    saved: Vec<String>,
}

/// What the page shows besides the stored state.
#[derive(Default)]
struct Shown {
    error: Option<FieldError>,
    notice: Option<String>,
    /// What was typed, by field (`rank_12` → `"2"`), to redraw a refused form.
    typed: Option<BTreeMap<String, String>>,
}

fn ordinal_choice(t: &Tr, rank: u32) -> String {
    t.count("prefs-choice", "rank", i64::from(rank))
}

fn details(t: &Tr, c: &Choice) -> String {
    let mut parts = vec![c.cadre.replace('_', " "), c.facility.clone()];
    if !c.languages.is_empty() {
        parts.push(c.languages.join(", "));
    }
    parts.push(c.time_zone.clone());
    if let Some(years) = c.years_experience {
        parts.push(t.count("prefs-years", "years", years));
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// Why this person fits, from the facts the solver prices.
fn fit_lines(t: &Tr, c: &Choice) -> Vec<String> {
    let f = &c.fit;
    let mut lines = Vec::new();
    lines.push(if f.shared_languages.is_empty() {
        t.get("prefs-fit-no-language")
    } else {
        t.with(
            "prefs-fit-language",
            "languages",
            f.shared_languages.join(", "),
        )
    });
    lines.push(match f.working_overlap_minutes {
        m if m >= WORKING_DAY_MINUTES => t.get("prefs-fit-same-hours"),
        m if m <= 0 => t.get("prefs-fit-no-hours"),
        m => {
            let hours = f64::from(m) / 60.0;
            let text = if m % 60 == 0 {
                format!("{hours:.0}")
            } else {
                format!("{hours:.1}")
            };
            t.with("prefs-fit-hours", "hours", text)
        }
    });
    if let Some(km) = f.distance_km {
        lines.push(if km < 1 {
            t.get("prefs-fit-same-place")
        } else {
            t.count("prefs-fit-distance", "km", km)
        });
    }
    if let Some(d) = f.experience_difference {
        lines.push(match d {
            0 => t.get("prefs-fit-same-years"),
            d if d > 0 => t.count("prefs-fit-more-years", "years", d),
            d => t.count("prefs-fit-fewer-years", "years", -d),
        });
    }
    lines
}

fn rows(t: &Tr, prefs: &Preferences, shown: &Shown) -> Vec<Row> {
    let bad_field = shown.error.as_ref().map(|e| e.field.as_str());
    prefs
        .options
        .iter()
        .map(|c| {
            let field = format!("rank_{}", c.person);
            let current = match &shown.typed {
                Some(typed) => typed.get(&field).cloned().unwrap_or_default(),
                None => c.rank.map(|r| r.to_string()).unwrap_or_default(),
            };
            let mut ranks = vec![(String::new(), t.get("prefs-not-ranked"), current.is_empty())];
            ranks.extend((1..=prefs.max_rank).map(|k| {
                let value = k.to_string();
                let selected = value == current;
                (value, ordinal_choice(t, k), selected)
            }));
            // A typed value the list does not offer is kept, so the person sees what they sent.
            if !ranks.iter().any(|r| r.2) {
                ranks.push((current.clone(), current.clone(), true));
            }
            Row {
                id: c.person,
                name: c.name.clone(),
                details: details(t, c),
                fit: fit_lines(t, c),
                select_label: t.with("prefs-rank-for", "name", &c.name),
                ranks,
                invalid: bad_field == Some(field.as_str()),
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    auth: &Auth,
    program: Program,
    shown: Shown,
) -> Result<Response, AppError> {
    let mut layout = Layout::new(state, headers, Some(auth), "");
    layout.title = layout.t.with("prefs-title", "program", &program.name);
    let t = layout.t.clone();
    let loaded = match auth.viewer.person {
        None => Err(t.get("prefs-not-linked")),
        Some(me) => match preferences::load(&state.app.db, program.id, me)
            .await
            .map_err(AppError::from)
        {
            Ok(prefs) => Ok(prefs),
            Err(AppError::Invalid(_)) => Err(t.get("prefs-not-a-member")),
            Err(other) => return Err(other),
        },
    };
    let error = shown.error.as_ref().map(|e| {
        // Name the row by the person's name; other fields (`person`) by themselves.
        let label = loaded
            .as_ref()
            .ok()
            .and_then(|p| {
                p.options
                    .iter()
                    .find(|c| e.field == format!("rank_{}", c.person))
            })
            .map_or_else(
                || e.field.clone(),
                |c| t.with("prefs-rank-for", "name", &c.name),
            );
        t.with_args(
            "field-refusal",
            &[("field", &label), ("message", &t.refusal_message(e))],
        )
    });
    let refused = error.is_some();
    let (unavailable, intro, person, rows, saved) = match &loaded {
        Err(why) => (Some(why.clone()), String::new(), 0, Vec::new(), Vec::new()),
        Ok(prefs) => {
            let intro_id = match prefs.side {
                Side::Mentee => "prefs-intro-mentee",
                Side::Mentor => "prefs-intro-mentor",
            };
            (
                None,
                t.count(intro_id, "max", i64::from(prefs.max_rank)),
                prefs.person,
                rows(&t, prefs, &shown),
                prefs.ranked().iter().map(|c| c.name.clone()).collect(),
            )
        }
    };
    let page = PreferencesPage {
        layout,
        program,
        error,
        notice: shown.notice,
        unavailable,
        intro,
        person,
        rows,
        saved,
    };
    render_form(&page, refused)
}

/// The page's query: `saved` after a successful save.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /programs/{program}/preferences`: the signed-in person's ranking.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    Params(query): Params<PageQuery>,
) -> Result<Response, AppError> {
    let t = super::translator(&state, &headers);
    let shown = Shown {
        notice: query.saved.map(|_| t.get("prefs-saved")),
        ..Shown::default()
    };
    page(&state, &headers, &auth, program, shown).await
}

/// The posted form as ranks, in the order posted (so a clash names the later field): blank
/// selects are unranked; each bad value names its field.
fn posted_ranks(fields: &[(String, String)]) -> Result<Vec<Posted>, FieldError> {
    let mut posted = Vec::new();
    for (field, value) in fields {
        let Some(id) = field.strip_prefix("rank_") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let person = id
            .parse()
            .map_err(|_| FieldError::new(field, format!("{id:?} is not a person")))?;
        let rank = value
            .parse()
            .map_err(|_| FieldError::new(field, format!("{value:?} is not a rank")))?;
        posted.push(Posted {
            field: field.clone(),
            person: PersonId(person),
            rank,
        });
    }
    Ok(posted)
}

/// `POST /programs/{program}/preferences`: replaces the signed-in person's ranking. A refusal
/// redraws the page with what was typed and the field named (422); nothing is written.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    VisibleProgram(program): VisibleProgram,
    CheckedForm(pairs): CheckedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields: BTreeMap<String, String> = pairs.iter().cloned().collect();
    let outcome = async {
        // The form carries whom it was drawn for: a form opened under one account and sent
        // after signing in as another must not change the other's ranking.
        let me = auth
            .viewer
            .person
            .ok_or_else(|| FieldError::new("person", "this account is not linked to a person"))?;
        let posted_person = fields.get("person").map_or("", String::as_str);
        if posted_person.trim() != me.0.to_string() {
            return Err(
                FieldError::new("person", "you can state only your own preferences").into(),
            );
        }
        let posted = posted_ranks(&pairs)?;
        preferences::save(&state.app.db, &auth.actor(), program.id, me, &posted)
            .await
            .map_err(AppError::from)
    }
    .await;
    match outcome {
        Ok(_) => Ok(
            Redirect::to(&format!("/programs/{}/preferences?saved=1", program.id)).into_response(),
        ),
        Err(AppError::Invalid(error)) => {
            let shown = Shown {
                error: Some(error),
                notice: None,
                typed: Some(fields),
            };
            page(&state, &headers, &auth, program, shown).await
        }
        Err(other) => Err(other),
    }
}
