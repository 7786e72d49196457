//! The calibration objective: the weighted mean, over the fitted figures, of the squared
//! relative error of the replicate-mean KPI against the observed figure.
//!
//! Squared rather than absolute: the squared error is smooth at the optimum, which is what
//! Nelder–Mead's reflections and contractions assume, and it punishes one figure far off more
//! than several slightly off, which is the way the calibration tolerances read (each figure
//! must be within its own band). Relative rather than absolute: the figures are in different
//! units (firms, tickets, %), and relative errors make them comparable without a scale per
//! figure; a figure whose relative error is naturally small (a 99.4 % rate) needs a larger
//! weight to count.

use rayon::prelude::*;
use serde::Serialize;

use super::spec::{Calibration, Target};
use crate::engine::Simulation;
use crate::rng::replicate_seed;
use crate::sweep::{apply, number};

/// Relative error charged for a figure whose KPI is undefined on its date in every replicate
/// (e.g. a resolution rate before any ticket): as if the simulated value were 0.
pub const UNDEFINED_ERROR: f64 = 1.0;

/// One figure at one evaluated point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureFit {
    pub id: String,
    pub kpi: String,
    /// Mean over the replicates in which the KPI is defined on the figure's date.
    pub simulated: Option<f64>,
    pub relative_error: f64,
    pub within_tolerance: bool,
}

/// The objective and its parts at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub objective: f64,
    pub figures: Vec<FigureFit>,
}

impl Calibration {
    /// The parameters' values (in their own units) at a unit-cube point; integer parameters
    /// rounded, as they are set in the scenario.
    pub fn values(&self, unit: &[f64]) -> Vec<f64> {
        self.parameters
            .iter()
            .zip(unit)
            .map(|(p, u)| {
                let x = p.min + u.clamp(0.0, 1.0) * (p.max - p.min);
                if p.integer { x.round() } else { x }
            })
            .collect()
    }

    /// The unit-cube point of some values.
    pub fn unit(&self, values: &[f64]) -> Vec<f64> {
        self.parameters
            .iter()
            .zip(values)
            .map(|(p, x)| ((x - p.min) / (p.max - p.min)).clamp(0.0, 1.0))
            .collect()
    }

    /// The base scenario with the parameters set to some values (in their own units).
    pub fn scenario_at(&self, values: &[f64]) -> Result<crate::scenario::Scenario, String> {
        let set: Vec<_> = self
            .paths
            .iter()
            .zip(&self.parameters)
            .zip(values)
            .map(|((path, p), x)| (path, number(*x, p.integer)))
            .collect();
        apply(&self.tree, &set).map_err(|m| {
            let at: Vec<String> = self
                .parameters
                .iter()
                .zip(values)
                .map(|(p, v)| format!("{} = {v}", p.key))
                .collect();
            format!("the point ({}) {m}", at.join(", "))
        })
    }

    /// Each figure's KPI on its date in one run of `scenario` with `seed`.
    pub fn simulate(&self, scenario: &crate::scenario::Scenario, seed: u64) -> Vec<Option<f64>> {
        let rows = Simulation::new(scenario, seed).run();
        self.targets.iter().map(|t| value_on(&rows, t)).collect()
    }

    /// Runs the replicates at some parameter values (in their own units) and scores them.
    /// Replicates run in parallel on the current rayon pool; the result does not depend on
    /// the number of threads (each replicate is its own world, summed in replicate order).
    pub fn evaluate(&self, values: &[f64]) -> Result<Evaluation, String> {
        let scenario = self.scenario_at(values)?;
        let n = self.header.replicates;
        let runs: Vec<Vec<Option<f64>>> = (0..n)
            .into_par_iter()
            .map(|k| self.simulate(&scenario, replicate_seed(self.master_seed, k)))
            .collect();
        let figures: Vec<FigureFit> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let defined: Vec<f64> = runs.iter().filter_map(|r| r[i]).collect();
                let simulated = (!defined.is_empty())
                    .then(|| defined.iter().sum::<f64>() / defined.len() as f64);
                FigureFit {
                    id: t.id.clone(),
                    kpi: t.kpi.clone(),
                    simulated,
                    relative_error: simulated
                        .map_or(UNDEFINED_ERROR, |v| (v - t.observed) / t.observed.abs()),
                    within_tolerance: simulated.is_some_and(|v| t.tolerance.within(v, t.observed)),
                }
            })
            .collect();
        let objective = self
            .targets
            .iter()
            .zip(&figures)
            .map(|(t, f)| t.weight * f.relative_error * f.relative_error)
            .sum();
        Ok(Evaluation { objective, figures })
    }
}

/// A target's KPI on its date in one run, if defined.
fn value_on(rows: &[crate::metrics::MetricsRow], t: &Target) -> Option<f64> {
    let first = rows.first()?;
    let day = usize::try_from(t.date.days_since(first.date)).ok()?;
    rows.get(day)?.get(&t.kpi)
}
