//! Morris screening (Morris 1991; μ* from Campolongo et al. 2007): r trajectories through a
//! p-level grid of [0, 1]^k, each starting at a random grid point and moving one input at a
//! time, in random order, by Δ = p / (2 (p − 1)) up or down. Each step gives an elementary
//! effect EE_i = (f(x + Δ e_i) − f(x)) / Δ (signed by the step's direction); per input,
//! μ* = mean |EE| ranks importance and σ = sd(EE) flags non-linearity or interactions.

use crate::rng::{Purpose, StreamRng};

/// The design: r trajectories of k + 1 points, and which input each step moved.
#[derive(Clone, Debug)]
pub struct Design {
    pub k: usize,
    pub trajectories: usize,
    pub levels: usize,
    pub rows: Vec<Vec<f64>>,
    /// For trajectory t, step s (0 … k−1): the input moved and the signed step.
    steps: Vec<(usize, f64)>,
}

impl Design {
    /// `trajectories` trajectories for `k` inputs on a grid of `levels` (even, ≥ 2) levels;
    /// every random choice from `seed`.
    pub fn new(k: usize, trajectories: usize, levels: usize, seed: u64) -> Design {
        assert!(k >= 1 && levels >= 2 && levels.is_multiple_of(2));
        let delta = levels as f64 / (2.0 * (levels as f64 - 1.0));
        let grid = |l: usize| l as f64 / (levels as f64 - 1.0);
        let mut rows = Vec::with_capacity(trajectories * (k + 1));
        let mut steps = Vec::with_capacity(trajectories * k);
        for t in 0..trajectories {
            let mut rng = StreamRng::new(seed, Purpose::Sensitivity, 1 << 40 | t as u64, 0);
            let mut x: Vec<f64> = (0..k)
                .map(|_| grid(((rng.uniform() * levels as f64) as usize).min(levels - 1)))
                .collect();
            // A random order of the inputs (Fisher–Yates).
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                let j = ((rng.uniform() * (i + 1) as f64) as usize).min(i);
                order.swap(i, j);
            }
            rows.push(x.clone());
            for &i in &order {
                // Step up where there is room, else down.
                let step = if x[i] + delta <= 1.0 + 1e-12 {
                    delta
                } else {
                    -delta
                };
                x[i] = (x[i] + step).clamp(0.0, 1.0);
                steps.push((i, step));
                rows.push(x.clone());
            }
        }
        Design {
            k,
            trajectories,
            levels,
            rows,
            steps,
        }
    }

    pub fn runs(&self) -> usize {
        self.rows.len()
    }
}

/// μ*, μ and σ of one input's elementary effects.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Effects {
    pub mu_star: f64,
    pub mu: f64,
    pub sigma: f64,
}

/// The elementary effects per input and trajectory, `[input][trajectory]`.
fn elementary_effects(design: &Design, y: &[f64]) -> Vec<Vec<f64>> {
    assert_eq!(y.len(), design.runs(), "one output per design row");
    let k = design.k;
    let mut effects = vec![vec![0.0; design.trajectories]; k];
    for t in 0..design.trajectories {
        for s in 0..k {
            let (i, step) = design.steps[t * k + s];
            let before = y[t * (k + 1) + s];
            let after = y[t * (k + 1) + s + 1];
            effects[i][t] = (after - before) / step;
        }
    }
    effects
}

/// μ* per input with a `level` bootstrap interval over the trajectories.
pub fn mu_star_intervals(
    design: &Design,
    y: &[f64],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Vec<super::Interval> {
    let effects = elementary_effects(design, y);
    let r = design.trajectories;
    let tail = (1.0 - level) / 2.0;
    effects
        .iter()
        .map(|ee| {
            let estimate = ee.iter().map(|e| e.abs()).sum::<f64>() / r as f64;
            let mut boot: Vec<f64> = (0..resamples)
                .map(|b| {
                    let mut rng = StreamRng::new(seed, Purpose::Sensitivity, 2 << 40 | b as u64, 0);
                    (0..r)
                        .map(|_| ee[((rng.uniform() * r as f64) as usize).min(r - 1)].abs())
                        .sum::<f64>()
                        / r as f64
                })
                .collect();
            boot.sort_by(f64::total_cmp);
            super::Interval {
                estimate,
                low: super::quantile(&boot, tail),
                high: super::quantile(&boot, 1.0 - tail),
            }
        })
        .collect()
}

/// The elementary-effect statistics per input from the outputs `y` of `design`.
pub fn analyse(design: &Design, y: &[f64]) -> Vec<Effects> {
    elementary_effects(design, y)
        .iter()
        .map(|ee| {
            let n = ee.len() as f64;
            let mu = ee.iter().sum::<f64>() / n;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / n;
            let sigma = if ee.len() > 1 {
                (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            Effects { mu_star, mu, sigma }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::ishigami;

    #[test]
    fn screens_the_ishigami_inputs_from_a_dummy_and_ranks_x1_first() {
        // Ishigami plus a fourth input it ignores. Total indices: x1 0.558, x2 0.442,
        // x3 0.244, dummy 0. Morris must put x1 first and the dummy last, at zero, with every
        // real input far above it. (On an 8-level grid μ* puts x3 above x2: a step of 0.57
        // of x2's range mostly cancels in its bounded sin² term, so μ* is a screening
        // measure, not a variance share; 4 levels even put x2 above x1, as SALib's example
        // shows.)
        let design = Design::new(4, 400, 8, 17);
        let y: Vec<f64> = design.rows.iter().map(|x| ishigami(x, 7.0, 0.1)).collect();
        let e = analyse(&design, &y);
        assert!(
            e[0].mu_star > e[1].mu_star && e[0].mu_star > e[2].mu_star,
            "{e:?}"
        );
        assert_eq!(e[3].mu_star, 0.0, "{:?}", e[3]);
        assert!(e[1].mu_star > 1.0 && e[2].mu_star > 1.0, "{e:?}");
        // x3 acts only through its interaction with x1: its effects change sign.
        assert!(e[2].sigma > e[2].mu.abs(), "{:?}", e[2]);
    }

    #[test]
    fn a_linear_model_has_exact_effects_and_no_spread() {
        let design = Design::new(3, 20, 4, 1);
        let y: Vec<f64> = design
            .rows
            .iter()
            .map(|x| 3.0 * x[0] - 2.0 * x[1])
            .collect();
        let e = analyse(&design, &y);
        assert!((e[0].mu - 3.0).abs() < 1e-9 && e[0].sigma < 1e-9);
        assert!((e[1].mu + 2.0).abs() < 1e-9 && (e[1].mu_star - 2.0).abs() < 1e-9);
        assert!(e[2].mu_star.abs() < 1e-12);
    }

    #[test]
    fn every_trajectory_moves_each_input_once_by_delta() {
        let design = Design::new(4, 10, 4, 9);
        let delta = 4.0 / 6.0;
        for t in 0..10 {
            let mut moved = [0; 4];
            for s in 0..4 {
                let (a, b) = (&design.rows[t * 5 + s], &design.rows[t * 5 + s + 1]);
                let diff: Vec<usize> = (0..4).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(diff.len(), 1);
                assert!(((b[diff[0]] - a[diff[0]]).abs() - delta).abs() < 1e-12);
                moved[diff[0]] += 1;
            }
            assert_eq!(moved, [1; 4]);
        }
    }
}
