//! The tables a calibration writes: `fit.csv` (each figure against the model at the fitted
//! point), `trace.csv` (the best point after each iteration) and `calibration.json`
//! (everything, for provenance). Nothing here depends on the clock or the machine, so the same
//! calibration file gives the same bytes.

use anyhow::{Context, Result};
use serde::Serialize;

use super::Outcome;
use super::objective::Evaluation;
use super::spec::Calibration;
use crate::date::Date;
use crate::rng::replicate_seed;

/// One row of `fit.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct FitRow {
    pub figure: String,
    pub kpi: String,
    pub date: Date,
    pub observed: f64,
    /// Replicate mean at the fitted point (empty when undefined).
    pub simulated_mean: Option<f64>,
    /// (simulated − observed) / |observed|.
    pub relative_error: f64,
    /// The tolerance as a number in `tolerance_unit` (`%` of the observed value, `pp`, or the
    /// KPI's unit), so that a spreadsheet can compare it with the error.
    pub tolerance: f64,
    pub tolerance_unit: String,
    /// true/false, as in `summary.json` (pandas reads both as booleans).
    pub within_tolerance: bool,
    /// Normalised weight in the objective.
    pub weight: f64,
}

/// The fit table of one evaluation.
pub fn fit_rows(c: &Calibration, e: &Evaluation) -> Vec<FitRow> {
    c.targets
        .iter()
        .zip(&e.figures)
        .map(|(t, f)| {
            let (tolerance, tolerance_unit) = t.tolerance.amount(&t.unit);
            FitRow {
                figure: t.id.clone(),
                kpi: t.kpi.clone(),
                date: t.date,
                observed: t.observed,
                simulated_mean: f.simulated,
                relative_error: f.relative_error,
                tolerance,
                tolerance_unit,
                within_tolerance: f.within_tolerance,
                weight: t.weight,
            }
        })
        .collect()
}

pub fn fit_csv(c: &Calibration, o: &Outcome) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in fit_rows(c, &o.fitted) {
        w.serialize(row).context("cannot write fit.csv")?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish fit.csv: {e}"))
}

/// `trace.csv`: iteration, evaluations so far, best objective, and the best point's values.
pub fn trace_csv(c: &Calibration, o: &Outcome) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "iteration".to_owned(),
        "evaluations".to_owned(),
        "best_objective".to_owned(),
    ];
    header.extend(c.parameters.iter().map(|p| p.key.clone()));
    w.write_record(&header).context("cannot write trace.csv")?;
    for row in &o.optimum.trace {
        let mut fields = vec![
            row.iteration.to_string(),
            row.evaluations.to_string(),
            row.best_objective.to_string(),
        ];
        fields.extend(c.values(&row.best).iter().map(f64::to_string));
        w.write_record(&fields).context("cannot write trace.csv")?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish trace.csv: {e}"))
}

#[derive(Serialize)]
struct ParameterJson<'a> {
    key: &'a str,
    min: f64,
    max: f64,
    integer: bool,
    start: f64,
    fitted: f64,
}

#[derive(Serialize)]
struct Json<'a> {
    name: &'a str,
    description: Option<&'a str>,
    calibration_file: String,
    calibration_sha256: &'a str,
    scenario_file: String,
    scenario_sha256: &'a str,
    seeds_file: Option<String>,
    version: &'static str,
    /// Every evaluation runs from the scenario's start to this date (the last figure's).
    runs_end: Date,
    replicates: u32,
    replicate_seeds: Vec<u64>,
    objective: &'static str,
    optimiser: &'a super::Optimiser,
    parameters: Vec<ParameterJson<'a>>,
    start_objective: f64,
    fitted_objective: f64,
    iterations: u64,
    evaluations: u64,
    stopped: &'a str,
    start_fit: Vec<FitRow>,
    fit: Vec<FitRow>,
}

pub fn calibration_json(c: &Calibration, o: &Outcome) -> Result<Vec<u8>> {
    let json = Json {
        name: &c.header.name,
        description: c.header.description.as_deref(),
        calibration_file: c.path.display().to_string(),
        calibration_sha256: &c.sha256,
        scenario_file: c.base.path.display().to_string(),
        scenario_sha256: &c.base.sha256,
        seeds_file: c.base.seeds.as_ref().map(|s| s.path.display().to_string()),
        version: env!("CARGO_PKG_VERSION"),
        runs_end: c.runs_end(),
        replicates: c.header.replicates,
        replicate_seeds: (0..c.header.replicates)
            .map(|k| replicate_seed(c.master_seed, k))
            .collect(),
        objective: "sum over figures of weight × ((replicate mean − observed) / |observed|)², weights summing to 1",
        optimiser: &c.optimiser,
        parameters: c
            .parameters
            .iter()
            .zip(&o.start_values)
            .zip(&o.fitted_values)
            .map(|((p, s), f)| ParameterJson {
                key: &p.key,
                min: p.min,
                max: p.max,
                integer: p.integer,
                start: *s,
                fitted: *f,
            })
            .collect(),
        start_objective: o.start.objective,
        fitted_objective: o.fitted.objective,
        iterations: o.optimum.iterations,
        evaluations: o.optimum.evaluations,
        stopped: &o.optimum.stopped,
        start_fit: fit_rows(c, &o.start),
        fit: fit_rows(c, &o.fitted),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&json).context("cannot serialise calibration.json")?;
    bytes.push(b'\n');
    Ok(bytes)
}
