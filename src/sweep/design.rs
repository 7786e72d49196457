//! Design points: the value each parameter takes at point i, computed from i alone (no list
//! of points is held), so a sweep of any size, or any shard of it, costs no memory up front.

use serde_json::Value;

use super::sobol::Sobol;
use super::spec::{Design, Parameter, Sweep, number};
use crate::rng::{Purpose, StreamRng, mix64};

pub struct Designer {
    design: Design,
    points: u64,
    seed: u64,
    sobol: Option<Sobol>,
    /// Saltelli: (parameters, base rows).
    saltelli: (usize, u64),
    /// Morris: every point of every trajectory (a few thousand rows at most).
    morris: Vec<Vec<f64>>,
}

impl Designer {
    pub fn new(sweep: &Sweep) -> Designer {
        let (design, k) = (sweep.header.design, sweep.parameters.len());
        let samples = sweep.header.samples.unwrap_or(0);
        Designer {
            design,
            points: sweep.points(),
            seed: sweep.master_seed,
            sobol: match design {
                Design::Sobol => Some(Sobol::new(k)),
                Design::Saltelli => Some(Sobol::new(2 * k)),
                _ => None,
            },
            saltelli: (k, samples),
            morris: if design == Design::Morris {
                crate::sensitivity::morris::Design::new(
                    k,
                    samples as usize,
                    super::spec::MORRIS_LEVELS,
                    sweep.master_seed,
                )
                .rows
            } else {
                Vec::new()
            },
        }
    }

    /// The value of every parameter at design point `i`.
    pub fn point(&self, parameters: &[Parameter], i: u64) -> Vec<Value> {
        match self.design {
            Design::Grid => {
                // Mixed radix, the first parameter varying slowest.
                let mut rest = i;
                let mut out = vec![Value::Null; parameters.len()];
                for (j, p) in parameters.iter().enumerate().rev() {
                    let values = p.values.as_deref().unwrap_or_default();
                    let n = values.len() as u64;
                    out[j] = json(&values[(rest % n) as usize]);
                    rest /= n;
                }
                out
            }
            _ => parameters
                .iter()
                .enumerate()
                .map(|(j, p)| value_at(p, self.unit(i, j), self.design))
                .collect(),
        }
    }

    /// Coordinate j of point i in [0, 1).
    fn unit(&self, i: u64, j: usize) -> f64 {
        let mut rng = StreamRng::new(self.seed, Purpose::SweepDesign, i, j as u32);
        match self.design {
            Design::Grid => unreachable!("a grid has no unit coordinates"),
            Design::Random => rng.uniform(),
            Design::LatinHypercube => {
                let key = mix64(self.seed ^ mix64(j as u64 + 1));
                let stratum = permute(i, self.points, key);
                (stratum as f64 + rng.uniform()) / self.points as f64
            }
            Design::Sobol => self.sobol.as_ref().expect("sobol").coordinate(i, j),
            Design::Saltelli => {
                let (k, n) = self.saltelli;
                crate::sensitivity::saltelli::coordinate(
                    self.sobol.as_ref().expect("sobol"),
                    k,
                    n,
                    i,
                    j,
                )
            }
            Design::Morris => self.morris[i as usize][j],
            // The stream and coordinates of ABC's prior draw i (`calibrate::abc::prior_draw`),
            // so a calibration file's draws run as a sweep are the same draws.
            Design::Prior => StreamRng::new(self.seed, Purpose::Abc, i, 0).uniform_nth(j as u64),
        }
    }
}

fn json(v: &toml::Value) -> Value {
    serde_json::to_value(v).expect("TOML converts to JSON")
}

/// A parameter's value at unit coordinate u: one of its `values`, or a point of its range
/// (each whole number equally likely when `integer`). With a `distribution`, or in the
/// `prior` design, u is the quantile of the prior over the range, rounded for integers, as
/// `calibrate::abc::PriorRange` draws it.
fn value_at(p: &Parameter, u: f64, design: Design) -> Value {
    if let Some(values) = &p.values {
        let k = ((u * values.len() as f64) as usize).min(values.len() - 1);
        return json(&values[k]);
    }
    let (min, max) = (p.min.unwrap_or(0.0), p.max.unwrap_or(0.0));
    if p.distribution.is_some() || design == Design::Prior {
        let prior = crate::calibrate::abc::PriorRange {
            distribution: p
                .distribution
                .unwrap_or(crate::priors::Distribution::Uniform),
            low: min,
            high: max,
            integer: p.integer,
        };
        return number(prior.quantile(u), p.integer);
    }
    if p.integer {
        let (lo, hi) = (min.round(), max.round());
        number((lo + (u * (hi - lo + 1.0)).floor()).min(hi), true)
    } else {
        number(min + u * (max - min), false)
    }
}

/// A pseudo-random permutation of 0..n, evaluated at i without storing it: a balanced
/// Feistel network on the smallest even power of two ≥ n, with cycle walking.
pub fn permute(i: u64, n: u64, key: u64) -> u64 {
    debug_assert!(i < n);
    let bits = (64 - (n.max(2) - 1).leading_zeros()).div_ceil(2) * 2;
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut x = i;
    loop {
        let (mut l, mut r) = (x >> half, x & mask);
        for round in 0..4u64 {
            let f = mix64(key ^ mix64(r ^ (round << 32))) & mask;
            (l, r) = (r, l ^ f);
        }
        x = (l << half) | r;
        if x < n {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_is_a_permutation() {
        for n in [1u64, 2, 3, 10, 64, 100, 1000] {
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let p = permute(i, n, 42) as usize;
                assert!(!seen[p], "n {n}");
                seen[p] = true;
            }
        }
    }
}
