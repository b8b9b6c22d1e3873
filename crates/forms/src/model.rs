//! The form as tandem holds it once imported: questions, groups and repeats, choice lists,
//! labels per language and the scoring convention of [`crate::scoring`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::expr::Expression;

/// An imported form (a checklist or questionnaire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// `form_id` from the settings sheet, else the file name without its extension.
    pub id: String,
    /// `form_title` from the settings sheet, else the id.
    pub title: String,
    /// `version` from the settings sheet.
    pub version: Option<String>,
    /// `default_language` from the settings sheet (as written, e.g. `English (en)`).
    pub default_language: Option<String>,
    /// Every language that some label, hint or message is written in, as written in the
    /// column headers (`French (fr)`), in order of first appearance. Untranslated columns
    /// (`label`) are not listed: they are the [`Translated::untagged`] text.
    pub languages: Vec<String>,
    /// The survey's top-level items in order.
    pub items: Vec<Item>,
    /// The choice lists by `list_name`.
    pub choice_lists: BTreeMap<String, Vec<Choice>>,
}

/// One row of the survey sheet that shows something: a question or a group/repeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
#[expect(
    clippy::large_enum_variant,
    reason = "most items are questions, so boxing them would only add an allocation each"
)]
pub enum Item {
    /// A question (including notes and calculations).
    Question(Question),
    /// A group or repeat with its children.
    Group(Group),
}

impl Item {
    /// The item's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Question(q) => &q.name,
            Self::Group(g) => &g.name,
        }
    }
}

/// A `begin group` … `end group` or `begin repeat` … `end repeat` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Its name (a valid XML name, unique in the form).
    pub name: String,
    /// Group or repeat.
    pub kind: GroupKind,
    /// Its label per language.
    pub label: Translated,
    /// When the whole block is shown.
    pub relevant: Option<Expression>,
    /// The `appearance` cell as written (presentational, e.g. `field-list`).
    pub appearance: Option<String>,
    /// Its children in order.
    pub items: Vec<Item>,
    /// The row of its `begin` line (header = row 1), for messages.
    pub row: usize,
}

/// Whether a block is shown once or repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Shown once; its scored questions give a domain sub-score.
    Group,
    /// Filled any number of times; answers are posted with indexed names (see
    /// [`crate::submission`]).
    Repeat,
}

/// A question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Its name (a valid XML name, unique in the form): the key of its answer.
    pub name: String,
    /// What kind of answer it takes.
    pub kind: QuestionType,
    /// Its label per language.
    pub label: Translated,
    /// Its hint per language.
    pub hint: Translated,
    /// Whether an answer is needed (only while the question is relevant).
    pub required: bool,
    /// The message shown when a required answer is missing.
    pub required_message: Translated,
    /// A condition the answer must meet (`.` is the answer).
    pub constraint: Option<Expression>,
    /// The message shown when the constraint fails.
    pub constraint_message: Translated,
    /// When the question is shown.
    pub relevant: Option<Expression>,
    /// How a `calculate` question's value is computed.
    pub calculation: Option<Expression>,
    /// The choice list for select questions.
    pub choices: Option<String>,
    /// The `appearance` cell as written (presentational).
    pub appearance: Option<String>,
    /// How the question counts towards the checklist score, if it does.
    pub scoring: Option<QuestionScoring>,
    /// Its row in the survey sheet (header = row 1), for messages.
    pub row: usize,
}

/// The answer types tandem supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// Free text.
    Text,
    /// Text that must look like a phone number (`phone number` in older XLSForms).
    PhoneNumber,
    /// One choice from a list.
    SelectOne,
    /// Any number of choices from a list.
    SelectMultiple,
    /// Text shown, no answer.
    Note,
    /// A date, posted as `YYYY-MM-DD`.
    Date,
    /// A time of day, posted as `HH:MM` or `HH:MM:SS`.
    Time,
    /// A date and time, posted as `YYYY-MM-DDTHH:MM[:SS]`.
    DateTime,
    /// A value computed from `calculation`; never posted.
    Calculate,
    /// Metadata: when filling started (the caller supplies it).
    Start,
    /// Metadata: when filling ended (the caller supplies it).
    End,
    /// Metadata: the day the form was filled (the caller supplies it).
    Today,
}

impl QuestionType {
    /// The XLSForm type word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Text => "text",
            Self::PhoneNumber => "phone number",
            Self::SelectOne => "select_one",
            Self::SelectMultiple => "select_multiple",
            Self::Note => "note",
            Self::Date => "date",
            Self::Time => "time",
            Self::DateTime => "datetime",
            Self::Calculate => "calculate",
            Self::Start => "start",
            Self::End => "end",
            Self::Today => "today",
        }
    }

    /// Whether a person fills it in (false for notes, calculations and metadata).
    pub fn takes_input(self) -> bool {
        !matches!(
            self,
            Self::Note | Self::Calculate | Self::Start | Self::End | Self::Today
        )
    }
}

/// One choice of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The value posted and stored.
    pub name: String,
    /// Its label per language.
    pub label: Translated,
    /// Points for choosing it (the `score` column); `None` in a scored list means
    /// "not applicable": the question leaves the denominator.
    pub score: Option<f64>,
    /// Its row in the choices sheet.
    pub row: usize,
}

/// How a question counts towards the score (see [`crate::scoring`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionScoring {
    /// The multiplier (the `weight` or `score` column; 1 when empty).
    pub weight: f64,
    /// For integer/decimal questions: the lowest and highest allowed value.
    pub range: Option<(f64, f64)>,
}

/// Text in several languages: the key is the language as written in the column header
/// (`French (fr)`), or the empty string for an untranslated column (`label`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Translated(pub BTreeMap<String, String>);

impl Translated {
    /// Whether no text is given in any language.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The untranslated text (from a column such as `label`).
    pub fn untagged(&self) -> Option<&str> {
        self.0.get("").map(String::as_str)
    }

    /// The text in a language given as written (`French (fr)`) or by its code (`fr`).
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| {
                k.as_str() == language
                    || language_code(k).is_some_and(|c| c.eq_ignore_ascii_case(language))
            })
            .map(|(_, v)| v.as_str())
    }

    /// The text to show in `language` (name or code): that language, else the form's default
    /// language, else the untranslated text, else any text.
    pub fn best(&self, language: Option<&str>, default_language: Option<&str>) -> Option<&str> {
        language
            .and_then(|l| self.get(l))
            .or_else(|| default_language.and_then(|l| self.get(l)))
            .or_else(|| self.untagged())
            .or_else(|| self.0.values().next().map(String::as_str))
    }
}

/// The code in a language header such as `French (fr)` → `fr`.
pub fn language_code(language: &str) -> Option<&str> {
    let open = language.rfind('(')?;
    let rest = &language[open + 1..];
    let code = rest.strip_suffix(')')?.trim();
    (!code.is_empty()).then_some(code)
}

impl Form {
    /// Every question in document order, with the groups it sits in (outermost first).
    pub fn questions(&self) -> Vec<(Vec<&Group>, &Question)> {
        fn walk<'a>(
            items: &'a [Item],
            path: &mut Vec<&'a Group>,
            out: &mut Vec<(Vec<&'a Group>, &'a Question)>,
        ) {
            for item in items {
                match item {
                    Item::Question(q) => out.push((path.clone(), q)),
                    Item::Group(g) => {
                        path.push(g);
                        walk(&g.items, path, out);
                        path.pop();
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut Vec::new(), &mut out);
        out
    }

    /// The question called `name`, anywhere in the form.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.questions()
            .into_iter()
            .map(|(_, q)| q)
            .find(|q| q.name == name)
    }

    /// The choices of a select question (empty for other questions).
    pub fn choices_of(&self, question: &Question) -> &[Choice] {
        question
            .choices
            .as_ref()
            .and_then(|l| self.choice_lists.get(l))
            .map_or(&[], Vec::as_slice)
    }
}

/// Whether `name` is a valid XML element name (ASCII subset plus letters, as ODK requires:
/// it becomes an element of the submission).
pub fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.to_ascii_lowercase().starts_with("xml")
}
