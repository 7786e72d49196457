//! Calibration and target-gap tables: the simulated KPIs next to the briefing's figures.
//!
//! With several replicates a simulated value is the mean over replicates, with the 5th and
//! 95th percentiles beside it (a 90 % interval) and, for targets, the share of replicates
//! that meet it.

use serde::Serialize;

use crate::date::Date;
use crate::engine::RunResult;
use crate::seeds::{Figure, Seeds, Tolerance};

/// A KPI at a date across replicates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

/// One observed figure against the simulation.
#[derive(Clone, Debug, Serialize)]
pub struct CalibrationRow {
    pub id: String,
    pub kpi: String,
    pub date: Date,
    pub observed: f64,
    /// Mean over replicates; `None` if the date is outside the horizon.
    pub simulated: Option<f64>,
    pub p05: Option<f64>,
    pub p95: Option<f64>,
    /// (simulated − observed) / observed.
    pub rel_error: Option<f64>,
    /// The tolerance as a number in `tolerance_unit`: `%` of the observed value (relative),
    /// `pp` (absolute, for a KPI in %) or the KPI's unit (absolute).
    pub tolerance: f64,
    pub tolerance_unit: String,
    pub within_tolerance: bool,
    /// `within tolerance`, `outside tolerance`, or `beyond horizon` (the figure's date was
    /// not simulated, e.g. with `--days`): a row never fails for want of a simulated value.
    pub status: &'static str,
    /// `fit` (data a calibration may fit), `holdout` (never fitted: a predictive check) or
    /// `construction` (a lever or rate set to the figure: it tests nothing).
    pub role: &'static str,
    /// simulated − observed in the tolerance's own terms (% for a relative tolerance, pp or
    /// the unit for an absolute one), for the console table.
    #[serde(skip)]
    pub error_text: String,
    /// What sets the model to the figure, for a `construction` row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construction: Option<String>,
    /// Whether the observed value lies inside the replicates' 90 % interval; absent with
    /// fewer than 2 replicates, where there is no interval.
    pub inside_interval: Option<bool>,
}

/// One target against the simulation.
#[derive(Clone, Debug, Serialize)]
pub struct TargetRow {
    pub id: String,
    pub description: String,
    /// The briefing's words for it, where the seeds file gives them (`--lang zh`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_zh: Option<String>,
    pub kpi: Option<String>,
    pub date: Option<Date>,
    pub comparator: String,
    pub target: Option<f64>,
    pub unit: String,
    pub simulated: Option<f64>,
    /// simulated − target, in the target's unit.
    pub gap: Option<f64>,
    pub met: Option<bool>,
    /// Share of replicates that meet the target.
    pub p_met: Option<f64>,
    /// 90 % interval of the simulated value over replicates.
    pub p05: Option<f64>,
    pub p95: Option<f64>,
    /// `likely met` (p_met ≥ 0.9), `uncertain`, `likely missed` (p_met ≤ 0.1), `not
    /// modelled yet` or `beyond horizon`: from the share of replicates, not from the mean.
    pub status: String,
    /// What makes the model meet this target by construction (a lever set to it, or a rate
    /// set so that it comes out met): its status says nothing about the reforms.
    pub construction: Option<String>,
}

/// `p_met` at or above which a target is likely met (and at or below 1 − this, likely
/// missed).
pub const LIKELY: f64 = 0.9;

/// A target's status from the share of replicates that meet it.
pub fn target_status(p_met: f64) -> &'static str {
    if p_met >= LIKELY {
        "likely met"
    } else if p_met <= 1.0 - LIKELY {
        "likely missed"
    } else {
        "uncertain"
    }
}

/// The value of `kpi` on `date` in each replicate that has it.
pub fn values_at(results: &[RunResult], kpi: &str, date: Date) -> Vec<f64> {
    results
        .iter()
        .filter_map(|r| {
            let first = r.rows.first()?;
            let index = usize::try_from(date.days_since(first.date)).ok()?;
            r.rows.get(index)?.get(kpi)
        })
        .collect()
}

/// The finite differences `a[k] − b[k]` of paired replicates (the same seed on both sides).
pub fn paired_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x - y)
        .filter(|d| d.is_finite())
        .collect()
}

/// Mean and 5th/95th percentiles (nearest rank) of some values.
pub fn spread(values: &[f64]) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank =
        |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    Some(Spread {
        mean: values.iter().sum::<f64>() / values.len() as f64,
        p05: rank(0.05),
        p95: rank(0.95),
    })
}

/// The calibration table: every observed figure that maps to a KPI.
pub fn calibration(seeds: &Seeds, results: &[RunResult]) -> Vec<CalibrationRow> {
    seeds
        .observed()
        .filter_map(|f| {
            let (kpi, date, observed, tol) = (f.kpi.clone()?, f.date?, f.value?, f.tolerance?);
            let s = spread(&values_at(results, &kpi, date));
            let simulated = s.map(|s| s.mean);
            let (tolerance, tolerance_unit) = tol.amount(&f.unit);
            Some(CalibrationRow {
                id: f.id.clone(),
                kpi,
                date,
                observed,
                simulated,
                p05: s.map(|s| s.p05),
                p95: s.map(|s| s.p95),
                rel_error: simulated.map(|v| (v - observed) / observed),
                error_text: simulated.map_or_else(
                    || "–".to_owned(),
                    |v| match tol {
                        Tolerance::Relative(_) => {
                            format!("{:+.2}%", (v - observed) / observed * 100.0)
                        }
                        Tolerance::Absolute(_) if f.unit == "%" => {
                            format!("{:+.2} pp", v - observed)
                        }
                        Tolerance::Absolute(_) => format!("{:+.2} {}", v - observed, f.unit),
                    },
                ),
                tolerance,
                tolerance_unit,
                within_tolerance: simulated.is_some_and(|v| tol.within(v, observed)),
                status: match simulated {
                    None => "beyond horizon",
                    Some(v) if tol.within(v, observed) => "within tolerance",
                    Some(_) => "outside tolerance",
                },
                role: f.role().name(),
                construction: f.construction.clone(),
                inside_interval: s
                    .filter(|_| results.len() >= 2)
                    .map(|s| (s.p05..=s.p95).contains(&observed)),
            })
        })
        .collect()
}

/// The target-gap table: every target, modelled or not.
pub fn targets(seeds: &Seeds, results: &[RunResult]) -> Vec<TargetRow> {
    seeds.targets().map(|f| target_row(f, results)).collect()
}

fn target_row(f: &Figure, results: &[RunResult]) -> TargetRow {
    let comparator = f
        .comparator
        .map(|c| c.symbol().to_owned())
        .unwrap_or_default();
    let mut row = TargetRow {
        id: f.id.clone(),
        description: f.description.clone(),
        description_zh: f.description_zh.clone(),
        kpi: f.kpi.clone(),
        date: f.date,
        comparator,
        target: f.value,
        unit: f.unit.clone(),
        simulated: None,
        gap: None,
        met: None,
        p_met: None,
        p05: None,
        p95: None,
        status: "not modelled yet".into(),
        construction: f.construction.clone(),
    };
    let (Some(kpi), Some(date), Some(target), Some(cmp)) = (&f.kpi, f.date, f.value, f.comparator)
    else {
        return row;
    };
    let values = values_at(results, kpi, date);
    let Some(s) = spread(&values) else {
        row.status = "beyond horizon".into();
        return row;
    };
    let met = cmp.met(s.mean, target);
    row.simulated = Some(s.mean);
    row.gap = Some(s.mean - target);
    row.met = Some(met);
    let p_met = values.iter().filter(|&&v| cmp.met(v, target)).count() as f64 / values.len() as f64;
    row.p_met = Some(p_met);
    row.p05 = Some(s.p05);
    row.p95 = Some(s.p95);
    row.status = target_status(p_met).into();
    row
}

/// A number for a table: thousands for counts, two decimals for small values, and three
/// significant digits below 0.1 (so that 0.0012 yuan per yuan of orders does not read 0.00).
pub fn fmt_value(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let s = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    } else if v != 0.0 && v.abs() < 0.1 {
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(2, 12) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.2}")
    }
}

pub(crate) fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), fmt_value)
}

/// The calibration table as aligned text.
pub fn calibration_text(rows: &[CalibrationRow]) -> String {
    let mut t = vec![vec![
        "id".into(),
        "kpi".into(),
        "date".into(),
        "observed".into(),
        "simulated".into(),
        "90% interval".into(),
        "error".into(),
        "tolerance".into(),
        "ok".into(),
        "role".into(),
    ]];
    for r in rows {
        t.push(vec![
            r.id.clone(),
            r.kpi.clone(),
            r.date.to_string(),
            fmt_value(r.observed),
            opt(r.simulated),
            match (r.p05, r.p95) {
                (Some(a), Some(b)) => format!("{} – {}", fmt_value(a), fmt_value(b)),
                _ => "–".into(),
            },
            r.error_text.clone(),
            crate::seeds::tolerance_text(r.tolerance, &r.tolerance_unit),
            match r.status {
                "within tolerance" => "yes",
                "outside tolerance" => "NO",
                other => other,
            }
            .into(),
            match (r.role, r.inside_interval) {
                ("holdout", Some(true)) => "holdout: inside the 90 % interval".into(),
                ("holdout", Some(false)) => "holdout: OUTSIDE the 90 % interval".into(),
                (role, _) => role.into(),
            },
        ]);
    }
    table(&t)
}

/// The target-gap table as aligned text.
pub fn targets_text(rows: &[TargetRow]) -> String {
    let mut t = vec![vec![
        "id".into(),
        "target".into(),
        "date".into(),
        "simulated".into(),
        "90% interval".into(),
        "gap".into(),
        "p_met".into(),
        "status".into(),
    ]];
    for r in rows {
        t.push(vec![
            r.id.clone(),
            format!(
                "{} {} {}",
                r.comparator,
                r.target.map_or_else(String::new, fmt_value),
                r.unit
            )
            .trim()
            .to_owned(),
            r.date.map_or_else(|| "–".into(), |d| d.to_string()),
            opt(r.simulated),
            match (r.p05, r.p95) {
                (Some(a), Some(b)) => format!("{} – {}", fmt_value(a), fmt_value(b)),
                _ => "–".into(),
            },
            opt(r.gap),
            r.p_met.map_or_else(|| "–".into(), |p| format!("{p:.2}")),
            if r.status == "not modelled yet" {
                format!("not modelled yet: {}", r.description)
            } else if r.construction.is_some() {
                format!("{} (by construction)", r.status)
            } else {
                r.status.clone()
            },
        ]);
    }
    table(&t)
}

pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| format!("{s}{}", " ".repeat(width[c] - s.chars().count())))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(
                &width
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_of_known_values() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        let s = spread(&v).unwrap();
        assert_eq!(s.mean, 10.5);
        assert_eq!(s.p05, 1.0);
        assert_eq!(s.p95, 19.0);
        assert!(spread(&[]).is_none());
    }

    #[test]
    fn formats_numbers_for_tables() {
        assert_eq!(fmt_value(11_937.0), "11,937");
        assert_eq!(fmt_value(99.4), "99.40");
        assert_eq!(fmt_value(-1_234_567.0), "-1,234,567");
        assert_eq!(fmt_value(0.0012048), "0.00120");
        assert_eq!(fmt_value(-0.05), "-0.0500");
        assert_eq!(fmt_value(0.0), "0.00");
    }
}
