//! Indicator definitions: data elements, activity measures, numerator/denominator expressions,
//! categories, and validation rules.
//!
//! An expression is a sum of terms, written as text the way DHIS2 writes indicator formulas:
//!
//! - `#{SSI_CASES}`: data element `SSI_CASES`, all category option combos;
//! - `#{SSI_CASES.FEMALE}`: the same, one category option combo;
//! - `visits`, `minutes`, `score_sum`, `scored_visits`, `visits_meeting_standard`,
//!   `visits_modality:0`: measures of recorded activity (mentorship visits and sessions);
//! - a number, e.g. `1` (for a denominator of one).
//!
//! Terms are joined with `+`. The mean checklist score is `score_sum / scored_visits` with
//! factor 1; the share of sessions on site is `visits_modality:0 / visits` with factor 100.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A measure of recorded activity, summed over the facts of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivityMeasure {
    /// Number of visits and sessions.
    Visits,
    /// Contact minutes.
    ContactMinutes,
    /// Sum of checklist scores (in score units, e.g. percent).
    ScoreSum,
    /// Visits with a checklist score.
    ScoredVisits,
    /// Visits whose checklist score meets the program's standard.
    VisitsMeetingStandard,
    /// Visits of one modality (0 on site, 1 virtual, 2 phone, … as the program codes them).
    VisitsOfModality(u8),
}

impl ActivityMeasure {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "visits" => Self::Visits,
            "minutes" => Self::ContactMinutes,
            "score_sum" => Self::ScoreSum,
            "scored_visits" => Self::ScoredVisits,
            "visits_meeting_standard" => Self::VisitsMeetingStandard,
            _ => Self::VisitsOfModality(s.strip_prefix("visits_modality:")?.parse().ok()?),
        })
    }
}

impl fmt::Display for ActivityMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Visits => f.write_str("visits"),
            Self::ContactMinutes => f.write_str("minutes"),
            Self::ScoreSum => f.write_str("score_sum"),
            Self::ScoredVisits => f.write_str("scored_visits"),
            Self::VisitsMeetingStandard => f.write_str("visits_meeting_standard"),
            Self::VisitsOfModality(m) => write!(f, "visits_modality:{m}"),
        }
    }
}

/// One term of an expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Term {
    /// Values of a data element, optionally one category option combo only.
    DataElement {
        /// Data element code.
        code: String,
        /// Category option combo code; `None` sums all.
        coc: Option<String>,
    },
    /// An activity measure.
    Activity(ActivityMeasure),
    /// A constant.
    Constant(f64),
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DataElement { code, coc: None } => write!(f, "#{{{code}}}"),
            Self::DataElement { code, coc: Some(c) } => write!(f, "#{{{code}.{c}}}"),
            Self::Activity(a) => write!(f, "{a}"),
            Self::Constant(c) => write!(f, "{c}"),
        }
    }
}

/// A sum of terms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Expression {
    /// The terms, added together.
    pub terms: Vec<Term>,
}

impl Expression {
    /// Parses `#{DE} + #{DE.COC} + visits + 1`; `indicator` names the indicator in errors.
    pub fn parse(indicator: &str, text: &str) -> Result<Self> {
        let bad = |reason: String| Error::InvalidIndicator {
            indicator: indicator.to_owned(),
            reason,
        };
        let mut terms = Vec::new();
        for raw in text.split('+') {
            let t = raw.trim();
            if t.is_empty() {
                return Err(bad(format!("empty term in {text:?}")));
            }
            let term = if let Some(inner) = t.strip_prefix("#{").and_then(|s| s.strip_suffix('}')) {
                let (code, coc) = match inner.split_once('.') {
                    Some((c, o)) => (c, Some(o.to_owned())),
                    None => (inner, None),
                };
                if code.is_empty() || coc.as_deref() == Some("") {
                    return Err(bad(format!("malformed data element reference {t:?}")));
                }
                Term::DataElement {
                    code: code.to_owned(),
                    coc,
                }
            } else if let Some(a) = ActivityMeasure::parse(t) {
                Term::Activity(a)
            } else if let Ok(c) = t.parse::<f64>() {
                Term::Constant(c)
            } else {
                return Err(bad(format!(
                    "unknown term {t:?} (expected #{{CODE}}, an activity measure or a number)"
                )));
            };
            terms.push(term);
        }
        Ok(Self { terms })
    }

    /// Whether any term reads data elements.
    pub fn uses_data_elements(&self) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t, Term::DataElement { .. }))
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(" + ")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// The monitoring-and-evaluation category of an indicator (the M&E plan's KPI groups).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    /// Inputs: visits done, contact hours.
    Input,
    /// Provider behaviours: checklist use, checklist scores.
    ProviderBehaviour,
    /// Patient outcomes: surgical site infection rate, perioperative mortality.
    Outcome,
}

/// A validation rule checked on every computed indicator value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ValidationRule {
    /// The numerator must not exceed the denominator (a proportion).
    NumeratorLeDenominator,
    /// The value (after the factor) must lie in `min..=max`.
    Range {
        /// Lowest acceptable value.
        min: f64,
        /// Highest acceptable value.
        max: f64,
    },
}

/// An indicator: `factor × numerator / denominator`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Input, provider behaviour or outcome.
    pub category: Category,
    /// Numerator expression.
    pub numerator: Expression,
    /// Denominator expression.
    pub denominator: Expression,
    /// 100 for a percentage, 1000 per thousand, 1 for a plain ratio.
    pub factor: f64,
    /// Rules every value must satisfy.
    pub rules: Vec<ValidationRule>,
}

impl Indicator {
    /// Builds an indicator from expression texts.
    pub fn new(
        code: &str,
        name: &str,
        category: Category,
        numerator: &str,
        denominator: &str,
        factor: f64,
    ) -> Result<Self> {
        let ind = Self {
            code: code.to_owned(),
            name: name.to_owned(),
            category,
            numerator: Expression::parse(code, numerator)?,
            denominator: Expression::parse(code, denominator)?,
            factor,
            rules: Vec::new(),
        };
        ind.check_shape()?;
        Ok(ind)
    }

    /// Adds a validation rule.
    pub fn with_rule(mut self, rule: ValidationRule) -> Self {
        self.rules.push(rule);
        self
    }

    fn check_shape(&self) -> Result<()> {
        let bad = |reason: &str| {
            Err(Error::InvalidIndicator {
                indicator: self.code.clone(),
                reason: reason.to_owned(),
            })
        };
        if self.code.trim().is_empty() {
            return bad("empty code");
        }
        if !self.factor.is_finite() || self.factor == 0.0 {
            return bad("factor must be a non-zero number");
        }
        if self.numerator.terms.is_empty() || self.denominator.terms.is_empty() {
            return bad("numerator and denominator need at least one term");
        }
        Ok(())
    }

    /// Computes the value from numerator and denominator sums; `None` when the denominator is 0.
    pub fn value(&self, numerator: f64, denominator: f64) -> Option<f64> {
        (denominator != 0.0).then(|| self.factor * numerator / denominator)
    }

    /// Checks the rules on one computed value; `place` says where (org unit, period…).
    pub fn check(&self, place: &str, numerator: f64, denominator: f64) -> Vec<Violation> {
        let value = self.value(numerator, denominator);
        self.rules
            .iter()
            .filter_map(|rule| {
                let detail = match *rule {
                    ValidationRule::NumeratorLeDenominator if numerator > denominator => {
                        format!("numerator {numerator} exceeds denominator {denominator}")
                    }
                    ValidationRule::Range { min, max } => match value {
                        Some(v) if v < min || v > max => format!("value {v} outside {min}..={max}"),
                        _ => return None,
                    },
                    _ => return None,
                };
                Some(Violation {
                    indicator: self.code.clone(),
                    place: place.to_owned(),
                    rule: *rule,
                    detail,
                })
            })
            .collect()
    }
}

/// A broken validation rule: which indicator, where, which rule, and the figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// Indicator code.
    pub indicator: String,
    /// Where: org unit code, period id, and any cadre/modality.
    pub place: String,
    /// The rule broken.
    pub rule: ValidationRule,
    /// The figures that break it.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "indicator {} at {}: {}",
            self.indicator, self.place, self.detail
        )
    }
}

/// A data element: a value entered per facility and period (web form, API, CSV import).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataElement {
    /// Unique code (DHIS2 code or UID).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Category option combos it is disaggregated by; empty means only the default one.
    pub category_option_combos: Vec<String>,
}

/// Index of a data element in a [`Catalog`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DataElementIdx(pub u32);

/// Category option combo index within its data element (0 = default when it has none).
pub type CocIdx = u16;

/// The data elements known to a program, to resolve indicator expressions against.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    elements: Vec<DataElement>,
    by_code: HashMap<String, u32>,
}

/// A term resolved against a [`Catalog`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ResolvedTerm {
    /// A data element, optionally one combo.
    DataElement(DataElementIdx, Option<CocIdx>),
    /// An activity measure.
    Activity(ActivityMeasure),
    /// A constant.
    Constant(f64),
}

/// An indicator whose data element references are checked and turned into indices.
#[derive(Clone, Debug)]
pub struct ResolvedIndicator {
    /// The definition.
    pub indicator: Indicator,
    /// Numerator terms.
    pub numerator: Vec<ResolvedTerm>,
    /// Denominator terms.
    pub denominator: Vec<ResolvedTerm>,
}

impl ResolvedIndicator {
    /// Whether any term reads data elements.
    pub fn uses_data_elements(&self) -> bool {
        self.numerator
            .iter()
            .chain(&self.denominator)
            .any(|t| matches!(t, ResolvedTerm::DataElement(..)))
    }

    /// Whether any term reads activity measures.
    pub fn uses_activity(&self) -> bool {
        self.numerator
            .iter()
            .chain(&self.denominator)
            .any(|t| matches!(t, ResolvedTerm::Activity(..)))
    }
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a data element; codes are unique.
    pub fn add(&mut self, element: DataElement) -> Result<DataElementIdx> {
        if element.code.is_empty() || self.by_code.contains_key(&element.code) {
            return Err(Error::InvalidIndicator {
                indicator: String::new(),
                reason: format!(
                    "data element code {:?} is empty or already defined",
                    element.code
                ),
            });
        }
        let idx = self.elements.len() as u32;
        self.by_code.insert(element.code.clone(), idx);
        self.elements.push(element);
        Ok(DataElementIdx(idx))
    }

    /// The data element with this code.
    pub fn find(&self, code: &str) -> Option<DataElementIdx> {
        self.by_code.get(code).map(|&i| DataElementIdx(i))
    }

    /// The data element at `idx`.
    pub fn get(&self, idx: DataElementIdx) -> Option<&DataElement> {
        self.elements.get(idx.0 as usize)
    }

    /// Number of data elements.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Index of combo `coc` of element `de` (`None` = the default combo of an element without
    /// disaggregation); `context` names the indicator or file in the error.
    pub fn coc(&self, context: &str, de: DataElementIdx, coc: Option<&str>) -> Result<CocIdx> {
        let el = self.get(de).ok_or_else(|| Error::UnknownDataElement {
            indicator: context.to_owned(),
            element: format!("#{}", de.0),
        })?;
        match coc {
            None if el.category_option_combos.is_empty() => Ok(0),
            None => Err(Error::InvalidIndicator {
                indicator: context.to_owned(),
                reason: format!("data element {:?} needs a category option combo", el.code),
            }),
            Some(c) => el
                .category_option_combos
                .iter()
                .position(|x| x == c)
                .map(|i| i as CocIdx)
                .ok_or_else(|| Error::InvalidIndicator {
                    indicator: context.to_owned(),
                    reason: format!(
                        "data element {:?} has no category option combo {c:?}",
                        el.code
                    ),
                }),
        }
    }

    /// Checks every data element reference of `ind` and resolves it to indices.
    pub fn resolve(&self, ind: &Indicator) -> Result<ResolvedIndicator> {
        ind.check_shape()?;
        let resolve = |e: &Expression| -> Result<Vec<ResolvedTerm>> {
            e.terms
                .iter()
                .map(|t| match t {
                    Term::DataElement { code, coc } => {
                        let de = self.find(code).ok_or_else(|| Error::UnknownDataElement {
                            indicator: ind.code.clone(),
                            element: code.clone(),
                        })?;
                        let c = match coc {
                            None => None,
                            Some(c) => Some(self.coc(&ind.code, de, Some(c))?),
                        };
                        Ok(ResolvedTerm::DataElement(de, c))
                    }
                    Term::Activity(a) => Ok(ResolvedTerm::Activity(*a)),
                    Term::Constant(c) => Ok(ResolvedTerm::Constant(*c)),
                })
                .collect()
        };
        Ok(ResolvedIndicator {
            indicator: ind.clone(),
            numerator: resolve(&ind.numerator)?,
            denominator: resolve(&ind.denominator)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let e = Expression::parse("X", "#{SSI} + #{SSI.F} + visits + visits_modality:0 + 2")
            .expect("parses");
        assert_eq!(
            e.to_string(),
            "#{SSI} + #{SSI.F} + visits + visits_modality:0 + 2"
        );
        assert!(Expression::parse("X", "#{SSI} + ").is_err());
        let err = Expression::parse("X", "vists").expect_err("typo");
        assert!(err.to_string().contains("\"vists\""), "{err}");
    }

    #[test]
    fn rules() {
        let ind = Indicator::new("P", "p", Category::Outcome, "#{A}", "#{B}", 100.0)
            .expect("valid")
            .with_rule(ValidationRule::NumeratorLeDenominator)
            .with_rule(ValidationRule::Range {
                min: 0.0,
                max: 50.0,
            });
        assert!(ind.check("F1 202401", 1.0, 4.0).is_empty());
        let v = ind.check("F1 202401", 5.0, 4.0);
        assert_eq!(v.len(), 2);
        assert!(v[0].to_string().contains("F1 202401"));
        assert_eq!(ind.value(1.0, 0.0), None);
    }
}
