//! Nelder–Mead (argmin) in the unit cube of the fitted parameters' ranges. Every parameter
//! is searched on [0, 1] (its range mapped linearly), so one initial step and one tolerance
//! suit parameters of any unit. Points outside the cube are clamped into it before the
//! objective is evaluated, plus a penalty that grows with the distance outside, so the
//! simplex is pulled back instead of wandering on a flat plateau; the reported optimum is
//! always inside the bounds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{CostFunction, Executor, IterState, KV, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;
use argmin_math::{ArgminAdd, ArgminMul, ArgminSub};

/// A point of the search, in unit-cube coordinates.
#[derive(Clone, Debug, PartialEq)]
struct Point(Vec<f64>);

impl ArgminAdd<Point, Point> for Point {
    fn add(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }
}

impl ArgminSub<Point, Point> for Point {
    fn sub(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a - b).collect())
    }
}

impl ArgminMul<f64, Point> for Point {
    fn mul(&self, k: &f64) -> Point {
        Point(self.0.iter().map(|a| a * k).collect())
    }
}

/// How long and how finely to search.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub max_iterations: u64,
    /// Stop when the standard deviation of the objective over the simplex falls below this.
    pub tolerance: f64,
    /// Edge of the initial simplex, in unit-cube units.
    pub initial_step: f64,
}

/// The best point after an iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub iteration: u64,
    /// Distinct points evaluated so far (repeats are answered from a cache).
    pub evaluations: u64,
    pub best_objective: f64,
    /// The best point, in the unit cube.
    pub best: Vec<f64>,
}

/// What the search found.
#[derive(Clone, Debug)]
pub struct Optimum {
    /// The best point, in the unit cube.
    pub best: Vec<f64>,
    pub objective: f64,
    pub iterations: u64,
    /// Distinct points evaluated.
    pub evaluations: u64,
    /// Why it stopped: "converged" (tolerance reached) or "max iterations".
    pub stopped: String,
    pub trace: Vec<TraceRow>,
}

/// Objective values of points outside the cube: the clamped point's value plus this times
/// the squared distance outside. Any positive factor makes an outside point worse than its
/// clamped image; 1 is large next to the distances a simplex overshoots by.
const OUTSIDE_PENALTY: f64 = 1.0;

/// Stands in for an objective that is not a finite number (e.g. a KPI undefined at a
/// point), so that the simplex moves away from it instead of sorting NaNs.
const NOT_FINITE: f64 = 1e9;

/// The cost function argmin sees: clamping, the penalty, and a cache of evaluated points.
struct Cube<'a> {
    f: &'a (dyn Fn(&[f64]) -> f64 + Sync),
    cache: Mutex<BTreeMap<Vec<u64>, f64>>,
    evaluations: Arc<Mutex<u64>>,
}

impl Cube<'_> {
    fn value(&self, x: &[f64]) -> f64 {
        let inside: Vec<f64> = x.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        let outside: f64 = x.iter().zip(&inside).map(|(a, b)| (a - b) * (a - b)).sum();
        let key: Vec<u64> = inside.iter().map(|v| v.to_bits()).collect();
        let cached = self
            .cache
            .lock()
            .map(|c| c.get(&key).copied())
            .ok()
            .flatten();
        let y = match cached {
            Some(y) => y,
            None => {
                let y = (self.f)(&inside);
                let y = if y.is_finite() { y } else { NOT_FINITE };
                if let Ok(mut c) = self.cache.lock() {
                    c.insert(key, y);
                }
                if let Ok(mut n) = self.evaluations.lock() {
                    *n += 1;
                }
                y
            }
        };
        y + OUTSIDE_PENALTY * outside
    }
}

impl CostFunction for Cube<'_> {
    type Param = Point;
    type Output = f64;

    fn cost(&self, p: &Point) -> Result<f64, argmin::core::Error> {
        Ok(self.value(&p.0))
    }
}

/// Records the best point after initialisation and after every iteration.
struct Tracer {
    rows: Arc<Mutex<Vec<TraceRow>>>,
    evaluations: Arc<Mutex<u64>>,
}

type NmState = IterState<Point, (), (), (), (), f64>;

impl Tracer {
    fn record(&self, state: &NmState) {
        let best = state
            .get_best_param()
            .map(|p| p.0.iter().map(|v| v.clamp(0.0, 1.0)).collect())
            .unwrap_or_default();
        let evaluations = self.evaluations.lock().map(|n| *n).unwrap_or(0);
        if let Ok(mut rows) = self.rows.lock() {
            // Numbered by position: the row after initialisation is iteration 0 (argmin
            // reports its iteration counter before incrementing it).
            let iteration = rows.len() as u64;
            rows.push(TraceRow {
                iteration,
                evaluations,
                best_objective: state.get_best_cost(),
                best,
            });
        }
    }
}

impl Observe<NmState> for Tracer {
    fn observe_init(
        &mut self,
        _: &str,
        state: &NmState,
        _: &KV,
    ) -> Result<(), argmin::core::Error> {
        self.record(state);
        Ok(())
    }

    fn observe_iter(&mut self, state: &NmState, _: &KV) -> Result<(), argmin::core::Error> {
        self.record(state);
        Ok(())
    }
}

/// The initial simplex: the start and one vertex a step away along each axis (towards the
/// cube's inside when the start is near an upper bound).
fn simplex(start: &[f64], step: f64) -> Vec<Point> {
    let mut vertices = vec![Point(start.to_vec())];
    for i in 0..start.len() {
        let mut v = start.to_vec();
        v[i] = if v[i] + step <= 1.0 {
            v[i] + step
        } else {
            v[i] - step
        };
        vertices.push(Point(v));
    }
    vertices
}

/// Minimises `f` over the unit cube from `start` (a point in it). `f` is called only with
/// points inside the cube; the search is deterministic (no random draws).
pub fn minimise(
    f: &(dyn Fn(&[f64]) -> f64 + Sync),
    start: &[f64],
    settings: Settings,
) -> Result<Optimum> {
    if start.is_empty() {
        return Err(anyhow!("nothing to optimise: no parameters"));
    }
    let start: Vec<f64> = start.iter().map(|v| v.clamp(0.0, 1.0)).collect();
    let evaluations = Arc::new(Mutex::new(0u64));
    let rows = Arc::new(Mutex::new(Vec::new()));
    let cube = Cube {
        f,
        cache: Mutex::new(BTreeMap::new()),
        evaluations: evaluations.clone(),
    };
    let solver = NelderMead::new(simplex(&start, settings.initial_step))
        .with_sd_tolerance(settings.tolerance)
        .map_err(|e| anyhow!("Nelder–Mead settings: {e}"))?;
    let tracer = Tracer {
        rows: rows.clone(),
        evaluations: evaluations.clone(),
    };
    let result = Executor::new(cube, solver)
        .configure(|state| state.max_iters(settings.max_iterations))
        .add_observer(tracer, ObserverMode::Always)
        .run()
        .map_err(|e| anyhow!("Nelder–Mead failed: {e}"))?;
    let state = &result.state;
    let best: Vec<f64> = state
        .get_best_param()
        .map(|p| p.0.iter().map(|v| v.clamp(0.0, 1.0)).collect())
        .ok_or_else(|| anyhow!("Nelder–Mead found no point"))?;
    let stopped = match state.get_termination_reason() {
        Some(TerminationReason::SolverConverged) => "converged",
        Some(TerminationReason::MaxItersReached) => "max iterations",
        _ => "stopped",
    }
    .to_owned();
    // The best cost may carry an outside penalty; the clamped point's own value is what
    // is reported (it is cached, so this costs no evaluation).
    let cube = result.problem.problem.as_ref();
    let objective = cube.map_or(state.get_best_cost(), |c| c.value(&best));
    let trace = rows.lock().map(|r| r.clone()).unwrap_or_default();
    let evaluations = *evaluations
        .lock()
        .map_err(|_| anyhow!("poisoned counter"))?;
    Ok(Optimum {
        best,
        objective,
        iterations: state.get_iter(),
        evaluations,
        stopped,
        trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            max_iterations: 500,
            tolerance: 1e-12,
            initial_step: 0.1,
        }
    }

    #[test]
    fn finds_the_minimum_of_a_shifted_quadratic_inside_the_cube() {
        let centre = [0.3, 0.72, 0.55];
        let f = |x: &[f64]| -> f64 {
            x.iter()
                .zip(&centre)
                .enumerate()
                .map(|(i, (a, c))| (i + 1) as f64 * (a - c) * (a - c))
                .sum()
        };
        let got = minimise(&f, &[0.9, 0.1, 0.5], settings()).unwrap();
        for (a, c) in got.best.iter().zip(&centre) {
            assert!((a - c).abs() < 1e-3, "{:?}", got.best);
        }
        assert!(got.objective < 1e-6);
        assert_eq!(got.stopped, "converged");
        // The trace's best objective never rises.
        assert!(
            got.trace
                .windows(2)
                .all(|w| w[1].best_objective <= w[0].best_objective)
        );
    }

    #[test]
    fn a_minimum_outside_the_cube_is_found_on_its_boundary() {
        // Unconstrained minimum at (1.4, -0.2): the constrained one is (1, 0).
        let f = |x: &[f64]| (x[0] - 1.4).powi(2) + (x[1] + 0.2).powi(2);
        let got = minimise(&f, &[0.5, 0.5], settings()).unwrap();
        assert!(got.best.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(
            (got.best[0] - 1.0).abs() < 1e-3 && got.best[1].abs() < 1e-3,
            "{:?}",
            got.best
        );
    }

    #[test]
    fn the_objective_is_only_ever_called_inside_the_cube() {
        let f = |x: &[f64]| {
            assert!(x.iter().all(|v| (0.0..=1.0).contains(v)), "{x:?}");
            -x[0] - x[1]
        };
        let got = minimise(&f, &[0.95, 0.95], settings()).unwrap();
        assert!(got.objective <= -1.99);
    }
}
