//! Checking a submission (the answers an HTML form posts) against a [`Form`].
//!
//! # What is posted
//!
//! A [`RawSubmission`] maps a key to the strings posted under it, as an HTML form sends them:
//! a question's key is its name; a `select_multiple` answer is several values under the same
//! key, or one value with the choice names separated by spaces (ODK's way). Inside a repeat
//! the key is `repeat[i].question` with `i` counting from 0 (`visits[0].date`,
//! `visits[1].date`); the number of instances is the highest index posted plus one. Keys that
//! name no question (a CSRF token, a submit button) are ignored. Values posted for notes,
//! calculations and metadata are ignored: tandem computes those itself.
//!
//! # What is checked
//!
//! Every answer is parsed for its type: integers, decimals, dates (`YYYY-MM-DD`), times
//! (`HH:MM[:SS]`), date-times (`YYYY-MM-DDTHH:MM[:SS]`), phone numbers (digits, spaces, `-`,
//! `(`, `)`, optional leading `+`) and choices (which must be in the question's list). Then
//! relevance is evaluated in document order (a question is relevant when it and every group
//! around it is); answers to questions that are not relevant are dropped, as ODK does.
//! Calculations are computed (they may refer to questions below them: evaluation repeats
//! until nothing changes, at most five passes). Finally, for relevant questions only: required
//! answers must be present, constraints must hold, and scored numbers must lie in their range.
//! Every problem is returned, each naming the question.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::FormError;
use crate::expr::{Env, Value};
use crate::model::{Form, Group, GroupKind, Question, QuestionType};

/// The most instances of one repeat accepted in a submission.
pub const MAX_REPEAT_INSTANCES: usize = 500;

/// Posted values by key (see the module doc for keys inside repeats).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSubmission(pub BTreeMap<String, Vec<String>>);

impl RawSubmission {
    /// An empty submission.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a submission from key–value pairs in the order posted.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut out = Self::new();
        for (k, v) in pairs {
            out.push(k, v);
        }
        out
    }

    /// Adds one posted value.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.entry(key.into()).or_default().push(value.into());
    }
}

/// What [`validate`] needs besides the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The day of filling: `today()` in expressions and the `today` metadata.
    pub today: NaiveDate,
    /// When filling started (the `start` metadata).
    pub started: Option<NaiveDateTime>,
    /// When filling ended (the `end` metadata).
    pub ended: Option<NaiveDateTime>,
    /// The language for messages (as written or as a code, e.g. `fr`).
    pub language: Option<String>,
}

impl Context {
    /// A context for `today` with no times and the form's default language.
    pub fn on(today: NaiveDate) -> Self {
        Self {
            today,
            started: None,
            ended: None,
            language: None,
        }
    }
}

/// A typed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// An `integer` answer.
    Integer(i64),
    /// A `decimal` answer.
    Decimal(f64),
    /// A `text` or `phone number` answer.
    Text(String),
    /// A `select_one` answer: the choice's name.
    Choice(String),
    /// A `select_multiple` answer: the choices' names in list order.
    Choices(Vec<String>),
    /// A `date` or `today` answer.
    Date(NaiveDate),
    /// A `time` answer.
    Time(NaiveTime),
    /// A `datetime`, `start` or `end` answer.
    DateTime(NaiveDateTime),
    /// A `calculate` result.
    Computed(Value),
}

impl Answer {
    /// The value expressions see.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Integer(i) => Value::Number(*i as f64),
            Self::Decimal(d) => Value::Number(*d),
            Self::Text(s) | Self::Choice(s) => Value::Text(s.clone()),
            Self::Choices(c) => Value::Text(c.join(" ")),
            Self::Date(d) => Value::Date(*d),
            Self::Time(t) => Value::Text(t.format("%H:%M:%S").to_string()),
            Self::DateTime(t) => Value::Text(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            Self::Computed(v) => v.clone(),
        }
    }
}

/// A valid submission: typed answers of relevant questions, and which questions were relevant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    values: BTreeMap<String, Answer>,
    relevant: BTreeSet<String>,
    repeats: BTreeMap<String, usize>,
}

impl Answers {
    /// The answer under `key` (a name, or `repeat[i].name` inside repeats).
    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.values.get(key)
    }

    /// Every answer by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether the question under `key` was shown.
    pub fn is_relevant(&self, key: &str) -> bool {
        self.relevant.contains(key)
    }

    /// How many instances of the repeat `name` were submitted.
    pub fn repeat_count(&self, name: &str) -> usize {
        self.repeats.get(name).copied().unwrap_or(0)
    }
}

/// One question in one place: its key and the groups around it.
struct Slot<'a> {
    key: String,
    question: &'a Question,
    groups: Vec<&'a Group>,
    /// The repeat instance it belongs to, if any: (repeat name, index).
    instance: Option<(&'a str, usize)>,
}

struct Scope<'a> {
    values: &'a BTreeMap<String, Answer>,
    today: NaiveDate,
    repeat_of: &'a BTreeMap<&'a str, &'a str>,
    instance: Option<(&'a str, usize)>,
}

impl Env for Scope<'_> {
    fn value(&self, name: &str) -> Value {
        let key = match self.repeat_of.get(name) {
            None => name.to_owned(),
            Some(repeat) => match self.instance {
                Some((r, i)) if r == *repeat => format!("{r}[{i}].{name}"),
                // A repeated question seen from outside its repeat has no single value.
                _ => return Value::empty(),
            },
        };
        self.values
            .get(&key)
            .map_or_else(Value::empty, Answer::to_value)
    }

    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// Checks `raw` against `form` and returns typed answers, or every problem found.
pub fn validate(
    form: &Form,
    raw: &RawSubmission,
    ctx: &Context,
) -> Result<Answers, Vec<FormError>> {
    let mut errors = Vec::new();
    let language = ctx.language.as_deref();
    let default_language = form.default_language.as_deref();

    // Which repeat each repeated question belongs to, and how many instances were posted.
    let questions = form.questions();
    let mut repeat_of: BTreeMap<&str, &str> = BTreeMap::new();
    let mut repeats: BTreeMap<String, usize> = BTreeMap::new();
    for (groups, q) in &questions {
        if let Some(r) = groups.iter().rev().find(|g| g.kind == GroupKind::Repeat) {
            repeat_of.insert(q.name.as_str(), r.name.as_str());
            repeats.entry(r.name.clone()).or_insert(0);
        }
    }
    for key in raw.0.keys() {
        let Some((name, rest)) = key.split_once('[') else {
            continue;
        };
        let Some(count) = repeats.get_mut(name) else {
            continue;
        };
        let Some(index) = rest
            .split_once("].")
            .and_then(|(i, _)| i.parse::<usize>().ok())
        else {
            continue;
        };
        if index >= MAX_REPEAT_INSTANCES {
            errors.push(FormError::field_error(
                key.clone(),
                format!("at most {MAX_REPEAT_INSTANCES} entries of `{name}` are accepted"),
            ));
            continue;
        }
        *count = (*count).max(index + 1);
    }

    let mut slots = Vec::new();
    for (groups, q) in &questions {
        match repeat_of.get(q.name.as_str()) {
            None => slots.push(Slot {
                key: q.name.clone(),
                question: q,
                groups: groups.clone(),
                instance: None,
            }),
            Some(r) => {
                for i in 0..repeats.get(*r).copied().unwrap_or(0) {
                    slots.push(Slot {
                        key: format!("{r}[{i}].{}", q.name),
                        question: q,
                        groups: groups.clone(),
                        instance: Some((r, i)),
                    });
                }
            }
        }
    }

    // 1. Types.
    let mut parsed: BTreeMap<String, Answer> = BTreeMap::new();
    // Questions whose answer did not parse: already reported, so not "required" as well.
    let mut unparsed = BTreeSet::new();
    for slot in &slots {
        let q = slot.question;
        let answer = match q.kind {
            QuestionType::Today => Some(Answer::Date(ctx.today)),
            QuestionType::Start => ctx.started.map(Answer::DateTime),
            QuestionType::End => ctx.ended.map(Answer::DateTime),
            QuestionType::Note | QuestionType::Calculate => None,
            _ => {
                let posted: Vec<&str> = raw
                    .0
                    .get(&slot.key)
                    .map(|v| {
                        v.iter()
                            .map(|s| s.trim())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                match parse_answer(form, q, &posted) {
                    Ok(a) => a,
                    Err(message) => {
                        errors.push(FormError::field_error(slot.key.clone(), message));
                        unparsed.insert(slot.key.clone());
                        None
                    }
                }
            }
        };
        if let Some(a) = answer {
            parsed.insert(slot.key.clone(), a);
        }
    }

    // 2. Relevance and calculations, repeated until stable for forward references.
    let mut computed: BTreeMap<String, Answer> = BTreeMap::new();
    let mut values = parsed.clone();
    let mut relevant = BTreeSet::new();
    for _ in 0..5 {
        let mut next_values = parsed.clone();
        next_values.extend(computed.clone());
        let mut next_relevant = BTreeSet::new();
        let mut next_computed = BTreeMap::new();
        for slot in &slots {
            let scope = Scope {
                values: &next_values,
                today: ctx.today,
                repeat_of: &repeat_of,
                instance: slot.instance,
            };
            let current = next_values
                .get(&slot.key)
                .map_or_else(Value::empty, Answer::to_value);
            let shown = slot
                .groups
                .iter()
                .filter_map(|g| g.relevant.as_ref())
                .chain(slot.question.relevant.as_ref())
                .all(|e| e.eval(&scope, &current).truthy());
            if !shown {
                next_values.remove(&slot.key);
                continue;
            }
            next_relevant.insert(slot.key.clone());
            if let Some(calc) = &slot.question.calculation {
                let v = Answer::Computed(calc.eval(&scope, &current));
                next_values.insert(slot.key.clone(), v.clone());
                next_computed.insert(slot.key.clone(), v);
            }
        }
        let stable = next_relevant == relevant && next_computed == computed;
        values = next_values;
        relevant = next_relevant;
        computed = next_computed;
        if stable {
            break;
        }
    }

    // 3. Required, constraints and score ranges, on relevant questions only.
    for slot in &slots {
        let q = slot.question;
        if !relevant.contains(&slot.key) || !q.kind.takes_input() {
            continue;
        }
        let Some(answer) = values.get(&slot.key) else {
            if q.required && !unparsed.contains(&slot.key) {
                let message = q
                    .required_message
                    .best(language, default_language)
                    .map_or_else(|| "an answer is required".to_owned(), str::to_owned);
                errors.push(FormError::field_error(slot.key.clone(), message));
            }
            continue;
        };
        let current = answer.to_value();
        let mut constraint_failed = false;
        if let Some(c) = &q.constraint {
            let scope = Scope {
                values: &values,
                today: ctx.today,
                repeat_of: &repeat_of,
                instance: slot.instance,
            };
            if !c.eval(&scope, &current).truthy() {
                constraint_failed = true;
                let message = q
                    .constraint_message
                    .best(language, default_language)
                    .map(|m| fill_template(m, &scope))
                    .unwrap_or_else(|| {
                        format!(
                            "the answer `{current}` does not meet the condition `{}`",
                            c.source
                        )
                    });
                errors.push(FormError::field_error(slot.key.clone(), message));
            }
        }
        if let Some((lo, hi)) = q.scoring.as_ref().and_then(|s| s.range) {
            let n = current.number();
            if !constraint_failed && !(lo..=hi).contains(&n) {
                errors.push(FormError::field_error(
                    slot.key.clone(),
                    format!(
                        "the score {current} is outside its range {} to {}",
                        Value::Number(lo),
                        Value::Number(hi)
                    ),
                ));
            }
        }
    }

    if errors.is_empty() {
        Ok(Answers {
            values,
            relevant,
            repeats,
        })
    } else {
        Err(errors)
    }
}

/// Replaces `${name}` in a message with the answers.
fn fill_template(text: &str, env: &dyn Env) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&env.value(after[..end].trim()).to_string());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A decimal answer with a point or a comma: the form draws decimals as text with a decimal
/// keypad, and a French-speaking mentor's keypad types "2,5". One comma and no point is the
/// decimal comma; anything else with a comma ("1,000.5", "1,2,3") is refused rather than
/// guessed at.
fn decimal(value: &str) -> Option<f64> {
    let value = value.trim();
    let parsed = match value.matches(',').count() {
        0 => value.parse::<f64>(),
        1 if !value.contains('.') => value.replacen(',', ".", 1).parse::<f64>(),
        _ => return None,
    };
    parsed.ok().filter(|d| d.is_finite())
}

fn parse_answer(form: &Form, q: &Question, posted: &[&str]) -> Result<Option<Answer>, String> {
    if posted.is_empty() {
        return Ok(None);
    }
    if q.kind != QuestionType::SelectMultiple && posted.len() > 1 {
        return Err("only one answer is allowed".into());
    }
    let value = posted[0];
    let choice_names = || form.choices_of(q).iter().map(|c| c.name.as_str());
    let answer = match q.kind {
        QuestionType::Integer => Answer::Integer(
            value
                .parse()
                .map_err(|_| format!("`{value}` is not a whole number"))?,
        ),
        QuestionType::Decimal => match decimal(value) {
            Some(d) => Answer::Decimal(d),
            None => return Err(format!("`{value}` is not a number")),
        },
        QuestionType::Text => Answer::Text(value.to_owned()),
        QuestionType::PhoneNumber => {
            let body = value.strip_prefix('+').unwrap_or(value);
            let ok = body.chars().any(|c| c.is_ascii_digit())
                && body
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
            if !ok {
                return Err(format!("`{value}` is not a phone number"));
            }
            Answer::Text(value.to_owned())
        }
        QuestionType::SelectOne => {
            if !choice_names().any(|c| c == value) {
                return Err(format!("`{value}` is not one of the choices"));
            }
            Answer::Choice(value.to_owned())
        }
        QuestionType::SelectMultiple => {
            let picked: BTreeSet<&str> = posted.iter().flat_map(|v| v.split_whitespace()).collect();
            if let Some(bad) = picked.iter().find(|p| !choice_names().any(|c| c == **p)) {
                return Err(format!("`{bad}` is not one of the choices"));
            }
            Answer::Choices(
                choice_names()
                    .filter(|c| picked.contains(c))
                    .map(str::to_owned)
                    .collect(),
            )
        }
        QuestionType::Date => Answer::Date(
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| format!("`{value}` is not a date (YYYY-MM-DD)"))?,
        ),
        QuestionType::Time => Answer::Time(
            NaiveTime::parse_from_str(value, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M"))
                .map_err(|_| format!("`{value}` is not a time (HH:MM)"))?,
        ),
        QuestionType::DateTime => Answer::DateTime(
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M"))
                .map_err(|_| format!("`{value}` is not a date and time (YYYY-MM-DDTHH:MM)"))?,
        ),
        QuestionType::Note
        | QuestionType::Calculate
        | QuestionType::Start
        | QuestionType::End
        | QuestionType::Today => return Ok(None),
    };
    Ok(Some(answer))
}

impl Form {
    /// Checks a submission against this form; see [`validate`].
    pub fn validate(&self, raw: &RawSubmission, ctx: &Context) -> Result<Answers, Vec<FormError>> {
        validate(self, raw, ctx)
    }
}
