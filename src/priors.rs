//! Priors of the model's assumed magnitudes (`seeds/priors.toml`): for each parameter that
//! is neither a briefing figure nor a planner's lever, its value, the range the evidence
//! leaves open, the shape of the prior over that range, and the source. They are data, not
//! Rust literals, so that calibration and ensembles can draw from them (docs/MODEL.md §4).
//!
//! `reformsim validate seeds/priors.toml` checks the file: every key names a number of the
//! scenario, every range is finite and holds its value, every prior has a source. The file is
//! compiled in and is where these parameters' defaults live: each scenario default of a key
//! it lists is `shipped(key)`, so the value, its range and its source are one entry.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::{InputErrors, Problem, Source};
use crate::scenario::Scenario;
use crate::sweep::keypath;

/// seeds/priors.toml as shipped: the defaults of the parameters it lists.
const SHIPPED_PRIORS: &str = include_str!("../seeds/priors.toml");

/// The default of an assumed parameter: its `value` in seeds/priors.toml. The scenario's
/// default functions call it, so a parameter's value is written once, beside its range and
/// source. The file is compiled in (a planner changes a value in a scenario, not here);
/// its tests check it parses and that every key names a scenario number.
pub fn shipped(key: &str) -> f64 {
    static VALUES: std::sync::LazyLock<std::collections::BTreeMap<String, f64>> =
        std::sync::LazyLock::new(|| {
            let file: PriorsFile =
                toml::from_str(SHIPPED_PRIORS).expect("seeds/priors.toml parses (tested)");
            file.priors.into_iter().map(|p| (p.key, p.value)).collect()
        });
    *VALUES
        .get(key)
        .unwrap_or_else(|| panic!("seeds/priors.toml has no prior for `{key}`"))
}

/// A priors file: `[[prior]]` tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorsFile {
    /// One entry per assumed parameter.
    #[serde(rename = "prior")]
    pub priors: Vec<Prior>,
}

/// One parameter's prior.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    /// Key path of the parameter in a scenario, e.g. `production.drag_per_open_problem`.
    pub key: String,
    /// The value the model uses (the scenario default).
    pub value: f64,
    /// How belief spreads over the range.
    pub distribution: Distribution,
    /// Lowest plausible value.
    pub low: f64,
    /// Highest plausible value.
    pub high: f64,
    /// Where the value and range come from: a citation, or "assumption" and why.
    pub source: String,
    /// Whether calibration fits it to a briefing figure (the prior is then what the fit
    /// may explore) or it stays assumed.
    #[serde(default)]
    pub role: PriorRole,
}

/// The shape of a prior over [low, high].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Every value in the range equally likely.
    Uniform,
    /// Every order of magnitude in the range equally likely (for rates and scales whose
    /// range spans a factor of several); needs low > 0.
    LogUniform,
}

/// What the data do to a parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriorRole {
    /// Nothing observed pins it down: its range is carried into the results.
    #[default]
    Assumed,
    /// Calibration fits it to an observed figure.
    Fitted,
}

impl Distribution {
    /// The value at quantile `u` in [0, 1) of the prior over [low, high].
    pub fn quantile(self, u: f64, low: f64, high: f64) -> f64 {
        match self {
            Distribution::Uniform => low + u * (high - low),
            Distribution::LogUniform => (low.ln() + u * (high.ln() - low.ln())).exp(),
        }
    }
}

/// A loaded, valid priors file.
#[derive(Clone, Debug)]
pub struct Priors {
    pub path: PathBuf,
    pub sha256: String,
    pub file: PriorsFile,
}

/// Reads and checks a priors file; every problem is reported with its line.
pub fn load(path: &Path) -> Result<Priors, InputErrors> {
    let (file, sha256) = Source::read(path)?.parse_checked(validate)?;
    Ok(Priors {
        path: path.to_owned(),
        sha256,
        file,
    })
}

/// The scenario every key is looked up in: the defaults.
pub fn default_tree() -> Value {
    let s: Scenario = toml::from_str("[scenario]\nname = \"priors\"").expect("a name is enough");
    serde_json::to_value(&s).expect("a scenario always serialises")
}

/// The number at `key` in a scenario tree, or why there is none.
pub fn number_at(tree: &Value, key: &str) -> Result<f64, String> {
    let segments = keypath::parse(key)?;
    let mut probe = tree.clone();
    match keypath::slot(&mut probe, &segments) {
        None => Err(format!("`{key}` names no key of a scenario")),
        Some(v) => v
            .as_f64()
            .ok_or_else(|| format!("`{key}` is not a number in a scenario ({v})")),
    }
}

fn validate(file: &PriorsFile) -> Vec<Problem> {
    let tree = default_tree();
    let mut problems = Vec::new();
    let mut keys = BTreeSet::new();
    for (i, p) in file.priors.iter().enumerate() {
        let field = |f: &str| format!("prior[{i}].{f}");
        if !keys.insert(p.key.as_str()) {
            problems.push(Problem::new(
                field("key"),
                format!("`{}` has a prior already", p.key),
            ));
        }
        if let Err(m) = number_at(&tree, &p.key) {
            problems.push(Problem::new(field("key"), m));
        }
        if !(p.low.is_finite() && p.high.is_finite()) || p.low >= p.high {
            problems.push(Problem::new(
                field("low"),
                format!(
                    "needs a finite range with low < high, got low = {} and high = {}",
                    p.low, p.high
                ),
            ));
        } else if !(p.low..=p.high).contains(&p.value) {
            problems.push(Problem::new(
                field("value"),
                format!("{} lies outside its range [{}, {}]", p.value, p.low, p.high),
            ));
        }
        if p.distribution == Distribution::LogUniform && p.low <= 0.0 {
            problems.push(Problem::new(
                field("low"),
                format!("a log-uniform prior needs low > 0, got {}", p.low),
            ));
        }
        if p.source.trim().is_empty() {
            problems.push(Problem::new(
                field("source"),
                "say where the value and range come from (or \"assumption: why\")",
            ));
        }
    }
    problems
}

/// The JSON Schema of priors files, pretty-printed, for editors.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(PriorsFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_span_the_range() {
        for d in [Distribution::Uniform, Distribution::LogUniform] {
            assert!((d.quantile(0.0, 0.01, 0.1) - 0.01).abs() < 1e-12);
            assert!((d.quantile(1.0, 0.01, 0.1) - 0.1).abs() < 1e-12);
        }
        // Log-uniform: the middle quantile is the geometric mean.
        let mid = Distribution::LogUniform.quantile(0.5, 0.01, 1.0);
        assert!((mid - 0.1).abs() < 1e-12);
    }

    #[test]
    fn bad_entries_are_named() {
        let file: PriorsFile = toml::from_str(
            r#"
[[prior]]
key = "production.drag_per_opn_problem"
value = 0.03
distribution = "uniform"
low = 0.01
high = 0.06
source = "x"

[[prior]]
key = "production.volatility"
value = 0.5
distribution = "log_uniform"
low = 0.0
high = 0.2
source = " "
"#,
        )
        .unwrap();
        let problems = validate(&file);
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "prior[0].key",
                "prior[1].value",
                "prior[1].low",
                "prior[1].source"
            ]
        );
    }
}
