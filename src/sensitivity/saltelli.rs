//! Sobol indices by Saltelli's scheme (Saltelli et al. 2010, "Variance based sensitivity
//! analysis of model output", Table 2): two independent base matrices A and B of N rows, and
//! for each input i the matrix A_B^(i) — A with column i taken from B. The model runs
//! N (k + 2) times. Jansen's estimators:
//!
//!   V   = variance of f over the rows of A and B together
//!   S_i = (V − ½ mean (f(B) − f(A_B^(i)))²) / V          first order
//!   ST_i = ½ mean (f(A) − f(A_B^(i)))² / V               total
//!
//! A and B are the first and last k coordinates of a 2k-dimensional Sobol sequence (points
//! 1 … N; the origin is skipped), as SALib does. Confidence intervals come from a bootstrap
//! over the N rows (the same resampled rows for every index), seeded by the caller.

use super::{Interval, quantile};
use crate::rng::{Purpose, StreamRng};
use crate::sweep::Sobol;

/// The design: rows of A, then B, then A_B^(1) … A_B^(k), each row k inputs in [0, 1).
#[derive(Clone, Debug)]
pub struct Design {
    pub k: usize,
    pub n: usize,
    pub rows: Vec<Vec<f64>>,
}

/// The most inputs: the Sobol sequence has 32 dimensions and A and B need 2k.
pub const MAX_INPUTS: usize = crate::sweep::sobol::MAX_DIMENSIONS / 2;

/// Input `j` of design row `i` (rows in the order A, B, A_B^(1) … A_B^(k), N each), from a
/// `Sobol` of 2k dimensions: computed from `i` alone, so a sweep or any shard of it needs no
/// list of rows.
pub fn coordinate(sobol: &Sobol, k: usize, n: u64, i: u64, j: usize) -> f64 {
    let (block, row) = (i / n, i % n);
    let from_b = block == 1 || (block >= 2 && (block - 2) as usize == j);
    sobol.coordinate(row + 1, if from_b { k + j } else { j })
}

impl Design {
    /// N base rows for k inputs: N (k + 2) model runs.
    pub fn new(k: usize, n: usize) -> Design {
        assert!((1..=MAX_INPUTS).contains(&k), "1 to {MAX_INPUTS} inputs");
        let sobol = Sobol::new(2 * k);
        let rows = (0..(n * (k + 2)) as u64)
            .map(|i| {
                (0..k)
                    .map(|j| coordinate(&sobol, k, n as u64, i, j))
                    .collect()
            })
            .collect();
        Design { k, n, rows }
    }

    pub fn runs(&self) -> usize {
        self.rows.len()
    }
}

/// First-order and total indices per input, with their intervals.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Indices {
    pub first: Vec<Interval>,
    pub total: Vec<Interval>,
}

/// Point estimates from the outputs `y` (in design order) over the rows `sample` of the N
/// base rows.
fn estimate(y: &[f64], k: usize, n: usize, sample: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let fa = |j: usize| y[j];
    let fb = |j: usize| y[n + j];
    let fab = |i: usize, j: usize| y[(2 + i) * n + j];
    let m = sample.len() as f64;
    let mean = sample.iter().map(|&j| fa(j) + fb(j)).sum::<f64>() / (2.0 * m);
    let var = sample
        .iter()
        .map(|&j| (fa(j) - mean).powi(2) + (fb(j) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m - 1.0);
    let mut first = Vec::with_capacity(k);
    let mut total = Vec::with_capacity(k);
    for i in 0..k {
        let s = sample
            .iter()
            .map(|&j| (fb(j) - fab(i, j)).powi(2))
            .sum::<f64>()
            / (2.0 * m);
        let t = sample
            .iter()
            .map(|&j| (fa(j) - fab(i, j)).powi(2))
            .sum::<f64>()
            / (2.0 * m);
        first.push(if var > 0.0 { (var - s) / var } else { 0.0 });
        total.push(if var > 0.0 { t / var } else { 0.0 });
    }
    (first, total)
}

/// Sobol indices from the outputs `y` of `design` (same order), with `level` (e.g. 0.9)
/// bootstrap intervals from `resamples` resamples drawn from `seed`.
pub fn analyse(design: &Design, y: &[f64], resamples: usize, level: f64, seed: u64) -> Indices {
    assert_eq!(y.len(), design.runs(), "one output per design row");
    let (k, n) = (design.k, design.n);
    let all: Vec<usize> = (0..n).collect();
    let (first, total) = estimate(y, k, n, &all);
    let mut boot_first = vec![Vec::with_capacity(resamples); k];
    let mut boot_total = vec![Vec::with_capacity(resamples); k];
    let mut sample = vec![0usize; n];
    for r in 0..resamples {
        let mut rng = StreamRng::new(seed, Purpose::Sensitivity, r as u64, 0);
        for s in sample.iter_mut() {
            *s = ((rng.uniform() * n as f64) as usize).min(n - 1);
        }
        let (f, t) = estimate(y, k, n, &sample);
        for i in 0..k {
            boot_first[i].push(f[i]);
            boot_total[i].push(t[i]);
        }
    }
    let tail = (1.0 - level) / 2.0;
    let interval = |estimate: f64, boot: &mut Vec<f64>| {
        boot.sort_by(f64::total_cmp);
        Interval {
            estimate,
            low: quantile(boot, tail),
            high: quantile(boot, 1.0 - tail),
        }
    };
    Indices {
        first: (0..k)
            .map(|i| interval(first[i], &mut boot_first[i]))
            .collect(),
        total: (0..k)
            .map(|i| interval(total[i], &mut boot_total[i]))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::{ishigami, ishigami_indices};

    #[test]
    fn recovers_the_ishigami_indices_within_the_bootstrap_interval() {
        let design = Design::new(3, 8192);
        assert_eq!(design.runs(), 8192 * 5);
        let y: Vec<f64> = design.rows.iter().map(|x| ishigami(x, 7.0, 0.1)).collect();
        let got = analyse(&design, &y, 500, 0.95, 11);
        let (s1, st) = ishigami_indices(7.0, 0.1);
        for i in 0..3 {
            let (f, t) = (got.first[i], got.total[i]);
            assert!(f.contains(s1[i]), "S1[{i}] = {:.3} not in {f:?}", s1[i]);
            assert!(t.contains(st[i]), "ST[{i}] = {:.3} not in {t:?}", st[i]);
            // And the intervals are informative, not wide enough to contain anything.
            assert!(f.high - f.low < 0.1 && t.high - t.low < 0.1, "{f:?} {t:?}");
        }
    }

    #[test]
    fn an_input_the_output_ignores_has_zero_indices() {
        let design = Design::new(2, 1024);
        let y: Vec<f64> = design.rows.iter().map(|x| (6.0 * x[0]).sin()).collect();
        let got = analyse(&design, &y, 200, 0.9, 3);
        // ST is exactly 0 (f(A_B^(2)) = f(A)); Jansen's S1 is 0 up to sampling error.
        assert_eq!(got.total[1].estimate, 0.0);
        assert!(got.first[1].estimate.abs() < 0.05, "{:?}", got.first[1]);
        assert!(got.first[1].contains(0.0), "{:?}", got.first[1]);
        assert!(got.first[0].estimate > 0.95 && got.total[0].estimate > 0.95);
    }

    #[test]
    fn the_same_seed_gives_the_same_intervals() {
        let design = Design::new(3, 256);
        let y: Vec<f64> = design.rows.iter().map(|x| ishigami(x, 7.0, 0.1)).collect();
        let a = analyse(&design, &y, 100, 0.9, 5);
        let b = analyse(&design, &y, 100, 0.9, 5);
        assert_eq!(a.first, b.first);
        assert_eq!(a.total, b.total);
    }
}
