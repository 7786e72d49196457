//! Seeds files: the briefing's figures as data (FACTS.md ids), each either an observed
//! figure the baseline is calibrated to, or a target scenarios are charted against.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::input::{InputErrors, Problem, Source};

/// A seeds file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedsFile {
    pub source: SeedsSource,
    #[serde(rename = "figure")]
    pub figures: Vec<Figure>,
}

/// Where the figures come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedsSource {
    pub title: String,
    pub document: String,
    pub date: Date,
}

/// One figure of the briefing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// FACTS.md id (A1 … D); a letter suffix marks one of several figures under one id.
    pub id: String,
    pub description: String,
    /// The briefing's own words for the figure, shown by `--lang zh` reports and charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_zh: Option<String>,
    /// The KPI (a `metrics.csv` column) this figure is compared with; absent while the model
    /// has no such KPI.
    #[serde(default)]
    pub kpi: Option<String>,
    /// The date the figure refers to.
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub comparator: Option<Comparator>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: String,
    pub kind: FigureKind,
    /// For observed figures: how close a simulated value must be.
    #[serde(default)]
    pub tolerance: Option<Tolerance>,
    /// An observed figure kept out of every calibration: reported as a predictive check
    /// (is the observed value inside the simulated 90 % interval?).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub holdout: bool,
    /// What makes the model match this figure by construction (a lever set to it, or a rate
    /// set so that it comes out): such a figure tests nothing, and every table says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub construction: Option<String>,
}

/// What an observed figure is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Data a calibration may fit.
    Fit,
    /// Never fitted: a check of the model's predictions.
    Holdout,
    /// Matched by a lever or rate set to it: tests nothing.
    Construction,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Fit => "fit",
            Role::Holdout => "holdout",
            Role::Construction => "construction",
        }
    }
}

impl Figure {
    /// The figure's role in calibration (meaningful for observed figures).
    pub fn role(&self) -> Role {
        if self.construction.is_some() {
            Role::Construction
        } else if self.holdout {
            Role::Holdout
        } else {
            Role::Fit
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// Reported as achieved: calibration data.
    Observed,
    /// Announced as a goal: what scenarios are charted against.
    Target,
    /// A policy lever the briefing describes (no figure to reproduce).
    Lever,
    /// A fact about the city's structure.
    Structure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Comparator {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ge => ">=",
            Comparator::Gt => ">",
            Comparator::Le => "<=",
            Comparator::Lt => "<",
        }
    }

    /// Whether `simulated` meets a target `value` under this comparator (`=` means at least
    /// the value, as an announced number is a floor).
    pub fn met(self, simulated: f64, value: f64) -> bool {
        match self {
            Comparator::Eq | Comparator::Ge => simulated >= value,
            Comparator::Gt => simulated > value,
            Comparator::Le => simulated <= value,
            Comparator::Lt => simulated < value,
        }
    }
}

/// How close a simulated value must be to an observed one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Tolerance {
    /// A share of the observed value (0.05 = ±5 %).
    Relative(f64),
    /// In the figure's unit (0.5 with unit `%` = ±0.5 percentage points).
    Absolute(f64),
}

impl Tolerance {
    pub fn within(self, simulated: f64, observed: f64) -> bool {
        match self {
            Tolerance::Relative(r) => (simulated - observed).abs() <= r * observed.abs(),
            Tolerance::Absolute(a) => (simulated - observed).abs() <= a,
        }
    }

    /// The tolerance as a number and its unit, for tables that keep numbers numeric: a
    /// relative tolerance in `%` of the observed value (0.05 → 5, `%`), an absolute one in
    /// the figure's unit, where `%` becomes `pp` (percentage points, not a share of the value).
    pub fn amount(self, unit: &str) -> (f64, String) {
        match self {
            // Rounded to 1e-9 %: 0.07 × 100 is 7.000000000000001 in binary, not what was written.
            Tolerance::Relative(r) => ((r * 100.0 * 1e9).round() / 1e9, "%".to_owned()),
            Tolerance::Absolute(a) if unit == "%" => (a, "pp".to_owned()),
            Tolerance::Absolute(a) => (a, unit.to_owned()),
        }
    }

    /// The tolerance as text: `±5%`, `±0.5 pp`, `±3 firms`.
    pub fn describe(self, unit: &str) -> String {
        let (value, unit) = self.amount(unit);
        tolerance_text(value, &unit)
    }
}

/// A tolerance's number and unit (`Tolerance::amount`) as text: `±5%`, `±0.5 pp`.
pub fn tolerance_text(value: f64, unit: &str) -> String {
    if unit == "%" {
        format!("±{value}%")
    } else {
        format!("±{value} {unit}")
    }
}

/// A loaded seeds file.
#[derive(Clone, Debug)]
pub struct Seeds {
    pub path: PathBuf,
    /// Hex SHA-256 of the file's bytes: a sweep refuses to resume over a changed seeds file.
    pub sha256: String,
    pub file: SeedsFile,
}

impl Seeds {
    /// Observed figures that map to a KPI: the calibration rows.
    pub fn observed(&self) -> impl Iterator<Item = &Figure> {
        self.file
            .figures
            .iter()
            .filter(|f| f.kind == FigureKind::Observed && f.kpi.is_some())
    }

    /// Every target, whether the model has its KPI yet or not.
    pub fn targets(&self) -> impl Iterator<Item = &Figure> {
        self.file
            .figures
            .iter()
            .filter(|f| f.kind == FigureKind::Target)
    }
}

/// Reads and checks a seeds file.
pub fn load(path: &Path) -> Result<Seeds, InputErrors> {
    let (file, sha256) = Source::read(path)?.parse_checked(validate)?;
    Ok(Seeds {
        path: path.to_owned(),
        sha256,
        file,
    })
}

fn validate(file: &SeedsFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, f) in file.figures.iter().enumerate() {
        let key = |field: &str| format!("figure[{i}].{field}");
        if !ids.insert(f.id.as_str()) {
            problems.push(Problem::new(
                key("id"),
                format!("id {} appears twice", f.id),
            ));
        }
        if f.holdout && f.kind != FigureKind::Observed {
            problems.push(Problem::new(
                key("holdout"),
                "only an observed figure can be held out of calibration",
            ));
        }
        if f.holdout && f.construction.is_some() {
            problems.push(Problem::new(
                key("holdout"),
                "a figure matched by construction cannot be a holdout: it would test nothing",
            ));
        }
        if let Some(v) = f.value
            && !v.is_finite()
        {
            problems.push(Problem::new(
                key("value"),
                format!("must be a finite number, got {v}"),
            ));
        }
        let Some(kpi) = &f.kpi else { continue };
        if crate::metrics::kpi(kpi).is_none() {
            let known: Vec<&str> = crate::metrics::KPIS.iter().map(|k| k.key).collect();
            problems.push(Problem::new(
                key("kpi"),
                format!("unknown KPI {kpi:?}; known KPIs: {}", known.join(", ")),
            ));
        }
        if f.date.is_none() {
            problems.push(Problem::new(
                key("date"),
                "a figure mapped to a KPI needs the date it refers to",
            ));
        }
        if f.value.is_none() {
            problems.push(Problem::new(
                key("value"),
                "a figure mapped to a KPI needs a value",
            ));
        }
        match f.kind {
            FigureKind::Observed if f.tolerance.is_none() => {
                problems.push(Problem::new(
                    key("tolerance"),
                    "an observed figure mapped to a KPI needs a tolerance",
                ));
            }
            FigureKind::Target if f.comparator.is_none() => {
                problems.push(Problem::new(
                    key("comparator"),
                    "a target needs a comparator (=, >=, >, <=, <)",
                ));
            }
            _ => {}
        }
        if let Some(Tolerance::Relative(t) | Tolerance::Absolute(t)) = f.tolerance
            && !(t.is_finite() && t >= 0.0)
        {
            problems.push(Problem::new(
                key("tolerance"),
                format!("must be a finite number ≥ 0, got {t}"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tolerance_is_a_number_and_a_unit() {
        assert_eq!(
            Tolerance::Relative(0.07).amount("firms"),
            (7.0, "%".to_owned())
        );
        assert_eq!(Tolerance::Absolute(0.7).amount("%"), (0.7, "pp".to_owned()));
        assert_eq!(
            Tolerance::Absolute(3.0).amount("firms"),
            (3.0, "firms".to_owned())
        );
        assert_eq!(Tolerance::Relative(0.05).describe("firms"), "±5%");
        assert_eq!(Tolerance::Absolute(0.5).describe("%"), "±0.5 pp");
        assert_eq!(Tolerance::Absolute(3.0).describe("firms"), "±3 firms");
    }
}
