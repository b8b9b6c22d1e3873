//! The checklist scoring convention: how a filled checklist becomes a total score and one
//! sub-score per group (a domain of the questionnaire, e.g. "Sign in", "Time out").
//!
//! # The convention
//!
//! - **Choice points.** In the choices sheet, a `score` column gives the points for picking
//!   each choice (`yes` = 1, `no` = 0, `partly` = 0.5). A choice with no score in a scored list
//!   means *not applicable*: picking it takes the question out of the denominator.
//! - **Weights.** In the survey sheet, a `weight` column (`score` is accepted as a synonym)
//!   multiplies a question's points; it is 1 when empty. A weight on a select question whose
//!   choices carry no score is an error at import.
//! - A **select_one** question earns `weight × score of the chosen choice` out of
//!   `weight × highest choice score`. A **select_multiple** question earns `weight × the sum of
//!   the chosen choices' scores` out of `weight × the sum of the positive scores`.
//! - A **number** question (integer or decimal) is scored when it has a weight or
//!   `score_min`/`score_max`. Its range is `score_min`–`score_max`, or else read from a
//!   constraint of the form `. >= a and . <= b`; without a range the form is refused. It earns
//!   `weight × (value − min)` out of `weight × (max − min)`, so a 0–5 rating earns its value. A
//!   value outside the range is refused when the submission is validated.
//! - Only **relevant** questions count. A relevant scored question left unanswered earns 0 of
//!   its possible points (an item not done is not met).
//! - Each **group** (at any depth) gets the points of the scored questions inside it; the
//!   **total** is over every scored question. Scoring inside repeats is refused at import.

use serde::{Deserialize, Serialize};

use crate::model::{Form, GroupKind, Question, QuestionType, Translated};
use crate::submission::{Answer, Answers};

/// A filled checklist's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scores {
    /// Points earned over the whole form.
    pub total: f64,
    /// Points possible over the whole form.
    pub max: f64,
    /// `total / max × 100`, or `None` when nothing was scorable.
    pub percent: Option<f64>,
    /// One sub-score per group that holds scored questions, in form order.
    pub by_group: Vec<GroupScore>,
}

/// One group's (domain's) sub-score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupScore {
    /// The group's name.
    pub name: String,
    /// The group's label per language.
    pub label: Translated,
    /// Points earned in the group.
    pub earned: f64,
    /// Points possible in the group.
    pub possible: f64,
}

impl GroupScore {
    /// `earned / possible × 100`, or `None` when nothing in the group was scorable.
    pub fn percent(&self) -> Option<f64> {
        percent(self.earned, self.possible)
    }
}

fn percent(earned: f64, possible: f64) -> Option<f64> {
    (possible > 0.0).then(|| earned / possible * 100.0)
}

/// Whether a form has any scored question.
pub fn is_scored(form: &Form) -> bool {
    form.questions().iter().any(|(_, q)| q.scoring.is_some())
}

/// Scores validated answers by the convention in the module doc.
pub fn score(form: &Form, answers: &Answers) -> Scores {
    let mut total = 0.0;
    let mut max = 0.0;
    let mut by_group: Vec<GroupScore> = Vec::new();
    for (groups, q) in form.questions() {
        // Scored questions inside repeats are refused at import; skip defensively.
        if q.scoring.is_none() || groups.iter().any(|g| g.kind == GroupKind::Repeat) {
            continue;
        }
        let points = if answers.is_relevant(&q.name) {
            question_points(form, q, answers.get(&q.name))
        } else {
            None
        };
        for g in &groups {
            let entry = match by_group.iter().position(|s| s.name == g.name) {
                Some(i) => &mut by_group[i],
                None => {
                    by_group.push(GroupScore {
                        name: g.name.clone(),
                        label: g.label.clone(),
                        earned: 0.0,
                        possible: 0.0,
                    });
                    let last = by_group.len() - 1;
                    &mut by_group[last]
                }
            };
            if let Some((earned, possible)) = points {
                entry.earned += earned;
                entry.possible += possible;
            }
        }
        if let Some((earned, possible)) = points {
            total += earned;
            max += possible;
        }
    }
    Scores {
        total,
        max,
        percent: percent(total, max),
        by_group,
    }
}

/// (earned, possible) for one relevant scored question, or `None` when not applicable.
fn question_points(form: &Form, q: &Question, answer: Option<&Answer>) -> Option<(f64, f64)> {
    let scoring = q.scoring.as_ref()?;
    let w = scoring.weight;
    let choices = form.choices_of(q);
    match q.kind {
        QuestionType::SelectOne => {
            let best = choices.iter().filter_map(|c| c.score).fold(0.0, f64::max);
            match answer {
                Some(Answer::Choice(name)) => {
                    let score = choices.iter().find(|c| &c.name == name)?.score?;
                    Some((w * score, w * best))
                }
                _ => Some((0.0, w * best)),
            }
        }
        QuestionType::SelectMultiple => {
            let possible: f64 = choices
                .iter()
                .filter_map(|c| c.score)
                .filter(|s| *s > 0.0)
                .sum();
            match answer {
                Some(Answer::Choices(names)) => {
                    let picked: Vec<Option<f64>> = names
                        .iter()
                        .filter_map(|n| choices.iter().find(|c| &c.name == n))
                        .map(|c| c.score)
                        .collect();
                    if !picked.is_empty() && picked.iter().all(Option::is_none) {
                        return None;
                    }
                    let earned: f64 = picked.into_iter().flatten().sum();
                    Some((w * earned, w * possible))
                }
                _ => Some((0.0, w * possible)),
            }
        }
        QuestionType::Integer | QuestionType::Decimal => {
            let (lo, hi) = scoring.range?;
            let value = match answer {
                Some(Answer::Integer(i)) => *i as f64,
                Some(Answer::Decimal(d)) => *d,
                _ => lo,
            };
            Some((w * (value.clamp(lo, hi) - lo), w * (hi - lo)))
        }
        _ => None,
    }
}

impl Form {
    /// Scores validated answers; see [`score`].
    pub fn score(&self, answers: &Answers) -> Scores {
        score(self, answers)
    }
}
