//! Scenario comparison: runs of several scenarios against the first (the reference), figure
//! by figure. Runs that share seeds are paired replicate by replicate (common random
//! numbers), so the difference in replicate k is the scenario's effect under the same luck,
//! and its spread over replicates is the effect's 90 % interval.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::folders::RunFolder;
use crate::metrics::KPIS;
use crate::report::{Spread, paired_differences, spread};
use crate::seeds::Comparator;

/// Where a compared run came from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub dir: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub replicates: usize,
    /// Replicates paired with the reference's (the leading replicates with the same seeds).
    pub paired_replicates: usize,
}

/// One lever (scenario key path) whose value differs between the scenarios.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LeverDiff {
    pub key: String,
    /// The value in each scenario, as JSON text; `None` where the key is absent.
    pub values: Vec<Option<String>>,
}

/// One figure (observed or target) in one scenario, against the reference.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub figure: String,
    pub kind: String,
    pub kpi: String,
    pub unit: String,
    pub date: Date,
    pub comparator: Option<String>,
    pub figure_value: Option<f64>,
    pub scenario: String,
    /// The scenario's own values: mean and 90 % interval over replicates.
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
    /// Paired difference to the reference (scenario − reference); absent for the reference.
    pub diff_mean: Option<f64>,
    pub diff_p05: Option<f64>,
    pub diff_p95: Option<f64>,
    /// The variance of the paired differences that the parameter sets cause and the one
    /// the seeds cause (one-way analysis of variance over the sets of `--seeds-per-set`
    /// replicates sharing a parameter set); absent unless both runs drew from a posterior
    /// in sets of the same size ≥ 2, with at least 2 whole sets paired.
    #[serde(default)]
    pub variance_parameters: Option<f64>,
    #[serde(default)]
    pub variance_seeds: Option<f64>,
    /// Whether the 90 % interval of the difference excludes zero; absent when fewer than
    /// [`MIN_PAIRED_FOR_TEST`] replicates are paired (not testable).
    pub diff_excludes_zero: Option<bool>,
    /// Whether the mean difference is at least the KPI's smallest meaningful difference
    /// (`min_difference` in the KPI catalogue); absent for the reference.
    #[serde(default)]
    pub diff_meaningful: Option<bool>,
    /// Share of replicates meeting the target (targets only).
    pub p_met: Option<f64>,
    /// Paired mean difference in the city's cumulative outlays by the figure's date.
    pub fiscal_cost_diff_yuan: Option<f64>,
    /// That outlay difference per unit of KPI difference: only for a difference whose
    /// interval excludes zero, in a KPI that is not itself an outlay, when more outlay buys
    /// more of the KPI (a negative ratio is a saving or a loss, not a price).
    pub yuan_per_unit: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub version: String,
    /// The reference is `scenarios[0]`.
    pub scenarios: Vec<ScenarioInfo>,
    pub lever_diff: Vec<LeverDiff>,
    pub rows: Vec<Row>,
    /// What a reader must know about the pairing: unequal or few replicates, dates asked
    /// for outside the horizon.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Fewest paired replicates from which a difference's 90 % interval is reported as a test:
/// with one or two, the "interval" is the one or two differences themselves.
pub const MIN_PAIRED_FOR_TEST: usize = 3;

/// A figure to compare on: a KPI at a date, from the reference run's summary.
struct Figure {
    id: String,
    kind: &'static str,
    kpi: String,
    date: Date,
    comparator: Option<Comparator>,
    value: Option<f64>,
}

fn figures(reference: &RunFolder) -> Vec<Figure> {
    let mut out = Vec::new();
    let s = &reference.summary;
    for (list, kind, value_key) in [
        ("calibration", "observed", "observed"),
        ("targets", "target", "target"),
    ] {
        for f in s[list].as_array().into_iter().flatten() {
            let (Some(id), Some(kpi), Some(date)) =
                (f["id"].as_str(), f["kpi"].as_str(), f["date"].as_str())
            else {
                continue;
            };
            let Ok(date) = Date::parse(date) else {
                continue;
            };
            if reference.at(kpi, date).is_empty() {
                continue; // beyond the horizon
            }
            out.push(Figure {
                id: id.to_owned(),
                kind,
                kpi: kpi.to_owned(),
                date,
                comparator: serde_json::from_value(f["comparator"].clone()).ok(),
                value: f[value_key].as_f64(),
            });
        }
    }
    out
}

/// The KPIs every comparison also reports at its effect dates: what a reform is for (problems
/// resolved, output and investment growth) and what it costs. `problems_resolved_share` is
/// defined with or without a campaign, unlike the ticket-based resolution rate (A4), so it
/// is the one that measures a campaign against its counterfactual.
pub const EFFECT_KPIS: &[&str] = &[
    "problems_resolved_share",
    "open_problems",
    "value_added_growth_ytd",
    "investment_growth_ytd",
    "fiscal_cost_yuan",
];

/// The dates of the effect rows: `at` if given, else every 31 December the reference
/// simulated and its last day. Figure dates say how the city stood when it reported; a
/// reform's effect on yearly growth shows at the end of a full year.
pub fn effect_dates(reference: &RunFolder, at: &[Date]) -> Vec<Date> {
    if !at.is_empty() {
        let mut dates = at.to_vec();
        dates.sort();
        dates.dedup();
        return dates;
    }
    let mut dates: Vec<Date> = reference
        .dates
        .iter()
        .copied()
        .filter(|d| matches!(d.ymd(), (_, 12, 31)))
        .collect();
    if let Some(&last) = reference.dates.last()
        && dates.last() != Some(&last)
    {
        dates.push(last);
    }
    dates
}

/// The KPIs of the effect rows: those asked for with `--kpi` (each once, in the order given),
/// else [`EFFECT_KPIS`] followed by the KPIs that the catalogue (`data/kpis.toml`) says the
/// scenarios' changed keys (`diffs`) act on, in column order, so that a land scenario is
/// compared on its land KPIs. Daily levels (yuan/day) are left out of that list: their
/// year-to-date growth is already in [`EFFECT_KPIS`]. A name that is not a KPI is refused with
/// the nearest KPI name, so a typo does not silently give a comparison without the rows the
/// planner asked for.
pub fn effect_kpis(asked: &[String], diffs: &[LeverDiff]) -> Result<Vec<String>> {
    if asked.is_empty() {
        let mut out: Vec<String> = EFFECT_KPIS.iter().map(|k| (*k).to_owned()).collect();
        let driven = KPIS
            .iter()
            .filter(|k| k.unit != "yuan/day" && diffs.iter().any(|d| k.driven_by(&d.key)));
        for k in driven {
            if !out.iter().any(|o| o == k.key) {
                out.push(k.key.to_owned());
            }
        }
        return Ok(out);
    }
    let known: Vec<&str> = KPIS.iter().map(|k| k.key).collect();
    let mut out: Vec<String> = Vec::new();
    for name in asked {
        if !known.contains(&name.as_str()) {
            let hint = crate::input::nearest(name, &known).map_or_else(
                || "; the KPIs are the columns of metrics.csv (README, \"Metrics\")".to_owned(),
                |near| format!("; did you mean `{near}`?"),
            );
            bail!(
                "--kpi `{}` is not a KPI{hint}",
                crate::input::clip(name, crate::input::QUOTE_LIMIT)
            );
        }
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    Ok(out)
}

fn effect_figures(reference: &RunFolder, kpis: &[String], dates: &[Date]) -> Vec<Figure> {
    let mut out = Vec::new();
    for &date in dates {
        for kpi in kpis {
            if reference.at(kpi, date).is_empty() {
                continue; // not simulated (outside the horizon, or an older run's columns)
            }
            out.push(Figure {
                id: "effect".to_owned(),
                kind: "effect",
                kpi: kpi.clone(),
                date,
                comparator: None,
                value: None,
            });
        }
    }
    out
}

fn seeds(run: &RunFolder) -> Vec<u64> {
    run.summary["replicate_seeds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect()
}

/// Compares `runs[1..]` with `runs[0]` at every figure's date, and at `effect_dates(at)` for
/// the effect KPIs (`effect_kpis`, already checked).
pub fn compare(
    runs: &[RunFolder],
    scenario_files: &[Option<Value>],
    kpis: &[String],
    at: &[Date],
) -> Result<Comparison> {
    let Some(reference) = runs.first() else {
        bail!("compare needs at least two run folders");
    };
    let ref_seeds = seeds(reference);
    let mut scenarios = Vec::new();
    for run in runs {
        let paired = ref_seeds
            .iter()
            .zip(seeds(run))
            .take_while(|(a, b)| **a == *b)
            .count();
        if paired == 0 {
            bail!(
                "{} does not share seeds with the reference {}: run both with the same --seed \
                 (replicate k of each run must have the same seed to pair them)",
                run.dir.display(),
                reference.dir.display()
            );
        }
        if run.dates.first() != reference.dates.first() {
            bail!(
                "{} starts on a different date from the reference {}",
                run.dir.display(),
                reference.dir.display()
            );
        }
        scenarios.push(ScenarioInfo {
            name: run.name(),
            dir: run.dir.display().to_string(),
            scenario_file: run.summary["scenario_file"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            scenario_sha256: run.summary["scenario_sha256"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            seed: run.summary["seed"].as_u64().unwrap_or(0),
            replicates: run.replicates(),
            paired_replicates: paired.min(run.replicates()).min(reference.replicates()),
        });
    }
    let mut notes = Vec::new();
    for info in &scenarios[1..] {
        let reference_n = scenarios[0].replicates;
        if info.replicates != reference_n {
            notes.push(format!(
                "{} has {} replicate(s) and the reference {} has {reference_n}: only the first \
                 {} of each are paired",
                info.name, info.replicates, scenarios[0].name, info.paired_replicates
            ));
        }
        if info.paired_replicates < MIN_PAIRED_FOR_TEST {
            notes.push(format!(
                "{} pairs only {} replicate(s) with the reference: its differences are shown \
                 but are not testable (run both with --replicates {MIN_PAIRED_FOR_TEST} or more)",
                info.name, info.paired_replicates
            ));
        }
    }
    if let (Some(&first), Some(&last)) = (reference.dates.first(), reference.dates.last()) {
        for d in at.iter().filter(|d| **d < first || **d > last) {
            notes.push(format!(
                "--at {d} is outside the horizon {first} to {last}, so it has no rows"
            ));
        }
    }
    for kpi in kpis.iter().filter(|k| reference.column(k).is_none()) {
        notes.push(format!(
            "{kpi} is not in the reference's metrics.csv (a run by an older version?), so it \
             has no effect rows"
        ));
    }
    // Replicates per parameter set, when every run drew from a posterior in sets of one
    // size ≥ 2: then each effect's variance is split into its parameter and seed parts.
    let set_sizes: Vec<Option<u64>> = runs
        .iter()
        .map(|r| {
            r.summary["posterior"]
                .is_object()
                .then(|| r.summary["seeds_per_set"].as_u64())
                .flatten()
        })
        .collect();
    let sets = match set_sizes.first() {
        Some(Some(m)) if *m >= 2 && set_sizes.iter().all(|s| *s == Some(*m)) => Some(*m as usize),
        _ => None,
    };
    if sets.is_none() && set_sizes.iter().any(|s| s.is_some_and(|m| m >= 2)) {
        notes.push(
            "the runs drew their parameter sets in sets of different sizes (--seeds-per-set), \
             so no effect's variance is split into parameter and seed parts"
                .to_owned(),
        );
    }
    let mut rows = Vec::new();
    let mut all = figures(reference);
    all.extend(effect_figures(
        reference,
        kpis,
        &effect_dates(reference, at),
    ));
    for f in all {
        let unit = KPIS.iter().find(|k| k.key == f.kpi).map_or("", |k| k.unit);
        let ref_values = reference.at(&f.kpi, f.date);
        let ref_cost = reference.at("fiscal_cost_yuan", f.date);
        for (i, (run, info)) in runs.iter().zip(&scenarios).enumerate() {
            let values = run.at(&f.kpi, f.date);
            // A KPI can be undefined in a scenario (a rate with nothing to divide by: no
            // tickets without the campaign); such replicates are left out, and a scenario
            // where it is undefined throughout gets no row.
            let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            let Some(own) = spread(&finite) else { continue };
            let n = info.paired_replicates;
            let paired_diff = |a: &[f64], b: &[f64]| paired_differences(&a[..n.min(a.len())], b);
            let diff = if i == 0 {
                None
            } else {
                spread(&paired_diff(&values, &ref_values))
            };
            let split = match (i, sets) {
                (0, _) | (_, None) => None,
                (_, Some(m)) => variance_split(&values[..n.min(values.len())], &ref_values, m),
            };
            let cost = if i == 0 {
                None
            } else {
                spread(&paired_diff(&run.at("fiscal_cost_yuan", f.date), &ref_cost)).map(|s| s.mean)
            };
            let p_met = match (f.kind, f.comparator, f.value) {
                ("target", Some(c), Some(v)) => Some(
                    values.iter().filter(|&&x| c.met(x, v)).count() as f64 / values.len() as f64,
                ),
                _ => None,
            };
            rows.push(Row {
                figure: f.id.clone(),
                kind: f.kind.to_owned(),
                kpi: f.kpi.clone(),
                unit: unit.to_owned(),
                date: f.date,
                comparator: f.comparator.map(|c| c.symbol().to_owned()),
                figure_value: f.value,
                scenario: info.name.clone(),
                mean: own.mean,
                p05: own.p05,
                p95: own.p95,
                diff_mean: diff.map(|d| d.mean),
                diff_p05: diff.map(|d| d.p05),
                diff_p95: diff.map(|d| d.p95),
                variance_parameters: split.map(|v| v.0),
                variance_seeds: split.map(|v| v.1),
                diff_excludes_zero: diff
                    .filter(|_| n >= MIN_PAIRED_FOR_TEST)
                    .map(|d| d.p05 > 0.0 || d.p95 < 0.0),
                diff_meaningful: diff.map(|d| meaningful(&f.kpi, d.mean)),
                p_met,
                fiscal_cost_diff_yuan: cost,
                yuan_per_unit: yuan_per_unit(
                    &f.kpi,
                    cost,
                    diff.filter(|_| n >= MIN_PAIRED_FOR_TEST),
                ),
            });
        }
    }
    Ok(Comparison {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        lever_diff: lever_diff(scenario_files),
        scenarios,
        rows,
        notes,
    })
}

/// The parameter and seed parts of the variance of paired differences `a[k] − b[k]`, whose
/// replicates come in sets of `m` sharing a parameter set (one-way random-effects analysis
/// of variance): the seed part is the mean square within sets, the parameter part is
/// (mean square between sets − within) / m, floored at 0. Only whole sets with every
/// difference finite count; None with fewer than 2 of them.
pub fn variance_split(a: &[f64], b: &[f64], m: usize) -> Option<(f64, f64)> {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let sets: Vec<&[f64]> = d
        .chunks_exact(m)
        .filter(|c| c.iter().all(|v| v.is_finite()))
        .collect();
    let g = sets.len();
    if g < 2 || m < 2 {
        return None;
    }
    let means: Vec<f64> = sets
        .iter()
        .map(|c| c.iter().sum::<f64>() / m as f64)
        .collect();
    let grand = means.iter().sum::<f64>() / g as f64;
    let within = sets
        .iter()
        .zip(&means)
        .map(|(c, mu)| c.iter().map(|v| (v - mu).powi(2)).sum::<f64>())
        .sum::<f64>()
        / (g * (m - 1)) as f64;
    let between =
        m as f64 * means.iter().map(|mu| (mu - grand).powi(2)).sum::<f64>() / (g - 1) as f64;
    Some((((between - within) / m as f64).max(0.0), within))
}

/// The outlay difference per unit of KPI difference, a price the planner may quote, so it is
/// given only when it is one: the difference was testable (`diff` is `None` otherwise) and its
/// 90 % interval excludes zero (a ratio to noise is no price), the KPI is not itself an
/// outlay (its ratio would be 1), and the ratio is positive and finite (a negative ratio is a
/// saving or a loss, and a difference near zero gives an unbounded one).
fn yuan_per_unit(kpi: &str, cost_diff: Option<f64>, diff: Option<Spread>) -> Option<f64> {
    let (c, d) = (cost_diff?, diff?);
    let excludes_zero = d.p05 > 0.0 || d.p95 < 0.0;
    let ratio = c / d.mean;
    (excludes_zero && !is_outlay(kpi) && ratio.is_finite() && ratio > 0.0).then_some(ratio)
}

/// Whether a difference in `kpi` is at least the smallest one a planner would act on (the
/// KPI catalogue's `min_difference`). A KPI outside the catalogue counts any difference.
pub fn meaningful(kpi: &str, diff: f64) -> bool {
    crate::metrics::kpi(kpi).is_none_or(|k| diff.abs() >= k.min_difference)
}

/// Whether a KPI is itself an outlay, whose cost per unit would be 1.
fn is_outlay(kpi: &str) -> bool {
    kpi == "fiscal_cost_yuan" || (kpi.starts_with("cost_") && kpi.ends_with("_yuan"))
}

/// Every key path of a JSON value with its leaf value as JSON text.
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        leaf => {
            out.insert(prefix.to_owned(), leaf.to_string());
        }
    }
}

/// The key paths whose values differ between the resolved scenarios (`scenario.json` of each
/// run). A scenario without one is left out of the diff (all `None`).
pub fn lever_diff(scenarios: &[Option<Value>]) -> Vec<LeverDiff> {
    let flat: Vec<Option<BTreeMap<String, String>>> = scenarios
        .iter()
        .map(|s| {
            s.as_ref().map(|s| {
                let mut m = BTreeMap::new();
                flatten("", s, &mut m);
                m
            })
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> =
        flat.iter().flatten().flat_map(|m| m.keys()).collect();
    keys.into_iter()
        .filter(|k| k.as_str() != "scenario.description")
        .filter_map(|k| {
            let values: Vec<Option<String>> = flat
                .iter()
                .map(|m| m.as_ref().and_then(|m| m.get(k).cloned()))
                .collect();
            let known: Vec<&Option<String>> = values
                .iter()
                .zip(&flat)
                .filter(|(_, m)| m.is_some())
                .map(|(v, _)| v)
                .collect();
            let differs = known.windows(2).any(|w| w[0] != w[1]);
            differs.then(|| LeverDiff {
                key: k.clone(),
                values,
            })
        })
        .collect()
}

/// `comparison.csv`: one line per figure and scenario; ASCII header, UTF-8 with a BOM so
/// that Excel opens it as UTF-8.
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "figure",
        "kind",
        "kpi",
        "unit",
        "date",
        "comparator",
        "figure_value",
        "scenario",
        "mean",
        "p05",
        "p95",
        "diff_mean",
        "diff_p05",
        "diff_p95",
        "diff_excludes_zero",
        "diff_meaningful",
        "variance_parameters",
        "variance_seeds",
        "p_met",
        "fiscal_cost_diff_yuan",
        "yuan_per_unit",
    ])?;
    let num = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for r in &c.rows {
        w.write_record([
            r.figure.clone(),
            r.kind.clone(),
            r.kpi.clone(),
            r.unit.clone(),
            r.date.to_string(),
            r.comparator.clone().unwrap_or_default(),
            num(r.figure_value),
            r.scenario.clone(),
            r.mean.to_string(),
            r.p05.to_string(),
            r.p95.to_string(),
            num(r.diff_mean),
            num(r.diff_p05),
            num(r.diff_p95),
            r.diff_excludes_zero
                .map_or_else(String::new, |b| b.to_string()),
            r.diff_meaningful
                .map_or_else(String::new, |b| b.to_string()),
            num(r.variance_parameters),
            num(r.variance_seeds),
            num(r.p_met),
            num(r.fiscal_cost_diff_yuan),
            num(r.yuan_per_unit),
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish comparison.csv: {e}"))?;
    Ok(crate::output::with_bom(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(mean: f64, p05: f64, p95: f64) -> Option<Spread> {
        Some(Spread { mean, p05, p95 })
    }

    /// Sets of 2 sharing a parameter set: the differences within a set differ by the seed
    /// only, those between sets by the parameters too.
    #[test]
    fn the_variance_splits_into_parameter_and_seed_parts() {
        // Set effects 0, 10, 20 (parameter variance 100); within ±1 (seed variance 2).
        let a = [1.0, -1.0, 11.0, 9.0, 21.0, 19.0];
        let b = [0.0; 6];
        let (parameters, seeds) = variance_split(&a, &b, 2).unwrap();
        assert!((seeds - 2.0).abs() < 1e-12, "{seeds}");
        assert!((parameters - (100.0 - 1.0)).abs() < 1e-9, "{parameters}");
        // No spread between sets: all of it is the seeds'.
        let (p, s) = variance_split(&[1.0, -1.0, 1.0, -1.0], &[0.0; 4], 2).unwrap();
        assert_eq!((p, s), (0.0, 2.0));
        assert_eq!(
            variance_split(&a[..2], &b, 2),
            None,
            "one set is not enough"
        );
        assert_eq!(variance_split(&a, &b, 1), None);
    }

    #[test]
    fn yuan_per_unit_is_a_price_or_nothing() {
        // Significant, positive: 1,000 yuan more buys 2 units more.
        let clear = interval(2.0, 1.0, 3.0);
        assert_eq!(
            yuan_per_unit("firms_matched", Some(1000.0), clear),
            Some(500.0)
        );
        // The interval includes zero: noise, not a price.
        assert_eq!(
            yuan_per_unit("firms_matched", Some(1000.0), interval(2.0, -1.0, 3.0)),
            None
        );
        // Not testable (too few pairs): the caller passes no interval.
        assert_eq!(yuan_per_unit("firms_matched", Some(1000.0), None), None);
        // An outlay KPI, the total or a part.
        assert_eq!(yuan_per_unit("fiscal_cost_yuan", Some(1000.0), clear), None);
        assert_eq!(yuan_per_unit("cost_visits_yuan", Some(1000.0), clear), None);
        // Negative: more outlay, less of the KPI (or a saving).
        assert_eq!(yuan_per_unit("firms_matched", Some(-1000.0), clear), None);
        // Unbounded or undefined.
        assert_eq!(
            yuan_per_unit("firms_matched", Some(f64::INFINITY), clear),
            None
        );
        assert_eq!(
            yuan_per_unit(
                "firms_matched",
                Some(1e300),
                interval(1e-300, 1e-300, 1e-300)
            ),
            None
        );
        assert_eq!(yuan_per_unit("firms_matched", Some(f64::NAN), clear), None);
        assert_eq!(yuan_per_unit("firms_matched", None, clear), None);
    }

    #[test]
    fn the_default_kpis_follow_the_changed_levers() {
        let diff = |key: &str| LeverDiff {
            key: key.to_owned(),
            values: vec![Some("1".to_owned()), Some("2".to_owned())],
        };
        let land = effect_kpis(&[], &[diff("levers.land.supply_mix.lease")]).unwrap();
        assert!(
            land.starts_with(
                &EFFECT_KPIS
                    .iter()
                    .map(|k| (*k).to_owned())
                    .collect::<Vec<_>>()
            )
        );
        assert!(land.iter().any(|k| k == "mean_days_to_obtain_land"));
        assert!(land.iter().any(|k| k == "projects_commissioned"));
        assert!(!land.iter().any(|k| k == "mean_days_to_resolve"));
        assert!(
            !land.iter().any(|k| k == "value_added_yuan"),
            "daily levels stay out"
        );
        let triage = effect_kpis(&[], &[diff("timeline[0].set.levers.triage.delay_days")]).unwrap();
        assert!(triage.iter().any(|k| k == "mean_days_to_resolve"));
        assert!(!triage.iter().any(|k| k == "mean_days_to_obtain_land"));
        // The description is not a lever.
        assert_eq!(effect_kpis(&[], &[]).unwrap(), EFFECT_KPIS);
    }

    #[test]
    fn effect_kpis_default_dedupe_and_suggest() {
        assert_eq!(effect_kpis(&[], &[]).unwrap(), EFFECT_KPIS);
        let asked = [
            "mean_days_to_obtain_land".to_owned(),
            "open_problems".to_owned(),
        ];
        let twice = [asked[0].clone(), asked[1].clone(), asked[0].clone()];
        assert_eq!(effect_kpis(&twice, &[]).unwrap(), asked);
        let e = effect_kpis(&["mean_days_to_obtain_lnd".to_owned()], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `mean_days_to_obtain_land`"), "{e}");
        let e = effect_kpis(&["zzzz".to_owned()], &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is not a KPI") && e.contains("metrics.csv"),
            "{e}"
        );
    }

    #[test]
    fn lever_diff_lists_only_keys_that_differ() {
        let a = serde_json::json!({"levers": {"triage": {"delay_days": 0}, "x": [1, 2]}, "scenario": {"name": "a"}});
        let b = serde_json::json!({"levers": {"triage": {"delay_days": 3}, "x": [1, 2]}, "scenario": {"name": "a"}});
        let d = lever_diff(&[Some(a), Some(b)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key, "levers.triage.delay_days");
        assert_eq!(d[0].values, vec![Some("0".into()), Some("3".into())]);
    }
}
