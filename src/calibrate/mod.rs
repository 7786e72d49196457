//! Calibration: choose scenario parameters (key paths with bounds) so that the replicate
//! means of the model's KPIs come close to the briefing's observed figures. The objective is
//! in `objective`, the search (argmin's Nelder–Mead in the unit cube) in `optimise`, the
//! files written in `files`.

mod files;
mod objective;
pub mod optimise;
mod scenario_file;
mod spec;

use std::sync::Mutex;

use anyhow::{Result, bail};

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
