//! The files `calibrate --method abc` writes:
//! - `posterior.csv`: the kept draws after the regression adjustment, a `weight` column then
//!   one column per parameter key (what `[scenario] posterior` reads);
//! - `identification.csv`: per parameter, the prior's and the posterior's 90 % ranges and
//!   the ratio of their widths, so a reader sees what the figures pin down and what stays
//!   assumed;
//! - `predictive.csv`: per figure, the posterior's 90 % range of the simulated value and
//!   whether the observed value lies in it;
//! - `draws.csv`: every prior draw, its distance and its weight (0 if not kept), to audit;
//! - `calibration.json`: the settings, the bandwidth and the tables above, for provenance.
//!
//! Nothing here depends on the clock or the machine: the same file gives the same bytes.

use anyhow::{Context, Result};
use serde::Serialize;

use super::abc::{weighted_mean, weighted_quantile};
use super::spec::Calibration;
use super::{AbcOutcome, Target};
use crate::date::Date;

/// A posterior 90 % width below this share of the prior's: the figures pin the parameter
/// down.
pub const PINNED_DOWN: f64 = 0.5;
/// Below this share (and above `PINNED_DOWN`): the figures narrow it. At or above: it stays
/// where its prior put it, an assumption the results carry.
pub const NARROWED: f64 = 0.8;

/// One row of `identification.csv`.
#[derive(Clone, Debug, Serialize)]
pub struct IdentificationRow {
    pub parameter: String,
    pub distribution: String,
    pub prior_low: f64,
    pub prior_high: f64,
    pub prior_p05: f64,
    pub prior_p95: f64,
    pub posterior_p05: f64,
    pub posterior_median: f64,
    pub posterior_mean: f64,
    pub posterior_p95: f64,
    /// Posterior 90 % width ÷ prior 90 % width.
    pub width_ratio: f64,
    /// `pinned down` (ratio < 0.5), `narrowed` (< 0.8) or `not identified`.
    pub identified: &'static str,
}

/// The weighted values of parameter `j` over the kept draws.
fn kept_values(o: &AbcOutcome, j: usize) -> Vec<(f64, f64)> {
    o.posterior
        .kept
        .iter()
        .zip(&o.adjusted)
        .map(|(&(_, w), v)| (v[j], w))
        .collect()
}

pub fn identification_rows(c: &Calibration, o: &AbcOutcome) -> Vec<IdentificationRow> {
    c.parameters
        .iter()
        .zip(&o.priors)
        .enumerate()
        .map(|(j, (p, prior))| {
            let vw = kept_values(o, j);
            let q = |x| weighted_quantile(&vw, x).unwrap_or(f64::NAN);
            let (prior_p05, prior_p95) = (prior.quantile(0.05), prior.quantile(0.95));
            let (post_p05, post_p95) = (q(0.05), q(0.95));
            let width_ratio = (post_p95 - post_p05) / (prior_p95 - prior_p05);
            IdentificationRow {
                parameter: p.key.clone(),
                distribution: match prior.distribution {
                    crate::priors::Distribution::Uniform => "uniform",
                    crate::priors::Distribution::LogUniform => "log_uniform",
                }
                .to_owned(),
                prior_low: prior.low,
                prior_high: prior.high,
                prior_p05,
                prior_p95,
                posterior_p05: post_p05,
                posterior_median: q(0.5),
                posterior_mean: weighted_mean(&vw),
                posterior_p95: post_p95,
                width_ratio,
                identified: if width_ratio < PINNED_DOWN {
                    "pinned down"
                } else if width_ratio < NARROWED {
                    "narrowed"
                } else {
                    "not identified"
                },
            }
        })
        .collect()
}

/// One row of `predictive.csv`: a fitted figure against the kept draws' simulations (before
/// the adjustment, which moves parameters, not simulations; a run of the posterior itself,
/// `[scenario] posterior`, is the check after it).
#[derive(Clone, Debug, Serialize)]
pub struct PredictiveRow {
    pub figure: String,
    pub kpi: String,
    pub date: Date,
    pub observed: f64,
    pub tolerance: f64,
    pub tolerance_unit: String,
    pub posterior_mean: f64,
    pub posterior_p05: f64,
    pub posterior_p95: f64,
    /// The observed value lies in the posterior's 90 % range.
    pub observed_inside: bool,
}

pub fn predictive_rows(c: &Calibration, o: &AbcOutcome) -> Vec<PredictiveRow> {
    c.targets
        .iter()
        .enumerate()
        .map(|(i, t): (usize, &Target)| {
            let vw: Vec<(f64, f64)> = o
                .posterior
                .kept
                .iter()
                .filter_map(|&(d, w)| o.draws[d].simulated[i].map(|v| (v, w)))
                .collect();
            let p05 = weighted_quantile(&vw, 0.05).unwrap_or(f64::NAN);
            let p95 = weighted_quantile(&vw, 0.95).unwrap_or(f64::NAN);
            let (tolerance, tolerance_unit) = t.tolerance.amount(&t.unit);
            PredictiveRow {
                figure: t.id.clone(),
                kpi: t.kpi.clone(),
                date: t.date,
                observed: t.observed,
                tolerance,
                tolerance_unit,
                posterior_mean: weighted_mean(&vw),
                posterior_p05: p05,
                posterior_p95: p95,
                observed_inside: (p05..=p95).contains(&t.observed),
            }
        })
        .collect()
}

fn csv_of<T: Serialize>(rows: &[T], name: &str) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row)
            .with_context(|| format!("cannot write {name}"))?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish {name}: {e}"))
}

pub fn identification_csv(c: &Calibration, o: &AbcOutcome) -> Result<Vec<u8>> {
    csv_of(&identification_rows(c, o), "identification.csv")
}

pub fn predictive_csv(c: &Calibration, o: &AbcOutcome) -> Result<Vec<u8>> {
    csv_of(&predictive_rows(c, o), "predictive.csv")
}

/// `posterior.csv`: `weight`, then one column per parameter key; nearest draw first.
pub fn posterior_csv(c: &Calibration, o: &AbcOutcome) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["weight".to_owned()];
    header.extend(c.parameters.iter().map(|p| p.key.clone()));
    w.write_record(&header)
        .context("cannot write posterior.csv")?;
    for (&(_, weight), values) in o.posterior.kept.iter().zip(&o.adjusted) {
        let mut fields = vec![weight.to_string()];
        fields.extend(values.iter().map(f64::to_string));
        w.write_record(&fields)
            .context("cannot write posterior.csv")?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish posterior.csv: {e}"))
}

/// `draws.csv`: draw, seed, distance, weight (0: not kept), the parameter values and each
/// figure's simulated value (empty when undefined).
pub fn draws_csv(c: &Calibration, o: &AbcOutcome) -> Result<Vec<u8>> {
    let mut weights = vec![0.0; o.draws.len()];
    for &(i, w) in &o.posterior.kept {
        weights[i] = w;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "draw".to_owned(),
        "seed".to_owned(),
        "distance".to_owned(),
        "weight".to_owned(),
    ];
    header.extend(c.parameters.iter().map(|p| p.key.clone()));
    header.extend(c.targets.iter().map(|t| t.id.clone()));
    w.write_record(&header).context("cannot write draws.csv")?;
    for (k, d) in o.draws.iter().enumerate() {
        let mut fields = vec![
            k.to_string(),
            c.draw_seed(k as u64).to_string(),
            d.distance.to_string(),
            weights[k].to_string(),
        ];
        fields.extend(d.values.iter().map(f64::to_string));
        fields.extend(
            d.simulated
                .iter()
                .map(|v| v.map_or_else(String::new, |v| v.to_string())),
        );
        w.write_record(&fields).context("cannot write draws.csv")?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish draws.csv: {e}"))
}

#[derive(Serialize)]
struct Json<'a> {
    name: &'a str,
    description: Option<&'a str>,
    method: &'static str,
    calibration_file: String,
    calibration_sha256: &'a str,
    scenario_file: String,
    scenario_sha256: &'a str,
    seeds_file: Option<String>,
    version: &'static str,
    runs_end: Date,
    draws: u64,
    kept: usize,
    /// The kernel's bandwidth, in tolerance units.
    epsilon: f64,
    distance: &'static str,
    identification: Vec<IdentificationRow>,
    predictive: Vec<PredictiveRow>,
}

pub fn abc_json(c: &Calibration, o: &AbcOutcome) -> Result<Vec<u8>> {
    let json = Json {
        name: &c.header.name,
        description: c.header.description.as_deref(),
        method: "abc: rejection with Epanechnikov weights and local-linear regression adjustment (Pritchard et al. 1999; Beaumont, Zhang and Balding 2002)",
        calibration_file: c.path.display().to_string(),
        calibration_sha256: &c.sha256,
        scenario_file: c.base.path.display().to_string(),
        scenario_sha256: &c.base.sha256,
        seeds_file: c.base.seeds.as_ref().map(|s| s.path.display().to_string()),
        version: env!("CARGO_PKG_VERSION"),
        runs_end: c.runs_end(),
        draws: c.abc.draws,
        kept: o.posterior.kept.len(),
        epsilon: o.posterior.epsilon,
        distance: "root mean square over the figures of (simulated − observed) / tolerance, one run per draw",
        identification: identification_rows(c, o),
        predictive: predictive_rows(c, o),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&json).context("cannot serialise calibration.json")?;
    bytes.push(b'\n');
    Ok(bytes)
}
