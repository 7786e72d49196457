//! Target feasibility (scenario discovery) over the points of a sweep: for each target with
//! a KPI, how likely it is to be met across the explored space, and in which sub-range of
//! each lever it is met reliably.
//!
//! The rule, kept simple so a planner can check it by hand in `points.csv`:
//!
//! - A point's P(met) is the share of its replicates that meet the target (`p_met_<id>`).
//! - `p_met` is the mean of P(met) over the points: the probability of meeting the target
//!   at a point drawn from the explored space, as the design samples it.
//! - A point is *reliable* when P(met) ≥ 0.8 (`RELIABLE`). `share_reliable` is the share of
//!   points that are.
//! - For each lever, `reliable_min` – `reliable_max` is the range of that lever's values over
//!   the reliable points, next to the range explored. A range narrower than the explored one
//!   says the target needs that lever in it; a range as wide says the lever does not decide
//!   it (on its own: the ranges are per lever, not a box that guarantees the target).

use serde::Serialize;

use crate::folders::SweepFolder;

/// P(met) from which a point counts as meeting the target reliably.
pub const RELIABLE: f64 = 0.8;

/// One target and one lever.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeasibilityRow {
    pub target: String,
    pub points: usize,
    pub p_met: f64,
    pub share_reliable: f64,
    pub lever: String,
    pub explored_min: Option<f64>,
    pub explored_max: Option<f64>,
    pub reliable_min: Option<f64>,
    pub reliable_max: Option<f64>,
}

fn range(values: impl Iterator<Item = f64>) -> (Option<f64>, Option<f64>) {
    values
        .filter(|v| v.is_finite())
        .fold((None, None), |(lo, hi), v| {
            (
                Some(lo.map_or(v, |l: f64| l.min(v))),
                Some(hi.map_or(v, |h: f64| h.max(v))),
            )
        })
}

/// The feasibility table of a finished sweep: per target (in `points.csv` order), one row
/// per lever.
pub fn feasibility(sweep: &SweepFolder) -> Vec<FeasibilityRow> {
    let first_kpi = sweep
        .header
        .iter()
        .position(|h| h.ends_with("_mean"))
        .unwrap_or(sweep.header.len());
    let levers: Vec<(String, Vec<f64>)> = sweep.header[2.min(first_kpi)..first_kpi]
        .iter()
        .map(|l| (l.clone(), sweep.numbers(l).unwrap_or_default()))
        .collect();
    sweep
        .targets()
        .into_iter()
        .filter_map(|t| {
            let p = sweep.numbers(&format!("p_met_{t}"))?;
            Some(target_rows(&t, &levers, &p))
        })
        .flatten()
        .collect()
}

/// One target's rows, from each lever's value and P(met) at every point (NaN: undefined).
pub fn target_rows(target: &str, levers: &[(String, Vec<f64>)], p: &[f64]) -> Vec<FeasibilityRow> {
    let defined: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    if defined.is_empty() {
        return Vec::new();
    }
    let reliable: Vec<usize> = defined
        .iter()
        .copied()
        .filter(|&i| p[i] >= RELIABLE)
        .collect();
    let n = defined.len() as f64;
    let p_met = defined.iter().map(|&i| p[i]).sum::<f64>() / n;
    let at = |values: &[f64], i: usize| values.get(i).copied().unwrap_or(f64::NAN);
    levers
        .iter()
        .map(|(lever, values)| {
            let (explored_min, explored_max) = range(defined.iter().map(|&i| at(values, i)));
            let (reliable_min, reliable_max) = range(reliable.iter().map(|&i| at(values, i)));
            FeasibilityRow {
                target: target.to_owned(),
                points: defined.len(),
                p_met,
                share_reliable: reliable.len() as f64 / n,
                lever: lever.clone(),
                explored_min,
                explored_max,
                reliable_min,
                reliable_max,
            }
        })
        .collect()
}

pub fn feasibility_csv(rows: &[FeasibilityRow]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish feasibility.csv: {e}"))
}

/// A short text table: per target, P(met), the share of reliable points, and each lever's
/// reliable range against the explored one.
pub fn feasibility_text(rows: &[FeasibilityRow]) -> String {
    use crate::report::fmt_value;
    let v = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), fmt_value);
    let mut table = vec![vec![
        "target".to_owned(),
        "P(met)".to_owned(),
        format!("points ≥ {:.0} %", RELIABLE * 100.0),
        "lever".to_owned(),
        "explored".to_owned(),
        "met reliably in".to_owned(),
    ]];
    for r in rows {
        table.push(vec![
            r.target.clone(),
            format!("{:.0} %", 100.0 * r.p_met),
            format!("{:.0} %", 100.0 * r.share_reliable),
            r.lever.clone(),
            format!("{} – {}", v(r.explored_min), v(r.explored_max)),
            if r.reliable_min.is_some() {
                format!("{} – {}", v(r.reliable_min), v(r.reliable_max))
            } else {
                "never".to_owned()
            },
        ]);
    }
    crate::report::table(&table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reliable_range_is_where_the_target_is_met_in_at_least_80_percent() {
        // Ten points: the target is met reliably from x = 6 on, half the time at x = 5, never
        // below; y does not matter.
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let y: Vec<f64> = (0..10).map(|i| f64::from((i * 7) % 10)).collect();
        let p: Vec<f64> = x
            .iter()
            .map(|&v| {
                if v >= 6.0 {
                    0.9
                } else if v == 5.0 {
                    0.5
                } else {
                    0.0
                }
            })
            .collect();
        let rows = target_rows("T", &[("x".into(), x), ("y".into(), y)], &p);
        assert_eq!(rows.len(), 2);
        assert!((rows[0].p_met - (4.0 * 0.9 + 0.5) / 10.0).abs() < 1e-12);
        assert!((rows[0].share_reliable - 0.4).abs() < 1e-12);
        assert_eq!(
            (rows[0].reliable_min, rows[0].reliable_max),
            (Some(6.0), Some(9.0))
        );
        assert_eq!(
            (rows[0].explored_min, rows[0].explored_max),
            (Some(0.0), Some(9.0))
        );
        // y at x = 6..9 is 2, 9, 6, 3: spread over its range, so it does not decide the target.
        assert_eq!(
            (rows[1].reliable_min, rows[1].reliable_max),
            (Some(2.0), Some(9.0))
        );
    }

    #[test]
    fn a_target_never_met_has_no_reliable_range_and_undefined_points_are_left_out() {
        let rows = target_rows(
            "T",
            &[("x".into(), vec![1.0, 2.0, 3.0])],
            &[0.0, f64::NAN, 0.5],
        );
        assert_eq!(rows[0].points, 2);
        assert_eq!(rows[0].reliable_min, None);
        assert!((rows[0].p_met - 0.25).abs() < 1e-12);
        assert_eq!(
            (rows[0].explored_min, rows[0].explored_max),
            (Some(1.0), Some(3.0))
        );
        assert!(target_rows("T", &[], &[f64::NAN]).is_empty());
    }
}
