//! Calibration files: a base scenario, the parameters to fit (key paths with bounds), the
//! observed figures to fit them to (by FACTS id, from the base scenario's seeds file), the
//! replicates and the optimiser's settings. Loading checks everything a calibration would
//! trip over, with the file, line and key of each problem, before anything runs.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::input::{InputErrors, Problem, Source};
use crate::scenario::LoadedScenario;
use crate::seeds::Tolerance;
use crate::sweep::keypath::{self, Segment};
use crate::sweep::{apply, number};

/// `[calibration]`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Names the output folder (`output/calibration/<name>`): letters, digits, `-` and `_`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,100}$"))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The base scenario, relative to the calibration file's folder. Its seeds file holds
    /// the observed figures.
    pub scenario: PathBuf,
    /// Replicates per evaluation. Replicate k has the same seed at every evaluation (common
    /// random numbers), so the objective is a deterministic function of the parameters.
    #[serde(default = "two")]
    #[schemars(range(min = 1, max = 1000))]
    pub replicates: u32,
    /// Master seed of the replicates; defaults to the base scenario's seed.
    #[serde(default)]
    pub seed: Option<u64>,
}

fn two() -> u32 {
    2
}

/// `[optimiser]`: Nelder–Mead in the unit cube of the parameters' ranges.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Optimiser {
    /// Most Nelder–Mead iterations (each costs 1, 2 or, when the simplex shrinks,
    /// parameters + 2 evaluations).
    #[serde(default = "default_iterations")]
    #[schemars(range(min = 1, max = 100_000))]
    pub max_iterations: u64,
    /// Stop when the standard deviation of the objective over the simplex's vertices falls
    /// below this.
    #[serde(default = "default_tolerance")]
    #[schemars(range(min = 0))]
    pub tolerance: f64,
    /// Edge of the initial simplex as a share of each parameter's range (0.1 = 10 %).
    #[serde(default = "default_step")]
    #[schemars(range(min = 0, max = 1))]
    pub initial_step: f64,
}

fn default_iterations() -> u64 {
    100
}
fn default_tolerance() -> f64 {
    1e-5
}
fn default_step() -> f64 {
    0.1
}

impl Default for Optimiser {
    fn default() -> Optimiser {
        Optimiser {
            max_iterations: default_iterations(),
            tolerance: default_tolerance(),
            initial_step: default_step(),
        }
    }
}

/// `[abc]`: approximate Bayesian computation by rejection (`calibrate --method abc`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbcSettings {
    /// Prior draws, each simulated once with its own seed.
    #[serde(default = "default_draws")]
    #[schemars(range(min = 2, max = 1_000_000))]
    pub draws: u64,
    /// Share of the draws kept, nearest first (0.05 keeps the nearest 5 %).
    #[serde(default = "default_accept")]
    #[schemars(range(min = 0, max = 1))]
    pub accept: f64,
}

fn default_draws() -> u64 {
    1000
}
fn default_accept() -> f64 {
    0.05
}

impl Default for AbcSettings {
    fn default() -> AbcSettings {
        AbcSettings {
            draws: default_draws(),
            accept: default_accept(),
        }
    }
}

impl AbcSettings {
    /// How many draws are kept (at least 2, so that a posterior has a spread).
    pub fn keep(&self) -> usize {
        ((self.draws as f64 * self.accept).round() as usize).max(2)
    }
}

/// `[[parameters]]`: one scenario key to fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Key path in the scenario, e.g. `problems.arrivals_per_firm_year`.
    pub key: String,
    pub min: f64,
    pub max: f64,
    /// Where the search starts; defaults to the base scenario's value.
    #[serde(default)]
    pub start: Option<f64>,
    /// Round to whole numbers (for integer keys such as capacities).
    #[serde(default)]
    pub integer: bool,
    /// The prior over [min, max] that `--method abc` draws from (Nelder–Mead ignores it):
    /// `uniform` (default) or `log_uniform`, as in seeds/priors.toml.
    #[serde(default)]
    pub distribution: Option<crate::priors::Distribution>,
}

/// `[[figures]]`: one observed figure of the seeds file to fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureWeight {
    /// FACTS id, e.g. `A1`.
    pub id: String,
    /// Weight in the objective (> 0); weights are normalised to sum to 1.
    #[serde(default = "unit")]
    #[schemars(range(min = 0))]
    pub weight: f64,
}

fn unit() -> f64 {
    1.0
}

/// A calibration file (`reformsim calibrate FILE`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CalibrationFile {
    calibration: Header,
    #[serde(default)]
    optimiser: Optimiser,
    #[serde(default)]
    abc: AbcSettings,
    #[serde(default)]
    parameters: Vec<Parameter>,
    #[serde(default)]
    figures: Vec<FigureWeight>,
}

/// The calibration file's JSON Schema (`reformsim schema --kind calibration`).
pub fn json_schema() -> String {
    let mut text = serde_json::to_string_pretty(&schemars::schema_for!(CalibrationFile))
        .expect("a schema always serialises");
    text.push('\n');
    text
}

/// An observed figure resolved from the seeds file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub id: String,
    pub kpi: String,
    pub date: Date,
    pub observed: f64,
    pub unit: String,
    pub tolerance: Tolerance,
    /// Normalised weight (the weights sum to 1).
    pub weight: f64,
}

/// A checked calibration, ready to run.
#[derive(Clone, Debug)]
pub struct Calibration {
    pub path: PathBuf,
    pub sha256: String,
    pub header: Header,
    pub optimiser: Optimiser,
    pub abc: AbcSettings,
    pub parameters: Vec<Parameter>,
    pub paths: Vec<Vec<Segment>>,
    /// Each parameter's start, in its own units.
    pub start: Vec<f64>,
    pub targets: Vec<Target>,
    pub base: LoadedScenario,
    /// The base scenario file's text, which `calibrated.toml` edits.
    pub base_text: String,
    /// The base scenario as a JSON tree, where parameters are set; its end is moved to the
    /// last figure's date (a run is causal, so later days cannot change a figure).
    pub tree: Value,
    pub master_seed: u64,
}

/// Most parameters one calibration may fit: ABC draws all of them at once (a parameter the
/// figures do not pin down only keeps its prior); Nelder–Mead stops at
/// `MAX_NELDER_MEAD_PARAMETERS`.
pub const MAX_PARAMETERS: usize = 32;
/// Most parameters Nelder–Mead fits: it needs far more evaluations beyond.
pub const MAX_NELDER_MEAD_PARAMETERS: usize = 12;

/// Reads and checks a calibration file, its base scenario and the figures it names.
pub fn load(path: &Path) -> Result<Calibration, InputErrors> {
    let source = Source::read(path)?;
    let file: CalibrationFile = source.parse()?;
    let mut problems = Vec::new();
    let h = &file.calibration;
    if let Some(m) = crate::scenario::name_problem(&h.name) {
        problems.push(Problem::new("calibration.name", m));
    }
    if h.replicates == 0 || h.replicates > 1000 {
        problems.push(Problem::new(
            "calibration.replicates",
            "must be between 1 and 1000",
        ));
    }
    let o = &file.optimiser;
    if o.max_iterations == 0 || o.max_iterations > 100_000 {
        problems.push(Problem::new(
            "optimiser.max_iterations",
            "must be between 1 and 100000",
        ));
    }
    if !(o.tolerance.is_finite() && o.tolerance >= 0.0) {
        problems.push(Problem::new(
            "optimiser.tolerance",
            format!("must be a finite number ≥ 0, got {}", o.tolerance),
        ));
    }
    if !(o.initial_step.is_finite() && o.initial_step > 0.0 && o.initial_step <= 1.0) {
        problems.push(Problem::new(
            "optimiser.initial_step",
            format!(
                "must be a share of each range in (0, 1], got {}",
                o.initial_step
            ),
        ));
    }
    let a = &file.abc;
    if a.draws < 2 || a.draws > 1_000_000 {
        problems.push(Problem::new(
            "abc.draws",
            format!("must be between 2 and 1000000, got {}", a.draws),
        ));
    }
    if !(a.accept.is_finite() && a.accept > 0.0 && a.accept < 1.0) {
        problems.push(Problem::new(
            "abc.accept",
            format!("must be a share of the draws in (0, 1), got {}", a.accept),
        ));
    }
    if file.parameters.is_empty() {
        problems.push(Problem::new(
            "parameters",
            "a calibration needs at least one `[[parameters]]`",
        ));
    }
    if file.parameters.len() > MAX_PARAMETERS {
        problems.push(Problem::new(
            "parameters",
            format!("a calibration fits at most {MAX_PARAMETERS} parameters"),
        ));
    }
    if file.figures.is_empty() {
        problems.push(Problem::new(
            "figures",
            "a calibration needs at least one `[[figures]]` to fit",
        ));
    }
    for (i, f) in file.figures.iter().enumerate() {
        if !(f.weight.is_finite() && f.weight > 0.0) {
            problems.push(Problem::new(
                format!("figures[{i}].weight"),
                format!(
                    "must be a finite number > 0 (leave the figure out to ignore it), got {}",
                    f.weight
                ),
            ));
        }
        if file.figures[..i].iter().any(|g| g.id == f.id) {
            problems.push(Problem::new(
                format!("figures[{i}].id"),
                format!("figure {} is listed twice", f.id),
            ));
        }
    }
    let scenario_path = crate::scenario::base_scenario_path(
        path,
        &h.scenario,
        "calibration.scenario",
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(source.place(problems));
    }
    let base = crate::scenario::load(&scenario_path).map_err(|inner| {
        crate::scenario::referenced(&source, "calibration.scenario", &scenario_path, inner)
    })?;
    let base_text = std::fs::read_to_string(&scenario_path).map_err(|e| {
        source.place(vec![Problem::new(
            "calibration.scenario",
            format!("cannot read {}: {e}", scenario_path.display()),
        )])
    })?;
    let targets = resolve_figures(&file.figures, &base, &mut problems);
    let mut tree = serde_json::to_value(&base.scenario).expect("a scenario always serialises");
    // The last figure's date ends every evaluation's run.
    if problems.is_empty()
        && let Some(last) = targets.iter().map(|t| t.date).max()
        && let Some(end) = keypath::slot(&mut tree, &keypath::parse("scenario.end").unwrap())
    {
        *end = serde_json::to_value(last).expect("a date serialises");
    }

    let mut paths = Vec::new();
    let mut start = Vec::new();
    for (i, p) in file.parameters.iter().enumerate() {
        let key = |field: &str| format!("parameters[{i}].{field}");
        if file.parameters[..i].iter().any(|q| q.key == p.key) {
            problems.push(Problem::new(
                key("key"),
                format!("`{}` is fitted twice", p.key),
            ));
        }
        match check_parameter(p, &tree) {
            Ok((segments, x0)) => {
                paths.push(segments);
                start.push(x0);
            }
            Err(messages) => {
                for (field, m) in messages {
                    problems.push(Problem::new(key(field), m));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(source.place(problems));
    }
    Ok(Calibration {
        path: path.to_owned(),
        sha256: crate::scenario::hex_sha256(source.text.as_bytes()),
        master_seed: h.seed.unwrap_or(base.scenario.scenario.seed),
        header: file.calibration,
        optimiser: file.optimiser,
        abc: file.abc,
        parameters: file.parameters,
        paths,
        start,
        targets,
        base,
        base_text,
        tree,
    })
}

/// The figures to fit, looked up in the base scenario's seeds file.
fn resolve_figures(
    figures: &[FigureWeight],
    base: &LoadedScenario,
    problems: &mut Vec<Problem>,
) -> Vec<Target> {
    let Some(seeds) = &base.seeds else {
        problems.push(Problem::new(
            "calibration.scenario",
            format!(
                "the scenario {} names no seeds file (`scenario.seeds`), so there are no observed figures to fit",
                base.path.display()
            ),
        ));
        return Vec::new();
    };
    let total: f64 = figures.iter().map(|f| f.weight).sum();
    let s = &base.scenario.scenario;
    let mut out = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let key = format!("figures[{i}].id");
        let Some(fig) = seeds.file.figures.iter().find(|g| g.id == f.id) else {
            let ids: Vec<&str> = seeds.observed().map(|g| g.id.as_str()).collect();
            problems.push(Problem::new(
                key,
                format!(
                    "no figure {} in {}; observed figures with a KPI: {}",
                    f.id,
                    seeds.path.display(),
                    ids.join(", ")
                ),
            ));
            continue;
        };
        let (Some(kpi), Some(date), Some(value), Some(tolerance)) =
            (&fig.kpi, fig.date, fig.value, fig.tolerance)
        else {
            problems.push(Problem::new(
                key,
                format!(
                    "figure {} has no KPI, date, value or tolerance in {}: the model cannot be fitted to it",
                    f.id,
                    seeds.path.display()
                ),
            ));
            continue;
        };
        if fig.kind != crate::seeds::FigureKind::Observed {
            problems.push(Problem::new(
                key,
                format!(
                    "figure {} is a {:?} figure, not an observed one; only what was reported as achieved can be fitted",
                    f.id, fig.kind
                ),
            ));
            continue;
        }
        match fig.role() {
            crate::seeds::Role::Fit => {}
            crate::seeds::Role::Holdout => {
                problems.push(Problem::new(
                    key,
                    format!(
                        "figure {} is a holdout in {} (`holdout = true`): it is kept out of \
                         every calibration so that it can test the model's predictions",
                        f.id,
                        seeds.path.display()
                    ),
                ));
                continue;
            }
            crate::seeds::Role::Construction => {
                problems.push(Problem::new(
                    key,
                    format!(
                        "figure {} is matched by construction ({}): fitting it would test \
                         nothing",
                        f.id,
                        fig.construction.as_deref().unwrap_or("")
                    ),
                ));
                continue;
            }
        }
        if value == 0.0 {
            problems.push(Problem::new(
                key,
                format!("figure {} is 0, so it has no relative error", f.id),
            ));
            continue;
        }
        if date < s.start || date > s.end {
            problems.push(Problem::new(
                key,
                format!(
                    "figure {} is dated {date}, outside the scenario's horizon {} – {}",
                    f.id, s.start, s.end
                ),
            ));
            continue;
        }
        if let Some(by) = crate::metrics::needs_start_by(kpi, date)
            && s.start > by
        {
            problems.push(Problem::new(
                key,
                format!(
                    "figure {} is `{kpi}` on {date}, which is undefined on this horizon: it \
                     compares with the same span a year earlier, so the run must start by {by}, \
                     and the scenario starts {}",
                    f.id, s.start
                ),
            ));
            continue;
        }
        out.push(Target {
            id: f.id.clone(),
            kpi: kpi.clone(),
            date,
            observed: value,
            unit: fig.unit.clone(),
            tolerance,
            weight: f.weight / total,
        });
    }
    out
}

/// Problems with fields of one parameter: (field, message).
type FieldErrors = Vec<(&'static str, String)>;

/// Checks one parameter: its key names a number of the base scenario, its bounds are a
/// finite range, both ends (and the start) give a valid scenario. Returns the key's segments
/// and the start value.
fn check_parameter(p: &Parameter, tree: &Value) -> Result<(Vec<Segment>, f64), FieldErrors> {
    let segments = keypath::parse(&p.key).map_err(|m| vec![("key", m)])?;
    if let Some(m) = keypath::fixed_key_problem(&p.key) {
        return Err(vec![("key", m)]);
    }
    let mut probe = tree.clone();
    let current = match keypath::slot(&mut probe, &segments) {
        None => {
            let near = crate::sweep::keypath::nearest_key(tree, &p.key)
                .map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
            return Err(vec![(
                "key",
                format!("`{}` names no key of the base scenario{near}", p.key),
            )]);
        }
        Some(v) => v.as_f64().ok_or_else(|| {
            vec![(
                "key",
                format!(
                    "`{}` is not a number in the scenario ({v}); only numbers can be fitted",
                    p.key
                ),
            )]
        })?,
    };
    if p.distribution == Some(crate::priors::Distribution::LogUniform) && p.min <= 0.0 {
        return Err(vec![(
            "min",
            format!("a log-uniform prior needs min > 0, got {}", p.min),
        )]);
    }
    if !(p.min.is_finite() && p.max.is_finite()) || p.min >= p.max {
        return Err(vec![(
            "min",
            format!(
                "needs finite bounds with min < max, got min = {} and max = {}",
                p.min, p.max
            ),
        )]);
    }
    let start = p.start.unwrap_or(current);
    if !(p.min..=p.max).contains(&start) {
        let field = if p.start.is_some() { "start" } else { "min" };
        return Err(vec![(
            field,
            format!(
                "the start {start} lies outside [{}, {}]{}",
                p.min,
                p.max,
                if p.start.is_some() {
                    ""
                } else {
                    " (it is the base scenario's value; give `start`)"
                }
            ),
        )]);
    }
    let mut errors = Vec::new();
    for x in [p.min, p.max, start] {
        let v = number(x, p.integer);
        if let Err(m) = apply(tree, &[(&segments, v.clone())]) {
            errors.push(("min", format!("{v}: {m}")));
        }
    }
    if errors.is_empty() {
        Ok((segments, start))
    } else {
        Err(errors)
    }
}
