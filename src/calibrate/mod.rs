//! Calibration: choose scenario parameters (key paths with bounds) so that the replicate
//! means of the model's KPIs come close to the briefing's observed figures. The objective is
//! in `objective`, the search (argmin's Nelder–Mead in the unit cube) in `optimise`, the
//! files written in `files`.

pub mod abc;
mod abc_files;
mod files;
mod objective;
pub mod optimise;
mod scenario_file;
pub mod spec;
mod sweep_draws;

use std::sync::Mutex;

use anyhow::{Result, bail};

pub use abc_files::{
    IdentificationRow, PredictiveRow, abc_json, draws_csv, identification_csv, identification_rows,
    posterior_csv, predictive_csv, predictive_rows,
};
pub use files::{FitRow, calibration_json, fit_csv, fit_rows, trace_csv};
pub use objective::{Evaluation, FigureFit, UNDEFINED_ERROR};
pub use optimise::{Optimum, Settings, TraceRow, minimise};
pub use scenario_file::calibrated_toml;
pub use spec::{
    Calibration, FigureWeight, Header, MAX_PARAMETERS, Optimiser, Parameter, Target, load,
};

/// What a calibration found.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub start_values: Vec<f64>,
    pub start: Evaluation,
    pub fitted_values: Vec<f64>,
    pub fitted: Evaluation,
    pub optimum: Optimum,
}

/// Runs the search. Replicates of each evaluation run on the current rayon pool.
pub fn calibrate(c: &Calibration) -> Result<Outcome> {
    if c.parameters.len() > spec::MAX_NELDER_MEAD_PARAMETERS {
        bail!(
            "{}: Nelder–Mead fits at most {} parameters, and this file has {}; use --method abc",
            c.path.display(),
            spec::MAX_NELDER_MEAD_PARAMETERS,
            c.parameters.len()
        );
    }
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    let f = |u: &[f64]| -> f64 {
        match c.evaluate(&c.values(u)) {
            Ok(e) => e.objective,
            Err(m) => {
                if let Ok(mut slot) = first_error.lock()
                    && slot.is_none()
                {
                    *slot = Some(m);
                }
                f64::NAN
            }
        }
    };
    let o = &c.optimiser;
    let optimum = minimise(
        &f,
        &c.unit(&c.start),
        Settings {
            max_iterations: o.max_iterations,
            tolerance: o.tolerance,
            initial_step: o.initial_step,
        },
    )?;
    let fitted_values = c.values(&optimum.best);
    let fitted = c.evaluate(&fitted_values);
    let start_values = c.values(&c.unit(&c.start));
    let start = c.evaluate(&start_values);
    match (start, fitted) {
        (Ok(start), Ok(fitted)) => Ok(Outcome {
            start_values,
            start,
            fitted_values,
            fitted,
            optimum,
        }),
        (Err(m), _) | (_, Err(m)) => {
            let earlier = first_error.lock().ok().and_then(|e| e.clone());
            bail!("{}", earlier.unwrap_or(m))
        }
    }
}

/// What `--method abc` found: every prior draw and the kept ones.
#[derive(Clone, Debug)]
pub struct AbcOutcome {
    pub priors: Vec<abc::PriorRange>,
    pub draws: Vec<abc::Draw>,
    pub posterior: abc::Posterior,
    /// The kept draws' values after the regression adjustment, in the order of
    /// `posterior.kept`: the posterior sample.
    pub adjusted: Vec<Vec<f64>>,
}

impl Calibration {
    /// The date every evaluation's run ends: the last fitted figure's (a run is causal, so
    /// later days cannot change a figure), or the base scenario's end.
    pub fn runs_end(&self) -> crate::date::Date {
        self.targets
            .iter()
            .map(|t| t.date)
            .max()
            .unwrap_or(self.base.scenario.scenario.end)
    }

    /// Each parameter's prior: its `[[parameters]]` range and distribution.
    pub fn prior_ranges(&self) -> Vec<abc::PriorRange> {
        self.parameters
            .iter()
            .map(|p| abc::PriorRange {
                distribution: p
                    .distribution
                    .unwrap_or(crate::priors::Distribution::Uniform),
                low: p.min,
                high: p.max,
                integer: p.integer,
            })
            .collect()
    }

    /// The seed of ABC draw `k`: the replicate seeds of the calibration's master seed, so
    /// draw 0 runs the base scenario's own seed.
    pub fn draw_seed(&self, k: u64) -> u64 {
        crate::rng::replicate_seed(self.master_seed, k as u32)
    }
}

/// Approximate Bayesian computation by rejection (`calibrate --method abc`, `abc` module):
/// `c.abc.draws` prior draws, each run once to the last figure's date, the nearest
/// `c.abc.accept` share kept. Draws run in parallel on the current rayon pool; the result
/// does not depend on the number of threads.
pub fn calibrate_abc(c: &Calibration, progress: &(dyn Fn(u64) + Sync)) -> Result<AbcOutcome> {
    let priors = c.prior_ranges();
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    let draws = abc::run_draws(
        c.master_seed,
        c.abc.draws,
        &priors,
        &c.targets,
        |values, k| match c.scenario_at(values) {
            Ok(s) => c.simulate(&s, c.draw_seed(k)),
            Err(m) => {
                if let Ok(mut slot) = first_error.lock()
                    && slot.is_none()
                {
                    *slot = Some(m);
                }
                vec![None; c.targets.len()]
            }
        },
        progress,
    );
    if let Some(m) = first_error.lock().ok().and_then(|e| e.clone()) {
        bail!("{m}");
    }
    abc_outcome(c, draws)
}

/// `calibrate --method abc --from-sweep DIR`: the same posterior from the draws a sweep of
/// the calibration file ran (`sweep::from_calibration`), read from its runs table.
pub fn calibrate_abc_from_sweep(c: &Calibration, dir: &std::path::Path) -> Result<AbcOutcome> {
    let draws = sweep_draws::read(c, dir)?;
    abc_outcome(c, draws)
}

/// Keeps the nearest draws and adjusts them.
fn abc_outcome(c: &Calibration, draws: Vec<abc::Draw>) -> Result<AbcOutcome> {
    let priors = c.prior_ranges();
    let distances: Vec<f64> = draws.iter().map(|d| d.distance).collect();
    let posterior = abc::accept(&distances, c.abc.keep());
    if posterior.kept.len() < 2 {
        bail!(
            "fewer than 2 of the {} draws gave every figure a value on its date; nothing to keep",
            draws.len()
        );
    }
    let adjusted = abc::regression_adjust(&draws, &posterior, &priors);
    Ok(AbcOutcome {
        priors,
        draws,
        posterior,
        adjusted,
    })
}
