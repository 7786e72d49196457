//! Approximate Bayesian computation by rejection (Pritchard et al., Mol. Biol. Evol. 1999),
//! with Epanechnikov kernel weights (Beaumont, Zhang and Balding, Genetics 2002): draw
//! parameter sets from their priors, simulate each once with its own seed, measure how far
//! the simulated figures fall from the observed ones, and keep the nearest share, weighted
//! by how near. The kept sets are a sample of the posterior: the parameter values that, with
//! the model's own randomness, could have produced what was observed.
//!
//! Why rejection and not sequential Monte Carlo: a baseline run to the last fitted figure
//! takes about a second, so a few thousand prior draws fit in the 30-minute budget on two
//! cores; rejection needs no tuning, its draws are independent (any number of threads gives
//! the same bytes) and its output is easy to audit: `draws.csv` holds every draw.
//!
//! The distance is in units of each figure's tolerance (docs/MODEL.md §16): a simulated
//! value one tolerance away from the observed one counts 1, whatever the figure's unit. The
//! tolerances were set as the error the city's rounding and our model's coarseness allow, so
//! they are the natural scale of a mismatch.

use rayon::prelude::*;

use super::spec::Target;
use crate::priors::Distribution;
use crate::rng::{Purpose, StreamRng};
use crate::seeds::Tolerance;

/// One parameter's prior over its range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorRange {
    pub distribution: Distribution,
    pub low: f64,
    pub high: f64,
    /// Whole numbers only (capacities): quantiles are rounded.
    pub integer: bool,
}

impl PriorRange {
    pub fn quantile(self, u: f64) -> f64 {
        let x = self.distribution.quantile(u, self.low, self.high);
        if self.integer { x.round() } else { x }
    }
}

/// One prior draw and what it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Draw {
    pub values: Vec<f64>,
    /// Each figure's simulated value on its date (None: undefined there).
    pub simulated: Vec<Option<f64>>,
    /// Each figure's (simulated − observed) / tolerance (NaN where undefined).
    pub errors: Vec<f64>,
    /// Distance to the observed figures in tolerance units (infinite if any is undefined).
    pub distance: f64,
}

/// The kept draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// (index into the draws, weight), nearest first; the weights sum to 1.
    pub kept: Vec<(usize, f64)>,
    /// The kernel's bandwidth: the distance of the nearest draw not kept.
    pub epsilon: f64,
}

/// The parameter values of prior draw `draw`: quantile `u` of each prior, `u` from the
/// draw's own stream, so a draw does not depend on how many others there are.
pub fn prior_draw(master_seed: u64, draw: u64, priors: &[PriorRange]) -> Vec<f64> {
    let rng = StreamRng::new(master_seed, Purpose::Abc, draw, 0);
    priors
        .iter()
        .enumerate()
        .map(|(j, p)| p.quantile(rng.uniform_nth(j as u64)))
        .collect()
}

/// How far a figure's simulated value is from the observed one, in tolerances.
pub fn scaled_error(t: &Target, simulated: f64) -> f64 {
    let scale = match t.tolerance {
        Tolerance::Relative(r) => r * t.observed.abs(),
        Tolerance::Absolute(a) => a,
    };
    (simulated - t.observed) / scale
}

/// The root mean square of the scaled errors; infinite when a figure is undefined.
pub fn distance(targets: &[Target], simulated: &[Option<f64>]) -> f64 {
    let mut sum = 0.0;
    for (t, s) in targets.iter().zip(simulated) {
        match s {
            Some(v) if v.is_finite() => sum += scaled_error(t, *v).powi(2),
            _ => return f64::INFINITY,
        }
    }
    (sum / targets.len().max(1) as f64).sqrt()
}

/// Runs `n` prior draws through `simulate` (parameter values and draw index → each figure's
/// value), in parallel on the current rayon pool; the draws come back in draw order.
/// `progress` is called with the number done after each.
pub fn run_draws<F>(
    master_seed: u64,
    n: u64,
    priors: &[PriorRange],
    targets: &[Target],
    simulate: F,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Draw>
where
    F: Fn(&[f64], u64) -> Vec<Option<f64>> + Sync,
{
    let done = std::sync::atomic::AtomicU64::new(0);
    (0..n)
        .into_par_iter()
        .map(|k| {
            let values = prior_draw(master_seed, k, priors);
            let simulated = simulate(&values, k);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            Draw::new(values, simulated, targets)
        })
        .collect()
}

impl Draw {
    /// A draw's parameter values and simulated figures, scored against the observed ones.
    pub fn new(values: Vec<f64>, simulated: Vec<Option<f64>>, targets: &[Target]) -> Draw {
        let distance = distance(targets, &simulated);
        let errors = targets
            .iter()
            .zip(&simulated)
            .map(|(t, s)| s.map_or(f64::NAN, |v| scaled_error(t, v)))
            .collect();
        Draw {
            values,
            simulated,
            errors,
            distance,
        }
    }
}

/// Keeps the `keep` nearest draws (ties broken by draw index), weighted by the Epanechnikov
/// kernel 1 − (d/ε)², where ε is the distance of the nearest draw left out (so every kept
/// draw has a weight > 0). Draws at an infinite distance are never kept.
pub fn accept(distances: &[f64], keep: usize) -> Posterior {
    let mut order: Vec<usize> = (0..distances.len())
        .filter(|&i| distances[i].is_finite())
        .collect();
    order.sort_by(|&a, &b| distances[a].total_cmp(&distances[b]).then(a.cmp(&b)));
    let keep = keep.min(order.len());
    let epsilon = match order.get(keep) {
        Some(&next) => distances[next],
        // Every finite draw kept: a bandwidth just past the farthest.
        None => order.last().map_or(0.0, |&i| distances[i]) * (1.0 + 1e-9),
    };
    let raw: Vec<(usize, f64)> = order[..keep]
        .iter()
        .map(|&i| {
            let w = if epsilon > 0.0 {
                1.0 - (distances[i] / epsilon).powi(2)
            } else {
                1.0
            };
            // A kept draw exactly at ε (a tie with the first left out) still counts a little.
            (i, w.max(1e-12))
        })
        .collect();
    let total: f64 = raw.iter().map(|(_, w)| w).sum();
    Posterior {
        kept: raw.into_iter().map(|(i, w)| (i, w / total)).collect(),
        epsilon,
    }
}

/// Beaumont, Zhang and Balding's (2002) local-linear regression adjustment: among the kept
/// draws, regress each parameter (its logarithm for a log-uniform prior) on the figures'
/// scaled errors by weighted least squares, and move each draw along the fitted slope to
/// where the errors would be 0: θᵢ* = θᵢ − β·eᵢ. This corrects for the draws being kept at a
/// distance ε > 0 instead of exactly at the observed figures, so a wider ε (more draws kept)
/// gives the same posterior. A parameter the figures do not move has β ≈ 0 and keeps its
/// draws. Adjusted values are clamped to the prior's range (and rounded for integers).
/// Returns the kept draws' adjusted values, in the order of `post.kept`.
pub fn regression_adjust(draws: &[Draw], post: &Posterior, priors: &[PriorRange]) -> Vec<Vec<f64>> {
    let kept: Vec<(&Draw, f64)> = post.kept.iter().map(|&(i, w)| (&draws[i], w)).collect();
    let figures = kept.first().map_or(0, |(d, _)| d.simulated.len());
    // Design rows: 1 and each figure's scaled error (the `errors` each draw carries).
    let x: Vec<Vec<f64>> = kept
        .iter()
        .map(|(d, _)| {
            let mut row = Vec::with_capacity(figures + 1);
            row.push(1.0);
            row.extend(d.errors.iter().copied());
            row
        })
        .collect();
    let w: Vec<f64> = kept.iter().map(|(_, w)| *w).collect();
    let to_scale = |p: &PriorRange, v: f64| match p.distribution {
        Distribution::LogUniform => v.ln(),
        Distribution::Uniform => v,
    };
    let from_scale = |p: &PriorRange, v: f64| match p.distribution {
        Distribution::LogUniform => v.exp(),
        Distribution::Uniform => v,
    };
    let mut adjusted: Vec<Vec<f64>> = kept.iter().map(|(d, _)| d.values.clone()).collect();
    // Too few kept draws for a regression: keep them as drawn.
    if kept.len() <= figures + 2 {
        return adjusted;
    }
    for (j, p) in priors.iter().enumerate() {
        let y: Vec<f64> = kept.iter().map(|(d, _)| to_scale(p, d.values[j])).collect();
        let Some(beta) = weighted_least_squares(&x, &y, &w) else {
            continue;
        };
        for (i, row) in x.iter().enumerate() {
            let shift: f64 = row[1..].iter().zip(&beta[1..]).map(|(e, b)| e * b).sum();
            let v = from_scale(p, y[i] - shift).clamp(p.low, p.high);
            adjusted[i][j] = if p.integer { v.round() } else { v };
        }
    }
    adjusted
}

/// Weighted least squares by the normal equations (XᵀWX)β = XᵀWy (`math::solve_augmented`),
/// with a tiny ridge on the slopes, so that a figure that
/// barely varies among the kept draws cannot make the system singular. None if it still is.
fn weighted_least_squares(x: &[Vec<f64>], y: &[f64], w: &[f64]) -> Option<Vec<f64>> {
    let k = x.first()?.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for ((row, yi), wi) in x.iter().zip(y).zip(w) {
        for r in 0..k {
            for c in 0..k {
                a[r][c] += wi * row[r] * row[c];
            }
            a[r][k] += wi * row[r] * yi;
        }
    }
    let trace: f64 = (1..k).map(|r| a[r][r]).sum::<f64>() / (k.max(2) - 1) as f64;
    for (r, row) in a.iter_mut().enumerate().skip(1) {
        row[r] += 1e-9 * trace.max(1e-300);
    }
    crate::math::solve_augmented(a, 1e-300)
}

/// The `q`-quantile of weighted values: the smallest value whose cumulative weight reaches
/// `q` of the total. None for no values.
pub fn weighted_quantile(values_weights: &[(f64, f64)], q: f64) -> Option<f64> {
    let mut v: Vec<(f64, f64)> = values_weights.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|(_, w)| w).sum();
    let mut cumulative = 0.0;
    for (x, w) in &v {
        cumulative += w;
        if cumulative >= q * total - 1e-12 {
            return Some(*x);
        }
    }
    v.last().map(|(x, _)| *x)
}

/// Weighted mean.
pub fn weighted_mean(values_weights: &[(f64, f64)]) -> f64 {
    let total: f64 = values_weights.iter().map(|(_, w)| w).sum();
    values_weights.iter().map(|(x, w)| x * w).sum::<f64>() / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn target(observed: f64, tolerance: f64) -> Target {
        Target {
            id: "X".into(),
            kpi: "x".into(),
            date: Date::from_ymd(2024, 1, 1).unwrap(),
            observed,
            unit: String::new(),
            tolerance: Tolerance::Absolute(tolerance),
            weight: 1.0,
        }
    }

    /// A known posterior: θ ~ U(−10, 10), x | θ ~ N(θ, 1), observed x = 2. The posterior is
    /// N(2, 1) (the prior is flat where the likelihood lives), so the kept draws must have a
    /// mean near 2, a standard deviation near 1 and a 90 % interval near 2 ± 1.645.
    #[test]
    fn rejection_recovers_a_normal_posterior() {
        let priors = [PriorRange {
            distribution: Distribution::Uniform,
            low: -10.0,
            high: 10.0,
            integer: false,
        }];
        let targets = [target(2.0, 1.0)];
        let draws = run_draws(
            7,
            200_000,
            &priors,
            &targets,
            |theta, k| {
                let mut rng = StreamRng::new(99, Purpose::Abc, k, 1);
                vec![Some(theta[0] + rng.normal())]
            },
            &|_| {},
        );
        let distances: Vec<f64> = draws.iter().map(|d| d.distance).collect();
        let post = accept(&distances, 2_000);
        assert_eq!(post.kept.len(), 2_000);
        let vw: Vec<(f64, f64)> = post
            .kept
            .iter()
            .map(|&(i, w)| (draws[i].values[0], w))
            .collect();
        let mean = weighted_mean(&vw);
        let var = vw.iter().map(|(x, w)| w * (x - mean).powi(2)).sum::<f64>();
        assert!((mean - 2.0).abs() < 0.1, "posterior mean {mean}");
        assert!(
            (var.sqrt() - 1.0).abs() < 0.1,
            "posterior sd {}",
            var.sqrt()
        );
        let lo = weighted_quantile(&vw, 0.05).unwrap();
        let hi = weighted_quantile(&vw, 0.95).unwrap();
        assert!((lo - (2.0 - 1.645)).abs() < 0.2, "5 % quantile {lo}");
        assert!((hi - (2.0 + 1.645)).abs() < 0.2, "95 % quantile {hi}");
    }

    /// A parameter the data say nothing about keeps its prior: θ₂ ~ U(0, 1) does not enter
    /// the simulated figure, so its kept draws spread over [0, 1] like the prior.
    #[test]
    fn an_unidentified_parameter_keeps_its_prior() {
        let priors = [
            PriorRange {
                distribution: Distribution::Uniform,
                low: -5.0,
                high: 5.0,
                integer: false,
            },
            PriorRange {
                distribution: Distribution::Uniform,
                low: 0.0,
                high: 1.0,
                integer: false,
            },
        ];
        let targets = [target(0.0, 0.5)];
        let draws = run_draws(
            3,
            40_000,
            &priors,
            &targets,
            |t, _| vec![Some(t[0])],
            &|_| {},
        );
        let distances: Vec<f64> = draws.iter().map(|d| d.distance).collect();
        let post = accept(&distances, 1_000);
        let second: Vec<(f64, f64)> = post
            .kept
            .iter()
            .map(|&(i, w)| (draws[i].values[1], w))
            .collect();
        let lo = weighted_quantile(&second, 0.05).unwrap();
        let hi = weighted_quantile(&second, 0.95).unwrap();
        assert!(lo < 0.1 && hi > 0.9, "θ₂ 90 % range {lo} – {hi}");
        let first: Vec<(f64, f64)> = post
            .kept
            .iter()
            .map(|&(i, w)| (draws[i].values[0], w))
            .collect();
        let width =
            weighted_quantile(&first, 0.95).unwrap() - weighted_quantile(&first, 0.05).unwrap();
        assert!(width < 0.5, "θ₁ is pinned down: 90 % width {width}");
    }

    /// With a wide acceptance (a fifth of the draws, ε ≈ 2 standard deviations), plain
    /// rejection inflates the posterior; the regression adjustment brings it back to N(2, 1).
    #[test]
    fn the_regression_adjustment_corrects_a_wide_acceptance() {
        let priors = [PriorRange {
            distribution: Distribution::Uniform,
            low: -10.0,
            high: 10.0,
            integer: false,
        }];
        let targets = [target(2.0, 1.0)];
        let draws = run_draws(
            11,
            20_000,
            &priors,
            &targets,
            |theta, k| {
                let mut rng = StreamRng::new(5, Purpose::Abc, k, 1);
                vec![Some(theta[0] + rng.normal())]
            },
            &|_| {},
        );
        let distances: Vec<f64> = draws.iter().map(|d| d.distance).collect();
        let post = accept(&distances, 5_000);
        let sd = |vw: &[(f64, f64)]| {
            let m = weighted_mean(vw);
            vw.iter()
                .map(|(x, w)| w * (x - m).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let raw: Vec<(f64, f64)> = post
            .kept
            .iter()
            .map(|&(i, w)| (draws[i].values[0], w))
            .collect();
        let adjusted = regression_adjust(&draws, &post, &priors);
        let adj: Vec<(f64, f64)> = post
            .kept
            .iter()
            .zip(&adjusted)
            .map(|(&(_, w), v)| (v[0], w))
            .collect();
        assert!(sd(&raw) > 1.3, "rejection alone is too wide: {}", sd(&raw));
        assert!((sd(&adj) - 1.0).abs() < 0.1, "adjusted sd {}", sd(&adj));
        assert!((weighted_mean(&adj) - 2.0).abs() < 0.1);
    }

    #[test]
    fn accepting_keeps_the_nearest_and_never_an_undefined_draw() {
        let d = [0.5, f64::INFINITY, 0.1, 0.3, 0.9];
        let post = accept(&d, 3);
        let kept: Vec<usize> = post.kept.iter().map(|(i, _)| *i).collect();
        assert_eq!(kept, [2, 3, 0]);
        assert_eq!(post.epsilon, 0.9);
        let total: f64 = post.kept.iter().map(|(_, w)| w).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(post.kept[0].1 > post.kept[2].1, "nearer draws weigh more");
        assert_eq!(accept(&d, 10).kept.len(), 4);
    }

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let vw = [(1.0, 0.1), (2.0, 0.1), (3.0, 0.8)];
        assert_eq!(weighted_quantile(&vw, 0.05), Some(1.0));
        assert_eq!(weighted_quantile(&vw, 0.15), Some(2.0));
        assert_eq!(weighted_quantile(&vw, 0.5), Some(3.0));
        assert_eq!(weighted_quantile(&[], 0.5), None);
    }
}
