//! The report as plain data: what the web crate gathers for one program, scope and quarter,
//! and what every writer in this crate reads.
//!
//! Every fixed piece of text (headings, column names, status words) arrives already
//! translated in [`Labels`], so this crate holds no language logic: the caller picks English or
//! French (or any later language) and the writers only lay out what they are given.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One quarterly program report: KPIs against targets, dose, participation and notable
/// changes, for one program and one org unit's subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The report's title, e.g. "Quarterly program report".
    pub title: String,
    /// The program's name.
    pub program: String,
    /// The org unit whose subtree the report covers, by name.
    pub scope: String,
    /// The machine period id, e.g. "2026Q3" (DHIS2 style), used in file names and the CSV.
    pub period: String,
    /// The period for people, e.g. "July–September 2026", already in the report's language.
    pub period_label: String,
    /// The day the figures were drawn.
    pub generated_on: NaiveDate,
    /// The language the labels are in ("en", "fr"); written into the files' metadata only.
    pub language: String,
    /// Every fixed heading and word, already translated.
    pub labels: Labels,
    /// The KPIs, in the order they are to be shown (usually grouped by category).
    pub kpis: Vec<KpiLine>,
    /// Dose delivered per facility or mentee.
    pub dose: Vec<DoseLine>,
    /// Participation figures as label and already formatted value.
    pub participation: Vec<(String, String)>,
    /// Notable changes since last quarter, one sentence each.
    pub notable_changes: Vec<String>,
}

/// The kind of a KPI, following the program's logic model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Inputs: mentoring visits, contact hours, trainings.
    Input,
    /// What providers do: checklist use, protocol adherence.
    ProviderBehaviour,
    /// Patient outcomes: infection rates, mortality.
    Outcome,
}

impl Category {
    /// The stable code used in the CSV ("input", "provider_behaviour", "outcome").
    pub fn code(self) -> &'static str {
        match self {
            Category::Input => "input",
            Category::ProviderBehaviour => "provider_behaviour",
            Category::Outcome => "outcome",
        }
    }
}

/// How a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Meets or is close enough to its target.
    OnTrack,
    /// Short of its target but recoverable.
    AtRisk,
    /// Far from its target.
    OffTrack,
}

impl Status {
    /// The stable code used in the CSV ("on_track", "at_risk", "off_track").
    pub fn code(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
        }
    }
}

/// One KPI for the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiLine {
    /// The indicator's code, e.g. "SSC_USE".
    pub code: String,
    /// The indicator's name in the report's language.
    pub name: String,
    /// Input, provider behaviour or outcome.
    pub category: Category,
    /// This quarter's value; `None` when there was no data (shown empty, never as zero).
    pub value: Option<f64>,
    /// "%" for percentages (the value is 0–100, not 0–1) or "" for plain numbers.
    pub unit: String,
    /// The signed-off target for this scope and period, if any.
    pub target: Option<f64>,
    /// Where the value stands against the target; `None` without a target or value.
    pub status: Option<Status>,
    /// Last quarter's value, for the change column.
    pub previous: Option<f64>,
    /// The numerator behind a ratio, when the KPI is one.
    pub numerator: Option<f64>,
    /// The denominator behind a ratio, when the KPI is one.
    pub denominator: Option<f64>,
}

impl KpiLine {
    /// Whether the value is a percentage (0–100).
    pub fn is_percent(&self) -> bool {
        self.unit == "%"
    }

    /// This quarter minus last quarter (percentage points for percentages), when both exist.
    pub fn change(&self) -> Option<f64> {
        Some(self.value? - self.previous?)
    }
}

/// The mentoring dose one facility or mentee received in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseLine {
    /// The facility or mentee, by name.
    pub who: String,
    /// Mentoring visits done.
    pub visits: u32,
    /// Contact hours, in person and remote.
    pub contact_hours: f64,
    /// Minutes of tele-mentoring.
    pub tele_minutes: u32,
    /// Check-ins done.
    pub check_ins: u32,
    /// Dose delivered as a percentage (0–100) of the dose plan, when there is a plan.
    pub percent_of_plan: Option<f64>,
    /// Where the dose stands against the plan.
    pub status: Option<Status>,
}

/// Every fixed piece of text the writers print, already in the report's language.
///
/// Adding a language means adding a constructor like [`Labels::english`] (or filling this
/// struct from the web crate's Fluent messages); the writers need no change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// Label before the program's name in the title block.
    pub program: String,
    /// Label before the scope in the title block.
    pub scope: String,
    /// Label before the period in the title block.
    pub period: String,
    /// Label before the date the report was generated.
    pub generated_on: String,
    /// Heading of the KPI section (also the KPI sheet's name).
    pub kpis: String,
    /// Heading of the dose section (also the dose sheet's name).
    pub dose: String,
    /// Heading of the participation section (also its sheet's name).
    pub participation: String,
    /// Heading of the notable changes section (also its sheet's name).
    pub notable_changes: String,
    /// Name of the workbook sheet holding the title block.
    pub about: String,
    /// Column: indicator code.
    pub code: String,
    /// Column: indicator name.
    pub indicator: String,
    /// Column: category.
    pub category: String,
    /// Column: this quarter's value.
    pub value: String,
    /// Column: target.
    pub target: String,
    /// Column: status.
    pub status: String,
    /// Column: last quarter's value.
    pub previous: String,
    /// Column: change since last quarter.
    pub change: String,
    /// Column: numerator.
    pub numerator: String,
    /// Column: denominator.
    pub denominator: String,
    /// Column: facility or mentee.
    pub who: String,
    /// Column: visits.
    pub visits: String,
    /// Column: contact hours.
    pub contact_hours: String,
    /// Column: tele-mentoring minutes.
    pub tele_minutes: String,
    /// Column: check-ins.
    pub check_ins: String,
    /// Column: percentage of the dose plan.
    pub percent_of_plan: String,
    /// Column: a participation measure's name.
    pub measure: String,
    /// Status word for [`Status::OnTrack`].
    pub on_track: String,
    /// Status word for [`Status::AtRisk`].
    pub at_risk: String,
    /// Status word for [`Status::OffTrack`].
    pub off_track: String,
    /// Category name for [`Category::Input`].
    pub input: String,
    /// Category name for [`Category::ProviderBehaviour`].
    pub provider_behaviour: String,
    /// Category name for [`Category::Outcome`].
    pub outcome: String,
    /// Suffix after a change in a percentage, e.g. " pp" or " pts".
    pub points: String,
    /// Shown where there is nothing to report, e.g. "None this quarter."
    pub none: String,
    /// The word in "Page 2 of 5".
    pub page: String,
    /// The word in "Page 2 of 5".
    pub of: String,
    /// The decimal separator for numbers printed as text in the PDF ("." or ",").
    pub decimal_separator: String,
}

impl Labels {
    /// The English labels.
    pub fn english() -> Self {
        Labels {
            program: "Program".into(),
            scope: "Scope".into(),
            period: "Period".into(),
            generated_on: "Generated on".into(),
            kpis: "KPIs".into(),
            dose: "Dose".into(),
            participation: "Participation".into(),
            notable_changes: "Changes".into(),
            about: "Report".into(),
            code: "Code".into(),
            indicator: "Indicator".into(),
            category: "Category".into(),
            value: "Value".into(),
            target: "Target".into(),
            status: "Status".into(),
            previous: "Last quarter".into(),
            change: "Change".into(),
            numerator: "Numerator".into(),
            denominator: "Denominator".into(),
            who: "Facility or mentee".into(),
            visits: "Visits".into(),
            contact_hours: "Contact hours".into(),
            tele_minutes: "Tele-mentoring minutes".into(),
            check_ins: "Check-ins".into(),
            percent_of_plan: "% of plan".into(),
            measure: "Measure".into(),
            on_track: "On track".into(),
            at_risk: "At risk".into(),
            off_track: "Off track".into(),
            input: "Inputs".into(),
            provider_behaviour: "Provider behaviours".into(),
            outcome: "Patient outcomes".into(),
            points: " pp".into(),
            none: "None this quarter.".into(),
            page: "Page".into(),
            of: "of".into(),
            decimal_separator: ".".into(),
        }
    }

    /// The French labels.
    pub fn french() -> Self {
        Labels {
            program: "Programme".into(),
            scope: "Périmètre".into(),
            period: "Période".into(),
            generated_on: "Généré le".into(),
            kpis: "Indicateurs".into(),
            dose: "Dose".into(),
            participation: "Participation".into(),
            notable_changes: "Changements".into(),
            about: "Rapport".into(),
            code: "Code".into(),
            indicator: "Indicateur".into(),
            category: "Catégorie".into(),
            value: "Valeur".into(),
            target: "Cible".into(),
            status: "Statut".into(),
            previous: "Trimestre précédent".into(),
            change: "Évolution".into(),
            numerator: "Numérateur".into(),
            denominator: "Dénominateur".into(),
            who: "Établissement ou mentoré".into(),
            visits: "Visites".into(),
            contact_hours: "Heures de contact".into(),
            tele_minutes: "Minutes de télémentorat".into(),
            check_ins: "Points de suivi".into(),
            percent_of_plan: "% du plan".into(),
            measure: "Mesure".into(),
            on_track: "En bonne voie".into(),
            at_risk: "À risque".into(),
            off_track: "Hors trajectoire".into(),
            input: "Intrants".into(),
            provider_behaviour: "Pratiques des soignants".into(),
            outcome: "Résultats pour les patients".into(),
            points: " pts".into(),
            none: "Aucun ce trimestre.".into(),
            page: "Page".into(),
            of: "sur".into(),
            decimal_separator: ",".into(),
        }
    }

    /// The word for a status.
    pub fn status_word(&self, status: Status) -> &str {
        match status {
            Status::OnTrack => &self.on_track,
            Status::AtRisk => &self.at_risk,
            Status::OffTrack => &self.off_track,
        }
    }

    /// The name of a category.
    pub fn category_name(&self, category: Category) -> &str {
        match category {
            Category::Input => &self.input,
            Category::ProviderBehaviour => &self.provider_behaviour,
            Category::Outcome => &self.outcome,
        }
    }
}
