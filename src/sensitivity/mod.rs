//! Global sensitivity analysis: which levers move a KPI, and by how much of its variance.
//!
//! - `saltelli`: Sobol first-order and total indices from Saltelli's sampling scheme with
//!   Jansen's estimators, and bootstrap confidence intervals.
//! - `morris`: Morris elementary-effects screening (μ*, σ) on trajectories in a p-level grid.
//!
//! Both work on the unit hypercube [0, 1)^k and take model outputs in the order of the
//! design they produced, so the same code serves the Ishigami test function and sweeps of
//! the model (where each design row becomes one scenario variant). Every random choice comes
//! from a stream of the caller's seed (`Purpose::Sensitivity`), never from thread or order.

pub mod feasibility;
pub mod morris;
pub mod saltelli;

/// An estimate with its bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The nearest-rank quantile `q` of sorted values.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The Ishigami function, a standard test of sensitivity estimators: inputs uniform on
/// [−π, π]³, given here on [0, 1)³. Known indices for a = 7, b = 0.1: S1 = (0.314, 0.442, 0),
/// ST = (0.558, 0.442, 0.244).
pub fn ishigami(u: &[f64], a: f64, b: f64) -> f64 {
    let x = |i: usize| std::f64::consts::PI * (2.0 * u[i] - 1.0);
    x(0).sin() + a * x(1).sin().powi(2) + b * x(2).powi(4) * x(0).sin()
}

/// The analytic Sobol indices of the Ishigami function: (S1, ST) per input.
pub fn ishigami_indices(a: f64, b: f64) -> ([f64; 3], [f64; 3]) {
    use std::f64::consts::PI;
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analytic_ishigami_indices_are_the_published_ones() {
        let (s1, st) = ishigami_indices(7.0, 0.1);
        for (got, want) in s1.iter().zip([0.3139, 0.4424, 0.0]) {
            assert!((got - want).abs() < 5e-4, "{got} vs {want}");
        }
        for (got, want) in st.iter().zip([0.5576, 0.4424, 0.2437]) {
            assert!((got - want).abs() < 5e-4, "{got} vs {want}");
        }
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(quantile(&v, 0.05), 1.0);
        assert_eq!(quantile(&v, 0.5), 5.0);
        assert_eq!(quantile(&v, 0.95), 10.0);
    }
}
