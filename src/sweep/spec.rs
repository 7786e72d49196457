//! Sweep files: a base scenario, the parameters to vary (by key path), a design, replicates
//! and a master seed. Loading checks everything a run would trip over, with the file, line
//! and key of each problem.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::keypath::{self, Segment};
use crate::input::{InputErrors, Problem, Source};
use crate::scenario::{LoadedScenario, Scenario};

/// How design points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Every combination of the parameters' `values` lists (the first parameter varies
    /// slowest).
    Grid,
    /// `samples` points drawn uniformly and independently.
    Random,
    /// `samples` points, each parameter's range cut into `samples` strata used once each.
    LatinHypercube,
    /// The first `samples` points of the Sobol sequence (low discrepancy).
    Sobol,
    /// Saltelli's scheme for Sobol sensitivity indices: `samples` base rows, and
    /// `samples` × (parameters + 2) points (`sensitivity::saltelli`).
    Saltelli,
    /// Morris screening: `samples` trajectories on an 8-level grid, each of
    /// parameters + 1 points (`sensitivity::morris`).
    Morris,
    /// `samples` independent draws from each parameter's prior (`distribution` over
    /// `min`–`max`), point i from its own stream: the draws of `reformsim calibrate --method
    /// abc`, which runs a calibration file's draws as this design (`from_calibration`).
    Prior,
}

/// Levels of the Morris grid: fine enough that μ* ranks the Ishigami inputs with x1 first
/// (`sensitivity::morris` tests), coarse enough for few distinct values of integer levers.
pub const MORRIS_LEVELS: usize = 8;

/// `[sweep]`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Names the output folder (`output/sweeps/<name>`): letters, digits, `-` and `_`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,100}$"))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The base scenario, relative to the sweep file's folder.
    pub scenario: PathBuf,
    pub design: Design,
    /// Number of design points, for `random`, `latin-hypercube` and `sobol`.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub samples: Option<u64>,
    /// Replicates per design point; replicate k has the same seed at every point.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub replicates: u32,
    /// Master seed: replicate seeds and sampled points derive from it. Defaults to the base
    /// scenario's seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Every run its own seed (run r: replicate seed r), instead of replicate k having the
    /// same seed at every point. Independent noise across points is what a posterior by
    /// rejection needs; the shared seeds of the default make points easier to compare.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub seed_per_point: bool,
    /// Ends every run on this date instead of the base scenario's end (a run that only
    /// needs the figures up to a date stops there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<crate::date::Date>,
}

fn one() -> u32 {
    1
}

/// `[[parameters]]`: one scenario key to vary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Key path in the scenario, e.g. `levers.triage.delay_days`.
    pub key: String,
    /// The values to take (grid), or to choose among (the sampling designs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<serde_json::Value>>", length(min = 1))]
    pub values: Option<Vec<toml::Value>>,
    /// A numeric range, for the sampling designs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Round sampled values to whole numbers.
    #[serde(default)]
    pub integer: bool,
    /// How a sampling design spreads the range: `uniform` (default) or `log_uniform`
    /// (every order of magnitude equally likely; needs min > 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<crate::priors::Distribution>,
    /// How charts and reports name the parameter. Default: the key with each list index
    /// replaced by the item's name (`departments[commerce].capacity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `[outputs]`: KPIs the planner wants recorded at every point, beyond the figures' own
/// (each observed figure's and target's KPI at its date, and the fiscal cost at the end).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outputs {
    /// KPI names (the columns of metrics.csv, data/kpis.toml), e.g. `mean_days_to_resolve`.
    #[serde(default)]
    pub kpis: Vec<String>,
    /// Dates to record them at, within the base scenario's horizon; default its last day.
    #[serde(default)]
    pub dates: Vec<crate::date::Date>,
}

/// A sweep file (`reformsim sweep FILE`): the sweep, the scenario keys it varies, and what
/// it records.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    sweep: Header,
    #[serde(default)]
    parameters: Vec<Parameter>,
    #[serde(default)]
    outputs: Outputs,
}

/// The sweep file's JSON Schema (`reformsim schema --kind sweep`).
pub fn json_schema() -> String {
    let mut text = serde_json::to_string_pretty(&schemars::schema_for!(SweepFile))
        .expect("a schema always serialises");
    text.push('\n');
    text
}

/// A checked sweep, ready to run.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub path: PathBuf,
    pub sha256: String,
    pub header: Header,
    pub parameters: Vec<Parameter>,
    /// The KPIs and dates `[outputs]` asks for, checked.
    pub outputs: Outputs,
    pub paths: Vec<Vec<Segment>>,
    pub base: LoadedScenario,
    /// The base scenario as a JSON tree, where parameters are set.
    pub tree: Value,
    pub master_seed: u64,
    /// The base scenario's posterior without the swept keys (the sweep sets those).
    pub ensemble: Option<std::sync::Arc<crate::posterior::Posterior>>,
}

/// Most design points a sweep may have (a guard against typos such as `samples = 1e12`).
pub const MAX_RUNS: u64 = 100_000_000;

/// Reads and checks a sweep file and its base scenario.
pub fn load(path: &Path) -> Result<Sweep, InputErrors> {
    let source = Source::read(path)?;
    if is_calibration_file(&source.text) {
        return from_calibration(path);
    }
    let file: SweepFile = source.parse()?;
    let mut problems = Vec::new();
    let h = &file.sweep;
    if let Some(m) = crate::scenario::name_problem(&h.name) {
        problems.push(Problem::new("sweep.name", m));
    }
    if h.replicates == 0 {
        problems.push(Problem::new("sweep.replicates", "must be at least 1"));
    }
    let sampling = h.design != Design::Grid;
    match (sampling, h.samples) {
        (true, None | Some(0)) => problems.push(Problem::new(
            "sweep.samples",
            "the random, latin-hypercube, sobol, saltelli and morris designs need `samples` ≥ 1",
        )),
        (false, Some(_)) => problems.push(Problem::new(
            "sweep.samples",
            "a grid takes every combination of `values`; `samples` is for the sampling designs",
        )),
        _ => {}
    }
    if file.parameters.is_empty() {
        problems.push(Problem::new(
            "parameters",
            "a sweep needs at least one `[[parameters]]`",
        ));
    }
    // Morris trajectories are drawn up front (`sweep::design`); keep that list small.
    if h.design == Design::Morris && h.samples.is_some_and(|n| n > 100_000) {
        problems.push(Problem::new(
            "sweep.samples",
            "a morris design takes at most 100,000 trajectories",
        ));
    }
    if h.design == Design::Saltelli
        && file.parameters.len() > crate::sensitivity::saltelli::MAX_INPUTS
    {
        problems.push(Problem::new(
            "parameters",
            format!(
                "a saltelli design takes at most {} parameters",
                crate::sensitivity::saltelli::MAX_INPUTS
            ),
        ));
    }
    if h.design == Design::Sobol && file.parameters.len() > super::sobol::MAX_DIMENSIONS {
        problems.push(Problem::new(
            "parameters",
            format!(
                "a sobol design takes at most {} parameters",
                super::sobol::MAX_DIMENSIONS
            ),
        ));
    }
    let before = problems.len();
    let scenario_path =
        crate::scenario::base_scenario_path(path, &h.scenario, "sweep.scenario", &mut problems);
    // The parameters are checked against the base scenario, so they need it; without it the
    // header's problems are all there is to report.
    if problems.len() > before {
        return Err(source.place(problems));
    }
    let base = match crate::scenario::load(&scenario_path) {
        Ok(base) => base,
        Err(inner) => {
            let mut errors = source.place(problems);
            errors.0.extend(
                crate::scenario::referenced(&source, "sweep.scenario", &scenario_path, inner).0,
            );
            return Err(errors);
        }
    };
    let mut base = base;
    let mut tree = serde_json::to_value(&base.scenario).expect("a scenario always serialises");
    if let Some(end) = h.end {
        if end < base.scenario.scenario.start {
            problems.push(Problem::new(
                "sweep.end",
                format!(
                    "{end} is before the base scenario's start, {}",
                    base.scenario.scenario.start
                ),
            ));
        } else {
            set_end(&mut tree, end);
            base.scenario.scenario.end = end;
        }
    }

    let mut paths = Vec::new();
    for (i, p) in file.parameters.iter().enumerate() {
        let key = format!("parameters[{i}]");
        match check_parameter(p, h.design, &tree, &base.scenario) {
            Ok(segments) => paths.push(segments),
            Err(messages) => {
                for (field, m) in messages {
                    problems.push(Problem::new(format!("{key}.{field}"), m));
                }
            }
        }
        if file.parameters[..i].iter().any(|q| q.key == p.key) {
            problems.push(Problem::new(
                format!("{key}.key"),
                format!("`{}` is swept twice", p.key),
            ));
        }
    }
    problems.extend(check_outputs(&file.outputs, &base.scenario));
    let ensemble = base.scenario.ensemble.as_ref().map(|p| {
        let keys: Vec<&str> = file.parameters.iter().map(|q| q.key.as_str()).collect();
        std::sync::Arc::new(p.leaving(&keys))
    });
    // Each parameter's label: the planner's, else the key with list items named.
    let parameters: Vec<Parameter> = file
        .parameters
        .into_iter()
        .map(|mut p| {
            if p.label.is_none() {
                p.label = Some(keypath::readable(&tree, &p.key));
            }
            p
        })
        .collect();
    let sweep = Sweep {
        ensemble,
        path: path.to_owned(),
        sha256: crate::scenario::hex_sha256(source.text.as_bytes()),
        master_seed: h.seed.unwrap_or(base.scenario.scenario.seed),
        header: file.sweep,
        parameters,
        outputs: file.outputs,
        paths,
        base,
        tree,
    };
    if problems.is_empty() {
        let runs = sweep
            .points()
            .checked_mul(u64::from(sweep.header.replicates));
        if runs.is_none_or(|r| r > MAX_RUNS) {
            problems.push(Problem::new(
                "sweep",
                format!("more than {MAX_RUNS} runs; split the sweep"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(source.place(problems));
    }
    Ok(sweep)
}

/// Moves a scenario tree's end date.
fn set_end(tree: &mut Value, end: crate::date::Date) {
    let path = keypath::parse("scenario.end").expect("a valid key path");
    if let Some(slot) = keypath::slot(tree, &path) {
        *slot = serde_json::to_value(end).expect("a date serialises");
    }
}

/// A calibration file (a `[calibration]` table and no `[sweep]`): `reformsim sweep` runs its
/// ABC draws.
fn is_calibration_file(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .is_ok_and(|t| t.contains_key("calibration") && !t.contains_key("sweep"))
}

/// The sweep of a calibration file's ABC draws (`reformsim calibrate --method abc`): one
/// point per prior draw, each run once with the draw's own seed, to the last figure's date,
/// without the base scenario's posterior (the draws are what a posterior is made from). Run
/// with `reformsim sweep FILE`, its shards, `--resume` and `--slurm` like any sweep, then
/// `reformsim calibrate FILE --method abc --from-sweep DIR` keeps the nearest draws: the
/// same posterior, to the byte, as running the draws in one process.
pub fn from_calibration(path: &Path) -> Result<Sweep, InputErrors> {
    let c = crate::calibrate::load(path)?;
    let mut base = c.base.clone();
    base.scenario.scenario.end = c.runs_end();
    let parameters = c
        .parameters
        .iter()
        .map(|p| Parameter {
            key: p.key.clone(),
            values: None,
            min: Some(p.min),
            max: Some(p.max),
            integer: p.integer,
            distribution: Some(
                p.distribution
                    .unwrap_or(crate::priors::Distribution::Uniform),
            ),
            label: Some(keypath::readable(&c.tree, &p.key)),
        })
        .collect();
    Ok(Sweep {
        path: path.to_owned(),
        sha256: c.sha256.clone(),
        header: Header {
            name: format!("{}-draws", c.header.name),
            description: Some(format!("the ABC draws of calibration `{}`", c.header.name)),
            scenario: c.header.scenario.clone(),
            design: Design::Prior,
            samples: Some(c.abc.draws),
            replicates: 1,
            seed: Some(c.master_seed),
            seed_per_point: true,
            end: Some(c.runs_end()),
        },
        parameters,
        outputs: Outputs::default(),
        paths: c.paths.clone(),
        base,
        tree: c.tree.clone(),
        master_seed: c.master_seed,
        ensemble: None,
    })
}

/// `[outputs]`: every KPI is one of metrics.csv's columns (with "did you mean"), every date
/// inside the base scenario's horizon.
fn check_outputs(outputs: &Outputs, base: &Scenario) -> Vec<Problem> {
    let mut problems = crate::scenario::output_problems(
        &outputs.kpis,
        &outputs.dates,
        base.scenario.start,
        base.scenario.end,
    );
    if !outputs.dates.is_empty() && outputs.kpis.is_empty() {
        problems.push(Problem::new(
            "outputs.dates",
            "dates without `kpis`: name the KPIs to record at them",
        ));
    }
    problems
}

/// Checks one parameter: its key exists in the scenario, and the values it can take give a
/// valid scenario on their own (each value, or both ends of the range).
fn check_parameter(
    p: &Parameter,
    design: Design,
    tree: &Value,
    base: &Scenario,
) -> Result<Vec<Segment>, Vec<(&'static str, String)>> {
    let segments = keypath::parse(&p.key).map_err(|m| vec![("key", m)])?;
    if let Some(m) = keypath::fixed_key_problem(&p.key) {
        return Err(vec![("key", m)]);
    }
    let mut probe = tree.clone();
    let Some(current) = keypath::slot(&mut probe, &segments) else {
        let near = keypath::nearest_key(tree, &p.key)
            .map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
        return Err(vec![(
            "key",
            format!(
                "`{}` names no key of the base scenario `{}`{near}",
                p.key, base.scenario.name
            ),
        )]);
    };
    if current.is_object() || current.is_array() {
        return Err(vec![(
            "key",
            format!("`{}` is a table; sweep one of its keys", p.key),
        )]);
    }
    let mut errors = Vec::new();
    let candidates: Vec<Value> = match (&p.values, p.min, p.max) {
        (Some(values), None, None) => {
            if values.is_empty() {
                errors.push(("values", "must list at least one value".to_owned()));
            }
            if let Some(m) = values.iter().find_map(crate::input::toml_value_problem) {
                errors.push(("values", format!("each value {m}")));
            }
            values
                .iter()
                .map(|v| serde_json::to_value(v).expect("TOML converts to JSON"))
                .collect()
        }
        (None, Some(min), Some(max)) if design != Design::Grid => {
            if !(min.is_finite() && max.is_finite()) || min > max {
                errors.push((
                    "min",
                    format!("needs finite min ≤ max, got {min} and {max}"),
                ));
                Vec::new()
            } else {
                vec![number(min, p.integer), number(max, p.integer)]
            }
        }
        (None, _, _) if design == Design::Grid => {
            errors.push(("values", "a grid needs a `values` list".to_owned()));
            Vec::new()
        }
        _ => {
            errors.push((
                "values",
                "give either `values` or both `min` and `max`".to_owned(),
            ));
            Vec::new()
        }
    };
    match (p.distribution, &p.values) {
        (Some(_), Some(_)) => errors.push((
            "distribution",
            "a distribution spreads a `min`–`max` range; `values` are taken as listed".to_owned(),
        )),
        (Some(crate::priors::Distribution::LogUniform), None)
            if p.min.is_some_and(|m| m.is_nan() || m <= 0.0) =>
        {
            errors.push(("distribution", "log_uniform needs min > 0".to_owned()));
        }
        _ => {}
    }
    let range = p.values.is_none();
    for v in candidates {
        if let Err(m) = apply(tree, &[(&segments, v.clone())]) {
            // A range's ends are given as numbers; name the fields the user wrote.
            errors.push((if range { "min" } else { "values" }, format!("{v}: {m}")));
        }
    }
    // A range samples numbers between its ends: a key that takes whole numbers needs
    // `integer = true`, or every fractional point would fail when it runs.
    if range
        && !p.integer
        && let Some(min) = p.min.filter(|m| m.is_finite())
        && apply(tree, &[(&segments, number(min.floor() + 0.5, false))]).is_err()
        && apply(tree, &[(&segments, number(min, true))]).is_ok()
    {
        // The ends failed for the same reason, as floating-point numbers.
        errors.retain(|(field, _)| *field != "min");
        errors.push((
            "integer",
            format!("`{}` takes whole numbers: add `integer = true`", p.key),
        ));
    }
    if errors.is_empty() {
        Ok(segments)
    } else {
        Err(errors)
    }
}

/// A sampled number as a JSON value: whole numbers stay integers so that integer levers
/// accept them.
pub fn number(x: f64, integer: bool) -> Value {
    if integer {
        Value::from(x.round() as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// The base scenario with some keys set, checked.
pub fn apply(tree: &Value, set: &[(&Vec<Segment>, Value)]) -> Result<Scenario, String> {
    let mut tree = tree.clone();
    for (path, value) in set {
        let slot = keypath::slot(&mut tree, path).ok_or("no such key")?;
        *slot = value.clone();
    }
    let s: Scenario = serde_json::from_value(tree)
        .map_err(|e| format!("gives a value of the wrong type: {e}"))?;
    let problems = crate::scenario::validate(&s);
    if let Some(p) = problems.first() {
        return Err(format!(
            "makes the scenario invalid: `{}` {}",
            p.key, p.message
        ));
    }
    Ok(s)
}

impl Sweep {
    /// Number of design points.
    pub fn points(&self) -> u64 {
        match self.header.design {
            Design::Grid => self
                .parameters
                .iter()
                .map(|p| p.values.as_ref().map_or(0, |v| v.len() as u64))
                .try_fold(1u64, |a, n| a.checked_mul(n))
                .unwrap_or(u64::MAX),
            Design::Saltelli => self
                .header
                .samples
                .unwrap_or(0)
                .saturating_mul(self.parameters.len() as u64 + 2),
            Design::Morris => self
                .header
                .samples
                .unwrap_or(0)
                .saturating_mul(self.parameters.len() as u64 + 1),
            _ => self.header.samples.unwrap_or(0),
        }
    }

    pub fn runs(&self) -> u64 {
        self.points() * u64::from(self.header.replicates)
    }
}
